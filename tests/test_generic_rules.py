"""The generic reading's rules (``newscrawl.extraction.generic``), one at a time."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from lxml import html

from newscrawl.extraction import generic
from newscrawl.extraction.generic_article import agree_with_article_body, join_body_chunks
from newscrawl.sites.base import generic_site, registrable_name

HOSTS = generic.host_names("www.riverside-gazette.com")
SITE_NAMES = ["Riverside Gazette"]


# --- headline ------------------------------------------------------------------------------------
@pytest.mark.parametrize("title, expected", [
    ("Council approves new bridge – Riverside Gazette", "Council approves new bridge"),
    ("Council approves new bridge | Local News | Riverside Gazette",
     "Council approves new bridge | Local News"),
    ("Riverside Gazette: Council approves new bridge", "Council approves new bridge"),
    ("Council approves new bridge - riverside-gazette.com", "Council approves new bridge"),
    # a dash inside the headline is kept when no segment names the site
    ("Mill River - the bridge that never was", "Mill River - the bridge that never was"),
])
def test_strip_site_name(title, expected):
    assert generic.strip_site_name(title, SITE_NAMES, HOSTS) == expected


def test_headline_prefers_the_h1_the_structured_data_agrees_with():
    candidates = [("meta:og:title", "Council approves new bridge - Riverside Gazette")]
    h1s = ["Riverside Gazette", "Council approves new bridge"]  # the logo is an h1 too
    assert generic.headline_of(candidates, h1s, "x", SITE_NAMES, HOSTS) == \
        "Council approves new bridge"


def test_headline_drops_a_kicker_printed_in_the_h1():
    candidates = [("json-ld", "What I will be praying for this Christmas")]
    h1s = ["Opinion What I will be praying for this Christmas"]
    assert generic.headline_of(candidates, h1s, None, SITE_NAMES, HOSTS) == \
        "What I will be praying for this Christmas"


def test_headline_keeps_the_h1_when_og_title_is_cut_short():
    candidates = [("meta:og:title", "Council approves new bridge over the Mill")]
    h1s = ["Council approves new bridge over the Mill River after a decade of debate"]
    assert generic.headline_of(candidates, h1s, None, SITE_NAMES, HOSTS) == h1s[0]


def test_headline_is_never_the_site_name_and_loses_media_tags():
    candidates = [("meta:og:title", "Riverside Gazette"),
                  ("json-ld", "Mayor cuts the ribbon [Watch]")]
    assert generic.headline_of(candidates, [], None, SITE_NAMES, HOSTS) == \
        "Mayor cuts the ribbon"


def test_a_structured_headline_cut_at_a_separator_is_not_trusted():
    candidates = [("meta:og:title", "Harnessing carbon for plastics:")]
    h1s = ["Harnessing carbon for plastics: a breakthrough in polymers"]
    assert generic.headline_of(candidates, h1s, None, SITE_NAMES, HOSTS) == h1s[0]


def test_headline_falls_back_to_the_title_without_the_site_name():
    assert generic.headline_of([], [], "Flood warning lifted | Riverside Gazette",
                               SITE_NAMES, HOSTS) == "Flood warning lifted"


# --- authors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("byline, names", [
    ("By Maria Lopez and Tom Becker", ["Maria Lopez", "Tom Becker"]),
    ("by Ann Lee, Bo Chen & Cy Diaz", ["Ann Lee", "Bo Chen", "Cy Diaz"]),
    ("Maria Lopez, Senior Reporter", ["Maria Lopez"]),
    ("By Ann Lee Published: Dec 22, 2023 04:25 PM", ["Ann Lee"]),
    ("Lauren Manaker MS, RDN", ["Lauren Manaker"]),
    ("Kelly Quinlan • Publisher", ["Kelly Quinlan", "Publisher"]),
])
def test_split_byline(byline, names):
    assert generic.split_byline(byline) == names


@pytest.mark.parametrize("name, person", [
    ("Maria Lopez", True), ("Owen O'Hughes", True), ("José María Álvarez", True),
    ("Staff", False), ("Riverside Gazette Staff", False), ("Associated Press", False),
    ("Reuters", False), ("AFP", False), ("The Editorial Board", False),
    ("Riverside Gazette", False), ("news@riverside-gazette.com", False), ("—", False),
    ("https://www.riverside-gazette.com/author/mlopez/", False), ("Team 7", False),
    ("Name *", False), ("Shrines List by Region", False), ("Ludwig van Beethoven", True),
    ("Field Level Media", False),
])
def test_is_person_name(name, person):
    assert generic.is_person_name(name, SITE_NAMES, HOSTS) is person


def test_a_name_that_starts_with_the_sites_name_is_not_a_person():
    assert not generic.is_person_name("CBC Arts", [], generic.host_names("www.cbc.ca"))
    assert generic.is_person_name("Carla Becker", [], generic.host_names("www.cbc.ca"))


def test_authors_first_source_with_a_person_wins_and_orgs_are_dropped():
    candidates = [("json-ld", "Riverside Gazette"), ("meta:author", "Maria Lopez")]
    assert generic.authors_of(candidates, ["By Someone Else"], SITE_NAMES, HOSTS) == \
        ["Maria Lopez"]
    # structured data without a person: the page's byline
    assert generic.authors_of([("json-ld", "Staff")], ["By Tom Becker"], SITE_NAMES,
                              HOSTS) == ["Tom Becker"]


def test_a_byline_naming_every_structured_author_and_more_is_the_fuller_list():
    candidates = [("json-ld", "Christy Choi"), ("meta:author", "Christy Choi")]
    bylines = ["By Someone Else", "By Christy Choi and Oscar Holland, CNN"]
    assert generic.authors_of(candidates, bylines, [], HOSTS) == ["Christy Choi",
                                                                   "Oscar Holland"]


def test_authors_name_followed_by_the_paper_is_one_person():
    candidates = [("json-ld", "Sarah Barnacle Worcester Telegram"),
                  ("json-ld", "Sarah Barnacle")]
    assert generic.authors_of(candidates, [], [], HOSTS) == ["Sarah Barnacle"]
    assert generic.person_part("John Roe The Associated Press") == "John Roe"


# --- dates ---------------------------------------------------------------------------------------
def test_page_dates_keep_the_stated_offset_and_never_invent_one():
    assert generic.parse_page_date("2024-03-05T08:30:00-05:00", "json-ld") == datetime(
        2024, 3, 5, 8, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert generic.parse_page_date("2025-07-15T14:20:00Z", "json-ld").utcoffset() == \
        timedelta(0)
    # a time without an offset on a site of unknown zone: the date alone
    assert generic.parse_page_date("2024-03-05T23:30:00", "meta") == date(2024, 3, 5)
    assert generic.parse_page_date("2024-03-05", "meta") == date(2024, 3, 5)
    assert generic.parse_page_date("20240305", "meta") == date(2024, 3, 5)
    assert generic.parse_page_date("1709645400", "meta").date() == date(2024, 3, 5)
    assert generic.parse_page_date("not a date", "meta") is None


def test_first_page_date_says_where_it_came_from():
    value, raw, source = generic.first_page_date(
        [("json-ld", "garbage"), ("meta:article:published_time", "2024-03-05T08:30:00Z")])
    assert (raw, source) == ("2024-03-05T08:30:00Z", "meta")
    assert generic.first_page_date([("meta", "1970-01-01")]) == (None, None, None)


def test_htmldate_finds_the_day_in_visible_text():
    root = html.fromstring("<html><body><h1>Story</h1><p class='date'>Published "
                           "March 5, 2024</p><p>Text.</p></body></html>")
    assert generic.htmldate_day(root, "https://example-news.com/story") == date(2024, 3, 5)


UTC_TIME = datetime(2023, 12, 23, 3, 0, 46, tzinfo=UTC)


def test_with_stated_offset_takes_the_same_instants_local_spelling():
    local = ["2023-12-22T22:00:46", "2023-12-23T03:00:46Z", "2023-12-22T22:00:46-05:00"]
    assert generic.with_stated_offset(UTC_TIME, local).utcoffset() == timedelta(hours=-5)
    # another instant, or a time with no offset, is not the same instant's spelling
    assert generic.with_stated_offset(UTC_TIME, ["2023-12-22T21:00:46-05:00"]) is UTC_TIME
    assert generic.with_stated_offset(UTC_TIME, ["2023-12-22T22:00:46"]) is UTC_TIME
    # a date already written with an offset keeps it
    dated = UTC_TIME.astimezone(timezone(timedelta(hours=1)))
    assert generic.with_stated_offset(dated, local) is dated


def test_visible_datelines_read_a_day_and_clock_printed_apart():
    root = html.fromstring(
        "<html><body><nav><span>Dec 24, 2023 10:00</span></nav><h1>Story</h1>"
        "<div class='meta'>By Ann Lee <span>December 22, 2023</span> <span>10:00 PM</span>"
        "</div><p>posted on <time>2023-12-19 23:30 EST</time></p>"
        "<script>var d = 'December 22, 2023 10:00 PM';</script></body></html>")
    assert generic.visible_datelines(root) == [
        ("By Ann Lee December 22, 2023 10:00 PM", False),
        ("posted on 2023-12-19 23:30 EST", True)]


def test_with_visible_offset_needs_the_same_minute_and_not_the_update():
    local = generic.with_visible_offset(UTC_TIME, [("December 22, 2023 10:00 PM", False)])
    assert local == UTC_TIME and local.utcoffset() == timedelta(hours=-5)  # same instant
    for lines in ([("Updated December 22, 2023 10:00 PM", False)],
                  [("December 22, 2023 10:01 PM", False)],
                  [("December 20, 2023 10:00 PM", False)]):  # more than 14 hours away
        assert generic.with_visible_offset(UTC_TIME, lines) is UTC_TIME


def test_visible_dateline_day_only_from_a_marked_or_labelled_first_dateline():
    assert generic.visible_dateline_day([("posted on 2023-12-19 23:30 EST", False)]) == (
        date(2023, 12, 19), "posted on 2023-12-19 23:30 EST")
    assert generic.visible_dateline_day([("12/22/2023 05:00 AM EST", True)])[0] == \
        date(2023, 12, 22)
    # a clarification note's date, or an update, is no publication date
    assert generic.visible_dateline_day([("Clarification, 2 January 2024, 12:45 p.m.", False),
                                         ("posted on 2023-12-19 23:30 EST", False)]) == (
        None, None)
    assert generic.visible_dateline_day([("Updated: Dec. 13, 2024, 11:31 p.m.", True)]) == (
        None, None)


# --- section, language, paywall -------------------------------------------------------------------
def test_section_from_article_section_else_breadcrumbs():
    assert generic.section_of([("json-ld", "Climate")], ["Home", "News"]) == "Climate"
    assert generic.section_of([], ["Home", "Local News", "The story"], "The story") == \
        "Local News"
    assert generic.section_of([], ["Home"]) is None
    root = html.fromstring('<html><body><nav><a rel="category" href="/a">Menu</a></nav>'
                           '<h3><a rel="category tag" href="/c/national/">National</a></h3>'
                           '</body></html>')
    assert generic.category_links(root) == ["National"]
    assert generic.section_of([], [], None, generic.category_links(root)) == "National"


def test_no_author_placeholders():
    assert not generic.is_person_name("No Author")
    assert not generic.is_person_name("Anonymous")


def test_language_from_html_lang_then_meta():
    assert generic.language_of(html.fromstring('<html lang="pt-BR"><p>x</p></html>'), []) == \
        "pt"
    assert generic.language_of(html.fromstring("<html><p>x</p></html>"),
                               [("meta:og:locale", "de_DE")]) == "de"


def test_paywall_from_is_accessible_for_free_or_a_marker():
    scan = generic.scan_page(html.fromstring('<html><body><div class="paywall-prompt">'
                                             'Subscribe</div></body></html>'))
    assert generic.is_paywalled(None, scan) is True
    empty = generic.scan_page(html.fromstring("<html><body><p>x</p></body></html>"))
    assert generic.is_paywalled(False, empty) is True
    assert generic.is_paywalled("False", empty) is True
    assert generic.is_paywalled(True, empty) is False


# --- body -----------------------------------------------------------------------------------------
def test_scan_marks_boilerplate_but_keeps_the_article_and_paywalled_text():
    root = html.fromstring("""<html><body><article>
      <div class="share-bar"><a>Share</a></div>
      <div class="byline">By <a rel="author">Ann Lee</a></div>
      <div class="article-body has-related-links"><p>""" + "Article text. " * 40 + """</p></div>
      <div class="subscriber-only" style="display:none"><p>The subscriber's part.</p></div>
      <div class="hidden"><p>Support us with a donation.</p></div>
      <div class="related-stories"><p><a href="/a">Other story</a></p></div>
      <figure><img src="a.jpg"><figcaption>A caption.</figcaption></figure>
      <div id="onetrust-consent-sdk"><p>""" + "We use cookies. " * 40 + """</p></div>
      </article></body></html>""")
    scan = generic.scan_page(root)
    removed = {(n.get("class") or n.get("id") or n.tag) for n in scan.boilerplate}
    assert removed == {"share-bar", "byline", "hidden", "related-stories", "figcaption",
                       "onetrust-consent-sdk"}
    assert scan.bylines[0] == "By Ann Lee"
    assert scan.captions == {"acaption"}


@pytest.mark.parametrize("text", [
    "Advertisement", "Read more: Why the bridge still has no sidewalk", "Related",
    "Sign up for our free newsletter.", "Share this:", "Photo: Dana Whitfield",
    "© 2024 Riverside Gazette", "By Maria Lopez", "Council approves new bridge",
])
def test_boilerplate_paragraphs(text):
    assert generic.paragraph_is_boilerplate(text, headline="Council approves new bridge",
                                            authors=["Maria Lopez"])


@pytest.mark.parametrize("text", [
    "Want more local news? Sign up for our free newsletter to get it in your inbox.",
    "GET THE GAZETTE ON THE GO BY CLICKING HERE",
    "—Contact Maria Lopez at mlopez@riverside-gazette.com.",
    "More information: A. Author et al, A study of bridges, Journal of Bridges (2024).",
    "Provided by the University of Riverside",
    "Also read: The bridge that never was",
    "Thanks for signing up!",
])
def test_promos_and_end_matter(text):
    assert generic.paragraph_is_boilerplate(text)


def test_a_closing_list_of_other_stories_is_cut():
    div = html.fromstring("<div><p>" + "The council met on Monday night. " * 8 + "</p>"
                          "<p>More Must-Reads From the Gazette</p><p>Storm warnings for the "
                          "coast</p><p>Rail fares to rise in January</p></div>")
    generic.cut_recirculation_tail(div)
    assert len(div) == 1
    # a subhead followed by the article's text is not a list of stories
    div = html.fromstring("<div><p>Related</p><p>" + "The council met on Monday night. " * 8 +
                          "</p></div>")
    generic.cut_recirculation_tail(div)
    assert len(div) == 2


@pytest.mark.parametrize("text", [
    "Netflix said more people subscribe in winter than in any other season.",
    "More information about the finalists can be found on the council's site.",
    "Read the council's full report before the meeting, residents were told.",
    "By the time the vote came, most residents had already left the hall.",
    "Photographs of the old crossing were shown to the council on Monday.",
])
def test_article_paragraphs_are_not_boilerplate(text):
    assert not generic.paragraph_is_boilerplate(text, headline="Council approves new bridge",
                                                authors=["Maria Lopez"])


def test_article_body_drops_what_trafilatura_kept_only_when_it_agrees():
    story = ("The council voted on Monday to fund the bridge over the river after a decade "
             "of debate about the crossing and its cost to the town. ") * 3
    body = html.fromstring(f"<div><p>{story}</p><p>Sign in to comment on this story now "
                           "with your account please</p></div>")
    agree_with_article_body(body, story)
    assert len(body) == 1
    # a long paragraph articleBody lacks stays: articleBody was cut, not the page padded
    long_paragraph = "The mayor then spoke for twenty minutes about the history " * 6
    body = html.fromstring(f"<div><p>{story}</p><p>{story}</p><p>{long_paragraph}</p></div>")
    agree_with_article_body(body, story * 2)
    assert len(body) == 3
    # a cut-short articleBody is not trusted
    body = html.fromstring(f"<div><p>{story}</p><p>{story[::-1]}</p></div>")
    agree_with_article_body(body, story[:200] + "...")
    assert len(body) == 2


# --- the site of a page without a module ---------------------------------------------------------
@pytest.mark.parametrize("host, name", [
    ("www.example-news.com", "example-news.com"), ("news.bbc.co.uk", "bbc.co.uk"),
    ("EXAMPLE-NEWS.COM", "example-news.com"), ("127.0.0.1", "127.0.0.1"),
    ("my_blog.example.org", "example.org"), ("news_local", "news-local"), ("::1", "1"),
    ("bücher-news.de", "xn--bcher-news-9db.de"), ("", "unknown"),
])
def test_registrable_name(host, name):
    assert registrable_name(host) == name


def test_generic_site_is_a_site_without_selectors():
    site = generic_site("www.example-news.com")
    assert site.name == "example-news.com" and site.generic and site.selectors == {}
    assert site.owns_host("www.example-news.com")


def test_a_body_split_in_chunks_of_one_class_is_joined():
    first = "The council voted on Monday to fund the bridge after a decade of debate."
    second = ("Construction will begin in September and take fourteen months, the public "
              "works department said, with a public meeting on the design in March.")
    root = html.fromstring(f"""<html><body><article>
      <div class="body__chunk"><p>{first}</p></div><div class="ad">Advertisement</div>
      <div class="body__chunk"><p>{second}</p></div></article></body></html>""")
    extracted = html.fromstring(f"<div><p>{first}</p></div>")
    joined = join_body_chunks(extracted, root)
    assert [p.text for p in joined] == [first, second]
    # one container only: trafilatura's body as it was
    root = html.fromstring(f"<html><body><div class='body'><p>{first}</p></div></body></html>")
    assert join_body_chunks(extracted, root) is extracted
