"""The Japan Times: extraction from saved pages field by field, and the spider's listing logic.

Responses are built from the snapshot's saved pages under their real URLs; the fetch time is
fixed. Each assertion is a value the page shows (or the ground truth in expected.json).
"""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import scrapy
from jsonschema import Draft202012Validator
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.extraction.article import NotAnArticle, extract_article
from newscrawl.extraction.processors import content_hash
from newscrawl.items import ARTICLE_KEYS
from newscrawl.pipelines.cleaning import CleaningPipeline
from newscrawl.sites.japantimes import SITE
from newscrawl.snapshot import SNAPSHOT_DIR, load_expected, load_manifest
from newscrawl.spiders.base import STAT_BOTWALL, STAT_DROPPED, STAT_TEASERS_OLD
from newscrawl.spiders.japantimes import JapanTimesSpider

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "newscrawl" / "schema" / "article.schema.json").read_text("utf-8"))
ORIGIN = "https://www.japantimes.co.jp"
MANIFEST = load_manifest()
EXPECTED = load_expected()
ARTICLES = {a["url"]: a for a in EXPECTED["articles"]}
SPECIAL = EXPECTED["special"]
FETCHED = datetime(2023, 11, 25, 3, 0, tzinfo=UTC)

MASKS = ORIGIN + "/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"
KIM = (ORIGIN + "/news/2019/10/24/asia-pacific/politics-diplomacy-asia-pacific/"
       "kim-jong-un-trump-special-relationship-kcna/")
DOLLARIZATION = ORIGIN + "/business/2023/11/24/economy/dollarization-advice-warnings/"
ORBIT = ORIGIN + "/news/2023/11/24/japan/politics/north-korea-object-orbit/"
NISSAN = ORIGIN + "/business/2023/11/24/companies/nissan-new-evs-britain/"
PAYWALLED = ORIGIN + "/news/2023/11/24/japan/politics/lh-committee-bill-uc-assets-victims/"


def manifest_key(url):
    parts = urlsplit(url)
    key = parts.path + (f"?{parts.query}" if parts.query else "")
    return key if key in MANIFEST else parts.path


def response_for(url, status=None, request=None):
    entry = MANIFEST[manifest_key(url)]
    body = (SNAPSHOT_DIR / "site" / entry["file"]).read_bytes()
    return HtmlResponse(url=url, body=body, encoding="utf-8",
                        status=entry["status"] if status is None else status, request=request)


def record(url):
    """The record as the crawl exports it: extraction, then the cleaning pipeline."""
    crawler = get_crawler(JapanTimesSpider)
    item = extract_article(response_for(url), fetched_at=FETCHED)
    return dict(CleaningPipeline.from_crawler(crawler).process_item(item))


def spider(settings=None, **kwargs):
    crawler = get_crawler(JapanTimesSpider, settings)
    return JapanTimesSpider.from_crawler(crawler, **kwargs)


def assert_consistent(rec):
    assert tuple(k for k in ARTICLE_KEYS if k not in rec) == ()
    assert rec["body"] == "\n\n".join(rec["paragraphs"])
    assert rec["word_count"] == len(rec["body"].split()) > 0
    assert rec["content_hash"] == content_hash(rec["body"])
    assert rec["image"] == (rec["images"][0] if rec["images"] else None)
    assert rec["crawled_at"] == "2023-11-25T03:00:00Z"
    assert rec["site"] == "japantimes"


# --- (a) the real 2020 page ------------------------------------------------------------------


