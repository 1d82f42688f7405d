"""The generic reading of an article page: what any news page gives without a site module.

Each field takes the page's structured data first (``extraction.structured``), then what the
page shows. One small function per rule, so each can be tested on its own and the reason for
it sits beside it. Nothing here knows a site: rules are about how news pages are built.

The body comes from trafilatura (the best-kept public body extractor), given the page already
parsed, with what it keeps and should not (captions, credits, bylines, datelines, promos,
related-story lists, "Read more" lines) removed before and after.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache

from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction import dates
from newscrawl.extraction.processors import clean_text, language_code

# --- headline -----------------------------------------------------------------------------------
# What sites put between a headline and their name in <title> and og:title.
TITLE_SEPARATORS_RE = re.compile(r"\s+[|\-–—:·•»~/]\s+|\s*\|\s*|\s+::\s+")
_ALNUM_RE = re.compile(r"[\W_]+")
SITE_PREFIX_RE = re.compile(r"^([^:|]{2,40}):\s+")


def squash(text):
    """Text reduced to its letters and digits, case-folded: for comparing names and titles."""
    return _ALNUM_RE.sub("", (text or "").casefold())


def host_names(host):
    """Ways a site's host names the site: "www.example-news.co.uk" -> {"examplenews",
    "examplenewscouk"}: the name a title suffix spells ("Example News") squashes to one."""
    from newscrawl.sites.base import registrable_name

    host = (host or "").lower().removeprefix("www.")
    names = set()
    for name in {host, registrable_name(host)}:
        parts = name.split(".")
        names.add(squash(name))
        if len(parts) >= 2:
            names.add(squash(parts[0]))
            names.add(squash(".".join(parts[:-1])))
    return {n for n in names if len(n) >= 3}


def is_site_name(segment, site_names, hosts):
    """Whether a title segment names the site: it matches og:site_name / the publisher, or
    the host, or is contained in one of them (a suffix "BBC" for "BBC News")."""
    key = squash(segment)
    if not key:
        return False
    names = {squash(n) for n in site_names if n} | hosts
    names.discard("")
    # Equal, or one the other's start or end ("BBC" and "BBC News", "The Crimson" and
    # "Crimson"), between names of some length: a short name inside a headline is not it.
    return any(key == n or (min(len(key), len(n)) >= 4 and len(key) <= 2 * len(n) + 8 and (
        key.startswith(n) or n.startswith(key) or key.endswith(n) or n.endswith(key)))
        for n in names)


def strip_site_name(title, site_names=(), hosts=frozenset()):
    """A title without the site's name before or after a separator: "Headline | Site",
    "Site - Headline", "Headline - Section - Site". Only segments that name the site (and the
    section segments between them and the headline) go; a headline with a dash in it stays."""
    if not title:
        return title
    m = SITE_PREFIX_RE.match(title)
    if m and is_site_name(m[1], site_names, hosts):  # "Site: Headline"
        return title[m.end():].strip() or title
    parts = TITLE_SEPARATORS_RE.split(title)
    if len(parts) == 1:
        return title
    seps = TITLE_SEPARATORS_RE.findall(title)
    site_at = [i for i, part in enumerate(parts) if is_site_name(part, site_names, hosts)]
    if not site_at:
        return title
    if site_at[-1] == len(parts) - 1 and len(parts) > 1:
        # A trailing site name: keep what is before the first segment naming the site.
        keep = site_at[0] if site_at[0] > 0 else site_at[-1]
        rebuilt = parts[0]
        for sep, part in zip(seps[:keep - 1], parts[1:keep], strict=False):
            rebuilt += sep + part
        return rebuilt.strip() or title
    if site_at[0] == 0:
        rest = title[len(parts[0]) + len(seps[0]):]
        return rest.strip() or title
    return title


# What some sites append to a headline for the kind of page: "[Watch]", "(video)", "(photos)".
MEDIA_TAG_RE = re.compile(r"\s*[\[(](?:watch|video|videos|photos?|pics|gallery|listen|audio|"
                          r"podcast|live|updated?)[\])]\s*$", re.IGNORECASE)


CUT_SHORT_RE = re.compile(r"(?:[:|–—-]|\.\.\.|…)$")


def strip_media_tag(text):
    return MEDIA_TAG_RE.sub("", text).strip() or text if text else text


def headline_of(candidates, h1s, title, site_names, hosts):
    """The headline: the page's visible headline (an ``<h1>``) when the structured data agrees
    with it, else the structured headline, else the ``<h1>``, else ``<title>``; each without
    the site name. Agreement matters: many pages have several ``<h1>`` (the logo, a
    newsletter box) and some og:titles are rewritten for social media."""
    structured = [strip_media_tag(strip_site_name(clean_text(v), site_names, hosts))
                  for _, v in candidates]
    # og:title is sometimes the site's name alone (on templates that fill it per site), or
    # cut short by the CMS at a separator ("Harnessing CO2 for plastics:").
    structured = [s for s in structured if s and not is_site_name(s, site_names, hosts)
                  and not CUT_SHORT_RE.search(s)]
    title = strip_site_name(clean_text(title), site_names, hosts) if title else None
    keys = {squash(s) for s in structured + ([title] if title else [])}
    visible = [strip_media_tag(clean_text(h)) for h in h1s]
    visible = [h for h in visible if h and not is_site_name(h, site_names, hosts)]
    for h in visible:
        if squash(h) in keys:
            return h
    for h in visible:
        key = squash(h)
        if len(key) <= 15:
            continue
        # One is the other with more after it: the structured headline cut short (og:title
        # limits), or with a suffix the title rules did not recognise: the h1 is the headline.
        if any(len(k) > 15 and (key.startswith(k) or k.startswith(key)) for k in keys):
            return h
        # The h1 with a kicker in front ("Opinion", "Exclusive"): the structured headline.
        for text in structured:
            k = squash(text)
            if len(k) > 15 and key.endswith(k):
                return text
    if structured:
        return structured[0]
    if visible:
        return visible[0]
    return title


# --- authors ------------------------------------------------------------------------------------
BY_RE = re.compile(r"^\s*(?:written\s+)?by[:\s]+", re.IGNORECASE)
NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|•|·|\band\b|\bund\b|\bet\b|\by\b|\bwith\b)\s*",
                           re.IGNORECASE)
# A byline block goes on with the date: "By Jane Doe Published: Dec 22, 2023".
BYLINE_TAIL_RE = re.compile(r"\s+(?:published|updated|posted|last updated|on)\b.*$",
                            re.IGNORECASE)
# Degrees and credentials after a name: "Lauren Manaker MS, RDN".
CREDENTIALS_RE = re.compile(r"(?:,?\s+(?:MS|MA|RDN?|LDN?|PhD|Ph\.D\.|MD|M\.D\.|MPH|MBA|RN|"
                            r"CPT|CPA|DO|DDS|CDN|CSCS|FACC))+\.?$")
# Where an organisation starts after a name: "John Roe The Associated Press".
ORG_START_RE = re.compile(r"\s+(?:The|of|for|at)\s+.*$")
# Lower-case words a name may hold: "Ludwig van Beethoven", "Juan de la Cruz".
NAME_PARTICLES = frozenset("""van von der den de del della di da dos das du la le bin al el
    ibn y e zu ter ten""".split())
NAME_CHARS_RE = re.compile(r"^[^\W\d_][\w.'’‘\- ]*$")
# Words that make a byline value a role, a desk or an organisation rather than a person.
NOT_PERSON_RE = re.compile(
    r"\b(?:staff|editors?|editorial|desk|team|news|newsroom|reporters?|correspondents?|"
    r"agenc(?:y|ies)|press|associated|reuters|afp|ap|upi|bloomberg|wire|media|online|"
    r"contributors?|writer|admin|administrator|guest|bureau|board|service|group|times|post|"
    r"daily|magazine|journal|herald|tribune|gazette|digital|web|content|partner|sponsored|"
    r"published|updated|photos?|video|graphics?|opinion|inc|ltd|llc|report|no author|unknown|"
    r"anonymous|none)\b",
    re.IGNORECASE)
# Role words after a name: "Jane Doe, Senior Reporter", "John Roe | Political Editor".
ROLE_TAIL_RE = re.compile(
    r"\s*(?:[,|–—-]|\bis\b)\s*(?:senior|chief|staff|political|associate|deputy|managing|"
    r"contributing|special|foreign|business|health|science|sports|tech\w*|"
    r"\w+\s+(?:editor|correspondent|reporter|writer))\b.*$", re.IGNORECASE)
EMAIL_OR_URL_RE = re.compile(r"@|https?:|www\.|\.com\b|/")


def split_byline(value):
    """"By Jane Doe and John Roe" -> ["Jane Doe", "John Roe"]."""
    value = clean_text(value) or ""
    value = BY_RE.sub("", value)
    value = BYLINE_TAIL_RE.sub("", value)
    value = CREDENTIALS_RE.sub("", value)
    value = ROLE_TAIL_RE.sub("", value)
    names = []
    for name in NAME_SPLIT_RE.split(value):
        name = clean_text(CREDENTIALS_RE.sub("", BY_RE.sub("", name)).strip(" -–—:"))
        if name:
            names.append(name)
    return names


def person_part(name):
    """A name with the organisation printed after it removed, when what is left is still a
    name: "John Roe The Associated Press" -> "John Roe"."""
    if not NOT_PERSON_RE.search(name):
        return name
    cut = ORG_START_RE.sub("", name).strip()
    return cut if cut != name and len(cut.split()) >= 2 else name


def is_person_name(name, organizations=(), hosts=frozenset()):
    """Whether a byline value looks like a person's name: two to five words, starting with a
    capital letter (or a letter in a script without case), no digits, e-mail or URL, not
    the site or publisher, not a role or an agency."""
    if not name or len(name) > 60 or EMAIL_OR_URL_RE.search(name) or re.search(r"\d", name):
        return False
    if sum(c.isalpha() for c in name) < 2 or not NAME_CHARS_RE.match(name):
        return False
    words = name.split()
    # Every word capitalised but the particles: "List by Region" is not a name.
    if any(w[0].islower() and w not in NAME_PARTICLES for w in words):
        return False
    # The site's own name first ("CBC Arts", "Politico Staff").
    if len(words) > 1 and squash(words[0]) in hosts:
        return False
    if not 2 <= len(words) <= 5 and not (len(words) == 1 and not name.isascii()):
        return False
    if NOT_PERSON_RE.search(name):
        return False
    if is_site_name(name, organizations, hosts):
        return False
    first = words[0][0]
    return first.isupper() or not first.isascii()


def authors_of(candidates, byline_texts, organizations, hosts):
    """People's names: from the first source that names any person. Structured data first
    (JSON-LD Person, meta author), then the page's byline elements."""
    sources = []
    for source in ("json-ld", "meta", "microdata"):
        values = [v for s, v in candidates if s.split(":")[0] == source]
        if values:
            sources.append(values)
    sources.append(byline_texts)
    chosen = next((names for names in (people_in(values, organizations, hosts)
                                       for values in sources) if names), [])
    # Structured data often names the first author only; a byline of the page that names
    # all of them and more is the fuller list: "By Ann Lee and Bo Chen, CNN".
    folded = {n.casefold() for n in chosen}
    for text in byline_texts if chosen else ():
        names = people_in([text], organizations, hosts)
        if len(names) > len(chosen) and folded <= {n.casefold() for n in names}:
            chosen, folded = names, {n.casefold() for n in names}
    return chosen


