"""Hundreds of damaged article pages through extraction, cleaning and validation.

Every page of ``newscrawl.snapshot.damage`` (truncated, broken markup, key elements removed,
garbage, wrong encodings, 10,000 nested elements, a 50 MB page, empty bodies) goes through
``extract_article`` -> ``CleaningPipeline`` -> ``ValidationPipeline`` as in a crawl. Nothing may
raise anything but ``NotAnArticle`` or ``DropItem``; every page ends as a valid item or as a
reason; and what each kind of damage must (and must not) give is checked below.
"""

import hashlib
import json
import logging
import subprocess
import sys
import time
from collections import Counter

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.extraction.article import NotAnArticle, extract_article
from newscrawl.pipelines.cleaning import STAT_UNDECODABLE, CleaningPipeline
from newscrawl.pipelines.validation import REQUIRED, ValidationPipeline
from newscrawl.snapshot import load_expected
from newscrawl.snapshot.damage import (
    KINDS,
    NESTING,
    damaged_page,
    iter_damaged_pages,
    kind_of,
    names,
    variant_of,
)
from newscrawl.spiders.japantimes import JapanTimesSpider

EXPECTED = load_expected()["articles"]


def outcome_of(valid, clean, name, url, body, headers):
    """('item', summary) | ('not_article', reason) | ('dropped', reason) | ('error', repr)."""
    headers = Headers(headers)
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    response = cls(url=url, body=body, headers=headers, status=200)
    flagged_before = clean.stats.get_value(STAT_UNDECODABLE, 0)
    try:
        item = valid.process_item(clean.process_item(extract_article(response)))
    except NotAnArticle as exc:
        return "not_article", exc.reason
    except DropItem as exc:
        return "dropped", str(exc).split("(", 1)[1].split(")", 1)[0]
    except Exception as exc:  # noqa: BLE001 -- the point is to catch anything unexpected
        return "error", f"{type(exc).__name__}: {exc}"[:300]
    body_text = item.get("body") or ""
    return "item", {
        "headline": item.get("headline"), "paragraphs": item.get("paragraphs"),
        "published_at": item.get("published_at"), "date_source": item.get("date_source"),
        "body_chars": len(body_text), "replacement_chars": body_text.count("\ufffd"),
        "flagged": clean.stats.get_value(STAT_UNDECODABLE, 0) > flagged_before,
        **{f"has_{key}": bool(item.get(key)) for key in REQUIRED},
    }


@pytest.fixture(scope="module")
def outcomes():
    settings = get_project_settings().copy_to_dict()
    settings["TWISTED_REACTOR_ENABLED"] = False  # pipelines only: no engine, no reactor
    crawler = get_crawler(JapanTimesSpider, settings_dict=settings)
    clean, valid = CleaningPipeline.from_crawler(crawler), ValidationPipeline.from_crawler(crawler)
    results, seconds = {}, {}
    logging.disable(logging.WARNING)  # 200 "Dropped invalid article" lines are expected
    try:
        for name, url, body, headers in iter_damaged_pages(seed=0):
            started = time.monotonic()
            results[name] = outcome_of(valid, clean, name, url, body, headers)
            seconds[name] = time.monotonic() - started
            del body
    finally:
        logging.disable(logging.NOTSET)
    table = Counter((f"{kind_of(n)}/{variant_of(n)}", o, r if o != "item" else "")
                    for n, (o, r) in results.items())
    print("\ndamaged pages by outcome:")
    for (group, outcome, reason), count in sorted(table.items()):
        print(f"  {group:32} {outcome:12} {reason:18} {count}")
    slowest = max(seconds, key=seconds.get)
    print(f"  slowest: {slowest} {seconds[slowest]:.1f}s; "
          f"items with U+FFFD in the body: "
          f"{sum(1 for o, r in results.values() if o == 'item' and r['replacement_chars'])}")
    return results


def of(outcomes, kind, variant=None):
    return {n: v for n, v in outcomes.items()
            if kind_of(n) == kind and (variant is None or variant_of(n) == variant)}


# ---------------------------------------------------------------------------------------------
# the generator


def test_at_least_500_pages_with_unique_names_and_every_kind():
    all_names = names()
    assert len(all_names) >= 500 and len(set(all_names)) == len(all_names)
    kinds = Counter(kind_of(n) for n in all_names)
    assert set(kinds) == {*KINDS, "nested", "huge", "empty"}
    assert kinds["huge"] == 1 and kinds["nested"] >= 3 and kinds["empty"] >= 5


def test_pages_are_deterministic_from_the_seed_and_lazy():
    def digest(seed):
        h = hashlib.sha256()
        for name, url, body, headers in iter_damaged_pages(seed=seed, huge=False):
            h.update(name.encode() + url.encode() + body + json.dumps(headers).encode())
        return h.hexdigest()

    assert digest(0) == digest(0)
    assert digest(0) != digest(1)
    one = damaged_page("garbage/middle/3", seed=5)
    assert one == damaged_page("garbage/middle/3", seed=5)
    assert one != damaged_page("garbage/middle/3", seed=6)
    pages = iter_damaged_pages()
    assert iter(pages) is pages  # a generator: nothing is built before it is asked for


def test_the_special_pages_are_what_they_say():
    name, _, body, _ = damaged_page("huge/50mb/1")
    assert len(body) >= 50 * 1024 * 1024 and body.rstrip().endswith(b"</html>")
    del body
    _, _, body, _ = damaged_page("nested/divs_closed/0")
    assert body.count(b"<div>") >= NESTING
    for name in names():
        if kind_of(name) == "truncated":
            assert b"</html>" not in damaged_page(name)[2].lower(), name
    _, _, body, headers = damaged_page("encoding/utf16_labelled/0")
    assert body.startswith(b"\xff\xfe") and headers["Content-Type"].endswith("utf-16")


