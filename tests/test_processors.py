"""The pure processors (extraction/processors.py): each one, with the edge cases the site gives."""

import pytest

from newscrawl.extraction.processors import (
    caption_credit,
    clean_text,
    content_hash,
    dateline_of,
    is_person,
    language_code,
    split_names,
    split_tags,
    strip_suffixes,
    title_case_shout,
    unique,
    whole_sentences,
    word_count,
)
from newscrawl.sites.japantimes import SITE

# --- clean_text ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("  Tokyo&nbsp;&amp;\n\t Osaka <b>Kobe</b>  ", "Tokyo & Osaka Kobe"),
    ("a\u00a0b\u200bc", "a bc"),
    ("North Korea&#8217;s", "North Korea’s"),
    ("a &lt;b&gt; c", "a <b> c"),
    ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
    ("Cafe\u0301", "Caf\u00e9"),  # NFC: one code point
    (2020, "2020"),
])
def test_clean_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize("value, expected", [
    # Page text arrives decoded: its "<" and ">" are text, not tags to remove.
    ("Rates of <5% and >3% were seen.", "Rates of <5% and >3% were seen."),
    ("if x<y and y>z then", "if x<y and y>z then"),
    ("Press the <Tab> key", "Press the <Tab> key"),
    # Markup in JSON-LD or meta values is removed, comments too.
    ('<p class="lead">A <A HREF="/x">link</A> and <br/>more</p>', "A link and more"),
    ("a <!-- note --> b", "a b"),
    ("R&amp;D &lt;b&gt;", "R&D <b>"),
])
def test_clean_text_removes_markup_but_keeps_angle_brackets_of_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "\n\t", "<p> </p>", "\u00a0"])
def test_clean_text_gives_none_for_nothing(value):
    assert clean_text(value) is None


# --- strip_suffixes --------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("Losing face: 6,000 surgical masks stolen | The Japan Times",
     "Losing face: 6,000 surgical masks stolen"),
    ("Headline - The Japan Times", "Headline"),
    ("Headline | the japan times", "Headline"),
    ("The Japan Times explains | Japan Times", "The Japan Times explains"),
    ("No suffix here", "No suffix here"),
    (" | The Japan Times", None),
    (None, None),
])
def test_strip_suffixes(value, expected):
    assert strip_suffixes(value, SITE.headline_suffixes) == expected


# --- title_case_shout ------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("JAPAN", "Japan"),
    ("ASIA PACIFIC", "Asia Pacific"),
    ("CRIME & LEGAL", "Crime & Legal"),
    ("ASIA-PACIFIC", "Asia-Pacific"),
    ("WOMEN'S HEALTH", "Women's Health"),
    ("JAPAN’S ECONOMY", "Japan’s Economy"),
    ("Crime & Legal", "Crime & Legal"),
    ("Politics", "Politics"),
    ("U.S.", "U.S."),
    ("mixed CASE", "mixed CASE"),
    (None, None),
])
def test_title_case_shout(value, expected):
    assert title_case_shout(value) == expected


# --- split_names / is_person -----------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("by Laura Whitfield and Thomas Reilly", ["Laura Whitfield", "Thomas Reilly"]),
    ("By Jesse Johnson", ["Jesse Johnson"]),
    ("Tito Correa, Nyasha Chingono and Miguel Lo Bianco",
     ["Tito Correa", "Nyasha Chingono", "Miguel Lo Bianco"]),
    ("Satoko Hirano & Daniel Mercer", ["Satoko Hirano", "Daniel Mercer"]),
    ("Randy Andrews; Sandra Band", ["Randy Andrews", "Sandra Band"]),  # "and" inside names
    ("Anderson Cooper", ["Anderson Cooper"]),
    ("Kathleen Benoza, Staff writer", ["Kathleen Benoza", "Staff writer"]),
    ("", []),
    (None, []),
])
def test_split_names(value, expected):
    assert split_names(value) == expected


@pytest.mark.parametrize("name", [
    "No Author", "no author", "The Japan Times", "THE JAPAN TIMES ", "Staff writer",
    "Staff Writer", "Staff writers", "Kyodo", "JIJI", "Reuters", "AFP-JIJI", "", None,
])
def test_is_person_filters_placeholders_roles_and_wires(name):
    assert is_person(name, SITE.author_placeholders) is False


@pytest.mark.parametrize("name", ["Jesse Johnson", "Tito Correa", "Kathleen Benoza",
                                  "Staff writer Jones"])
def test_is_person_keeps_people(name):
    assert is_person(name, SITE.author_placeholders) is True


def test_a_byline_through_split_and_filter():
    names = [n for n in split_names("by Jesse Johnson and Staff writer")
             if is_person(n, SITE.author_placeholders)]
    assert names == ["Jesse Johnson"]


# --- split_tags / unique ---------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("Kobe, health, theft, masks", ["Kobe", "health", "theft", "masks"]),
    (["North Korea, Kim Jong Un", "U.S."], ["North Korea", "Kim Jong Un", "U.S."]),
    ("single", ["single"]),
    (" , ,", []),
    (None, []),
    ([], []),
])
def test_split_tags(value, expected):
    assert split_tags(value) == expected


def test_unique_keeps_order_and_first_spelling():
    assert unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    assert unique(["Kobe", "health", "KOBE", "Health", "theft"], key=str.casefold) == [
        "Kobe", "health", "theft"]
    assert unique([]) == []


# --- dateline_of -----------------------------------------------------------------------------


