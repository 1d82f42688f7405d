"""How a sitemap is read (newscrawl/discovery/sitemaps.py): indexes, urlsets with lastmod,
Google News sitemaps, gzip, robots.txt, date-organised names, and documents that are not
sitemaps."""

import gzip
from datetime import date, datetime, timedelta, timezone

from newscrawl.discovery.sitemaps import period_of, read_sitemap, robots_sitemaps

JST = timezone(timedelta(hours=9))
PERIOD = r"-(?P<year>\d{4})(?:-(?P<month>\d{2}))?\.xml"

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <sitemap><loc>https://www.japantimes.co.jp/sitemaps/posts-2020-02.xml.gz</loc>
  <lastmod>2020-02-27T19:00:00+09:00</lastmod></sitemap>
 <sitemap><loc>https://www.japantimes.co.jp/sitemaps/posts-2023-11.xml</loc></sitemap>
</sitemapindex>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/</loc>
  <lastmod>2020-02-18T18:07:56+09:00</lastmod></url>
 <url><loc>https://www.japantimes.co.jp/news/2020/02/21/national/crime-legal/court-overtime/</loc>
  <lastmod>2020-02-21</lastmod></url>
 <url><loc>https://www.japantimes.co.jp/news/2020/02/25/national/bad-date/</loc>
  <lastmod>last tuesday</lastmod></url>
</urlset>"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url>
  <loc>https://www.japantimes.co.jp/news/2023/11/24/japan/politics/north-korea-object-orbit/</loc>
  <lastmod>2023-11-25T09:00:00+09:00</lastmod>
  <news:news>
   <news:publication><news:name>The Japan Times</news:name>
    <news:language>en</news:language></news:publication>
   <news:publication_date>2023-11-24T12:30:00+09:00</news:publication_date>
   <news:title>North Korea says object reached orbit</news:title>
  </news:news>
 </url>
</urlset>"""


def test_an_index_lists_its_sitemaps_with_lastmod():
    read = read_sitemap(INDEX, "https://www.japantimes.co.jp/sitemap_index.xml",
                        timezone="Asia/Tokyo")
    assert read.kind == "index" and read.error is None
    assert [e.url.rsplit("/", 1)[1] for e in read.entries] == ["posts-2020-02.xml.gz",
                                                               "posts-2023-11.xml"]
    assert read.entries[0].changed == datetime(2020, 2, 27, 19, 0, tzinfo=JST)
    assert read.entries[1].changed is None


def test_a_gzip_urlset_gives_urls_and_lastmod_and_reports_a_garbage_one():
    read = read_sitemap(gzip.compress(URLSET, mtime=0), "https://x/posts-2020-02.xml.gz",
                        timezone="Asia/Tokyo")
    assert read.kind == "urlset" and not read.news
    assert len(read.entries) == 3
    assert read.entries[0].changed == datetime(2020, 2, 18, 18, 7, 56, tzinfo=JST)
    assert read.entries[1].changed == date(2020, 2, 21)  # a bare date stays a date
    assert read.entries[0].published is None  # lastmod is not a publication date
    assert read.bad_dates == [read.entries[2].url]


def test_a_google_news_sitemap_gives_publication_date_title_and_the_newer_lastmod():
    read = read_sitemap(NEWS, "https://www.japantimes.co.jp/news-sitemap.xml",
                        timezone="Asia/Tokyo")
    (entry,) = read.entries
    assert read.news
    assert entry.published == datetime(2023, 11, 24, 12, 30, tzinfo=JST)
    assert entry.changed == datetime(2023, 11, 25, 9, 0, tzinfo=JST)
    assert entry.metadata["headline"] == "North Korea says object reached orbit"
    assert entry.metadata["published_at"] == "2023-11-24T12:30:00+09:00"


def test_documents_that_are_not_sitemaps_say_why():
    cases = {
        b"<!DOCTYPE html><html><body><h1>Internal error</h1></body></html>":
            "not a sitemap (its root element is <html>)",
        b"": "not readable XML",
        b"\x1f\x8b\x08\x00garbage": "not a readable gzip file",
    }
    for body, why in cases.items():
        read = read_sitemap(body, "https://www.japantimes.co.jp/sitemaps/x.xml")
        assert read.entries == [] and read.error.startswith(why), (body, read.error)


def test_robots_txt_sitemap_lines_are_absolute_and_unique():
    robots = (b"User-agent: *\nDisallow: /search/\n\nSitemap: /sitemap_index.xml\n"
              b"sitemap: https://www.japantimes.co.jp/news-sitemap.xml\n"
              b"Sitemap: https://www.japantimes.co.jp/news-sitemap.xml\n")
    assert robots_sitemaps(robots, "https://www.japantimes.co.jp/robots.txt") == [
        "https://www.japantimes.co.jp/sitemap_index.xml",
        "https://www.japantimes.co.jp/news-sitemap.xml",
    ]


def test_date_organised_sitemap_periods():
    assert period_of("https://x/sitemaps/posts-2020-02.xml.gz", PERIOD) == (
        date(2020, 2, 1), date(2020, 2, 29))
    assert period_of("https://x/sitemaps/posts-2023-12.xml", PERIOD) == (
        date(2023, 12, 1), date(2023, 12, 31))
    assert period_of("https://x/sitemaps/posts-2019.xml", PERIOD) == (
        date(2019, 1, 1), date(2019, 12, 31))
    assert period_of("https://x/news-sitemap.xml", PERIOD) is None
    assert period_of("https://x/sitemaps/posts-2019-13.xml", PERIOD) is None
    assert period_of("https://x/sitemaps/posts-2019.xml", "") is None
