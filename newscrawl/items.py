"""The article record (docs/article-schema.md): every key, in export order."""

import scrapy

# The exported keys, in the order the schema gives them. Feeds export exactly these.
ARTICLE_KEYS = (
    "url",
    "canonical_url",
    "site",
    "extraction",
    "article_id",
    "section",
    "subsection",
    "headline",
    "description",
    "authors",
    "credit",
    "dateline",
    "published_at",
    "modified_at",
    "published_raw",
    "date_source",
    "language",
    "image",
    "images",
    "body",
    "paragraphs",
    "word_count",
    "tags",
    "paywalled",
    "crawled_at",
    "archive",
    "content_hash",
)

# Keys whose unknown value is [] rather than null.
LIST_KEYS = frozenset({"authors", "images", "paragraphs", "tags"})

# Working fields that travel from extraction to the cleaning pipeline and are never exported:
# the article body before boilerplate is stripped, as the parsed element the extraction found
# (``body_element``, no parsing twice) or as HTML (``body_html``, for items made elsewhere).
INTERNAL_KEYS = ("body_element", "body_html")


class ArticleItem(scrapy.Item):
    pass


for _key in ARTICLE_KEYS + INTERNAL_KEYS:
    ArticleItem.fields[_key] = scrapy.Field()


def empty_value(key):
    return [] if key in LIST_KEYS else None


def complete(item):
    """Every schema key present: unknown values become null or []."""
    for key in ARTICLE_KEYS:
        if item.get(key) is None:
            item[key] = empty_value(key)
    return item
