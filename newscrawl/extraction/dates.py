"""Dates as the schema wants them: ISO 8601, with the page's offset or the site's zone, and a
date with no time on the page kept as a bare date.

Machine-readable strings (JSON-LD, meta, ``time[datetime]``) are parsed here directly:
dateparser costs about a millisecond a call and a tenth of a second for its first. Visible text
("Feb 18, 2020", "Updated: Nov 24, 2023 at 5:30 p.m.", "3 hours ago") goes through dateparser
with the site's language and time zone, relative to the time the page was fetched.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

# 2020-02-18, 2020-02-18T18:07:56, 2020-02-18 18:07:56.123+09:00, 2020-02-18T09:07:56Z
ISO_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
# Labels the site prints before a date: "Updated:", "Online:", "Last Modified:".
LABEL_RE = re.compile(
    r"^\s*(?:last\s+)?(?:updated|modified|online|published|posted|first published)"
    r"(?:\s+on)?\s*:?\s*", re.IGNORECASE)
# Does a human-written date state a clock time? ("18:07", "5 p.m.", "5pm", "ago")
CLOCK_RE = re.compile(r"\d{1,2}:\d{2}|\d\s*[ap]\.?\s*m\b|\bago\b|\bnow\b|\bnoon\b",
                      re.IGNORECASE)
URL_DATE_RE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
# The English day the site prints most ("Sep 17, 2019", "February 18, 2020"): read without
# dateparser, which costs ~2 ms a call (a sixth of an article's extraction).
MONTHS = {name: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for name in names}
EN_DAY_RE = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$")


def iso(value):
    """ISO 8601 text of a date or an aware datetime (seconds precision, offset kept)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def parse_iso(text, timezone="UTC"):
    """A date or aware datetime from an ISO 8601 string, or None.

    A naive date-time is taken in the site's zone; a bare date stays a date.
    """
    m = ISO_RE.match(text.strip())
    if not m:
        return None
    try:
        if not m["time"]:
            return date.fromisoformat(m["date"])
        clock = m["time"].replace(",", ".")
        if clock.count(":") == 1:
            clock += ":00"
        value = datetime.fromisoformat(f"{m['date']}T{clock}")
    except ValueError:
        return None
    tz = m["tz"]
    if tz is None:
        return value.replace(tzinfo=ZoneInfo(timezone))
    if tz == "Z":
        return value.replace(tzinfo=UTC)
    if len(tz) == 3:
        tz += ":00"
    elif ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    return datetime.fromisoformat(f"{value.isoformat()}{tz}")


def parse_rfc822(text):
    """Feed dates: "Sat, 25 Nov 2023 09:30:00 +0900"."""
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and value.tzinfo else None


@lru_cache(maxsize=4)
def _date_data_parser(language):
    # Imported lazily: loading dateparser's data is the slow part, and ISO pages never need it.
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[language])


def parse_text(text, *, language="en", timezone="UTC", relative_base=None):
    """A date or aware datetime from visible text, or None.

    "Feb 18, 2020" is a date; "Feb 18, 2020 6:07 p.m." and "3 hours ago" are date-times in the
    site's zone; ``relative_base`` is when the page was fetched (aware).
    """
    text = clean_label(text)
    if not text or not re.search(r"\d|ago|yesterday|today|now", text, re.IGNORECASE):
        return None
    value = parse_iso(text, timezone) or parse_rfc822(text) or english_day(text, language)
    if value is not None:
        return value
    settings = {
        "TIMEZONE": timezone,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
    }
    if relative_base is not None:
        # dateparser wants a naive base in the zone it reports in.
        settings["RELATIVE_BASE"] = relative_base.astimezone(ZoneInfo(timezone)).replace(
            tzinfo=None)
    try:
        from dateparser import parse

        value = parse(text, languages=[language], settings=settings)
    except (ValueError, OverflowError, TypeError, AttributeError, LookupError):
        return None
    if value is None:
        return None
    if not CLOCK_RE.search(text):
        return value.date()
    return value


def english_day(text, language):
    """ "Sep 17, 2019" -> date(2019, 9, 17) for English pages; None for anything else."""
    m = EN_DAY_RE.match(text) if language == "en" else None
    month = MONTHS.get(m[1].lower()) if m else None
    if month is None:
        return None
    try:
        return date(int(m[3]), month, int(m[2]))
    except ValueError:
        return None


def clean_label(text):
    if text is None:
        return ""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return LABEL_RE.sub("", text).strip()