def test_the_real_2020_page_field_by_field():
    rec = record(MASKS)
    assert rec["url"] == MASKS
    assert rec["canonical_url"] == MASKS
    assert rec["headline"] == "Losing face: 6,000 surgical masks stolen from Kobe hospital"
    assert rec["section"] == "National"
    assert rec["subsection"] == "Crime & Legal"
    assert rec["credit"] == "JIJI"
    assert rec["authors"] == []
    assert rec["dateline"] == "KOBE"
    assert rec["article_id"] == "2489221"
    assert rec["published_at"] == "2020-02-18T18:07:56+09:00"
    assert rec["modified_at"] is None  # "Last Modified: Feb 18, 2020" is the same day
    assert rec["language"] == "en"
    assert rec["paywalled"] is False
    assert rec["tags"] == ["Kobe", "health", "theft", "masks", "hospitals", "hyogo", "covid-19"]
    assert len(rec["paragraphs"]) == 6
    assert rec["paragraphs"][0].startswith("KOBE – A total of 6,000 surgical masks")
    assert rec["paragraphs"][-1].endswith("originating in China.")
    assert rec["paragraphs"] == ARTICLES[MASKS]["paragraphs"]
    assert [i["credit"] for i in rec["images"]] == ["KYODO", "AP"]
    assert [i["caption"] for i in rec["images"]] == [
        "A drugstore in Tokyo runs low on masks in early February.",
        "Commuters, many with masks, walk along a sidewalk Tuesday in Tokyo."]
    assert all(i["url"].startswith("https://") for i in rec["images"])
    assert rec["description"] == ("A total of 6,000 surgical masks have been lost at a hospital "
                                  "in Kobe, it was learned Tuesday.")
    assert rec["published_raw"] == "2020-02-18T18:07:56+09:00"
    assert rec["date_source"] in ("json-ld", "meta")
    assert "¥40,000" in rec["body"]
    assert_consistent(rec)
    assert rec["word_count"] == 151


# --- (b) the rebuilt 2019 Kim Jong Un article ------------------------------------------------

NAIVE = (SNAPSHOT_DIR / "sources" / "article-2019-10-24-naive-extraction.txt").read_text("utf-8")


def test_the_kim_article_gives_exactly_its_paragraphs():
    rec = record(KIM)
    assert len(rec["paragraphs"]) == 9
    assert rec["paragraphs"][0].startswith("SEOUL – North Korean leader Kim Jong Un")
    assert rec["paragraphs"][-1].endswith("deadline for denuclearisation talks with Washington.")
    assert rec["paragraphs"] == ARTICLES[KIM]["paragraphs"]
    # Every article paragraph is one the naive scraper saw too, in the same order.
    naive_lines = [line.strip() for line in NAIVE.splitlines() if line.strip()]
    assert [p for p in naive_lines if p in rec["paragraphs"]] == rec["paragraphs"]
    assert rec["dateline"] == "SEOUL"
    assert_consistent(rec)


def test_none_of_the_boilerplate_a_naive_scraper_got_reaches_the_kim_body():
    rec = record(KIM)
    boilerplate = [line.strip() for line in NAIVE.splitlines()
                   if line.strip() and line.strip() not in rec["paragraphs"]]
    # The naive text is mostly boilerplate: headline, credit, section, promos, latest stories,
    # photo captions, keywords.
    assert len(boilerplate) >= 20
    for line in boilerplate:
        assert line not in rec["body"], line
    for text in ("RELATED STORIES", "North Korea says nuclear talks with U.S. in Sweden broke",
                 "Mail the editor", "googletag", "TAKE 5", "Image Not Available"):
        assert text not in rec["body"], text


def test_the_kim_article_metadata():
    rec = record(KIM)
    assert rec["headline"] == "Kim Jong Un and Trump have 'special' relationship: KCNA"
    assert rec["credit"] == "Reuters"
    assert rec["authors"] == []
    assert rec["section"] == "Asia Pacific"
    assert rec["subsection"] == "Politics"
    assert rec["published_at"] == ARTICLES[KIM]["published_at"]
    assert rec["modified_at"] is None
    assert rec["article_id"] == ARTICLES[KIM]["article_id"]
    assert len(rec["images"]) == 1
    assert rec["image"]["credit"] == "KCNA / VIA REUTERS"
    assert rec["image"]["caption"].startswith("North Korean leader Kim Jong Un inspects")
    assert rec["image"]["caption"].endswith("on Wednesday.")
    assert "|" not in rec["image"]["caption"]
    assert rec["tags"][:3] == ["North Korea", "Kim Jong Un", "Donald Trump"]


