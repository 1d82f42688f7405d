"""A generated site of N articles, made page by page on request: the scale snapshot.

``python -m newscrawl.snapshot serve --scale 100000 --seed 1`` or
``SnapshotServer(scale=100000, seed=1)``. Nothing is written to disk and nothing is held per
article: every page, feed and sitemap is built from the seed when it is asked for, so 100,000
articles cost no more memory than 1,000.

What the site holds (docs/snapshot.md, "Scale site"):

- Articles ``0 .. N-1``, oldest first, one every ``SPAN / N`` from ``START`` (so any N spans
  the same eight years and the newest is always ``START + SPAN``). Article ``i`` belongs to
  section ``SECTIONS[i % 4]``: ``news/national`` and ``news/asia-pacific`` in the WordPress
  layout (the real 2020 page as template, ``build.wp_article_page``), ``news/japan`` and
  ``business`` in the current layout (``templates_current.article_page``).
- Special pages: every ``PAYWALL_EVERY``-th current-layout article is a paywalled preview;
  article ``i`` with ``i % BOTWALL_EVERY == BOTWALL_AT`` answers a Cloudflare bot wall (403);
  every ``TRACKING_EVERY``-th teaser of a listing links its article under a tracking query
  (the same article again: the crawl must request it once).
- Listings: ``/news/national/``, ``/news/national/page/N/`` (WordPress) and ``/news/japan/``,
  ``/news/japan/?pgno=N`` (current), ``PAGE_SIZE`` teasers a page, newest first.
- Feeds: ``/feed/`` (RSS, the newest ``FEED_ITEMS``), per-section ``/<section>/feed/`` (RSS;
  ``/business/feed/`` Atom). Sitemaps: ``/robots.txt`` names ``/sitemap_index.xml`` (one child
  per month, ``/sitemaps/posts-YYYY-MM.xml.gz``, gzip) and ``/news-sitemap.xml`` (the last two
  days).
- ``changed`` (percent, ``--scale-changed``): the second state for the incremental crawl: half
  of that share are new articles (``N ..``, published after the newest), half are existing
  ones updated (a correction paragraph, a modification time, a newer sitemap ``lastmod``).

``ScaleSite.expected_record(i)`` is the record a crawl should export for article ``i`` (None
for the bot wall), in the form of ``expected.json``'s records.
"""

import gzip
import random
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import quote, urlsplit

from . import SITE_ORIGIN
from . import build as wpb
from . import templates_current as cur
from . import templates_feeds as feeds
from . import templates_special as special

JST = timezone(timedelta(hours=9))
START = datetime(2016, 1, 4, 9, 0, tzinfo=JST)
SPAN = timedelta(days=8 * 365)
SECTIONS = ("news/national", "news/asia-pacific", "news/japan", "business")
WORDPRESS_SECTIONS = ("news/national", "news/asia-pacific")
PAGE_SIZE = 20
FEED_ITEMS = 30
SECTION_FEED_ITEMS = 20
PAYWALL_EVERY = 25       # of the current-layout articles
BOTWALL_EVERY = 1000
BOTWALL_AT = 777
TRACKING_EVERY = 97      # of the teasers
TRACKING_QUERY = "?utm_source=newsletter&utm_medium=email&utm_campaign=daily"
ID_BASE = 3_000_000

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=UTF-8"
ATOM = "application/atom+xml; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
GZIP = "application/x-gzip"

# -- words: ASCII letters only, so a headline or paragraph reads the same escaped for HTML,
# JSON and attributes (the WordPress page template relies on it, see _WordPressTemplate)
NOUNS = ("government", "ministry", "city", "council", "company", "bank", "court", "school",
         "hospital", "port", "railway", "festival", "museum", "market", "union", "farm",
         "factory", "airport", "university", "prefecture", "committee", "police", "survey",
         "budget", "plan", "bridge", "election", "report", "program", "team")
VERBS = ("approves", "delays", "expands", "reviews", "launches", "suspends", "announces",
         "studies", "backs", "rejects", "opens", "closes", "funds", "tests", "extends")
