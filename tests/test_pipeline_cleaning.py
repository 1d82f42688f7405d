"""The cleaning pipeline (newscrawl/pipelines/cleaning.py) on the snapshot's saved pages.

Every article paragraph survives and nothing else does; each kind of boilerplate is counted
(``newscrawl/stripped/<kind>``) and its text is absent; the blocks are the site's data.
"""

import dataclasses
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from parsel import Selector
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.extraction.article import extract_article
from newscrawl.items import ARTICLE_KEYS
from newscrawl.pipelines.cleaning import (
    STAT_PREFIX,
    CleaningPipeline,
    complete_description,
    strip_boilerplate,
)
from newscrawl.sites.japantimes import SITE
from newscrawl.snapshot import SNAPSHOT_DIR, load_expected, load_manifest
from newscrawl.spiders.japantimes import JapanTimesSpider

ORIGIN = "https://www.japantimes.co.jp"
MANIFEST = load_manifest()
ARTICLES = load_expected()["articles"]
FETCHED = datetime(2023, 11, 25, 3, 0, tzinfo=UTC)

KIM = ("/news/2019/10/24/asia-pacific/politics-diplomacy-asia-pacific/"
       "kim-jong-un-trump-special-relationship-kcna/")
MASKS = "/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"
ORBIT = "/news/2023/11/24/japan/politics/north-korea-object-orbit/"
PAYWALLED = "/news/2023/11/24/japan/politics/lh-committee-bill-uc-assets-victims/"


def page_bytes(path):
    return (SNAPSHOT_DIR / "site" / MANIFEST[path]["file"]).read_bytes()


def response_for(url):
    path = urlsplit(url).path
    return HtmlResponse(url=url, body=page_bytes(path), encoding="utf-8",
                        status=MANIFEST[path]["status"])


def cleaned(url):
    """(item after the pipeline, the crawl's stats) for one saved page."""
    crawler = get_crawler(JapanTimesSpider)
    pipeline = CleaningPipeline.from_crawler(crawler)
    item = pipeline.process_item(extract_article(response_for(url), fetched_at=FETCHED))
    return item, crawler.stats


def test_the_ground_truth_is_not_empty():
    assert len(ARTICLES) == 30
    assert all(len(a["paragraphs"]) >= 3 for a in ARTICLES)


@pytest.mark.parametrize("article", ARTICLES, ids=[a["url"].split("/")[-2] for a in ARTICLES])
def test_every_article_paragraph_survives_and_nothing_else(article):
    item, _ = cleaned(article["url"])
    assert item["paragraphs"] == article["paragraphs"]
    assert item["body"] == "\n\n".join(article["paragraphs"])
    assert item["word_count"] == len(item["body"].split())
    assert "body_html" not in item
    assert set(item.keys()) == set(ARTICLE_KEYS)


# --- each kind of boilerplate ----------------------------------------------------------------

# (kind, text as the page prints it, page, where): "body" is the article body the extraction
# hands over (counted by the pipeline's stats); a CSS container is a wider part of the page
# around it, for blocks the current body selector leaves outside (they must still be known).
BLOCKS = [
    ("related_stories", "RELATED STORIES", KIM, "body"),
    ("related_stories", "RELATED STORIES", MASKS, "body"),
    ("join_the_conversation", "JOIN THE CONVERSATION", KIM, "body"),
    ("take5_promo", "IN FIVE EASY PIECES", KIM, "body"),
    ("take5_promo", "TAKE 5", KIM, "body"),
    ("take5_promo", "GET THE BEST OF THE JAPAN TIMES", MASKS, "body"),
    ("ad", "googletag", KIM, "body"),
    ("ad", "Advertisement", ORBIT, "body"),
    ("promo", "Mail the editor", KIM, "body"),
    ("promo", "Commenting Policy", MASKS, "body"),
    ("latest_stories", "LATEST ASIA PACIFIC STORIES", KIM, "div.main"),
    ("latest_stories", "LATEST JAPAN STORIES", ORBIT, "main#main-content"),
    ("photo_gallery", "PHOTOS", KIM, "div.main"),
    ("photo_gallery", "Click to enlarge", MASKS, "div.main"),
    ("keywords", "KEYWORDS", KIM, "div.main"),
    ("keywords", "KEYWORDS", ORBIT, "main#main-content"),
    ("listen_to_article", "Listen to this article", ORBIT, "main#main-content"),
    ("share_bar", "Share on X", ORBIT, "main#main-content"),
    ("paywall_notice", "SUBSCRIBE NOW", PAYWALLED, "main#main-content"),
    ("paywall_notice", "By subscribing, you can help us", PAYWALLED, "main#main-content"),
    ("comment_notice", "Your subscription plan", ORBIT, "main#main-content"),
    ("comment_notice", "Your subscription plan", PAYWALLED, "main#main-content"),
]