def date_from_url(url):
    """The date in an article URL (/2020/02/18/), as a date, or None."""
    m = URL_DATE_RE.search(url or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_date(text, *, source, language="en", timezone="UTC", relative_base=None):
    """Parse a date string read from ``source`` (json-ld, meta, time-element, text, url, feed).

    Machine-readable sources are parsed without dateparser; visible text falls back to it.
    """
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    if source == "url":
        return date_from_url(text)
    if source in ("json-ld", "meta", "time-element", "feed"):
        value = parse_iso(text, timezone) or parse_rfc822(text)
        if value is not None or source != "time-element":
            return value
    return parse_text(text, language=language, timezone=timezone, relative_base=relative_base)


def as_day(value):
    return value if not isinstance(value, datetime) else value.date()


def as_timestamp(value, *, end_of_day=False):
    """Epoch seconds of an aware datetime, or of a bare date's first (or last) second in UTC.

    Discovery dates (sitemap ``lastmod``, feed dates) are compared with the state's record in
    these units; a bare date says only the day, so the caller chooses which way to err.
    """
    if isinstance(value, datetime):
        return value.timestamp()
    start = datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
    return start + 86399 if end_of_day else start


def same_moment(published, modified, timezone="UTC"):
    """True when ``modified`` says nothing new: the same instant, or a bare date (no time on
    the page) on the day of publication, as the WordPress "Last Modified: Feb 18, 2020" is."""
    if published is None or modified is None:
        return False
    if isinstance(modified, datetime):
        return isinstance(published, datetime) and published == modified
    return day_in_zone(published, timezone) == modified


def day_in_zone(value, timezone):
    """The calendar day of a date or datetime, seen in the site's zone."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(timezone)).date()
    return value


# --- the page's visible reading of a date-time -------------------------------------------------
# A day as English pages print it beside a clock: "Dec. 21, 2023", "Tue December 19, 2023",
# "21 December 2023", "2023-12-19", "12/22/2023" (month first, as US sites print it).
# No word boundary before the month: text run together from a byline ("By Jane DoeDec 19,
# 2023 3:57 AM") is how many headers read; the year after the day keeps this safe.
_MONTH_NAME = (r"(?P<mon>(?i:january|february|march|april|may|june|july|august|september|"
               r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|"
               r"dec))\.?")
VISIBLE_DAY_RES = (
    re.compile(_MONTH_NAME + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_NAME + r",?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
)
# A clock: "11:00 pm", "8:48 p.m.", "3:57 AM", "22:57", "10.02PM". No word boundary after
# "am"/"pm": text run together ("10:20 PMTags") must not lose the half of the day.
VISIBLE_CLOCK_RE = re.compile(
    r"(?<![\d:.])(?P<hour>\d{1,2})(?::|\.(?=\d{2}\s*[ap]))(?P<minute>\d{2})(?::\d{2})?"
    r"(?:\s*(?P<half>[ap])\.?\s*m\.?)?", re.IGNORECASE)
# Offsets zones have (UTC-12 to UTC+14), in the quarter hours they come in.
MIN_OFFSET, MAX_OFFSET = timedelta(hours=-12), timedelta(hours=14)


def visible_day(text):
    """The first day a short visible text prints, as a date, or None."""
    for pattern in VISIBLE_DAY_RES:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            month = MONTHS.get(groups["mon"].lower()) if groups.get("mon") else \
                int(groups["month"])
            if not month:
                continue
            try:
                return date(int(groups["year"]), month, int(groups["day"]))
            except ValueError:
                continue
    return None


def visible_clock(text):
    """(hour, minute) of the first clock a short visible text prints, or None."""
    for m in VISIBLE_CLOCK_RE.finditer(text):
        hour, minute = int(m["hour"]), int(m["minute"])
        if m["half"]:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if m["half"].lower() == "p" else 0)
        if hour <= 23 and minute <= 59:
            return hour, minute
    return None


def visible_reading(text):
    """The wall-clock date-time a short visible text prints ("December 22, 2023 at 8:48
    p.m.", "Published 8:00 PM EST, Tue December 19, 2023"), naive, or None: without a day
    and a clock there is no instant to compare."""
    if not text or len(text) > 120:
        return None
    day, clock = visible_day(text), visible_clock(text)
    if day is None or clock is None:
        return None
    return datetime(day.year, day.month, day.day, *clock)


def offset_of_reading(instant, reading):
    """The offset at which ``reading`` (a naive wall-clock time, minutes) is ``instant``
    (aware), when it is one a zone can have (a whole quarter hour, UTC-12 to UTC+14); else
    None. The seconds the page does not print are ignored."""
    utc = instant.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
    offset = reading - utc
    if not MIN_OFFSET <= offset <= MAX_OFFSET or offset % timedelta(minutes=15):
        return None
    return offset


def at_offset(instant, offset):
    """The same instant written with ``offset``."""
    return instant.astimezone(timezone(offset))