def people_in(values, organizations, hosts):
    """The people named by a source's values, in order, each once."""
    names = []
    for value in values:
        for name in split_byline(value):
            name = person_part(name)
            if is_person_name(name, organizations, hosts) and \
                    name.casefold() not in (n.casefold() for n in names):
                names.append(name)
    return drop_extended(names)


def drop_extended(names):
    """Without names that are another name with more after it ("Jane Doe Worcester
    Telegram" beside "Jane Doe"): the same person, printed with the paper's name."""
    folded = [n.casefold() for n in names]
    return [n for n, f in zip(names, folded, strict=True)
            if not any(f != g and f.startswith(g + " ") for g in folded)]


# --- dates --------------------------------------------------------------------------------------
DATE_PUBLISHED_XPATH = etree.XPath(
    "//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime",
    smart_strings=False)
TIME_XPATH = etree.XPath(
    "//time[@datetime][not(ancestor::footer) and not(ancestor::aside)]/@datetime",
    smart_strings=False)
SOURCE_NAMES = {"json-ld": "json-ld", "meta": "meta", "microdata": "meta"}


def parse_page_date(text, source):
    """A date or aware datetime from a machine-readable date, or None. A time without an
    offset is kept as its date alone: a page with no site module has no known zone, and
    inventing one could shift the day."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    value = dates.parse_iso(text, "UTC") if dates.ISO_RE.match(text) else None
    if value is not None:
        if isinstance(value, datetime) and not dates.ISO_RE.match(text)["tz"]:
            return value.date()
        return value
    value = dates.parse_rfc822(text)
    if value is not None:
        return value
    if re.match(r"^\d{10}(\d{3})?$", text):  # epoch seconds or milliseconds
        seconds = int(text[:10])
        from datetime import UTC
        return datetime.fromtimestamp(seconds, UTC)
    m = re.match(r"^(\d{4})(\d{2})(\d{2})(?:\d{4,6})?$", text)  # 20200218 / 202002181807
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    value = dates.parse_text(text, language="en", timezone="UTC")
    if isinstance(value, datetime):
        return value.date()  # the zone was assumed: the day is what is known
    return value


def first_page_date(candidates):
    """(value, raw, source) of the first candidate (source, text) that parses."""
    for source, text in candidates:
        value = parse_page_date(text, source)
        if value is not None and _plausible(value):
            return value, text.strip(), SOURCE_NAMES.get(source.split(":")[0], source)
    return None, None, None


def _plausible(value):
    year = value.year
    return 1990 <= year <= 2100


def with_stated_offset(value, texts):
    """``value`` written with the page's own offset when another machine-readable date of
    the page is the same instant with a non-UTC offset: JSON-LD often serialises in UTC
    ("2023-12-23T03:22:07Z") what the page's ``<time datetime>`` or ``article:published_time``
    states in the newsroom's zone ("2023-12-22T22:22:07-05:00"). The instant is unchanged;
    the day readers were shown is the local one."""
    if not isinstance(value, datetime) or value.utcoffset():
        return value
    for text in texts:
        m = dates.ISO_RE.match(text.strip()) if isinstance(text, str) else None
        if not m or not m["tz"]:
            continue  # a time without an offset says no zone
        other = dates.parse_iso(text)
        if isinstance(other, datetime) and other.utcoffset() and other == value:
            return other
    return value


# Text nodes that may hold a clock ("8:48 p.m.", "22:57"); the rest of a page cannot.
# Scripts and styles are not read (their JSON is full of colons), nor texts longer than a
# dateline can be.
CLOCK_TEXT_XPATH = etree.XPath(
    "//body//text()[contains(., ':')][string-length(.) <= 120]"
    "[not(parent::script or parent::style or parent::noscript or parent::template)]",
    smart_strings=True)
# A dateline that says it is the update: its clock is not the publication's.
UPDATED_LABEL_RE = re.compile(r"\b(?:updat|modif|edited|revised)", re.IGNORECASE)
VISIBLE_NOT_IN = frozenset({"footer", "aside", "nav", "script", "style", "noscript",
                            "template", "head", "title", "option", "select"})


def visible_datelines(root, limit=12, max_chars=120):
    """Short visible texts of the page that print a clock ("By Jane Doe Dec. 21, 2023 11:00
    pm EST"), in page order, at most ``limit``, each as (text, in_time): each text node with
    a colon is read in the largest element around it of at most ``max_chars`` characters,
    so a day and a clock printed in sibling elements are read together; ``in_time`` says
    the clock is printed inside a ``<time>`` element (the page marks it as a date)."""
    found, seen = [], set()
    for text in CLOCK_TEXT_XPATH(root):
        if not dates.VISIBLE_CLOCK_RE.search(text):
            continue
        node = text.getparent()
        if node is not None and text.is_tail:
            node = node.getparent()
        if node is None or not isinstance(node.tag, str) or \
                any(a.tag in VISIBLE_NOT_IN for a in (node, *node.iterancestors())):
            continue
        in_time, best = False, None
        for _ in range(4):  # the dateline's own element, or a small block around it
            if node is None or len(node) > 12:
                break
            content = " ".join(node.text_content().split())
            if len(content) > max_chars:
                break
            in_time = in_time or node.tag == "time"
            best = (node, content, in_time)
            node = node.getparent()
        if best is None or best[0] in seen:
            continue
        seen.add(best[0])
        found.append(best[1:])
        if len(found) >= limit:
            break
    return found


def is_update_line(text):
    """Whether a dateline is labelled as the update ("Updated: Dec. 13, 2024, 11:31 p.m."):
    the label comes before its first day."""
    label = UPDATED_LABEL_RE.search(text)
    if not label:
        return False
    day = min((m.start() for m in (r.search(text) for r in dates.VISIBLE_DAY_RES) if m),
              default=None)
    return day is None or label.start() < day


def with_visible_offset(value, datelines):
    """``value`` written with the offset at which the page's visible dateline prints the
    same instant: "Dec. 21, 2023 11:00 pm EST" beside a JSON-LD "2023-12-22T04:00:41Z" is
    2023-12-21T23:00:41-05:00, the day readers were shown. Only an exact match (the same
    minute, at an offset a zone can have) counts, and a dateline labelled as the update is
    not read: the instant is never changed, only the offset it is written with."""
    if not isinstance(value, datetime):
        return value
    for text, _ in datelines:
        reading = dates.visible_reading(text)
        if reading is None or is_update_line(text):
            continue
        offset = dates.offset_of_reading(value, reading)
        if offset is not None:
            return value if offset == value.utcoffset() else dates.at_offset(value, offset)
    return value


# A dateline labelled as the publication: "Published 8:00 PM EST", "posted on 2023-12-19".
PUBLISHED_LABEL_RE = re.compile(r"\b(?:published|posted|first published)\b", re.IGNORECASE)


def visible_dateline_day(datelines):
    """(day, text) of the page's dateline when the page has no machine-readable date: the
    first visible day and clock that is not the update, taken when the page marks it as
    its date (a ``<time>`` element) or labels it as the publication ("posted on 2023-12-19
    23:30 EST"). Only the day: with no offset the page states, the zone is unknown. Read
    before htmldate, which prefers a date in the URL (the day the address was made, the
    day before for a story published after midnight) to the page's own dateline."""
    for text, in_time in datelines:
        reading = dates.visible_reading(text)
        if reading is None or is_update_line(text):
            continue
        if in_time or PUBLISHED_LABEL_RE.search(text):
            return reading.date(), text
        return None, None  # the first dateline is not marked: no guess from the others
    return None, None


def htmldate_day(root, url):
    """The page's original publication day as htmldate finds it (its own heuristics over
    the markup and text), or None. Only a day: htmldate gives no time to trust."""
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - a runtime dependency
        return None
    try:
        found = find_date(root, original_date=True, extensive_search=False, url=url)
    except Exception:  # htmldate raises many kinds on odd pages; no date is the answer
        return None
    if not found:
        return None
    try:
        return date.fromisoformat(found[:10])
    except ValueError:
        return None


# --- language, section, tags, paywall -------------------------------------------------------------
def language_of(root, candidates):
    return (language_code(root.get("lang")) or language_code(root.get("xml:lang"))
            or next((language_code(v.replace("_", "-")) for _, v in candidates
                     if language_code(v.replace("_", "-"))), None))


CATEGORY_LINKS = etree.XPath(
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
    "[not(ancestor::nav) and not(ancestor::footer) and not(ancestor::aside)]")


def category_links(root, limit=3):
    """Texts of the page's category links (WordPress themes mark them ``rel="category
    tag"``), outside navigation: the article's own categories, first the main one."""
    return [t for t in (clean_text(a.text_content()) for a in CATEGORY_LINKS(root)[:limit])
            if t]


def section_of(candidates, breadcrumbs, headline=None, categories=()):
    """``articleSection`` or a section meta tag, else the breadcrumb after "Home" (not the
    article itself, which a breadcrumb often ends with), else the first category link."""
    for _, value in candidates:
        text = clean_text(value)
        if text and not text.startswith("http") and len(text) <= 60:
            return text
    crumbs = [c for c in (clean_text(b) for b in breadcrumbs) if c]
    if crumbs and crumbs[0].casefold() in ("home", "homepage", "start", "news home"):
        crumbs = crumbs[1:]
    if crumbs and headline and squash(crumbs[-1]) == squash(headline):
        crumbs = crumbs[:-1]
    if crumbs and len(crumbs[0]) <= 60:
        return crumbs[0]
    return next((c for c in categories if len(c) <= 60), None)


def is_paywalled(free, scan):
    """True when ``isAccessibleForFree`` is false, or the page shows a paywall element."""
    if free is False or str(free).strip().lower() == "false":
        return True
    return scan.paywall


# --- body ---------------------------------------------------------------------------------------
# One pass over the page's elements (``scan_page``) finds, by their class and id, what the
# generic reading needs: byline elements (authors), captions, paywall markers, and the blocks
# removed before trafilatura reads the page: captions and credits (the article's text only),
# share bars, newsletter and subscription promos, related and recommended stories, bylines
# and datelines printed as blocks of their own. One pass in Python: the same tests as XPath
# ``contains()`` over every element cost trafilatura's whole run again.
BOILERPLATE_CLASS_RE = re.compile(
    r"caption|credit|share|social|newsletter|subscribe(?!r)|promo|related|recommend|"
    r"more-?stories|also-?read|byline|author|dateline|timestamp|breadcrumb|comment|advert|"
    r"sponsor|outbrain|taboola|sign-?up|trending|popular|toolbar|\bads?\b|disclaimer|"
    r"cookie|consent|gdpr|onetrust|donat|privacy-?modal|regwall|"
    r"paywall[-_]*(?:prompt|offer|cta|message|notice|barrier|inline|bar\b|modal)"
)
# Blocks removed whatever text they hold: cookie, consent and privacy dialogs and other
# modal overlays have long paragraphs.
CONSENT_CLASS_RE = re.compile(r"(?<![a-z])(?:cookie|consent|gdpr|onetrust|didomi|privacy|modal)")
# Blocks the page does not show (CSS classes every framework uses for it, the ``hidden``
# attribute, an inline ``display: none``): fundraising messages, alternative promos, modal
# dialogs. "hidden-xs" and the like only hide at one screen size, so they are not here.
HIDDEN_CLASS_RE = re.compile(r"(?:^|\s)(?:hidden|hide|d-none|is-hidden|u-hidden)(?:\s|$)")
DISPLAY_NONE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Containers of the article itself, whose class may also name a boilerplate word.
KEEP_CLASS_RE = re.compile(r"article-?body|articlebody|story-?body|post-?content|"
                           r"entry-?content|article-?content|main-?content")
BYLINE_CLASS_RE = re.compile(r"byline|author|auth-?name|writer|contributor|"
                             r"(?:^|[\s_-])by(?:$|[\s_-])")
PAYWALL_CLASS_RE = re.compile(r"paywall|subscriber-only|premium-content|meteredcontent|"
                              r"piano-offer|regwall")
NEVER_PRUNED = {"html", "body", "article", "main", "head"}
INLINE_TAGS = frozenset({"span", "a", "em", "strong", "b", "i", "small", "time", "abbr", "cite",
                         "label", "sup", "sub", "u", "mark", "font", "q"})


@lru_cache(maxsize=65536)
def classify(marks):
    """(byline, paywall, boilerplate, keep, consent, hidden) for an element's class and id.
    Cached: a page repeats the same class strings, and a site's pages share them. The
    patterns are lower case and searched in the lower-cased text: case-insensitive
    matching made them two and a half times slower."""
    if marks == " ":
        return (False,) * 6
    marks = marks.lower()
    return (bool(BYLINE_CLASS_RE.search(marks)), bool(PAYWALL_CLASS_RE.search(marks)),
            bool(BOILERPLATE_CLASS_RE.search(marks)), bool(KEEP_CLASS_RE.search(marks)),
            bool(CONSENT_CLASS_RE.search(marks)), bool(HIDDEN_CLASS_RE.search(marks)))
NOT_CONTENT = {"meta", "link", "script", "style", "noscript", "template"}


@dataclass
class PageScan:
    bylines: list = field(default_factory=list)
    captions: set = field(default_factory=set)
    boilerplate: list = field(default_factory=list)
    paywall: bool = False


def scan_page(root, byline_limit=6):
    """Bylines, captions, paywall markers and boilerplate blocks of a page, in one pass.

    Most elements have no class or id worth a look: one combined regex turns them away
    before the specific ones run. A block inside one already marked is not marked again."""
    scan = PageScan()
    marked = set()
    for node in root.iter():
        tag = node.tag
        if not isinstance(tag, str) or tag in NOT_CONTENT:
            continue
        attrib = node.attrib
        if tag == "figcaption":
            # A caption is not the article's text: read for filtering, removed before the body.
            key = squash(node.text_content())
            if key:
                scan.captions.add(key)
            if not any(a in marked for a in node.iterancestors()):
                scan.boilerplate.append(node)
                marked.add(node)
            continue
        marks = f"{attrib.get('class', '')} {attrib.get('id', '')}"
        byline, paywall, boilerplate, keep, consent, hidden_class = classify(marks)
        author = attrib.get("rel") == "author" or attrib.get("itemprop") == "author"
        hidden = ("hidden" in attrib or "style" in attrib or "aria-hidden" in attrib
                  or hidden_class) and is_hidden(node)
        if not (author or hidden or byline or paywall or boilerplate):
            continue
        if (author or byline) and len(scan.bylines) < byline_limit and not _in_aside(node):
            text = clean_text(node.text_content())
            if text and len(text) <= 120:
                scan.bylines.append(text)
        if paywall:
            scan.paywall = True
        # Inline elements are pruned only when hidden: a dateline or a credit printed inside
        # the first paragraph ("<span class=dateline>KOBE</span> – ...") is the article's.
        if tag not in NEVER_PRUNED and (hidden or boilerplate and tag not in INLINE_TAGS) \
                and not keep \
                and (consent or not _holds_article_text(node)) \
                and not any(a in marked for a in node.iterancestors()):
            scan.boilerplate.append(node)
            marked.add(node)
    return scan


# Hidden blocks that are the article all the same: the part of a paywalled article the page
# sends and shows once the reader is a subscriber.
HIDDEN_ARTICLE_RE = re.compile(r"subscriber|premium|paywall|locked|article|story|body|content",
                               re.IGNORECASE)


def is_hidden(node):
    """Whether the page hides the element from readers (and it is not a subscriber's part
    of the article)."""
    marks = f"{node.get('class') or ''} {node.get('id') or ''}"
    if HIDDEN_ARTICLE_RE.search(marks):
        return False
    if node.get("hidden") is not None or node.get("aria-hidden") == "true" and \
            node.tag not in ("span", "i", "svg"):
        return True
    if HIDDEN_CLASS_RE.search((node.get("class") or "").lower()):
        return True
    style = node.get("style")
    return bool(style and DISPLAY_NONE_RE.search(style))


def _in_aside(node):
    return any(a.tag in ("footer", "aside", "nav") for a in node.iterancestors())


def _holds_article_text(node):
    """Whether a block holds paragraphs of some length: then it is (or wraps) the article,
    whatever its class says ("article has-author-box", "content js-related-parent"). Captions,
    share bars, promos and related-story lists hold little text in ``<p>``."""
    total = 0
    for p in node.iter("p"):
        total += len(p.text_content())
        if total > 400:
            return True
    return False


def prune(nodes):
    """Remove the blocks (and keep their tails as text)."""
    for node in nodes:
        parent = node.getparent()
        if parent is None:
            continue
        if node.tail and node.tail.strip():
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)


# Whole paragraphs that are not the article's text.
BOILERPLATE_TEXT_RE = re.compile(
    r"(?:(?:read (?:more|next|also|the full story)|see also|related(?: (?:stories|articles|"
    r"coverage|content))?)(?:\s*[:»›>|-]\s*.{0,120})?|"
    r"more (?:from|on|stories)[^.]{0,60}|recommended(?: for you)?|"
    r"advertisement|sponsored(?: content)?|sign up.{0,120}|subscribe.{0,120}|"
    r"click here[^.]{0,120}|share (?:this|on)[^.]{0,60}|follow us[^.]{0,80}|"
    r"(?:photo|image|picture|video|graphic)s?(?: credit)?\s*[:|©].{0,120}|©.{0,120}|"
    r"copyright .{0,120}|all rights reserved.{0,80}|"
    r"(?:published|updated|posted|last updated)[: ].{0,60}|"
    r"(?:listen|watch)(?: to)? (?:this|the) (?:article|story|video).{0,40}|"
    r"(?:get|download) (?:the|our) app.{0,80}|newsletter.{0,120}|"
    r"(?:this|the) (?:article|story) (?:was|has been|is) (?:updated|corrected|amended).{0,200}|"
    r"(?:also read|don'?t miss|must read|trending|most read|post your comment)\b.{0,120}|"
    r"thanks? (?:you )?for (?:signing up|subscribing).{0,80}|"
    r"your subscription (?:has been|is) confirmed.{0,80}|"
    # End matter of research and wire news: "More information: ...", "Provided by ..."
    r"(?:(?:more information|journal information|citation)\s*:|provided by\b|reporting by\b|"
    r"editing by\b|additional reporting by\b|"
    r"(?:this|the) article (?:has been|was) reviewed according to\b).{0,400}|"
    r"\W*)", re.IGNORECASE)
# A short paragraph that sells something of the site's: a newsletter, an app, a tip line.
PROMO_CUES_RE = re.compile(
    r"\b(?:sign(?:ing)? up|subscrib\w*|newsletters?|inbox|download (?:the|our) app|"
    r"click(?:ing)? here|tap here|follow (?:us|her|him|them)|news tip|contact (?:us|him|her)|"
    r"email us|terms of (?:use|service)|privacy policy)\b", re.IGNORECASE)
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
CONTACT_START_RE = re.compile(r"^\W*(?:contact|e-?mail|reach|write to)\b", re.IGNORECASE)
# Headings of the lists of other stories that close many pages.
RECIRCULATION_RE = re.compile(
    r"(?:more (?:must[- ]reads|stories|from|on|news|to read|like this)\b.{0,60}|"
    r"(?:you (?:may|might) (?:also )?like|recommended(?: for you| stories)?|read next|"
    r"what to read next|related(?: stories| articles| coverage)?|most (?:read|popular|viewed)|"
    r"trending(?: now)?|latest(?: news| stories)?|top stories|popular(?: now)?|"
    r"don'?t miss|editor'?s picks|explore (?:more|the edition))\W*)", re.IGNORECASE)
# A paragraph that is only a byline ("By Jane Doe", "By Jane Doe, Reuters").
# The name must start with a capital: "By the time the vote came, ..." is article text.
BYLINE_PARAGRAPH_RE = re.compile(r"^(?i:by|words by|story by|written by)\s+[A-Z][^.!?]{0,80}$")


@cache
def _trafilatura():
    from trafilatura import bare_extraction

    return bare_extraction


BLOCK_TAGS = {"head": "h2", "list": "ul", "item": "li", "quote": "blockquote",
              "p": "p", "table": "table", "row": "tr", "cell": "td", "lb": "br",
              "code": "pre"}


def trafilatura_body(root, url):
    """The article text trafilatura finds in the parsed page, as an HTML ``<div>`` of
    paragraphs (``p``, ``h2`` for subheads, ``li``, ``blockquote``), or None."""
    # fast: without trafilatura's readability and jusText fallbacks. With our pruning first
    # they no longer help (body F1 0.945 with them, 0.947 without on naeb-dev) and they cost
    # a quarter of its time.
    document = _trafilatura()(root, url=url, with_metadata=False, include_comments=False,
                              include_tables=True, fast=True)
    if document is None or document.body is None:
        return None
    body = document.body
    for node in body.iter():
        if isinstance(node.tag, str):
            node.tag = BLOCK_TAGS.get(node.tag, node.tag)
            node.attrib.clear()
    div = lxml_html.Element("div")
    div.extend(list(body))
    return div


def paragraph_is_boilerplate(text, headline=None, authors=(), captions=frozenset(),
                             section=None):
    """Whether a paragraph of the extracted body is not article text: a promo or
    navigation line, the headline or the section's kicker repeated, a byline, a caption."""
    if BOILERPLATE_TEXT_RE.fullmatch(text) and len(text) < 160:
        return True
    key = squash(text)
    if headline and key == squash(headline) or section and key == squash(section):
        return True
    if key in captions:
        return True
    if BYLINE_PARAGRAPH_RE.match(text) and len(text.split()) <= 14:
        return True
    if is_promo(text):
        return True
    if authors and len(text) <= 80 and any(squash(a) and key.startswith(squash(a))
                                           for a in authors) and len(text.split()) <= 8:
        return True
    return False


def is_promo(text):
    """A short paragraph selling the site's newsletter, app or tip line, or giving the
    writer's contact: two cues, or one in a paragraph written in capitals or with an e-mail
    address. "Netflix said more people subscribe in winter" has one cue: kept."""
    if len(text) > 300:
        return False
    email = bool(EMAIL_RE.search(text))
    if email and CONTACT_START_RE.match(text):  # "—Contact Jane Doe at jdoe@example.com."
        return True
    cues = len(PROMO_CUES_RE.findall(text))
    return cues >= 2 or (cues == 1 and (text.isupper() or email))


def cut_recirculation_tail(div, max_words=25):
    """Remove a closing list of other stories: from the last heading-like paragraph ("More
    Must-Reads From TIME", "Don't miss", "Related") after which only short lines (teaser
    titles) follow, to the end."""
    blocks = list(div)
    for i in range(len(blocks) - 1, -1, -1):
        text = clean_text(blocks[i].text_content()) or ""
        if len(text) > 80:
            if words(text) > max_words:
                return div
            continue
        if RECIRCULATION_RE.fullmatch(text):
            for node in blocks[i:]:
                div.remove(node)
            return div
    return div


def filter_body(div, headline=None, authors=(), captions=frozenset(), section=None):
    """Remove the paragraphs of a body ``<div>`` that are boilerplate; the div is changed."""
    for node in list(div.iter("p", "h2", "li", "blockquote")):
        text = clean_text(node.text_content())
        if not text or paragraph_is_boilerplate(text, headline, authors, captions, section):
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    cut_recirculation_tail(div)
    # A subhead left last, or lists of links, at the end: "More on this story" lists.
    while len(div) and div[-1].tag in ("h2", "ul") and \
            (div[-1].tag == "h2" or len(clean_text(div[-1].text_content()) or "") < 200):
        if div[-1].tag == "ul" and len(div) > 1 and div[-2].tag != "h2":
            break
        div.remove(div[-1])
    return div


def words(text):
    return len((text or "").split())