@pytest.mark.parametrize("kind, text, path, where", BLOCKS,
                         ids=[f"{k}-{p.split('/')[-2][:20]}-{t[:12]}" for k, t, p, _ in BLOCKS])
def test_a_boilerplate_block_is_counted_and_its_text_is_gone(kind, text, path, where):
    item, stats = cleaned(ORIGIN + path)
    if where == "body":
        html = lxml_html.tostring(extract_article(response_for(ORIGIN + path),
                                                  fetched_at=FETCHED)["body_element"],
                                  encoding="unicode")
        assert text in html  # the page has it where the pipeline looks
        assert stats.get_value(STAT_PREFIX + kind, 0) >= 1
    else:
        html = Selector(text=page_bytes(path).decode("utf-8")).css(where).get()
        assert html and text in html
        paragraphs, stripped = strip_boilerplate(html, SITE)
        assert stripped[kind] >= 1
        assert len(paragraphs) >= 3
        assert not any(text in p for p in paragraphs), text
    assert text not in item["body"]
    assert not any(text in p for p in item["paragraphs"])


def test_the_kim_article_counts_every_block_in_its_body():
    item, stats = cleaned(ORIGIN + KIM)
    counted = {k.removeprefix(STAT_PREFIX): v for k, v in stats.get_stats().items()
               if k.startswith(STAT_PREFIX)}
    assert counted == {"ad": 2, "share_bar": 1, "related_stories": 1,
                       "join_the_conversation": 1, "take5_promo": 1, "promo": 2}
    assert len(item["paragraphs"]) == 9


# Promos that come as plain text: each must match a whole paragraph.
TEXT_BOILERPLATE = [
    ("ad", "Advertisement"),
    ("ad", "ADVERTISEMENT"),
    ("listen_to_article", "Listen to this article (2 min)"),
    ("reading_time", "(2 min)"),
    ("photo_gallery", "PHOTOS"),
    ("photo_gallery", "Click to enlarge"),
    ("keywords", "KEYWORDS"),
    ("keywords", ", , , , , ,"),
    ("related_stories", "RELATED STORIES"),
    ("latest_stories", "LATEST ASIA PACIFIC STORIES"),
    ("latest_stories", "LATEST STORIES"),
    ("join_the_conversation", "JOIN THE CONVERSATION"),
    ("take5_promo", "GET THE BEST OF THE JAPAN TIMES IN FIVE EASY PIECES WITH TAKE 5"),
    ("paywall_notice", "SUBSCRIBE NOW"),
    ("comment_notice", "Your subscription plan doesn't allow commenting. Upgrade to a Premium "
                       "plan to join the conversation."),
]


@pytest.mark.parametrize("kind, text", TEXT_BOILERPLATE)
def test_plain_text_boilerplate_paragraphs_are_dropped_and_counted(kind, text):
    html = f"<div><p>KOBE – Masks were stolen.</p><p>{text}</p><p>Police said so.</p></div>"
    paragraphs, stripped = strip_boilerplate(html, SITE)
    assert paragraphs == ["KOBE – Masks were stolen.", "Police said so."]
    assert stripped == {kind: 1}


def test_empty_tag_links_leave_only_commas_which_are_dropped():
    html = ('<div><p>Body text.</p><p><a rel="tag" href="/tag/a/"></a>, <a rel="tag" '
            'href="/tag/b/"></a>, <a rel="tag" href="/tag/c/"></a>, </p></div>')
    paragraphs, stripped = strip_boilerplate(html, SITE)
    assert paragraphs == ["Body text."]
    assert stripped["keywords"] == 1


