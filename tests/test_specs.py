"""extraction.specs: the four kinds of selector spec, the article block, the head read once."""

import pytest
from lxml import html as lxml_html
from scrapy.http import HtmlResponse

from newscrawl.extraction.article import parse_page
from newscrawl.extraction.specs import Page, block_nodes, compile_spec, read_head

PAGE = """<!DOCTYPE html><html lang="en"><head>
<title>Head title | Site</title>
<meta name="Description" content="From the name.">
<meta property="og:title" content="OG title">
<meta property="article:tag" content="one"><meta property="article:tag" content="two">
<meta itemprop="datePublished" content="2023-11-24">
<meta name="no-content">
<link rel="canonical" href="https://example.com/a/">
<link rel="alternate shortlink" href="https://example.com/?p=7">
<link rel="icon" href="  ">
<script type="application/ld+json">{"@type": "NewsArticle"}</script>
<script>var notJsonLd = 1;</script>
</head>
<body class="single postid-7 premium">
<div class="byline"><a>Sidebar Person</a></div>
<script type="Application/LD+JSON ">{"@type": "Organization"}</script>
<main><div class="details">
  <h1 class="title">Block headline</h1>
  <div class="byline"><a>Jane Doe</a> <a>John Roe</a></div>
  <p class="empty">   </p>
</div></main>
</body></html>"""


@pytest.fixture
def root():
    return lxml_html.document_fromstring(PAGE)


def test_read_head_reads_meta_links_and_json_ld_in_one_pass(root):
    meta, links, json_ld = read_head(root)
    assert meta["description"] == ["From the name."]  # name lowercased
    assert meta["og:title"] == ["OG title"]
    assert meta["article:tag"] == ["one", "two"]  # every tag, in document order
    assert meta["datepublished"] == ["2023-11-24"]
    assert "no-content" not in meta
    assert links["canonical"] == ["https://example.com/a/"]
    assert links["shortlink"] == links["alternate"] == ["https://example.com/?p=7"]
    assert "icon" not in links  # a blank href is no link
    # JSON-LD blocks, head and body, type matched as browsers do (case, spaces)
    assert json_ld == ['{"@type": "NewsArticle"}', '{"@type": "Organization"}']


def test_css_specs_search_inside_the_article_block_only(root):
    page = Page(root, ("main div.details",))
    assert page.block.get("class") == "details"
    # The sidebar's byline comes first on the page but is outside the block.
    assert page.values("div.byline a") == ["Jane Doe", "John Roe"]
    assert page.values("div.byline a::text") == ["Jane Doe", "John Roe"]
    assert page.values("h1.title") == ["Block headline"]


def test_a_page_without_the_block_is_searched_whole(root):
    page = Page(root, ("div.no-such-block", "section.neither"))
    assert page.block is root
    assert page.values("div.byline a") == ["Sidebar Person", "Jane Doe", "John Roe"]


def test_page_specs_and_absolute_xpath_see_the_whole_page(root):
    page = Page(root, ("main div.details",))
    assert page.values("page:title") == ["Head title | Site"]
    assert page.values("title") == []  # scoped: the head is outside the block
    assert page.values("xpath://div[@class='byline']/a/text()")[0] == "Sidebar Person"
    assert page.values("xpath:.//div[@class='byline']/a/text()") == ["Jane Doe", "John Roe"]
    assert page.values(
        "xpath:substring-after(/html/body/@class[contains(., 'postid-')], 'postid-')"
    ) == ["7 premium"]


def test_meta_specs_are_case_insensitive_lookups(root):
    page = Page(root)
    assert page.values("meta:og:title") == ["OG title"]
    assert page.values("meta:DESCRIPTION") == ["From the name."]
    assert page.values("meta:article:tag") == ["one", "two"]
    assert page.values("meta:missing") == []


def test_first_takes_the_first_spec_that_gives_a_value_and_skips_blanks(root):
    page = Page(root, ("main div.details",))
    assert page.first(("p.empty", "h2.none", "h1.title", "meta:og:title")) == [
        "Block headline"]
    assert page.first(("p.empty", "h2.none")) == []


def test_any_counts_elements_even_empty_ones_but_not_blank_strings(root):
    page = Page(root, ("main div.details",))
    assert page.any(("p.empty",))  # an empty element is there
    assert page.any(("h2.none", "page:body.premium"))
    assert not page.any(("h2.none", "p.empty::text", "page:body.free"))


def test_specs_are_compiled_once():
    compile_spec.cache_clear()
    for _ in range(3):
        compile_spec("div.byline a")
    assert compile_spec.cache_info().misses == 1
    assert compile_spec("meta:OG:Title") == ("meta", "og:title")
    assert compile_spec("page:title")[0] == "page"
    assert compile_spec("xpath://a")[0] == compile_spec("a")[0] == "scoped"


def test_block_nodes_on_a_fragment():
    root = lxml_html.fragment_fromstring(
        '<p>a</p><div class="ad">x</div><div id="div-gpt-ad-1">y</div>', create_parent="div")
    assert [n.text for n in block_nodes(root, "div.ad")] == ["x"]
    assert [n.text for n in block_nodes(root, "div[id^=div-gpt-ad]")] == ["y"]
    assert block_nodes(root, "xpath:count(//p)") == []  # a number is no element
    # A tuple is searched in one union, in document order, each element once.
    found = block_nodes(root, ("div[id^=div-gpt-ad]", "div.ad", "xpath:.//div[@class]"))
    assert [n.text for n in found] == ["x", "y"]
    with pytest.raises(ValueError):
        block_nodes(root, ("div.ad", "meta:og:title"))


@pytest.mark.parametrize("encoding", ["utf-8", "shift_jis", "cp1252", "utf-16"])
def test_parse_page_reads_every_encoding_like_the_responses_text(encoding):
    text = {"cp1252": "café – naïve", "shift_jis": "東京・大阪"}.get(encoding, "café – 東京")
    html = (f'<html><head><meta charset="{encoding}"><title>{text}</title></head>'
            f"<body><p>{text}</p></body></html>")
    response = HtmlResponse("https://example.com/", body=html.encode(encoding),
                            headers={"Content-Type": f"text/html; charset={encoding}"})
    root = parse_page(response)
    assert root.findtext(".//p") == text
    assert root.findtext(".//title") == text


def test_parse_page_survives_invalid_utf8_and_nul_bytes():
    body = b"<html><body><p>ok \xff\xfe bytes\x00 here</p></body></html>"
    response = HtmlResponse("https://example.com/", body=body,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    assert parse_page(response).findtext(".//p") == "ok \ufffd\ufffd bytes here"


def test_compile_site_names_a_bad_selector_and_its_field():
    import dataclasses

    from newscrawl.extraction.specs import compile_site
    from newscrawl.sites import get_site
    from newscrawl.spiders.japantimes import JapanTimesSpider

    site = get_site("japantimes")
    compile_site(site)  # the real site's selectors all compile
    broken = dataclasses.replace(
        site, selectors={**site.selectors, "credit": ("p.credit", "div..byline")})
    with pytest.raises(ValueError, match=r"selectors\['credit'\].*'div\.\.byline'"):
        compile_site(broken)
    broken = dataclasses.replace(
        site, boilerplate_blocks={**site.boilerplate_blocks, "ad": ("xpath://div[",)})
    with pytest.raises(ValueError, match=r"boilerplate_blocks\['ad'\]"):
        compile_site(broken)

    class BrokenSpider(JapanTimesSpider):
        name = "broken"

    BrokenSpider.site = broken
    with pytest.raises(ValueError, match="bad selector"):
        BrokenSpider()  # before any request is made
