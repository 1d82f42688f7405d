"""``newscrawl.extract(html, url)`` on pages of sites without a module, field by field; pages
that are not articles are refused with their reason; a site module's values win and a partial
module is completed by the generic layer; the Japan Times pages come out as the crawl's."""

import dataclasses
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newscrawl
from newscrawl.extraction.article import extract_article
from newscrawl.items import ARTICLE_KEYS
from newscrawl.pipelines.validation import schema_errors
from newscrawl.sites import get_site
from newscrawl.sites.base import generic_site
from newscrawl.snapshot import SNAPSHOT_DIR, load_expected, load_manifest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "pages" / "generic"
WP_URL = "https://www.riverside-gazette.com/2024/03/05/council-approves-mill-river-bridge/"
LEDGER_URL = "https://news.northernledger.co.uk/climate/2025/07/15/heatwave-grid-record-demand"
FETCHED = datetime(2025, 7, 16, 8, 0, tzinfo=UTC)


def page(name):
    return (PAGES / name).read_bytes()


def extract(name, url):
    return newscrawl.extract(page(name), url, fetched_at=FETCHED)


def test_import_newscrawl_stays_cheap():
    code = ("import sys, newscrawl; bad = [m for m in ('trafilatura', 'htmldate', 'scrapy', "
            "'newscrawl.api') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"
    assert newscrawl.__all__ == ["NotAnArticle", "extract"]


def test_the_wordpress_article_field_by_field():
    record = extract("wordpress_article.html", WP_URL)
    assert tuple(record) == ARTICLE_KEYS
    assert schema_errors(record) == []
    assert record["url"] == WP_URL
    assert record["canonical_url"] == WP_URL  # og:url's utm_source is not taken
    assert record["site"] == "riverside-gazette.com"
    assert record["extraction"] == "generic"
    assert record["article_id"] == "4821"
    assert record["section"] == "Local News"
    assert record["subsection"] is None
    assert record["headline"] == "Council approves new bridge over the Mill River"
    assert record["description"].startswith("The city council voted 7-2 on Monday")
    assert record["authors"] == ["Maria Lopez", "Tom Becker"]
    assert record["credit"] is None
    assert record["dateline"] == "RIVERSIDE"
    assert record["published_at"] == "2024-03-05T08:30:00-05:00"
    assert record["modified_at"] == "2024-03-06T10:15:00-05:00"
    assert record["published_raw"] == "2024-03-05T08:30:00-05:00"
    assert record["date_source"] == "json-ld"
    assert record["language"] == "en"
    assert record["image"] == {
        "url": "https://www.riverside-gazette.com/wp-content/uploads/2024/03/mill-river-bridge.jpg",
        "caption": "The old crossing over the Mill River, seen from Water Street.",
        "credit": "Photo: Dana Whitfield"}
    assert record["images"] == [record["image"]]
    assert record["tags"] == ["Mill River", "city council", "infrastructure"]
    assert record["paywalled"] is False
    assert record["crawled_at"] == "2025-07-16T08:00:00Z"
    paragraphs = record["paragraphs"]
    assert paragraphs[0].startswith("RIVERSIDE — The city council voted 7-2")
    assert paragraphs[-1].startswith("Construction is expected to begin in September")
    assert "Where the money comes from" in paragraphs  # a subhead stays a paragraph
    assert len(paragraphs) == 7
    body = record["body"]
    for boilerplate in ("Share this", "Advertisement", "newsletter", "Read more",
                        "Related", "Water Street sidewalk plan", "Leave a Reply",
                        "covers city hall", "The old crossing over", "All rights reserved"):
        assert boilerplate not in body, boilerplate
    assert record["word_count"] == len(body.split())
    assert record["content_hash"].startswith("sha256:")


def test_the_json_ld_heavy_article_field_by_field():
    record = extract("modern_jsonld_article.html", LEDGER_URL)
    assert schema_errors(record) == []
    assert record["site"] == "northernledger.co.uk"
    assert record["extraction"] == "generic"
    assert record["article_id"] is None
    assert record["section"] == "Climate"
    assert record["headline"] == "Heatwave pushes grid to the limit as demand hits record"
    # people only: "By" stripped, the Organization author left out
    assert record["authors"] == ["Priya Natarajan", "Owen Hughes"]
    # JSON-LD's UTC instant, written as the page's dateline prints it ("15 July 2025, 3:20pm":
    # British summer time); the raw string is still the one the instant was read from
    assert record["published_at"] == "2025-07-15T15:20:00+01:00"
    assert record["published_raw"] == "2025-07-15T14:20:00Z"
    assert record["modified_at"] == "2025-07-15T18:05:00+00:00"
    assert record["language"] == "en"
    assert record["image"] == {"url": "https://img.northernledger.co.uk/2025/07/pylons-sunset.jpg",
                               "caption": "Pylons near Leeds on Tuesday evening.",
                               "credit": "Ledger/Sam Ortiz"}
    assert record["tags"] == ["energy", "heatwave", "national grid"]
    assert record["paywalled"] is True  # isAccessibleForFree: false
    assert [p[:30] for p in record["paragraphs"]] == [
        "Electricity demand reached an ", "Demand peaked at 4.32pm, when ",
        "“We had enough margin, but not", "Forecasters expect temperature"]


def test_text_and_bytes_give_the_same_record():
    as_bytes = extract("wordpress_article.html", WP_URL)
    as_text = newscrawl.extract(page("wordpress_article.html").decode("utf-8"), WP_URL,
                                fetched_at=FETCHED)
    assert as_text == as_bytes


def test_bytes_are_decoded_by_the_charset_the_page_declares():
    html = page("wordpress_article.html").decode("utf-8")
    html = html.replace('<meta charset="UTF-8">', '<meta charset="windows-1252">')
    html = html.replace("RIVERSIDE — ", "RIVERSIDE – ").replace("$4.2 million", "€4.2 million")
    record = newscrawl.extract(html.encode("cp1252", "replace"), WP_URL, fetched_at=FETCHED)
    assert record["paragraphs"][0].startswith("RIVERSIDE – The city council")
    assert "€4.2 million" in record["body"]
    assert "“This is the single most requested project in my ward,”" in record["body"]
    assert "\ufffd" not in record["body"]


def test_bad_arguments():
    with pytest.raises(ValueError):
        newscrawl.extract("<html></html>", "/relative/path")
    with pytest.raises(TypeError):
        newscrawl.extract(12, WP_URL)


@pytest.mark.parametrize("name, url, reason", [
    ("home.html", "https://www.riverside-gazette.com/", "listing"),
    ("section.html", "https://www.riverside-gazette.com/category/local-news/", "listing"),
    ("tag.html", "https://news.northernledger.co.uk/topic/heatwave", "listing"),
    ("gallery.html", "https://news.northernledger.co.uk/climate/2025/07/16/in-pictures-heatwave",
     "gallery"),
    ("error_200.html", "https://www.riverside-gazette.com/2024/03/05/no-such-story/",
     "error_page"),
    ("botwall.html", WP_URL, "botwall"),
    ("search.html", "https://www.riverside-gazette.com/?s=bridge", "search_page"),
])
def test_pages_that_are_not_articles_are_refused_with_a_reason(name, url, reason):
    with pytest.raises(newscrawl.NotAnArticle) as error:
        extract(name, url)
    assert error.value.reason == reason
    assert reason in str(error.value)


def test_a_page_without_text_and_a_truncated_page():
    with pytest.raises(newscrawl.NotAnArticle) as error:
        newscrawl.extract("<html><head><title>Video: the flood</title></head><body><h1>Video: "
                          "the flood</h1><video src='a.mp4'></video></body></html>",
                          "https://example-news.com/video-the-flood")
    assert error.value.reason == "no_text"
    with pytest.raises(newscrawl.NotAnArticle) as error:
        newscrawl.extract(page("wordpress_article.html")[:3000], WP_URL)
    assert error.value.reason == "truncated"


# --- site modules win -----------------------------------------------------------------------------
def test_a_partial_site_module_overrides_only_what_it_knows():
    from scrapy.http import HtmlResponse

    site = dataclasses.replace(
        generic_site("www.riverside-gazette.com"), name="riverside", generic=False,
        language="en", selectors={"description": ("div.entry-categories a",),
                                  "authors": ("h2.author-title",)})
    response = HtmlResponse(url=WP_URL, body=page("wordpress_article.html"))
    item = extract_article(response, site, fetched_at=FETCHED)
    assert item["extraction"] == "site:riverside"
    assert item["site"] == "riverside"
    # the module's selectors win for what it lists (the generic layer would find both
    # authors in the byline, and the meta description) ...
    assert item["description"] == "Local News"
    assert item["authors"] == ["Maria Lopez"]
    # ... the generic layer gives the rest
    assert item["published_at"] == "2024-03-05T08:30:00-05:00"
    assert item["tags"] == ["Mill River", "city council", "infrastructure"]
    assert item["body_element"] is not None


JT_PAGES = load_manifest()
EXPECTED = load_expected()["articles"]


@pytest.mark.parametrize("truth", EXPECTED[:6], ids=lambda t: t["url"].rsplit("/", 2)[-2])
def test_japan_times_pages_come_out_as_the_site_module_makes_them(truth):
    path = truth["url"].removeprefix("https://www.japantimes.co.jp")
    body = (SNAPSHOT_DIR / "site" / JT_PAGES[path]["file"]).read_bytes()
    record = newscrawl.extract(body, truth["url"], fetched_at=FETCHED)
    assert record["extraction"] == "site:japantimes"
    assert record["site"] == "japantimes"
    for key in ("canonical_url", "headline", "section", "subsection", "authors", "credit",
                "dateline", "published_at", "modified_at", "article_id", "paragraphs", "tags",
                "paywalled"):
        assert record[key] == truth[key], key
    assert get_site("japantimes").selectors.keys() >= {
        "headline", "authors", "body", "published_text", "tags", "images", "section_links"}


def test_the_generic_layer_alone_reads_the_japan_times_pages():
    # A site the generic rules were not written for: its module set aside, the generic layer
    # must still get the headline, the day, the people and the article's paragraphs.
    site = generic_site("www.japantimes.co.jp")
    for truth in EXPECTED:
        path = truth["url"].removeprefix("https://www.japantimes.co.jp")
        body = (SNAPSHOT_DIR / "site" / JT_PAGES[path]["file"]).read_bytes()
        record = newscrawl.extract(body, truth["url"], site=site, fetched_at=FETCHED)
        assert record["extraction"] == "generic"
        assert record["headline"] == truth["headline"], path
        assert record["published_at"][:10] == truth["published_at"][:10], path
        assert record["authors"] == truth["authors"], path
        kept = set(record["paragraphs"])
        assert sum(p in kept for p in truth["paragraphs"]) >= 0.9 * len(truth["paragraphs"])
        assert len(record["paragraphs"]) <= len(truth["paragraphs"]) + 1, path


def test_a_section_front_at_an_unknown_address_is_a_listing_by_its_links():
    teasers = "".join(
        f'<div class="card"><h3><a href="/politics/story-{i}">Council story number {i} about '
        f'the budget and the bridge vote</a></h3><a href="/politics/story-{i}">Read the full '
        f'report on the vote in the council</a><p>Short.</p></div>' for i in range(12))
    html = (f"<html><head><title>Politics | Riverside Gazette</title></head><body><main>"
            f"<h1>Politics</h1>{teasers}</main></body></html>")
    with pytest.raises(newscrawl.NotAnArticle) as error:
        newscrawl.extract(html, "https://www.riverside-gazette.com/politics")
    assert error.value.reason == "listing"


PLAIN = """<html lang="en"><head><title>{title}</title></head><body><main><article>
<h1>{title}</h1>{date}<p>{text}</p><p>{more}</p></article></main></body></html>"""
TEXT = ("The harbour board agreed on Thursday to lease the old ferry terminal to a rowing club "
        "for ten years, after two years in which the building stood empty and unheated.")
MORE = ("The club will pay for a new roof and open the ground floor to the public on weekends, "
        "the board's chair said, and the lease can be renewed once for another ten years.")


def test_a_page_without_machine_readable_dates_gets_htmldates_day():
    html = PLAIN.format(title="Rowing club gets the old ferry terminal",
                        date='<p class="date">Posted on 14 March 2024</p>', text=TEXT,
                        more=MORE)
    record = newscrawl.extract(html, "https://example-news.com/rowing-club-ferry-terminal")
    assert record["published_at"] == "2024-03-14"  # a date alone, never an invented time
    assert record["date_source"] == "htmldate"
    assert record["extraction"] == "generic" and record["site"] == "example-news.com"
    assert record["language"] == "en"


def test_the_urls_date_is_the_last_resort():
    html = PLAIN.format(title="Rowing club gets the old ferry terminal", date="", text=TEXT,
                        more=MORE)
    record = newscrawl.extract(html, "https://example-news.com/2024/03/14/rowing-club/")
    assert record["published_at"] == "2024-03-14"
    assert record["date_source"] in ("url", "htmldate")  # htmldate reads URLs too


LD_PAGE = """<html lang="en"><head><title>{title}</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"datePublished": "{published}"}}</script></head><body><main><article>
<h1>{title}</h1>{header}<p>{text}</p><p>{more}</p></article></main></body></html>"""
FERRY = "Rowing club gets the old ferry terminal"


def test_a_utc_date_is_written_with_the_offset_the_pages_time_element_states():
    # Same instant, two spellings: the day readers were shown is the newsroom's.
    html = LD_PAGE.format(title=FERRY, published="2023-12-23T03:22:07Z", text=TEXT, more=MORE,
                          header='<time datetime="2023-12-22T22:22:07-0500">Friday</time>')
    record = newscrawl.extract(html, "https://example-news.com/rowing-club-ferry-terminal")
    assert record["published_at"] == "2023-12-22T22:22:07-05:00"
    assert record["published_raw"] == "2023-12-23T03:22:07Z"
    assert record["date_source"] == "json-ld"


def test_a_utc_date_is_written_with_the_offset_of_the_visible_dateline():
    header = ('<div class="byline">By Ann Lee<span>Dec. 21, 2023</span> '
              '<span>11:00 pm EST</span></div>')
    html = LD_PAGE.format(title=FERRY, published="2023-12-22T04:00:41+00:00", text=TEXT,
                          more=MORE, header=header)
    record = newscrawl.extract(html, "https://example-news.com/rowing-club-ferry-terminal")
    assert record["published_at"] == "2023-12-21T23:00:41-05:00"
    assert record["date_source"] == "json-ld"


def test_a_dateline_of_another_instant_changes_nothing():
    # The update's clock, and a clock that is not the same minute: the instant stays UTC.
    header = ('<p>Updated: December 22, 2023 at 11:00 p.m.</p>'
              '<p>December 22, 2023 at 10:48 p.m.</p>')
    html = LD_PAGE.format(title=FERRY, published="2023-12-23T04:00:00Z", text=TEXT,
                          more=MORE, header=header)
    record = newscrawl.extract(html, "https://example-news.com/rowing-club-ferry-terminal")
    assert record["published_at"] == "2023-12-23T04:00:00+00:00"


def test_the_pages_marked_dateline_beats_the_urls_day():
    # Published after midnight on a URL made the day before: the page's <time> says so.
    date = '<p>By Ann Lee <time datetime="2023-12-22 05:00:00">12/22/2023 05:00 AM EST</time></p>'
    html = PLAIN.format(title=FERRY, date=date, text=TEXT, more=MORE)
    record = newscrawl.extract(html, "https://example-news.com/news/2023/12/21/rowing-club")
    assert record["published_at"] == "2023-12-22"  # the day alone: the page states no offset
    assert record["date_source"] == "text"
    assert record["published_raw"] == "By Ann Lee 12/22/2023 05:00 AM EST"