@pytest.mark.parametrize("paragraph, expected", [
    ("KOBE – A total of 6,000 surgical masks have been lost at a hospital in Kobe.", "KOBE"),
    ("SEOUL – North Korean leader Kim Jong Un and U.S. President Donald Trump", "SEOUL"),
    ("BUENOS AIRES – As Argentina’s president-elect pushes his plan", "BUENOS AIRES"),
    ("WASHINGTON/TOKYO — The two governments agreed", "WASHINGTON/TOKYO"),
    ("NAHA, OKINAWA PREF. – A U.S. military helicopter", "NAHA, OKINAWA PREF."),
    ("OSAKA (KYODO) – Police said", "OSAKA (KYODO)"),
    ("TOKYO - Shares fell", "TOKYO"),
])
def test_dateline_of_a_wire_story(paragraph, expected):
    assert dateline_of(paragraph) == expected


@pytest.mark.parametrize("paragraph", [
    "The masks, worth ¥40,000, had been kept at a machine room – officials said.",
    "The Kobe – Osaka line reopened on Monday.",
    "A total of 6,000 surgical masks have been lost.",
    "U.S. officials – speaking anonymously – said so.",
    "Japan has confirmed that an object launched by North Korea is orbiting Earth.",
    "KOBE –",
    "KOBE A total of masks",
    "",
    None,
])
def test_no_dateline_for_ordinary_sentences(paragraph):
    assert dateline_of(paragraph) is None


# --- caption_credit --------------------------------------------------------------------------


@pytest.mark.parametrize("caption, expected", [
    ("North Korean leader Kim Jong Un inspects the resort. | KCNA / VIA REUTERS",
     ("North Korean leader Kim Jong Un inspects the resort.", "KCNA / VIA REUTERS")),
    ("Commuters walk along a sidewalk Tuesday in Tokyo. | AP",
     ("Commuters walk along a sidewalk Tuesday in Tokyo.", "AP")),
    ("A | B | KYODO", ("A | B", "KYODO")),  # the credit is after the last bar
    ("  Spaced&nbsp;out.   |   JIJI  ", ("Spaced out.", "JIJI")),
    ("No credit in this caption.", ("No credit in this caption.", None)),
    ("Caption only |", ("Caption only", None)),
    ("| KYODO", (None, "KYODO")),
    (None, (None, None)),
    ("   ", (None, None)),
])
def test_caption_credit(caption, expected):
    assert caption_credit(caption) == expected


# --- whole_sentences -------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    # Cut mid-sentence: back to the last whole sentence; "U.S." does not end one.
    ("Officials in the U.S. said on Monday that talks will resume. The talks had stalled in",
     "Officials in the U.S. said on Monday that talks will resume."),
    ("Mr. Abe met officials on Jan. 5 in Tokyo. Then he",
     "Mr. Abe met officials on Jan. 5 in Tokyo."),
    ("It rose 2.5 percent. Analysts", "It rose 2.5 percent."),
    ("He said “yes.” Then the", "He said “yes.”"),
    ("Is it over? Nobody", "Is it over?"),
    # Already whole: kept.
    ("The U.S. and Japan agreed.", "The U.S. and Japan agreed."),
    ("A total of 6,000 surgical masks have been lost at a hospital in Kobe, it was learned "
     "Tuesday.", "A total of 6,000 surgical masks have been lost at a hospital in Kobe, it was "
     "learned Tuesday."),
    ("Wait…", "Wait…"),
    # No sentence end at all: kept as it is.
    ("A standfirst without a full stop", "A standfirst without a full stop"),
    ("", ""),
    (None, None),
])
def test_whole_sentences(value, expected):
    assert whole_sentences(value) == expected


def test_whole_sentences_does_not_cut_at_an_abbreviation():
    value = "Talks between the U.S. and North Korea stalled. The U.S. envoy said"
    assert whole_sentences(value) == "Talks between the U.S. and North Korea stalled."
    assert "U.S." in whole_sentences(value)


# --- language_code ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("en-US", "en"), ("EN", "en"), ("ja_JP", "ja"), ("zh-Hant-TW", "zh"), (" en ", "en"),
    ("english", None), ("e", None), ("", None), (None, None),
])
def test_language_code(value, expected):
    assert language_code(value) == expected


# --- word_count / content_hash ---------------------------------------------------------------


def test_word_count():
    assert word_count("KOBE – A total of 6,000\n\nsurgical masks") == 8  # the dash too
    assert word_count("") == 0
    assert word_count(None) == 0


def test_content_hash_is_stable_under_whitespace_changes():
    body = "KOBE – A total of 6,000 surgical masks.\n\nThe masks, worth ¥40,000, were kept."
    reflowed = ("  KOBE –  A total of\t6,000 surgical masks.\n"
                "The masks, worth ¥40,000,\n were kept. ")
    assert content_hash(body) == content_hash(reflowed)
    assert content_hash(body).startswith("sha256:")
    assert len(content_hash(body)) == len("sha256:") + 64
    # Stable across runs and processes: a fixed value, not Python's salted hash().
    assert content_hash("a b") == (
        "sha256:c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65")


def test_content_hash_changes_with_the_text():
    assert content_hash("6,000 masks stolen.") != content_hash("6,000 masks lost.")
    assert content_hash("Masks") != content_hash("masks")


def test_clean_text_collapses_every_kind_of_whitespace():
    # tabs, newlines, an em space, an ideographic space (Japanese text) and a no-break space
    assert clean_text("  Tokyo\t\n stocks\u2003rose\u3000on   Monday\u00a0 ") == \
        "Tokyo stocks rose on Monday"
    assert clean_text("\u3000\n\t ") is None


def test_content_hash_ignores_how_the_whitespace_runs():
    assert content_hash("Tokyo  stocks\n\nrose.") == content_hash(" Tokyo stocks\u3000rose.\n")
    assert content_hash("Tokyo stocks rose.") != content_hash("Tokyo stocks fell.")
