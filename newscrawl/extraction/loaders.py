"""The ArticleLoader: the fields read from the page's text, with their input and output
processors.

The loader's context carries the ``site`` (``newscrawl.sites.base.Site``), so processors that
need site data (headline suffixes, byline placeholders) stay pure functions of (value, site).
Values are added in priority order by ``newscrawl.extraction.article``; for single-valued fields the
first value that survives its input processors wins (``TakeFirst``). Fields the extraction
works out itself rather than reads (URLs, dates parsed with ``extraction.dates``, flags, the
body element) are set on the loaded item, and the body's text fields by the cleaning pipeline.
"""

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newscrawl.extraction.processors import (
    clean_text,
    is_person,
    split_names,
    split_tags,
    strip_suffixes,
    title_case_shout,
    unique,
    whole_sentences,
)
from newscrawl.items import ArticleItem


def _site_suffixes(value, loader_context):
    return strip_suffixes(value, loader_context["site"].headline_suffixes)


def _people_only(value, loader_context):
    return value if is_person(value, loader_context["site"].author_placeholders) else None


def _unique_folded(values):
    return unique(values, key=str.casefold)


def _unique_images(values):
    return unique([v for v in values if v and v.get("url")], key=lambda image: image["url"])


class ArticleLoader(ItemLoader):
    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    headline_in = MapCompose(clean_text, _site_suffixes)
    section_in = MapCompose(clean_text, title_case_shout)
    subsection_in = MapCompose(clean_text, title_case_shout)
    description_in = MapCompose(clean_text, whole_sentences)

    authors_in = MapCompose(clean_text, split_names, clean_text, _people_only)
    authors_out = _unique_folded
    tags_in = MapCompose(split_tags, clean_text)
    tags_out = _unique_folded
    images_in = Identity()
    images_out = _unique_images