def test_cli_writes_the_pages(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.snapshot.damage", "--out", str(tmp_path), "--no-huge"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    index = json.loads((tmp_path / "index.json").read_text())
    assert len(index) == len(names(huge=False)) >= 500
    entry = index["removed/body/0"]
    assert (tmp_path / entry["file"]).read_bytes() == damaged_page("removed/body/0")[2]


# ---------------------------------------------------------------------------------------------
# through extraction, cleaning and validation


def test_nothing_raises_and_every_page_ends_as_an_item_or_a_reason(outcomes):
    assert len(outcomes) >= 500
    errors = {n: r for n, (o, r) in outcomes.items() if o == "error"}
    assert not errors, errors
    for name, (outcome, result) in outcomes.items():
        if outcome == "item":
            assert all(result[f"has_{key}"] for key in REQUIRED), name
        else:
            assert isinstance(result, str) and result, name


def test_truncated_pages_are_not_articles_because_truncated(outcomes):
    truncated = of(outcomes, "truncated")
    assert len(truncated) == 150
    assert {v for v in truncated.values()} == {("not_article", "truncated")}


def test_without_a_body_there_is_never_an_item(outcomes):
    for name, (outcome, reason) in of(outcomes, "removed", "body").items():
        assert (outcome, reason) == ("not_article", "not_article"), name
    for name, (outcome, reason) in of(outcomes, "removed", "body_content").items():
        assert (outcome, reason) == ("dropped", "missing_body"), name
    # and no item anywhere has an empty body
    for name, (outcome, result) in outcomes.items():
        if outcome == "item":
            assert result["body_chars"] > 0 and result["paragraphs"], name


def test_without_a_headline_anywhere_the_article_is_dropped(outcomes):
    for name, value in of(outcomes, "removed", "headline_everywhere").items():
        assert value == ("dropped", "missing_headline"), name


@pytest.mark.parametrize("variant", ["h1", "json_ld"])
def test_a_removed_h1_or_json_ld_has_a_fallback(outcomes, variant):
    for name, (outcome, result) in of(outcomes, "removed", variant).items():
        expected = EXPECTED[int(name.rsplit("/", 1)[1])]
        assert outcome == "item", name
        assert result["headline"] == expected["headline"], name
        assert result["paragraphs"] == expected["paragraphs"], name
        assert result["published_at"] == expected["published_at"], name


def test_without_dates_the_date_comes_from_the_url(outcomes):
    for name, (outcome, result) in of(outcomes, "removed", "dates").items():
        expected = EXPECTED[int(name.rsplit("/", 1)[1])]
        assert outcome == "item", name
        assert result["date_source"] == "url", name
        assert result["published_at"][:10] == expected["published_at"][:10], name


def test_garbage_and_empty_pages_never_give_an_item(outcomes):
    for variant in ("random_html", "random_octets"):
        for name, (outcome, _) in of(outcomes, "garbage", variant).items():
            assert outcome == "not_article", name
    for name, (outcome, _) in of(outcomes, "empty").items():
        assert outcome in ("not_article", "dropped"), name
    assert of(outcomes, "empty", "no_bytes")["empty/no_bytes/0"] == ("not_article", "empty")
    assert of(outcomes, "empty", "whitespace")["empty/whitespace/0"] == ("not_article", "empty")


def test_shift_jis_correctly_labelled_gives_the_article(outcomes):
    for name, (outcome, result) in of(outcomes, "encoding", "shift_jis_labelled").items():
        expected = EXPECTED[int(name.rsplit("/", 1)[1])]
        assert outcome == "item", name
        assert (result["headline"], result["paragraphs"]) == (
            expected["headline"], expected["paragraphs"]), name


def test_utf16_correctly_labelled_gives_the_article(outcomes):
    for name, (outcome, result) in of(outcomes, "encoding", "utf16_labelled").items():
        expected = EXPECTED[int(name.rsplit("/", 1)[1])]
        assert outcome == "item", (name, result)
        assert result["paragraphs"] == expected["paragraphs"], name


def test_mislabelled_encodings_keep_the_articles_structure(outcomes):
    """Bytes in another encoding labelled UTF-8: the markup is ASCII, so the article is found
    and valid; only non-ASCII characters suffer (U+FFFD). Nothing crashes on them."""
    for variant in ("latin1_as_utf8", "cp1252_as_utf8", "shift_jis_as_utf8", "double_utf8"):
        group = of(outcomes, "encoding", variant)
        assert {o for o, _ in group.values()} == {"item"}, variant
    # UTF-16 bytes labelled UTF-8: their byte-order mark wins over the label (w3lib), so the
    # page is read right and the article comes out
    assert {o for o, _ in of(outcomes, "encoding", "utf16_as_utf8").values()} == {"item"}


def test_every_item_with_undecodable_text_is_flagged_and_no_other(outcomes):
    items = {n: r for n, (o, r) in outcomes.items() if o == "item"}
    flagged = {n for n, r in items.items() if r["flagged"]}
    assert flagged == {n for n, r in items.items() if r["replacement_chars"]}
    assert any(kind_of(n) == "encoding" for n in flagged)  # the mislabelled pages are there


def test_nested_and_huge_pages_end_with_an_outcome(outcomes):
    for name, (outcome, result) in {**of(outcomes, "nested"), **of(outcomes, "huge")}.items():
        assert outcome in ("item", "not_article", "dropped"), (name, result)