@pytest.mark.parametrize("text", [
    "Advertisement revenue at the broadcaster fell 5 percent in the quarter.",
    "Subscribe now, the flier urged, and the offer ran for a week.",
    "Photos of the scene were shared widely on social media.",
    "The 2 min walk from the station took them 20.",
    "Keywords such as “tax hike” trended on social media after the speech.",
    "Related stories in the Japanese press said the minister would resign.",
    "Latest government stories about the scandal were denied on Friday.",
    "Join the conversation, the mayor urged residents at Friday's meeting.",
])
def test_article_text_that_merely_starts_like_a_promo_is_kept(text):
    paragraphs, stripped = strip_boilerplate(f"<div><p>Body.</p><p>{text}</p></div>", SITE)
    assert paragraphs == ["Body.", text]
    assert not stripped


# --- blocks are data -------------------------------------------------------------------------

MADE_UP = ('<div><p>KOBE – A total of 6,000 surgical masks have been lost.</p>'
           '<div class="made-up-promo"><h3>WIN A TRIP TO KYOTO</h3><p>Enter our draw today!</p>'
           '</div><p>The police are investigating.</p></div>')


def test_a_block_kind_is_configured_as_data():
    # The site as shipped does not know the block: its text is read as article text.
    paragraphs, stripped = strip_boilerplate(MADE_UP, SITE)
    assert "Enter our draw today!" in paragraphs
    assert "made_up_promo" not in stripped
    # The same machinery with one more selector in the site's data strips it and counts it.
    site = dataclasses.replace(SITE, boilerplate_blocks={
        **SITE.boilerplate_blocks, "made_up_promo": ("div.made-up-promo",)})
    paragraphs, stripped = strip_boilerplate(MADE_UP, site)
    assert paragraphs == ["KOBE – A total of 6,000 surgical masks have been lost.",
                          "The police are investigating."]
    assert stripped == {"made_up_promo": 1}


def test_a_text_pattern_is_configured_as_data():
    html = "<div><p>Body.</p><p>Sponsored content</p></div>"
    assert strip_boilerplate(html, SITE)[0] == ["Body.", "Sponsored content"]
    site = dataclasses.replace(SITE, boilerplate_text={
        **SITE.boilerplate_text, "sponsored": r"sponsored content"})
    paragraphs, stripped = strip_boilerplate(html, site)
    assert paragraphs == ["Body."]
    assert stripped == {"sponsored": 1}


# --- the pipeline's other duties -------------------------------------------------------------


def test_the_pipeline_sets_the_dateline_from_the_first_paragraph_when_the_page_has_none():
    # The Nissan page has no span.dateline: "LONDON –" opens its first paragraph.
    item, _ = cleaned(ORIGIN + "/business/2023/11/24/companies/nissan-new-evs-britain/")
    assert item["paragraphs"][0].startswith("LONDON – ")
    assert item["dateline"] == "LONDON"
    item, _ = cleaned(ORIGIN + ORBIT)
    assert item["dateline"] is None  # "Japan has confirmed ..." is no dateline


def test_an_item_without_body_gets_every_key_and_zero_words():
    crawler = get_crawler(JapanTimesSpider)
    item = CleaningPipeline.from_crawler(crawler).process_item(
        {"url": ORIGIN + ORBIT, "site": "japantimes", "body_html": "<div></div>"})
    assert tuple(k for k in ARTICLE_KEYS if k not in item) == ()
    assert item["paragraphs"] == [] and item["body"] is None and item["word_count"] == 0
    assert item["authors"] == [] and item["modified_at"] is None
    assert "body_html" not in item


def test_text_loose_in_the_body_is_text():
    html = ('<div class="entry" id="jtarticle">KOBE – Loose lead.<p>Second.</p>Loose tail.'
            '<div class="jt_content_ad"><p>Advertisement</p></div><p>Last words.</p></div>')
    paragraphs, stripped = strip_boilerplate(html, SITE)
    assert paragraphs == ["KOBE – Loose lead.", "Second.", "Loose tail.", "Last words."]
    assert stripped == {"ad": 1}


