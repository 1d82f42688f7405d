"""Dates (extraction/dates.py): ISO and RFC 822 without dateparser, visible text with it, bare
dates kept bare in every zone, relative dates against the fetch time, and ``same_moment``."""

import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newscrawl.extraction.dates import (
    date_from_url,
    iso,
    offset_of_reading,
    parse_date,
    parse_iso,
    same_moment,
    visible_reading,
)

ROOT = Path(__file__).resolve().parents[1]
TOKYO = "Asia/Tokyo"
JST = timezone(timedelta(hours=9))
# When the page was fetched: 2023-11-25 12:00 in Tokyo.
FETCHED = datetime(2023, 11, 25, 3, 0, tzinfo=UTC)


def parsed(text, source, tz=TOKYO):
    return parse_date(text, source=source, language="en", timezone=tz, relative_base=FETCHED)


# --- machine-readable: ISO 8601 and RFC 822 --------------------------------------------------


@pytest.mark.parametrize("source", ["json-ld", "meta", "time-element", "feed", "text"])
def test_iso_with_offset_keeps_its_offset(source):
    value = parsed("2020-02-18T18:07:56+09:00", source)
    assert value == datetime(2020, 2, 18, 18, 7, 56, tzinfo=JST)
    assert value.utcoffset() == timedelta(hours=9)
    assert iso(value) == "2020-02-18T18:07:56+09:00"


@pytest.mark.parametrize("text", ["2020-02-18T18:07:56.123+0900", "2020-02-18T18:07:56+09",
                                  "2020-02-18 18:07:56+09:00"])
def test_iso_offset_spellings(text):
    assert iso(parsed(text, "meta")) == "2020-02-18T18:07:56+09:00"


def test_iso_with_z_is_utc_and_the_same_instant():
    value = parsed("2020-02-18T09:07:56Z", "json-ld")
    assert value.utcoffset() == timedelta(0)
    assert value == datetime(2020, 2, 18, 18, 7, 56, tzinfo=JST)


def test_naive_iso_is_taken_in_the_site_zone():
    value = parsed("2020-02-18T18:07:56", "json-ld")
    assert iso(value) == "2020-02-18T18:07:56+09:00"
    value = parsed("2020-02-18 18:07", "meta")
    assert iso(value) == "2020-02-18T18:07:00+09:00"


@pytest.mark.parametrize("tz", [TOKYO, "UTC", "Pacific/Honolulu", "Pacific/Kiritimati",
                                "Etc/GMT+12", "America/Los_Angeles"])
@pytest.mark.parametrize("source", ["json-ld", "meta", "time-element", "text"])
def test_a_bare_date_stays_a_date_in_every_zone(tz, source):
    value = parsed("2020-02-18", source, tz)
    assert type(value) is date
    assert iso(value) == "2020-02-18"


@pytest.mark.parametrize("text, expected", [
    ("Tue, 18 Feb 2020 18:07:56 +0900", "2020-02-18T18:07:56+09:00"),
    ("Sat, 25 Nov 2023 09:30:00 GMT", "2023-11-25T09:30:00+00:00"),
])
def test_rfc822(text, expected):
    assert iso(parsed(text, "feed")) == expected


@pytest.mark.parametrize("text", ["garbage", "2020-02-30", "2020-13-01T00:00:00Z",
                                  "not a date 2020-02-18", "", "   "])
def test_machine_readable_garbage_is_none(text):
    assert parsed(text, "json-ld") is None
    assert parsed(text, "meta") is None


def test_none_is_none():
    assert parse_date(None, source="json-ld") is None
    assert parse_date(None, source="text") is None
    assert parse_iso("yesterday") is None


# --- visible text (dateparser) ---------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Feb 18, 2020", date(2020, 2, 18)),
    ("18 February 2020", date(2020, 2, 18)),
    ("Updated: Nov 24, 2023", date(2023, 11, 24)),
    ("Last Modified: Feb 18, 2020", date(2020, 2, 18)),
    ("Online: Feb 18, 2020", date(2020, 2, 18)),
])
def test_visible_date_without_time_is_a_date(text, expected):
    value = parsed(text, "text")
    assert type(value) is date
    assert value == expected


