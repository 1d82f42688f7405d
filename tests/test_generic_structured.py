"""The structured-data readers (``newscrawl.extraction.structured``): JSON-LD, meta tags,
microdata, one reader at a time, on small pages written for these tests."""

import json
from pathlib import Path

from lxml import html

from newscrawl.extraction.specs import Page
from newscrawl.extraction.structured import (
    article_node,
    breadcrumb_names,
    json_ld_nodes,
    ld_images,
    ld_names,
    ld_text,
    microdata,
    read_structured,
)

PAGES = Path(__file__).resolve().parent / "pages" / "generic"


def read_page(name):
    return (PAGES / name).read_bytes()


def page_of(markup):
    return Page(html.fromstring(markup))


def test_json_ld_nodes_flattens_graphs_lists_and_main_entity():
    blocks = [
        json.dumps({"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "name": "Site"},
            {"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "A"}}]}),
        json.dumps([{"@type": "Organization", "name": "Org"}, {"@type": "Person", "name": "P"}]),
    ]
    types = [n["@type"] for n in json_ld_nodes(blocks) if "@type" in n]
    assert sorted(types) == ["NewsArticle", "Organization", "Person", "WebPage", "WebSite"]


def test_json_ld_nodes_survives_broken_blocks_and_raw_newlines():
    blocks = ["{not json", '{"@type": "NewsArticle", "headline": "Line one\nline two"}']
    nodes = json_ld_nodes(blocks)
    assert len(nodes) == 1 and nodes[0]["headline"] == "Line one line two"


def test_article_node_prefers_the_article_with_headline_and_body():
    nodes = [{"@type": "Article", "name": "teaser"},
             {"@type": ["NewsArticle", "ReportageNewsArticle"], "headline": "H"},
             {"@type": "NewsArticle", "headline": "H2", "articleBody": "text"},
             {"@type": "WebPage", "headline": "not an article"}]
    assert article_node(nodes)["headline"] == "H2"
    assert article_node([{"@type": "WebPage"}]) == {}


def test_ld_names_people_only_and_references_resolved():
    by_id = {"#p1": {"@type": "Person", "@id": "#p1", "name": "Maria Lopez"}}
    value = [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Organization", "name": "Wire"},
             {"@id": "#p1"}, "Plain Name"]
    assert ld_names(value, by_id=by_id) == ["Ann Lee", "Maria Lopez", "Plain Name"]
    assert ld_names({"@type": "Organization", "name": "Wire"}, person_only=False) == ["Wire"]
    assert ld_names(None) == []


def test_ld_text_and_images():
    assert ld_text(["Politics", "World"]) == "Politics"
    assert ld_text({"@value": "x"}) == "x"
    assert ld_text(None) is None
    assert ld_images([{"@type": "ImageObject", "url": "https://i/a.jpg", "caption": "Cap",
                       "creditText": "AP"}, "https://i/b.jpg"]) == [
        {"url": "https://i/a.jpg", "caption": "Cap", "credit": "AP"},
        {"url": "https://i/b.jpg", "caption": None, "credit": None}]


def test_breadcrumb_names_in_position_order():
    nodes = [{"@type": "BreadcrumbList", "itemListElement": [
        {"position": 2, "name": "Politics"}, {"position": 1, "name": "Home"},
        {"position": 3, "item": {"@id": "https://x/a", "name": "Elections"}}]}]
    assert breadcrumb_names(nodes) == ["Home", "Politics", "Elections"]


def test_microdata_reads_article_properties():
    root = html.fromstring("""<html><body><div itemscope itemtype="https://schema.org/NewsArticle">
      <h1 itemprop="headline">Dam opens its gates</h1>
      <span itemprop="author" itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">Lena Fischer</span></span>
      <meta itemprop="datePublished" content="2024-04-02T07:00:00+02:00">
      <time itemprop="dateModified" datetime="2024-04-02T09:00:00+02:00">9:00</time>
      <div itemprop="articleBody"><p>Water flowed again.</p></div></div></body></html>""")
    props = microdata(root)
    assert props["headline"] == ["Dam opens its gates"]
    assert [v.strip() for v in props["author"]] == ["Lena Fischer"]
    assert props["datePublished"] == ["2024-04-02T07:00:00+02:00"]
    assert props["dateModified"] == ["2024-04-02T09:00:00+02:00"]
    assert props["articleBody"][0].text_content().strip() == "Water flowed again."


def test_meta_tags_of_every_family_are_read_in_priority_order():
    s = read_structured(page_of("""<html><head>
      <meta property="og:title" content="OG title">
      <meta name="parsely-title" content="Parsely title">
      <meta name="sailthru.author" content="Sam Ortiz">
      <meta name="dc.creator" content="Dana Whitfield">
      <meta name="citation_publication_date" content="2024/05/01">
      <meta name="parsely-pub-date" content="2024-05-01T10:00:00Z">
      <meta property="article:section" content="Science">
      <meta name="news_keywords" content="space, moon">
      <meta property="og:site_name" content="Example News">
      <meta property="og:locale" content="de_DE">
      </head><body></body></html>"""))
    assert [v for _, v in s.headline][:2] == ["OG title", "Parsely title"]
    assert [v for _, v in s.authors] == ["Sam Ortiz", "Dana Whitfield"]
    assert s.published[0] == ("meta:parsely-pub-date", "2024-05-01T10:00:00Z")
    assert [v for _, v in s.section] == ["Science"]
    assert [v for _, v in s.tags] == ["space, moon"]
    assert "Example News" in s.organizations
    assert [v for _, v in s.language] == ["de_DE"]


def test_microdata_is_read_when_there_is_no_json_ld():
    s = read_structured(page_of("""<html><body><article itemscope
      itemtype="https://schema.org/Article"><h1 itemprop="headline">Dam opens</h1>
      <meta itemprop="datePublished" content="2024-04-02"></article></body></html>"""))
    assert s.headline == [("microdata", "Dam opens")]
    # a <meta itemprop> is a meta tag too: both name the same date
    assert ("microdata", "2024-04-02") in s.published


def test_the_wordpress_page_structured_data():
    s = read_structured(Page(html.fromstring(read_page("wordpress_article.html"))))
    assert s.article["@type"] == "Article"
    assert [v for src, v in s.authors if src == "json-ld"] == ["Maria Lopez", "Tom Becker"]
    assert s.published[0] == ("json-ld", "2024-03-05T08:30:00-05:00")
    assert s.modified[0] == ("json-ld", "2024-03-06T10:15:00-05:00")
    assert s.breadcrumbs == ["Home", "Local News",
                             "Council approves new bridge over the Mill River"]
    assert "Riverside Gazette" in s.organizations
    assert s.og_type == "article"


def test_the_json_ld_heavy_page_structured_data():
    s = read_structured(Page(html.fromstring(read_page("modern_jsonld_article.html"))))
    assert s.article["@type"] == "NewsArticle"
    # the Organization author is not a person
    assert [v for src, v in s.authors if src == "json-ld"] == ["Priya Natarajan",
                                                               "By Owen Hughes"]
    assert s.free is False
    assert s.images[0] == {"url": "https://img.northernledger.co.uk/2025/07/pylons-sunset.jpg",
                           "caption": "Pylons near Leeds on Tuesday evening.",
                           "credit": "Ledger/Sam Ortiz"}
    assert s.article_body.startswith("Electricity demand reached an all-time high")
    assert "The Northern Ledger" in s.organizations