ADJS = ("new", "local", "regional", "national", "annual", "major", "small", "public",
        "private", "rural", "coastal", "digital", "early", "late", "joint")
PLACES = ("Tokyo", "Osaka", "Nagoya", "Sapporo", "Fukuoka", "Kobe", "Sendai", "Hiroshima",
          "Niigata", "Naha", "Kanazawa", "Matsuyama", "Seoul", "Manila", "Jakarta", "Hanoi")
PEOPLE = ("Kazuki Mori", "Emi Sato", "Daniel Hart", "Yuko Tanaka", "Hiroshi Abe",
          "Laura Finch", "Ken Ishida", "Mariko Ueda", "Tom Welsh", "Aya Nakamura")
WIRES = ("Kyodo", "JIJI", "Reuters", "AFP-JIJI")
CURRENT_WIRES = ("Kyodo", "Jiji", "Reuters", "AFP-JIJI")
TAG_WORDS = ("economy", "politics", "health", "energy", "tourism", "transport", "education",
             "labor", "technology", "trade", "weather", "crime", "culture", "sports")
SUBSECTIONS = {
    "news/national": (("Crime & Legal", "crime-legal"), ("Politics & Diplomacy",
                      "politics-diplomacy"), ("Social Issues", "social-issues"), (None, None)),
    "news/asia-pacific": (("Science & Health", "science-health-asia-pacific"),
                          ("Politics & Diplomacy", "politics-diplomacy-asia-pacific"),
                          (None, None)),
    "news/japan": (("Politics", "politics"), ("Society", "society"),
                   ("Crime & Legal", "crime-legal"), (None, None)),
    "business": (("Economy", "economy"), ("Companies", "companies"), ("Markets", "markets"),
                 (None, None)),
}
SECTION_NAMES = {"news/national": "National", "news/asia-pacific": "Asia Pacific",
                 "news/japan": "Japan", "business": "Business"}
CORRECTION = ("Correction: an earlier version of this article gave the wrong date for the "
              "meeting of the committee.")

_INDEX_RE = re.compile(r"-(\d+)/$")
_MONTH_RE = re.compile(r"^/sitemaps/posts-(\d{4})-(\d{2})\.xml(\.gz)?$")


def _iso(moment):
    return moment.isoformat()


def _sentence(rng, place=None):
    words = [rng.choice(ADJS).capitalize(), rng.choice(NOUNS), rng.choice(VERBS),
             rng.choice(ADJS), rng.choice(NOUNS), "plan", "in", place or rng.choice(PLACES)]
    extra = [rng.choice(NOUNS if k % 2 else ADJS) for k in range(rng.randint(4, 12))]
    return " ".join(words + ["after"] + extra) + "."


def index_of_url(url):
    """The article index a scale-site URL names (tracking query and host ignored), or None."""
    m = _INDEX_RE.search(urlsplit(url).path)
    return int(m.group(1)) if m else None