def test_the_kim_description_is_a_whole_sentence():
    rec = record(KIM)
    description = rec["description"]
    assert description is not None
    assert description[-1] in ".!?”\""
    first = rec["paragraphs"][0].removeprefix("SEOUL – ")
    assert first.startswith(description.rstrip(".!?”\""))


# --- (c) current layout, field by field ------------------------------------------------------

COMPARED = ("url", "canonical_url", "headline", "section", "subsection", "authors", "credit",
            "dateline", "published_at", "modified_at", "article_id", "paragraphs", "tags",
            "paywalled")


@pytest.mark.parametrize("url", [DOLLARIZATION, ORBIT, NISSAN])
def test_current_layout_articles_match_the_ground_truth(url):
    rec = record(url)
    truth = ARTICLES[url]
    for key in COMPARED:
        assert rec[key] == truth[key], key
    assert [i["credit"] for i in rec["images"]] == truth["image_credits"]
    assert rec["language"] == "en"
    assert rec["date_source"] == "json-ld"
    assert_consistent(rec)


def test_three_reuters_authors_and_a_wire_credit():
    rec = record(DOLLARIZATION)
    assert rec["authors"] == ["Tito Correa", "Nyasha Chingono", "Miguel Lo Bianco"]
    assert rec["credit"] == "Reuters"
    assert rec["dateline"] == "BUENOS AIRES"
    assert rec["modified_at"] is None
    assert rec["headline"] == "As Argentina eyes dollarization, Zimbabwe and Ecuador offer clues"
    assert rec["section"] == "Business" and rec["subsection"] == "Economy"
    assert rec["article_id"] == "604736"
    assert rec["description"].endswith("to bring economic stability.")


def test_a_staff_writer_and_a_later_update():
    rec = record(ORBIT)
    assert rec["authors"] == ["Jesse Johnson"]
    assert rec["credit"] == "Staff writer"
    assert "Staff writer" not in rec["authors"]
    assert rec["section"] == "Japan"  # printed "JAPAN"
    assert rec["published_at"] == "2023-11-24T14:09:00+09:00"
    assert rec["modified_at"] == "2023-11-24T18:52:00+09:00"
    assert rec["dateline"] is None
    assert "A violation of U.N. resolutions" in rec["paragraphs"]  # subheads are kept
    assert [i["credit"] for i in rec["images"]] == ["Kyodo", "Reuters"]


def test_an_update_on_the_next_day():
    rec = record(NISSAN)
    assert rec["published_at"] == "2023-11-24T16:06:00+09:00"
    assert rec["modified_at"] == "2023-11-25T01:15:00+09:00"
    assert rec["authors"] == ["Nick Carey"]


# --- (d) a paywalled preview -----------------------------------------------------------------


def test_a_paywalled_preview():
    rec = record(PAYWALLED)
    assert rec["paywalled"] is True
    assert rec["paragraphs"] == ARTICLES[PAYWALLED]["paragraphs"]
    assert len(rec["paragraphs"]) == 3
    assert rec["paragraphs"][0].startswith("Lawmakers on Friday began debating bills")
    for text in ("SUBSCRIBE NOW", "By subscribing", "quality journalism", "Your subscription"):
        assert text not in rec["body"], text
    assert rec["authors"] == ["Kathleen Benoza"]
    assert_consistent(rec)


def test_only_the_preview_pages_are_paywalled():
    for url in ARTICLES:
        assert record(url)["paywalled"] is (url in SPECIAL["paywalled"]), url


# --- (e) pages that are not articles ---------------------------------------------------------


def test_the_bot_wall_is_not_an_article():
    with pytest.raises(NotAnArticle) as err:
        extract_article(response_for(SPECIAL["botwall"]), fetched_at=FETCHED)
    assert err.value.reason == "botwall"
    # A wall served with 200 is still a wall (by its markers).
    with pytest.raises(NotAnArticle) as err:
        extract_article(response_for(SPECIAL["botwall"], status=200), fetched_at=FETCHED)
    assert err.value.reason == "botwall"