@pytest.mark.parametrize("tz", ["Pacific/Honolulu", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_visible_date_is_never_shifted_by_a_zone(tz):
    assert parsed("Feb 18, 2020", "text", tz) == date(2020, 2, 18)


@pytest.mark.parametrize("text, expected", [
    ("Nov 24, 2023 5:30 p.m.", "2023-11-24T17:30:00+09:00"),
    ("Updated: Nov 24, 2023 at 5:30 p.m.", "2023-11-24T17:30:00+09:00"),
    ("Feb 18, 2020 6:07 PM", "2020-02-18T18:07:00+09:00"),
    ("Nov 24, 2023 17:30", "2023-11-24T17:30:00+09:00"),
])
def test_visible_date_with_time_is_in_the_site_zone(text, expected):
    value = parsed(text, "text")
    assert isinstance(value, datetime)
    assert iso(value) == expected


def test_a_time_element_with_visible_text_falls_back_to_dateparser():
    assert parsed("Feb 18, 2020", "time-element") == date(2020, 2, 18)


def test_relative_dates_count_from_the_fetch_time():
    value = parsed("3 hours ago", "text")
    assert isinstance(value, datetime)
    assert value == FETCHED - timedelta(hours=3)
    assert iso(value) == "2023-11-25T09:00:00+09:00"
    # Another fetch time, another answer: it is not "now".
    later = parse_date("3 hours ago", source="text", timezone=TOKYO,
                       relative_base=datetime(2020, 2, 18, 12, 0, tzinfo=UTC))
    assert later == datetime(2020, 2, 18, 9, 0, tzinfo=UTC)
    # "yesterday" has no time: a date, the day before the fetch in Tokyo.
    assert parsed("yesterday", "text") == date(2023, 11, 24)


@pytest.mark.parametrize("text", ["garbage", "no date here", "", "Updated:", "page 2 of 3 x"])
def test_text_garbage_is_none(text):
    assert parsed(text, "text") is None


# --- URL -------------------------------------------------------------------------------------


def test_date_from_url():
    url = "https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/x/"
    assert parsed(url, "url") == date(2020, 2, 18)
    assert date_from_url("https://www.japantimes.co.jp/news/2020/02/31/x/") is None
    assert date_from_url("https://www.japantimes.co.jp/news/national/") is None


# --- same_moment -----------------------------------------------------------------------------


PUBLISHED = datetime(2020, 2, 18, 18, 7, 56, tzinfo=JST)


@pytest.mark.parametrize("published, modified", [
    # The same instant, however it is written.
    (PUBLISHED, PUBLISHED),
    (PUBLISHED, datetime(2020, 2, 18, 9, 7, 56, tzinfo=UTC)),
    # A bare date (no time on the page) on the day of publication, in the site's zone.
    (PUBLISHED, date(2020, 2, 18)),
    # 2020-02-18 20:00 UTC is Feb 19 in Tokyo: "Last Modified: Feb 19, 2020" says nothing new.
    (datetime(2020, 2, 18, 20, 0, tzinfo=UTC), date(2020, 2, 19)),
    (date(2020, 2, 18), date(2020, 2, 18)),
])
def test_same_moment_true(published, modified):
    assert same_moment(published, modified, TOKYO) is True


@pytest.mark.parametrize("published, modified", [
    (PUBLISHED, PUBLISHED + timedelta(minutes=1)),
    (PUBLISHED, date(2020, 2, 19)),
    (datetime(2020, 2, 18, 20, 0, tzinfo=UTC), date(2020, 2, 18)),  # Feb 19 in Tokyo
    # A time where publication gave only a day: that is news.
    (date(2020, 2, 18), datetime(2020, 2, 18, 10, 0, tzinfo=JST)),
    (PUBLISHED, None),
    (None, PUBLISHED),
    (None, None),
])
def test_same_moment_false(published, modified):
    assert same_moment(published, modified, TOKYO) is False


# --- cost: no dateparser for machine-readable dates ------------------------------------------


def test_iso_and_rfc822_parsing_does_not_import_dateparser():
    code = textwrap.dedent("""
        import sys
        from newscrawl.extraction import dates
        values = [
            dates.parse_date("2020-02-18T18:07:56+09:00", source="json-ld",
                             timezone="Asia/Tokyo"),
            dates.parse_date("2020-02-18T18:07:56", source="meta", timezone="Asia/Tokyo"),
            dates.parse_date("2020-02-18", source="time-element", timezone="Asia/Tokyo"),
            dates.parse_date("Tue, 18 Feb 2020 18:07:56 +0900", source="feed"),
            dates.parse_date("2020-02-18T09:07:56Z", source="text"),
            dates.parse_date("Last Modified: Feb 18, 2020", source="text",
                             timezone="Asia/Tokyo"),
        ]
        assert all(v is not None for v in values), values
        print(sorted(m for m in sys.modules if m.split(".")[0] == "dateparser"))
        dates.parse_date("Feb 18, 2020 6:07 p.m.", source="text", timezone="Asia/Tokyo")
        print("dateparser" in sys.modules)
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # Nothing of dateparser before visible text needed it; then it was loaded (the check works).
    assert result.stdout.splitlines() == ["[]", "True"], result.stdout + result.stderr


# --- visible datelines ------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Dec. 21, 2023  11:00 pm EST", datetime(2023, 12, 21, 23, 0)),
    ("PUBLISHED: December 22, 2023 at 8:48 p.m. | UPDATED: December 23, 2023",
     datetime(2023, 12, 22, 20, 48)),
    ("Published 8:00 PM EST, Tue December 19, 2023", datetime(2023, 12, 19, 20, 0)),
    ("By Jane DoeDec 19, 2023 3:57 AM", datetime(2023, 12, 19, 3, 57)),
    ("21 December 2023, 12:05am", datetime(2023, 12, 21, 0, 5)),
    ("12/22/2023 05:00 AM EST", datetime(2023, 12, 22, 5, 0)),
    ("posted on 2023-12-19 23:30 EST", datetime(2023, 12, 19, 23, 30)),
    ("Dec 22, 2023, 10.02PM IST", datetime(2023, 12, 22, 22, 2)),
    ("By Kim LeeDec 22, 2023 10:20 PMTagsBabies", datetime(2023, 12, 22, 22, 20)),
    ("December 22, 2023", None),  # no clock: no instant to compare
    ("10:00 PM", None),
])
def test_visible_reading(text, expected):
    assert visible_reading(text) == expected


def test_offset_of_reading_is_a_zones_offset_or_none():
    instant = datetime(2023, 12, 22, 4, 0, 41, tzinfo=UTC)
    assert offset_of_reading(instant, datetime(2023, 12, 21, 23, 0)) == timedelta(hours=-5)
    assert offset_of_reading(instant, datetime(2023, 12, 22, 9, 30)) == timedelta(hours=5.5)
    assert offset_of_reading(instant, datetime(2023, 12, 21, 23, 7)) is None  # not a zone's
    assert offset_of_reading(instant, datetime(2023, 12, 21, 13, 0)) is None  # UTC-15
