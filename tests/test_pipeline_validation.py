"""ValidationPipeline: the record's contract, checked against the project's JSON Schema."""

import json
import logging
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.items import ARTICLE_KEYS, ArticleItem
from newscrawl.pipelines.validation import ValidationPipeline, article_schema

ROOT = Path(__file__).resolve().parents[1]
URL = "https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"


def article(**overrides):
    paragraphs = ["KOBE - About 6,000 surgical masks were stolen.", "Police are investigating."]
    values = {
        "url": URL,
        "canonical_url": URL,
        "site": "japantimes",
        "extraction": "site:japantimes",
        "article_id": "2254010",
        "section": "National",
        "subsection": "Crime & Legal",
        "headline": "6,000 surgical masks stolen from Kobe hospital",
        "description": None,
        "authors": [],
        "credit": "Kyodo",
        "dateline": "KOBE",
        "published_at": "2020-02-18T18:07:56+09:00",
        "modified_at": None,
        "published_raw": "2020-02-18T18:07:56+09:00",
        "date_source": "json-ld",
        "language": "en",
        "image": {"url": "https://cdn.japantimes.2xx.jp/a.jpg", "caption": "Masks", "credit": None},
        "images": [{"url": "https://cdn.japantimes.2xx.jp/a.jpg", "caption": "Masks",
                    "credit": None}],
        "body": "\n\n".join(paragraphs),
        "paragraphs": paragraphs,
        "word_count": 11,
        "tags": ["Kobe", "Hyogo"],
        "paywalled": False,
        "crawled_at": "2026-11-28T05:00:00Z",
        "content_hash": "9f86d081884c7d659a2feaa0c55ad015",
    }
    values.update(overrides)
    return ArticleItem(**{k: v for k, v in values.items() if v is not None or k in overrides})


class JapanTimes(Spider):
    name = "japantimes"


@pytest.fixture
def crawler():
    crawler = get_crawler(JapanTimes)
    crawler.spider = crawler._create_spider()
    return crawler


@pytest.fixture
def pipeline(crawler):
    return build_from_crawler(ValidationPipeline, crawler)


def test_a_valid_article_passes_completed_with_every_key(pipeline, crawler):
    item = article()
    assert "description" not in item  # the loader leaves unknown values out
    out = pipeline.process_item(item)
    assert out is item
    assert set(out.keys()) >= set(ARTICLE_KEYS)
    assert out["description"] is None and out["tags"] == ["Kobe", "Hyogo"]
    assert crawler.stats.get_value("newscrawl/validated") == 1
    assert crawler.stats.get_value("newscrawl/dropped") is None
    assert out["archive"] is None  # not archived


def test_an_archived_article_names_its_warc_record(pipeline):
    archive = {"warc_file": "japantimes_RUN-00000.warc.gz",
               "record_id": "<urn:uuid:0f66957a-9961-484a-b5a2-98e5b2fbcfc7>", "offset": 65138}
    assert pipeline.process_item(article(archive=archive))["archive"] == archive


@pytest.mark.parametrize("field", ["url", "canonical_url", "headline", "published_at", "body"])
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_missing_required_field_is_dropped_with_reason_stats_and_warning(
    pipeline, crawler, caplog, field, empty
):
    item = article(**{field: empty})
    caplog.set_level(logging.WARNING)
    with pytest.raises(DropItem, match=f"missing_{field}"):
        pipeline.process_item(item)
    stats = crawler.stats
    assert stats.get_value("newscrawl/dropped") == 1
    assert stats.get_value(f"newscrawl/dropped/missing_{field}") == 1
    assert stats.get_value(f"newscrawl/missing/{field}") == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    # the page's URL (the canonical URL when the fetched one is missing) and the reason
    assert f"missing_{field}" in warnings[0].getMessage()
    assert URL in warnings[0].getMessage()


def test_every_missing_required_field_is_counted(pipeline, crawler):
    with pytest.raises(DropItem):
        pipeline.process_item(article(headline=None, body=""))
    assert crawler.stats.get_value("newscrawl/missing/headline") == 1
    assert crawler.stats.get_value("newscrawl/missing/body") == 1
    assert crawler.stats.get_value("newscrawl/dropped/missing_headline") == 1
    assert crawler.stats.get_value("newscrawl/dropped") == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"published_at": "18 February 2020"},                  # not ISO 8601
        {"published_at": "2020-02-18T18:07:56"},                # time without offset
        {"modified_at": "yesterday"},
        {"crawled_at": "2026-11-28T05:00:00+09:00"},            # not UTC Z
        {"canonical_url": URL + "#.XZKZykZKjD4"},               # fragment
        {"canonical_url": URL.replace("https", "http")},        # not https
        {"canonical_url": URL + "?utm_source=twitter"},         # tracking query
        {"authors": ["Staff writer", "Staff writer"]},          # duplicates
        {"authors": "Jane Doe"},                                # not a list
        {"headline": " padded "},                               # not trimmed
        {"word_count": -1},
        {"word_count": "11"},
        {"paywalled": "no"},
        {"language": "English"},
        {"date_source": "guess"},
        {"image": {"url": "/relative.jpg", "caption": None, "credit": None}},
        {"images": [{"url": "https://x.example/a.jpg"}]},      # caption, credit keys missing
        {"site": "The Japan Times"},
        {"archive": {"warc_file": "a.warc.gz", "record_id": "urn:uuid:1", "offset": 0}},
        {"archive": {"warc_file": "a.warc.gz", "record_id": "<urn:uuid:1>"}},  # no offset
        {"archive": {"warc_file": "", "record_id": "<urn:uuid:1>", "offset": 0}},
        {"archive": "a.warc.gz"},
    ],
)
def test_schema_violation_is_dropped_as_schema(pipeline, crawler, caplog, overrides):
    caplog.set_level(logging.WARNING)
    with pytest.raises(DropItem, match=r"invalid article \(schema\)"):
        pipeline.process_item(article(**overrides))
    assert crawler.stats.get_value("newscrawl/dropped/schema") == 1
    field = next(iter(overrides))
    message = caplog.records[-1].getMessage()
    assert caplog.records[-1].levelno == logging.WARNING
    assert URL in message
    assert field in message


def test_date_only_published_at_is_valid(pipeline):
    pipeline.process_item(article(published_at="2020-02-18", published_raw="Feb 18, 2020"))


def test_internal_fields_are_not_validated_as_record_keys(pipeline):
    # the cleaning pipeline removes body_html; a leftover is not exported (feeds list the
    # schema's keys) and must not fail the record
    pipeline.process_item(article(body_html=["<p>x</p>"]))


def test_schema_file_is_draft_2020_12_and_lists_every_key_in_order():
    schema = article_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert tuple(schema["required"]) == ARTICLE_KEYS
    assert tuple(schema["properties"]) == ARTICLE_KEYS
    assert schema["additionalProperties"] is False


def test_consumer_doc_documents_every_key_and_the_schema_file():
    doc = (ROOT / "docs" / "article-schema.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.M)
    assert tuple(documented) == ARTICLE_KEYS
    assert "newscrawl/schema/article.schema.json" in doc


def test_schema_file_is_plain_json():
    path = ROOT / "newscrawl" / "schema" / "article.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == article_schema()