def test_the_truncated_page_is_not_an_article():
    response = response_for(SPECIAL["truncated"])
    assert response.status == 200 and b"</html>" not in response.body
    with pytest.raises(NotAnArticle) as err:
        extract_article(response, fetched_at=FETCHED)
    assert err.value.reason == "truncated"


def test_the_server_error_is_not_an_article():
    with pytest.raises(NotAnArticle) as err:
        extract_article(response_for(SPECIAL["server_error"]), fetched_at=FETCHED)
    assert err.value.reason == "http_error"


def test_parse_article_counts_the_wall_and_drops_the_truncated_page():
    s = spider()
    assert list(s.parse_article(response_for(SPECIAL["botwall"]))) == []
    assert list(s.parse_article(response_for(SPECIAL["truncated"]))) == []
    stats = s.crawler.stats
    assert stats.get_value(STAT_BOTWALL) == 1
    assert stats.get_value(f"{STAT_DROPPED}/truncated") == 1
    items = list(s.parse_article(response_for(MASKS)))
    assert len(items) == 1 and items[0]["headline"].startswith("Losing face")


# --- (f) the spider --------------------------------------------------------------------------

LISTING_SECTIONS = {path: section for section, paths in EXPECTED["listings"].items()
                    for path in paths}


def parse(s, path, page=1):
    section = LISTING_SECTIONS[path]
    request = s.listing_request(ORIGIN + path, section, page)
    return list(s.parse_listing(response_for(ORIGIN + path, request=request)))


def split(results):
    """(article requests, listing requests); nothing else may come out of a listing page."""
    articles = [r for r in results if r.callback.__name__ == "parse_article"]
    listings = [r for r in results if r.meta.get("newscrawl_listing")]
    assert len(articles) + len(listings) == len(results)
    return articles, listings


def test_listing_pages_of_both_layouts_yield_only_normalised_on_site_article_urls():
    s = spider()
    seen = set()
    for path in LISTING_SECTIONS:
        articles, _ = split(parse(s, path))
        assert articles, path
        for request in articles:
            parts = urlsplit(request.url)
            assert parts.scheme == "https" and parts.netloc == "www.japantimes.co.jp"
            assert s.site.article_path_re.match(parts.path), request.url
            assert not parts.query and not parts.fragment, request.url
            assert request.callback == s.parse_article
            assert request.meta["newscrawl_section"] == LISTING_SECTIONS[path]
        seen |= {r.url for r in articles}
    # Every listed article of the snapshot and nothing else: the good ones, the special pages,
    # and the tracking link without its utm_ query and AddThis fragment.
    wanted = set(ARTICLES) | {SPECIAL["botwall"], SPECIAL["truncated"],
                              SPECIAL["server_error"]}
    assert seen == wanted
    assert SPECIAL["tracking_link"].split("?")[0] in seen


@pytest.mark.parametrize("path, next_url", [
    ("/news/national/", ORIGIN + "/news/national/page/2/"),
    ("/news/asia-pacific/", ORIGIN + "/news/asia-pacific/page/2/"),
    ("/news/japan/", ORIGIN + "/news/japan/?pgno=2"),
    ("/business/", ORIGIN + "/business/?pgno=2"),
])
def test_the_next_page_is_followed(path, next_url):
    _, listings = split(parse(spider(), path))
    assert [r.url for r in listings] == [next_url]
    assert listings[0].meta["newscrawl_page"] == 2
    assert listings[0].callback.__name__ == "parse_listing"


@pytest.mark.parametrize("path", ["/news/national/page/2/", "/news/japan/?pgno=2"])
def test_the_last_page_has_no_next(path):
    articles, listings = split(parse(spider(), path, page=2))
    assert articles and listings == []


def test_max_pages_stops_pagination():
    _, listings = split(parse(spider(max_pages="1"), "/news/national/"))
    assert listings == []
    _, listings = split(parse(spider(max_pages="2"), "/news/japan/"))
    assert len(listings) == 1
    _, listings = split(parse(spider(max_pages="2"), "/news/japan/?pgno=2", page=2))
    assert listings == []


