"""How a feed is read (newscrawl/discovery/feeds.py): RSS in the Japan Times' own format,
Atom, and the feeds that go wrong: garbage dates, no links, HTML served as a feed, a feed cut
off before its first item."""

import re
from datetime import datetime, timedelta, timezone

from newscrawl.discovery.feeds import read_feed

JST = timezone(timedelta(hours=9))
ID_RE = re.compile(r"/article/(\d+)/?$")

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:jto="http://www.japantimes.co.jp/rss/1.0/jto"
     xmlns:media="http://search.yahoo.com/mrss/">
 <channel>
  <title>Latest articles - The Japan Times</title>
  <link>https://www.japantimes.co.jp/</link>
  <item>
   <title><![CDATA[ Syphilis cases hit record high for third straight year in Japan ]]></title>
   <link>https://www.japantimes.co.jp/news/2023/11/24/japan/syphilis-cases-record-high/</link>
   <category>JAPAN</category>
   <pubDate>Fri, 24 Nov 2023 21:37:00 +0900</pubDate>
   <jto:credit><![CDATA[ Jiji ]]></jto:credit>
   <jto:tag><![CDATA[ syphilis, health, COVID-19 in Japan, STD ]]></jto:tag>
   <jto:author></jto:author>
   <guid isPermaLink="false">https://www.japantimes.co.jp/article/604767/</guid>
   <description><![CDATA[The number of syphilis cases in Japan totaled 13,251.]]></description>
  </item>
  <item>
   <title>Off the site</title>
   <link>https://partner.example.com/2023/11/24/sponsored/</link>
   <pubDate>Fri, 32 Nov 2023 25:61:00 +0900</pubDate>
   <jto:author><![CDATA[ Kazuaki Nagata ]]></jto:author>
  </item>
  <item><title>No link at all</title></item>
 </channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
 <title>Business - The Japan Times</title>
 <link rel="self" href="https://www.japantimes.co.jp/business/feed/"/>
 <updated>2023-11-24T18:00:00+09:00</updated>
 <entry>
  <title>Nissan to build new EVs in Britain</title>
  <link rel="alternate" type="text/html"
        href="https://www.japantimes.co.jp/business/2023/11/24/companies/nissan-new-evs-britain/"/>
  <link rel="enclosure" type="image/jpeg" href="https://cdn.example/ev.jpg"/>
  <id>https://www.japantimes.co.jp/article/604700/</id>
  <published>2023-11-24T10:15:00+09:00</published>
  <updated>2023-11-24T16:40:00+09:00</updated>
  <author><name>Reuters</name></author>
  <author><name>Alice Hancock</name></author>
  <category term="companies"/><category term="EV"/>
 </entry>
</feed>"""


def test_rss_entries_carry_url_date_with_offset_and_the_sites_metadata():
    read = read_feed(RSS, "https://www.japantimes.co.jp/feed/", timezone="Asia/Tokyo",
                     article_id_re=ID_RE)
    assert read.error is None
    assert [e.url for e in read.entries] == [
        "https://www.japantimes.co.jp/news/2023/11/24/japan/syphilis-cases-record-high/",
        "https://partner.example.com/2023/11/24/sponsored/",
    ]
    first = read.entries[0]
    assert first.published == datetime(2023, 11, 24, 21, 37, tzinfo=JST)
    assert first.published.utcoffset() == timedelta(hours=9)  # the offset is kept
    assert first.changed == first.published
    assert first.metadata == {
        "credit": "Jiji", "tags": ["syphilis", "health", "COVID-19 in Japan", "STD"],
        "article_id": "604767",
        "headline": "Syphilis cases hit record high for third straight year in Japan",
        "published_at": "2023-11-24T21:37:00+09:00",
        "published_raw": "Fri, 24 Nov 2023 21:37:00 +0900",
    }


def test_a_garbage_date_is_reported_not_guessed_and_the_entry_is_kept():
    read = read_feed(RSS, "https://www.japantimes.co.jp/feed/", timezone="Asia/Tokyo")
    garbage = read.entries[1]
    assert read.bad_dates == [garbage.url]
    assert garbage.published is None and garbage.changed is None
    assert garbage.raw_date == "Fri, 32 Nov 2023 25:61:00 +0900"
    assert "published_at" not in garbage.metadata
    assert garbage.metadata["authors"] == ["Kazuaki Nagata"]


def test_atom_alternate_link_published_updated_and_people():
    read = read_feed(ATOM, "https://www.japantimes.co.jp/business/feed/",
                     timezone="Asia/Tokyo", article_id_re=ID_RE)
    (entry,) = read.entries
    assert entry.url == ("https://www.japantimes.co.jp/business/2023/11/24/companies/"
                         "nissan-new-evs-britain/")  # not the enclosure
    assert entry.published == datetime(2023, 11, 24, 10, 15, tzinfo=JST)
    assert entry.changed == datetime(2023, 11, 24, 16, 40, tzinfo=JST)  # <updated> signals
    assert entry.metadata["authors"] == ["Reuters", "Alice Hancock"]
    assert entry.metadata["tags"] == ["companies", "EV"]
    assert entry.metadata["article_id"] == "604700"


def test_broken_feeds_say_why_and_give_nothing():
    cut = RSS[:RSS.index(b"<item>")] + b"<h1>Database error</h1><p>Too many connections"
    for body, why in (
        (b"<!DOCTYPE html><html><head><title>503</title></head><body>Error</body></html>",
         "not"),
        (cut, "not a readable feed"),
        (b"", "not"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
         "a feed with no entries"),
    ):
        read = read_feed(body, "https://www.japantimes.co.jp/feed/")
        assert read.entries == [] and read.error and read.error.startswith(why), (body, read)
