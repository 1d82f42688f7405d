"""How a section page is read (newscrawl/discovery/listings.py) when the site's selectors do
not match: the article links of the main content (never the chrome), and the next page found
by rel=next or by its number."""

from scrapy.http import HtmlResponse

from newscrawl.discovery.listings import main_content_links, next_page, teasers
from newscrawl.sites.japantimes import SITE
from newscrawl.spiders.japantimes import JapanTimesSpider

BASE = "https://www.japantimes.co.jp"
REDESIGNED = f"""<!DOCTYPE html><html lang="en"><head><title>World | The Japan Times</title>
<link rel="canonical" href="{BASE}/news/world/"></head><body>
<header class="jt-header"><nav class="jt-nav">
  <a href="/news/japan/">Japan</a>
  <a href="/news/2023/11/24/japan/politics/north-korea-object-orbit/">Breaking: orbit</a>
</nav></header>
<main id="main-content"><div class="jt-grid">
 <section class="jt-stories">
  <article class="story-card"><h3 class="story-card__title">
   <a href="/news/2023/11/24/world/politics/nato-logistics-red-tape/">NATO logistics</a></h3>
   <a href="/news/2023/11/24/world/politics/nato-logistics-red-tape/#comments">3 comments</a>
  </article>
  <article class="story-card"><h3 class="story-card__title">
   <a href="https://www.japantimes.co.jp/news/2023/11/24/world/politics/\
voters-latin-america-thin-ice/?utm_source=web">Latin America</a></h3>
  </article>
  <a href="/news/world/">More world news</a>
  <a href="https://partner.example.com/news/2023/11/24/world/x/">Sponsored</a>
 </section>
 <aside class="jt-most-read"><h2>Most read</h2>
  <a href="/business/2023/11/24/companies/nissan-new-evs-britain/">Nissan</a></aside>
 <div class="pager"><a class="pager__link" href="/news/world/?pgno=2">Next</a></div>
</div></main>
<footer><a href="/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/">x</a></footer>
</body></html>"""


def page(html, url=f"{BASE}/news/world/"):
    return HtmlResponse(url=url, body=html.encode("utf-8"), encoding="utf-8")


def is_article(url):
    return JapanTimesSpider.is_article_url(JapanTimesSpider, url)


def test_the_sites_selectors_find_nothing_on_a_redesigned_page():
    assert teasers(page(REDESIGNED), SITE.listings) == ([], None)


def test_main_content_links_skip_header_nav_aside_footer_and_other_hosts():
    links = main_content_links(page(REDESIGNED), is_article)
    assert links == [
        f"{BASE}/news/2023/11/24/world/politics/nato-logistics-red-tape/",
        f"{BASE}/news/2023/11/24/world/politics/nato-logistics-red-tape/#comments",
        f"{BASE}/news/2023/11/24/world/politics/voters-latin-america-thin-ice/?utm_source=web",
    ]


def test_a_page_without_main_element_is_read_from_its_body_less_the_chrome():
    html = REDESIGNED.replace('<main id="main-content">', "<div>").replace("</main>", "</div>")
    links = main_content_links(page(html), is_article)
    assert len(links) == 3 and not any("nissan" in u or "orbit" in u for u in links)


def test_next_page_by_number_when_no_selector_and_no_rel_next():
    assert next_page(page(REDESIGNED), None, 1) == (f"{BASE}/news/world/?pgno=2",
                                                     "page_number")
    second = page(REDESIGNED.replace("?pgno=2", "?pgno=3"), url=f"{BASE}/news/world/?pgno=2")
    assert next_page(second, None, 2) == (f"{BASE}/news/world/?pgno=3", "page_number")
    # page 3 of a WordPress-style listing links /page/4/
    wp = REDESIGNED.replace("/news/world/?pgno=2", "/news/world/page/4/")
    assert next_page(page(wp, url=f"{BASE}/news/world/page/3/"), None, 3) == (
        f"{BASE}/news/world/page/4/", "page_number")


def test_a_link_to_another_page_number_or_listing_is_not_the_next_page():
    skip = REDESIGNED.replace("?pgno=2", "?pgno=5")
    assert next_page(page(skip), None, 1) == (None, None)
    other = REDESIGNED.replace("/news/world/?pgno=2", "/news/japan/?pgno=2")
    assert next_page(page(other), None, 1) == (None, None)


def test_rel_next_wins_over_numbers_and_the_site_selector_over_both():
    html = REDESIGNED.replace("</head>", f'<link rel="next" href="{BASE}/news/world/p2/"></head>')
    assert next_page(page(html), None, 1) == (f"{BASE}/news/world/p2/", "rel_next")
    wp_listing = SITE.listings[0]
    html = html.replace('<div class="pager">',
                        '<div class="pagination"><a class="next page-numbers" '
                        'href="/news/world/page/2/">Next</a></div><div class="pager">')
    assert next_page(page(html), wp_listing, 1) == (f"{BASE}/news/world/page/2/", "selector")