def test_loose_text_on_both_sides_of_a_removed_block_stays_two_paragraphs():
    html = ('<div class="entry" id="jtarticle"><p>First.</p>Loose tail.'
            '<div class="jt_content_ad"><p>Advertisement</p></div>Last words.</div>')
    paragraphs, stripped = strip_boilerplate(html, SITE)
    assert stripped == {"ad": 1}
    assert paragraphs == ["First.", "Loose tail.", "Last words."]


def test_angle_brackets_of_article_text_survive():
    # &lt; and &gt; are decoded by the HTML parser; the text must not be read as a tag.
    html = "<div><p>Rates of &lt;5% and &gt;3% were seen in x&lt;y cases.</p></div>"
    paragraphs, _ = strip_boilerplate(html, SITE)
    assert paragraphs == ["Rates of <5% and >3% were seen in x<y cases."]


def test_strip_boilerplate_on_empty_input():
    assert strip_boilerplate("", SITE) == ([], {})
    assert strip_boilerplate("<div></div>", SITE) == ([], {})


def test_a_fragment_of_bare_text_keeps_its_text():
    assert strip_boilerplate("KOBE – Bare text.<p>Second.</p>", SITE)[0] == [
        "KOBE – Bare text.", "Second."]


# --- a meta description the site cut mid-sentence -------------------------------------------
LEAD = ("SEOUL – North Korean leader Kim Jong Un has received a letter from U.S. President "
        "Donald Trump, calling the relationship “special.” Talks have stalled since.")


@pytest.mark.parametrize("description, expected", [
    # cut mid-sentence: completed from the lead (its dateline skipped) to the sentence end
    ("North Korean leader Kim Jong Un has received a letter from",
     "North Korean leader Kim Jong Un has received a letter from U.S. President Donald "
     "Trump, calling the relationship “special.”"),
    # "U.S." is an abbreviation, not the end of the sentence
    ("North Korean leader Kim Jong Un has received a letter from U",
     "North Korean leader Kim Jong Un has received a letter from U.S. President Donald "
     "Trump, calling the relationship “special.”"),
    # whole already, or not a copy of the lead: left alone
    ("A letter arrived.", "A letter arrived."),
    ("Pyongyang says a letter arrived from", "Pyongyang says a letter arrived from"),
    (None, None),
])
def test_complete_description(description, expected):
    assert complete_description(description, LEAD, "SEOUL") == expected


def test_undecodable_text_is_exported_but_flagged(caplog):
    crawler = get_crawler(JapanTimesSpider)
    pipeline = CleaningPipeline.from_crawler(crawler)
    html = "<div><p>Tokyo \ufffd\ufffd Osaka.</p><p>Fine.</p></div>"
    item = pipeline.process_item({"url": ORIGIN + ORBIT, "site": "japantimes",
                                  "body_html": html})
    assert item["paragraphs"] == ["Tokyo \ufffd\ufffd Osaka.", "Fine."]
    assert crawler.stats.get_value("newscrawl/flagged/undecodable_text") == 1
    assert any("2 undecodable" in r.getMessage() and ORBIT in r.getMessage()
               for r in caplog.records)
    pipeline.process_item({"url": ORIGIN + ORBIT, "site": "japantimes",
                           "body_html": "<div><p>Clean text.</p></div>"})
    assert crawler.stats.get_value("newscrawl/flagged/undecodable_text") == 1


def test_a_block_inside_a_removed_block_is_not_counted_again():
    # the current layout's ad wrapper holds the ad slot: both are "ad" selectors
    html = ('<div class="article-body"><p>First.</p><div class="jt_content_ad"><p>Advertisement'
            '</p><div id="div-gpt-ad-in-article-1"></div></div><p>Last.</p>'
            '<div id="div-gpt-ad-bare"></div></div>')
    paragraphs, stripped = strip_boilerplate(html, SITE)
    assert paragraphs == ["First.", "Last."]
    assert stripped == {"ad": 2}  # the wrapper and the bare slot; not the slot inside