def test_since_skips_older_teasers_and_stops_pagination_wordpress():
    s = spider(since="2020-02-20")
    articles, listings = split(parse(s, "/news/national/"))
    assert [urlsplit(r.url).path.split("/")[-2] for r in articles] == [
        "osaka-hospital-reopens-ward", "saitama-bicycle-thefts-arrest",
        "court-overtime-suit-logistics-firm"]
    assert listings == []
    assert s.crawler.stats.get_value(STAT_TEASERS_OLD) == 2


def test_since_on_the_current_layout():
    s = spider(since="2023-11-24")
    articles, listings = split(parse(s, "/news/japan/"))
    assert len(articles) == 6 and len(listings) == 1  # nothing older yet: paginate
    articles, listings = split(parse(s, "/news/japan/?pgno=2", page=2))
    assert [urlsplit(r.url).path.split("/")[-2] for r in articles] == [
        "gangs-hiring-online", "children-eating-disorder", "woman-stabbed-yokohama-music-venue"]
    assert s.crawler.stats.get_value(STAT_TEASERS_OLD) == 2


def test_an_unknown_section_is_refused_listing_the_known_ones():
    with pytest.raises(ValueError) as err:
        spider(sections="news/national,news/nowhere")
    message = str(err.value)
    assert "news/nowhere" in message
    for section in SITE.sections:
        assert section in message


def test_unknown_keyword_arguments_are_accepted():
    s = spider(sections="business", _job="6487ec7c8a6e11ef", fresh="1", whatever="x")
    assert s.sections == ["business"]
    assert s._job == "6487ec7c8a6e11ef"
    assert s.fresh == "1"


def start_requests(s):
    async def collect():
        return [r async for r in s.start()]
    return asyncio.run(collect())


def test_start_yields_one_listing_request_per_section():
    s = spider({"NEWSCRAWL_MIRROR": ""}, sections="news/national,business,news/national",
               discover="listings")
    requests = start_requests(s)
    assert [r.url for r in requests] == [ORIGIN + "/news/national/", ORIGIN + "/business/"]
    for request, section in zip(requests, ["news/national", "business"], strict=True):
        assert isinstance(request, scrapy.Request)
        assert request.callback == s.parse_listing
        assert request.meta["newscrawl_section"] == section
        assert request.meta["newscrawl_page"] == 1


def test_start_covers_the_default_sections():
    requests = start_requests(spider(discover="listings"))
    assert [r.url for r in requests] == [SITE.section_url(s) for s in SITE.default_sections]
    assert len(requests) == 4


def test_crawler_create_spider_takes_the_same_arguments():
    crawler = get_crawler(JapanTimesSpider)
    s = crawler._create_spider(sections="news/japan", max_pages="3", since="2023-11-01",
                               _job="abc")
    assert (s.sections, s.max_pages, str(s.since)) == (["news/japan"], 3, "2023-11-01")


# --- every record of the snapshot is valid after cleaning ------------------------------------


def test_every_extracted_snapshot_record_validates_against_the_schema():
    validator = Draft202012Validator(SCHEMA)
    crawler = get_crawler(JapanTimesSpider)
    pipeline = CleaningPipeline.from_crawler(crawler)
    valid, refused = [], {}
    for path in MANIFEST:
        url = ORIGIN + path
        if not SITE.article_path_re.match(urlsplit(url).path):
            continue
        try:
            item = extract_article(response_for(url), fetched_at=FETCHED)
        except NotAnArticle as err:
            refused[url] = err.reason
            continue
        rec = json.loads(json.dumps(dict(pipeline.process_item(item))))
        assert set(rec) == set(ARTICLE_KEYS)
        errors = [e.message for e in validator.iter_errors(rec)]
        assert errors == [], (url, errors)
        valid.append(url)
    # every good article page: the listed ones and those only the discovery cases reach
    assert sorted(valid) == sorted(set(ARTICLES) | {a["url"] for a in
                                                    EXPECTED["discovery"]["articles"]})
    assert refused == {SPECIAL["botwall"]: "botwall", SPECIAL["truncated"]: "truncated",
                       SPECIAL["server_error"]: "http_error"}
