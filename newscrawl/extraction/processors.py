"""Small pure functions that turn what a page shows into what the record holds.

Used as ItemLoader input/output processors (``newscrawl.extraction.loaders``) and by the cleaning
pipeline. Each takes a value (and keyword context) and returns a value; None drops it.
"""

import hashlib
import re
import unicodedata

from w3lib.html import remove_comments, remove_tags, replace_entities

# The elements markup in JSON-LD and meta values (or a stray fragment) is made of.
HTML_ELEMENTS = frozenset("""
    a abbr address article aside audio b bdi bdo blockquote body br button caption center cite
    code col colgroup dd del details dfn div dl dt em embed figcaption figure font footer form
    h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main
    mark meta nav noscript object ol p picture pre q rp rt ruby s samp script section select
    small source span strike strong style sub summary sup svg table tbody td template textarea
    tfoot th thead time title tr track tt u ul var video wbr
""".split())
# "KOBE –", "SEOUL -", "WASHINGTON/TOKYO —", "NAHA, OKINAWA PREF. –" opening a wire story.
DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’]*(?:[ ,/-]+[A-Z][A-Z.'’]*)*(?:\s*\([^)]*\))?)\s*[–—-]\s+\S")
# "by Laura Whitfield and Thomas Reilly", "Tito Correa, Nyasha Chingono and Miguel Lo Bianco"
NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
BY_RE = re.compile(r"^\s*by\s+", re.IGNORECASE)
# A word of a shouted label: letters, with an apostrophe inside ("WOMEN'S", "JAPAN’S").
SHOUTED_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)]?(?=\s|$)")
# Text that ends with a sentence end.
SENTENCE_CLOSED_RE = re.compile(r"[.!?…][\"'”’)]?$")
# A period that ends an abbreviation, not a sentence: "U.S.", "Mr.", "Jan.", "No."
ABBREVIATION_RE = re.compile(
    r"(?:\b[A-Za-z]\.|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|No|vs|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|approx|etc)\.)$")


def clean_text(value):
    """Entities decoded, tags removed, whitespace runs collapsed, trimmed; '' becomes None.

    Only HTML elements count as tags: text read from a page is already decoded, and its "<"
    and ">" are text ("rates <5% and >3%", "the <Tab> key"), not markup to remove.
    """
    if value is None:
        return None
    text = str(value)
    if "<" in text or "&" in text:
        text = replace_entities(remove_tags(remove_comments(text), which_ones=HTML_ELEMENTS))
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " ").replace("\u200b", ""))
    # str.split() splits on exactly what r"\s+" matches in a str pattern (str.isspace), and is
    # four times faster than re.sub on a paragraph: this runs some 30 times a page.
    text = " ".join(text.split())
    return text or None


def strip_suffixes(value, suffixes=()):
    """A headline without the site-name suffix the site appends to titles."""
    if value is None:
        return None
    for suffix in suffixes:
        if value.lower().endswith(suffix.lower()):
            return value[: -len(suffix)].rstrip() or None
    return value


def title_case_shout(value):
    """"JAPAN" -> "Japan", "ASIA PACIFIC" -> "Asia Pacific"; mixed case is kept as printed.

    Each run of letters is capitalised, an apostrophe staying inside its word ("WOMEN'S" ->
    "Women's", not str.title()'s "Women'S"); "ASIA-PACIFIC" -> "Asia-Pacific", "U.S." stays.
    """
    if value is None or not value.isupper():
        return value
    return SHOUTED_WORD_RE.sub(lambda m: m[0].capitalize(), value)


def split_names(value):
    """A byline into names: "by A and B" -> ["A", "B"]."""
    if not value:
        return []
    return [name for name in NAME_SPLIT_RE.split(BY_RE.sub("", value)) if name.strip()]


def is_person(name, placeholders=()):
    """False for byline values that are not people: "No Author", the paper, a role, a wire."""
    if not name:
        return False
    folded = name.casefold().strip()
    return not any(folded == p.casefold() for p in placeholders)


def split_tags(value):
    """JSON-LD and meta keywords come comma-separated: "Kobe, health, theft"."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in split_tags(v)]
    return [t.strip() for t in str(value).split(",") if t.strip()]


def unique(values, key=lambda v: v):
    """Values in order, without repeats (by ``key``)."""
    seen = set()
    out = []
    for value in values:
        k = key(value)
        if k in seen:
            continue
        seen.add(k)
        out.append(value)
    return out


def dateline_of(paragraph):
    """The place that opens a wire story: "KOBE – A total of..." -> "KOBE"."""
    if not paragraph:
        return None
    m = DATELINE_RE.match(paragraph)
    return m["place"].strip(" ,") if m else None


def caption_credit(caption):
    """"Caption text. | KCNA / VIA REUTERS" -> ("Caption text.", "KCNA / VIA REUTERS")."""
    caption = clean_text(caption)
    if not caption:
        return None, None
    if " | " in caption or caption.endswith(" |") or "|" in caption:
        text, _, credit = caption.rpartition("|")
        return (text.strip() or None), (credit.strip() or None)
    return caption, None


def ends_sentence(value):
    """Whether the text ends a sentence (a period, "!", "?" or "…", maybe a closing quote)."""
    return bool(SENTENCE_CLOSED_RE.search(value))


def sentence_ends(value, start=0):
    """The offsets just after each sentence end in ``value`` from ``start`` on; the periods
    of abbreviations ("U.S.", "Mr.", "Jan.") are not sentence ends."""
    return [m.end() for m in SENTENCE_END_RE.finditer(value, start)
            if not ABBREVIATION_RE.search(value[: m.start() + 1])]


def whole_sentences(value):
    """Cut a meta description the site truncated mid-sentence back to its last whole sentence.

    Kept as is when it already ends a sentence, or has no sentence end at all.
    """
    if not value or ends_sentence(value):
        return value
    ends = sentence_ends(value)
    return value[: ends[-1]].strip() if ends else value


def language_code(value):
    """"en-US" -> "en"; anything that is not a language tag -> None."""
    if not value:
        return None
    m = re.match(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*$", value)
    return m[1].lower() if m else None


def word_count(body):
    return len(body.split()) if body else 0


def content_hash(body):
    """Stable across pages and runs: sha256 of the body with whitespace normalised."""
    normalised = " ".join((body or "").split())  # as clean_text: the same as \s+ -> " "
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()