class ScaleSite:
    """The generated site of ``n`` articles from ``seed``; ``changed``: percent of articles
    added or updated (the second state), 0 for the first."""

    def __init__(self, n, seed=0, changed=0.0):
        n = int(n)
        if n < 8:
            raise ValueError(f"a scale site needs at least 8 articles, got {n}")
        changed = float(changed or 0)
        if not 0 <= changed <= 50:
            raise ValueError(f"changed must be a percentage between 0 and 50, got {changed}")
        self.n, self.seed, self.changed = n, int(seed), changed
        self.step = SPAN / n
        # the second state: ``added`` new articles after the newest, every ``update_every``-th
        # existing one updated (half of ``changed`` each)
        self.added = round(n * changed / 200) if changed else 0
        self.update_every = round(200 / changed) if changed else 0
        self.total = n + self.added
        self.changed_at = START + SPAN + timedelta(days=1, hours=2)
        self._wp = None

    # -- the articles --------------------------------------------------------------------------
    def published(self, i):
        moment = START + self.step * i
        return moment.replace(second=0, microsecond=0)

    def section(self, i):
        return SECTIONS[i % 4]

    def is_updated(self, i):
        return bool(self.update_every) and i < self.n and (
            (i + self.seed) % self.update_every == self.update_every // 2)

    def is_botwall(self, i):
        return i % BOTWALL_EVERY == BOTWALL_AT

    def is_paywalled(self, i):
        return self.section(i) not in WORDPRESS_SECTIONS and (i // 4) % PAYWALL_EVERY == 3

    def _rng(self, i, part=""):
        return random.Random(f"{self.seed}:{i}:{part}")

    def headline(self, i):
        rng = self._rng(i, "h")
        place = rng.choice(PLACES)
        return (f"{place} {rng.choice(NOUNS)} {rng.choice(VERBS)} {rng.choice(ADJS)} "
                f"{rng.choice(NOUNS)} plan")

    def path(self, i, headline=None):
        section = self.section(i)
        day = self.published(i)
        slug = "-".join((headline or self.headline(i)).lower().split()[:5]) + f"-{i}"
        sub = SUBSECTIONS[section][i % len(SUBSECTIONS[section])][1]
        date_path = f"{day:%Y/%m/%d}"
        if section == "business":
            return f"/business/{date_path}/" + (f"{sub}/" if sub else "") + f"{slug}/"
        tail = section.split("/")[1]
        return f"/news/{date_path}/{tail}/" + (f"{sub}/" if sub else "") + f"{slug}/"

    def url(self, i):
        return SITE_ORIGIN + self.path(i)

    def lastmod(self, i):
        return _iso(self.changed_at if self.is_updated(i) else self.published(i))

    def article(self, i):
        """The data of article ``i`` in the shape ``build``/``templates_current`` take."""
        if not 0 <= i < self.total:
            raise IndexError(i)
        rng = self._rng(i)
        section = self.section(i)
        wordpress = section in WORDPRESS_SECTIONS
        subsection, sub_slug = SUBSECTIONS[section][i % len(SUBSECTIONS[section])]
        place = rng.choice(PLACES)
        staff = rng.random() < 0.3
        authors = rng.sample(PEOPLE, rng.choice((1, 1, 2))) if staff else []
        if wordpress:
            credit = "Staff Writer" if staff else rng.choice(WIRES)
        else:
            credit = "Staff writer" if staff else rng.choice(CURRENT_WIRES)
        dateline = None if staff or rng.random() < 0.3 else place.upper()
        paragraphs = [_sentence(rng, place) for _ in range(rng.randint(5, 10))]
        if rng.random() < 0.2:
            paragraphs.insert(3, "## " + " ".join(rng.choice(ADJS).capitalize() + " "
                                                 + rng.choice(NOUNS) for _ in range(1)))
        tags = list(dict.fromkeys([place] + rng.sample(TAG_WORDS, rng.randint(2, 5))))
        published = self.published(i)
        day = f"{published:%Y/%m/%d}"
        compact = f"{published:%Y%m%d}"
        ident = str(ID_BASE + i)
        # (WordPress pages always have a lead photo: the page template's head needs one)
        n_images = rng.choice((1, 1, 2) if wordpress else (0, 1, 1, 2))
        credits = ("KYODO", "AP", "REUTERS", "JIJI") if wordpress else (
            "Kyodo", "AP", "Reuters", "Jiji")
        if wordpress:
            images = [(f"https://cdn.japantimes.2xx.jp/wp-content/uploads/{day[:7]}/"
                       f"n-scale{i}-{'abcd'[k]}-{compact}.jpg",
                       f"{_sentence(rng)[:-1]} | {rng.choice(credits)}")
                      for k in range(n_images)]
        else:
            images = [(f"https://www.japantimes.co.jp/japantimes/uploads/images/{day}/"
                       f"{ident}{k}.jpg", f"{_sentence(rng)[:-1]} | {rng.choice(credits)}")
                      for k in range(n_images)]
        modified = None
        if self.is_updated(i):
            paragraphs = paragraphs + [CORRECTION]
            modified = (self.changed_at.date().isoformat() if wordpress
                        else _iso(self.changed_at))
        first = paragraphs[0]
        a = {
            "path": self.path(i), "headline": self.headline(i), "article_id": ident,
            "published": _iso(published), "modified": modified, "section": SECTION_NAMES[section],
            "subsection": subsection, "subsection_slug": sub_slug, "authors": authors,
            "credit": credit, "dateline": dateline, "paragraphs": paragraphs, "tags": tags,
            "description": first if len(first) < 160 else first[:150].rsplit(" ", 1)[0],
            "images": images, "listings": [section], "listing": section,
            "paywalled": self.is_paywalled(i), "index": i, "layout":
                "wordpress" if wordpress else "current",
        }
        if wordpress:
            a["author_meta"] = ", ".join(authors) or "No Author"
            a["ad_after"] = 2
            a["related_after"] = 4
            if i % 3 == 0 and i >= 2:
                a["related"] = [(self.url(j), self.headline(j)) for j in (i - 1, i - 2)]
        else:
            a["feed_credit"] = credit
        return a

    def expected_record(self, i):
        """The record a crawl exports for article ``i`` (the fields of ``expected.json``'s
        records; ``sources`` left out), or None for a bot wall."""
        if self.is_botwall(i):
            return None
        a = self.article(i)
        if a["layout"] == "wordpress":
            record = wpb.wp_expected(a, [a["listing"]])
        else:
            record = cur.expected(a)
        record["index"] = i
        return record

    def expected_indices(self):
        """Indices of the articles a full crawl exports (every one but the bot walls)."""
        return [i for i in range(self.total) if not self.is_botwall(i)]

    def changed_indices(self):
        """(added, updated) indices of the second state."""
        return (list(range(self.n, self.total)),
                [i for i in range(self.n) if self.is_updated(i)])

    # -- pages --------------------------------------------------------------------------------
    def article_page(self, i):
        if self.is_botwall(i):
            return 403, HTML, special.cloudflare_challenge_page(self.path(i)), {
                "Server": "cloudflare", "cf-mitigated": "challenge"}
        a = self.article(i)
        if a["layout"] == "wordpress":
            if self._wp is None:
                self._wp = _WordPressTemplate()
            return 200, HTML, self._wp.render(a), {}
        neighbours = [self._teaser(j) for j in range(i - 4, max(i - 24, -1), -4)][:5]
        return 200, HTML, cur.article_page(a, [a] + neighbours), {}

    def _teaser(self, i):
        """What a listing or a sidebar shows of article ``i`` (cheaper than ``article``)."""
        section = self.section(i)
        subsection, sub_slug = SUBSECTIONS[section][i % len(SUBSECTIONS[section])]
        headline = self.headline(i)
        return {"path": self.path(i, headline), "headline": headline,
                "published": _iso(self.published(i)), "section": SECTION_NAMES[section],
                "subsection": subsection, "subsection_slug": sub_slug,
                "section_slug": section.split("/")[-1], "images": [],
                "description": f"{headline}: the story so far.",
                "excerpt": f"{headline}: the story so far ...",
                "article_id": str(ID_BASE + i), "paywalled": self.is_paywalled(i)}

    def section_indices(self, section):
        """Indices of a section's articles, newest first (a range: no list is built)."""
        k = SECTIONS.index(section)
        last = self.total - 1
        last -= (last - k) % 4
        return range(last, k - 1, -4)

    def listing_page(self, section, page):
        items = self.section_indices(section)
        pages = max(1, -(-len(items) // PAGE_SIZE))
        if not 1 <= page <= pages:
            return None
        chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        teasers = []
        for n, i in enumerate(chunk):
            t = self._teaser(i)
            if ((page - 1) * PAGE_SIZE + n) % TRACKING_EVERY == TRACKING_EVERY - 1:
                t["path"] = t["path"] + TRACKING_QUERY
            t["href"] = SITE_ORIGIN + t["path"]
            teasers.append(t)
        if section in WORDPRESS_SECTIONS:
            # Page numbers: the real theme prints a window of them, not all 1,250.
            return wpb.wp_listing_page(_real_page(), section, page, min(pages, page + 1)
                                       if page < pages else page, teasers)
        return cur.listing_page(section, page, pages, teasers, teasers)

    # -- feeds and sitemaps -------------------------------------------------------------------
    def newest(self, count, section=None):
        indices = self.section_indices(section) if section else range(
            self.total - 1, -1, -1)
        return [i for i in indices[:count]]

    def _feed_article(self, i):
        a = self._teaser(i)
        a.update(credit=None, authors=[], tags=[SECTION_NAMES[self.section(i)].lower()],
                 modified=_iso(self.changed_at) if self.is_updated(i) else None)
        return a

    def feed(self, section=None):
        items = [feeds.article_item(self._feed_article(i)) for i in
                 self.newest(SECTION_FEED_ITEMS if section else FEED_ITEMS, section)]
        if section:
            header = feeds.channel_header(_real_feed(), title=f"{SECTION_NAMES[section]} - The "
                                          "Japan Times", link=f"{SITE_ORIGIN}/{section}/",
                                          self_href=f"{SITE_ORIGIN}/{section}/feed/")
        else:
            header = feeds.channel_header(_real_feed())
        return feeds.rss(header, items)

    def atom_feed(self, section):
        articles = [self._feed_article(i) for i in self.newest(SECTION_FEED_ITEMS, section)]
        return feeds.atom(f"{SECTION_NAMES[section]} - The Japan Times",
                          f"{SITE_ORIGIN}/{section}/", f"{SITE_ORIGIN}/{section}/feed/",
                          articles, max(a["modified"] or a["published"] for a in articles))

    def months(self):
        """{"YYYY-MM": (first index, last index)} of the articles, oldest month first."""
        out = {}
        for i in self._month_starts():
            key = f"{self.published(i):%Y-%m}"
            out.setdefault(key, [i, i])
        keys = list(out)
        for k, key in enumerate(keys):
            end = out[keys[k + 1]][0] - 1 if k + 1 < len(keys) else self.total - 1
            out[key][1] = end
        return {k: tuple(v) for k, v in out.items()}

    def _month_starts(self):
        """The first index of each month (a binary search per month, not a scan)."""
        starts = [0]
        while True:
            last = self.published(starts[-1])
            year, month = (last.year + (last.month == 12), last.month % 12 + 1)
            boundary = datetime(year, month, 1, tzinfo=JST)
            lo, hi = starts[-1], self.total
            while lo < hi:
                mid = (lo + hi) // 2
                if self.published(mid) < boundary:
                    lo = mid + 1
                else:
                    hi = mid
            if lo >= self.total:
                return starts
            starts.append(lo)

    def sitemap_index(self):
        children = []
        for key, (first, last) in self.months().items():
            newest = self.lastmod(last)
            if self.update_every:
                ue = self.update_every
                j = first + (ue // 2 - (first + self.seed)) % ue  # its first updated article
                if j <= last and j < self.n:
                    newest = _iso(self.changed_at)
            children.append((f"{SITE_ORIGIN}/sitemaps/posts-{key}.xml.gz", newest))
        return feeds.sitemap_index(children)

    def month_sitemap(self, key):
        span = self.months().get(key)
        if span is None:
            return None
        entries = [{"loc": self.url(i), "lastmod": self.lastmod(i), "image": None}
                   for i in range(span[0], span[1] + 1)]
        return feeds.urlset(entries)

    def news_sitemap(self):
        newest = self.published(self.total - 1)
        entries = []
        for i in range(self.total - 1, -1, -1):
            if self.published(i) < newest - timedelta(days=2):
                break
            entries.append({"loc": self.url(i), "lastmod": self.lastmod(i),
                            "publication_date": _iso(self.published(i)),
                            "title": self.headline(i)})
        return feeds.news_sitemap(entries)

    # -- the server's entry point -------------------------------------------------------------
    def answer(self, target):
        """(status, content type, body bytes, extra headers) for a request target."""
        parts = urlsplit(target)
        path = parts.path or "/"
        query = parts.query
        found = self._answer(path, query)
        if found is None:
            return None
        status, ctype, body, headers = found
        return status, ctype, body if isinstance(body, bytes) else body.encode("utf-8"), headers

    def _answer(self, path, query):
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", special.ROBOTS_TXT, {}
        i = index_of_url(path)
        if i is not None and i < self.total and path == self.path(i):
            return self.article_page(i)
        if path == "/feed/":
            return 200, RSS, self.feed(), {}
        if path == "/sitemap_index.xml":
            return 200, XML, self.sitemap_index(), {}
        if path == "/news-sitemap.xml":
            return 200, XML, self.news_sitemap(), {}
        m = _MONTH_RE.match(path)
        if m:
            text = self.month_sitemap(f"{m[1]}-{m[2]}")
            if text is None:
                return None
            if not m[3]:
                return 200, XML, text, {}
            # level 1, not the snapshot's 9: a month of 100,000 articles gzips in 3 ms, not 20
            return 200, GZIP, gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0), {}
        for section in SECTIONS:
            base = f"/{section}/"
            if path == base + "feed/":
                if section == "business":
                    return 200, ATOM, self.atom_feed(section), {}
                return 200, RSS, self.feed(section), {}
            page = None
            if path == base:
                if section in WORDPRESS_SECTIONS or not query:
                    page = 1
                else:
                    m = re.fullmatch(r"pgno=(\d+)", query)
                    page = int(m[1]) if m else 1
            elif section in WORDPRESS_SECTIONS and path.startswith(base + "page/"):
                m = re.fullmatch(r"page/(\d+)/", path[len(base):])
                page = int(m[1]) if m and int(m[1]) > 1 else None
            if page is not None:
                body = self.listing_page(section, page)
                return None if body is None else (200, HTML, body, {})
        return None


@lru_cache(maxsize=1)
def _real_page():
    return wpb.REAL_PAGE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _real_feed():
    return wpb.REAL_FEED.read_text(encoding="utf-8")


class _WordPressTemplate:
    """``build.wp_article_page`` compiled once into literal parts and named slots.

    ``wp_article_page`` rewrites the real 100 KB page with some forty replacements (1.7 ms a
    page); here it runs once, on an article whose every field is a marker, and the markers
    become slots. A page is then the parts joined with the article's values: the same bytes
    ``wp_article_page`` gives (tests/test_snapshot_scale.py checks it), in a few microseconds.
    Headlines, descriptions, tags and names of the scale site are plain words, so they read the
    same HTML-escaped, JSON-quoted and in attributes; URL-quoted forms get slots of their own.
    """

    TOKEN = {
        "path": "/news/1999/09/09/national/qzsubqz/qzslugqz/",
        "headline": "Qzheadqz qzlineqz",
        "article_id": "9999991",
        "published": "1999-09-09T09:09:00+09:00",
        "description": "Qzdescqz",
        "credit": "Qzcreditqz",
        "author_meta": "Qzauthorqz",
        "tag": "Qztagqz",
        "image": "https://cdn.japantimes.2xx.jp/wp-content/uploads/1999/09/qzimgqz",
    }

    def __init__(self):
        t = self.TOKEN
        token = {
            "path": t["path"], "headline": t["headline"], "article_id": t["article_id"],
            "published": t["published"], "modified": "1998-08-08", "tags": [t["tag"]],
            "credit": t["credit"], "author_meta": t["author_meta"], "authors": ["Qzwriterqz"],
            "description": t["description"], "section": "National", "subsection": "Qzsubnqz",
            "subsection_slug": "qzsubsqz", "dateline": "QZDATELINEQZ",
            "paragraphs": ["Qzparaqz"], "images": [(t["image"] + ".jpg", "Qzcapqz | QZCQZ")],
            "lead_photo": None,
        }
        page = wpb.wp_article_page(_real_page(), token)
        url = SITE_ORIGIN + t["path"]
        slots = [
            (wpb.wp_slideshow(token), "slideshow"),
            (wpb.wp_categories(token), "categories"),
            (wpb.wp_writer(token), "writer"),
            (wpb.wp_body(token), "body"),
            (wpb.wp_photos(token), "photos"),
            (f"<p class=\"credit\">{t['credit']}</p>", "credit_p"),
            (f"<meta property=\"article:tag\" content=\"{t['tag']}\" />\n", "tag_metas"),
            ("'dimension6', '" + t["tag"] + "'", "dimension6"),
            ("'dimension10', '" + t["credit"].upper() + "'", "dimension10"),
            (quote(url, safe=""), "url_quoted"),
            (url.replace("/", "\\/"), "url_json"),
            (t["path"], "path"),
            (quote(t["headline"], safe=""), "headline_quoted"),
            (t["headline"], "headline"),
            (wpb.short_date("1998-08-08"), "modified_short"),
            (wpb.short_date(t["published"]), "published_short"),
            (t["published"], "published"),
            (t["article_id"], "article_id"),
            (t["description"], "description"),
            ("/author/" + wpb.slug_tag(t["author_meta"]) + "/", "author_path"),
            (t["author_meta"], "author_meta"),
            (t["image"], "image_base"),
            (t["tag"], "tags_keywords"),
        ]
        page = re.sub(r"term_items=[^&]*&tag_items=[^&]*&", "term_items=\x00term_items\x00&"
                      "tag_items=\x00tag_items\x00&", page)
        for text, name in slots:
            if text and text in page:
                page = page.replace(text, f"\x00{name}\x00")
        for marker in ("qz", "Qz", "QZ", "9999991", "1999-09"):
            if marker in page:
                raise ValueError(f"WordPress template: marker {marker!r} left in the page")
        self.parts = page.split("\x00")

    def render(self, a):
        lead_url = a["images"][0][0]  # every WordPress article of the scale site has one
        tags = a["tags"]
        values = {
            "slideshow": wpb.wp_slideshow(a),
            "categories": wpb.wp_categories(a),
            "writer": wpb.wp_writer(a),
            "body": wpb.wp_body(a),
            "photos": wpb.wp_photos(a),
            "credit_p": f"<p class=\"credit\">{wpb.esc(a['credit'])}</p>" if a.get("credit")
            else "",
            "tag_metas": "".join(f"<meta property=\"article:tag\" content=\"{wpb.esc(t)}\" />\n"
                                 for t in tags),
            "dimension6": "'dimension6', '" + ",".join(tags).replace("'", "\\'") + "'",
            "dimension10": "'dimension10', '" + (a.get("credit") or "").upper() + "'",
            "url_quoted": quote(SITE_ORIGIN + a["path"], safe=""),
            "url_json": (SITE_ORIGIN + a["path"]).replace("/", "\\/"),
            "path": a["path"],
            "headline_quoted": quote(a["headline"], safe=""),
            "headline": a["headline"],
            "modified_short": wpb.short_date(a.get("modified") or a["published"][:10]),
            "published_short": wpb.short_date(a["published"]),
            "published": a["published"],
            "article_id": a["article_id"],
            "description": wpb.esc(a["description"]),
            "author_path": "/author/" + ("no-author" if a["author_meta"] == "No Author" else
                                         wpb.slug_tag(a["author_meta"].split(",")[0])) + "/",
            "author_meta": a["author_meta"],
            "image_base": lead_url[:-4],
            "tags_keywords": wpb.esc(", ".join(tags)),
            "term_items": quote(",".join(f"\"{t}\"" for t in [
                "Module Lead Story", a["section"], a.get("subsection") or "", "o_uthor"] if t),
                safe=""),
            "tag_items": quote(",".join(f"\"{t}\"" for t in tags), safe=""),
        }
        parts = self.parts
        out = []
        for k, part in enumerate(parts):
            if k % 2 == 0:
                out.append(part)
            else:
                out.append(values[part])
        return "".join(out)


__all__ = ["ScaleSite", "index_of_url"]
