"""Strip promo and related-story blocks from the article body; set the body fields.

The extraction hands over ``body_element``: the article body as the page has it, ads, share
bars, "RELATED STORIES" boxes and all (an item made elsewhere may give ``body_html``, its
HTML, instead). This pipeline

1. removes the site's boilerplate blocks (``Site.boilerplate_blocks``: kind -> CSS selectors),
2. reads the paragraphs in order (``p``, subheads ``h2``-``h6``, ``blockquote``, list items),
   looking inside wrapper ``div``s, never inside scripts, styles, figures or iframes,
3. drops paragraphs that are boilerplate as plain text (``Site.boilerplate_text``: kind ->
   regex over the whole paragraph: "Advertisement", "Listen to this article", ", , ,"),
4. sets ``paragraphs``, ``body`` (joined by a blank line), ``word_count``, ``content_hash``, the
   ``dateline`` when the page had no element for it, and every missing key to null or [].

What was removed is counted as ``newscrawl/stripped/<kind>``. Article text is never dropped
for being long: text patterns must match a whole paragraph. An article whose text holds U+FFFD
(bytes not in the page's declared encoding) is exported, counted as
``newscrawl/flagged/undecodable_text`` and logged at WARNING with its URL.
"""

import logging
import re
from collections import Counter

from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction.processors import (
    clean_text,
    content_hash,
    dateline_of,
    ends_sentence,
    sentence_ends,
    word_count,
)
from newscrawl.extraction.specs import block_nodes
from newscrawl.items import INTERNAL_KEYS, complete
from newscrawl.sites import site_for_record

logger = logging.getLogger(__name__)

STAT_PREFIX = "newscrawl/stripped/"
# Articles exported with characters their page's bytes did not decode to (U+FFFD).
STAT_UNDECODABLE = "newscrawl/flagged/undecodable_text"
PARAGRAPH_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre"}
WRAPPER_TAGS = {"div", "section", "article", "ul", "ol", "main", "span", "center", "font"}
SKIP_TAGS = {"script", "style", "noscript", "iframe", "figure", "figcaption", "form", "button",
             "input", "select", "textarea", "svg", "nav", "aside", "template", "object",
             "embed", "video", "audio", "img", "picture", "table"}


def _remove(element):
    """Remove an element but keep the text that follows it (its tail) as text of its own: a
    comment takes the element's place, so loose text on both sides stays two paragraphs."""
    parent = element.getparent()
    if parent is None:
        return
    gap = etree.Comment("newscrawl: removed")
    gap.tail = element.tail
    parent.replace(element, gap)


def _attached(node, root):
    """Whether ``node`` is still inside ``root`` (not in a block removed before it)."""
    return any(ancestor is root for ancestor in node.iterancestors())


def _paragraphs(element, out):
    """Append the texts of the paragraphs under ``element`` to ``out``, in order. A loop with
    a stack of its own, not recursion: a page nested thousands of levels deep (it happens,
    and lxml keeps such trees) must not exhaust Python's recursion limit."""
    stack = [(iter(element), None)]  # (children still to read, tail to add after them)
    while stack:
        children, tail = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if tail and tail.strip():
                out.append(tail)
            continue
        tag = child.tag.lower() if isinstance(child.tag, str) else None  # None: a comment
        descend = False
        if tag in PARAGRAPH_TAGS:
            nested = [c for c in child if isinstance(c.tag, str) and c.tag.lower() in (
                PARAGRAPH_TAGS - {"li"}) | {"ul", "ol"}]
            if tag in ("blockquote", "li") and nested:
                descend = True
            else:
                out.append(child.text_content())
        elif tag in WRAPPER_TAGS:
            if child.text and child.text.strip():
                out.append(child.text)
            descend = True
        if descend:
            stack.append((iter(child), child.tail))
        elif child.tail and child.tail.strip():
            # Text loose in the body between blocks (WordPress leaves some) is text too.
            out.append(child.tail)


def strip_boilerplate(body, site):
    """(paragraphs, {kind: count removed}) from an article body: its HTML, or its element in
    a wrapper ``<div>`` (which loses the blocks removed: the item's copy is spent here)."""
    stripped = Counter()
    if isinstance(body, etree._Element):
        root = body
    else:
        try:
            root = lxml_html.fragment_fromstring(body, create_parent="div")
        except (etree.ParserError, ValueError):
            return [], stripped
    for kind, specs in site.boilerplate_blocks.items():
        # One search per kind: its selectors joined in one XPath union. A block inside one
        # already removed (the ad slot inside an ad wrapper) went with it: not counted again.
        for node in block_nodes(root, specs):
            if node is root or not _attached(node, root):
                continue
            _remove(node)
            stripped[kind] += 1
    texts = [root.text] if root.text and root.text.strip() else []
    _paragraphs(root, texts)
    paragraphs = []
    for text in texts:
        text = clean_text(text)
        if not text:
            continue
        match = site.boilerplate_text_re.fullmatch(text)
        if match:
            stripped[match.lastgroup] += 1
            continue
        paragraphs.append(text)
    return paragraphs, stripped


def complete_description(description, first_paragraph, dateline=None):
    """A meta description the site cut mid-sentence ("...calling the relationship “special,”
    North"), completed from the article's first paragraph, which it copies: whole sentences,
    as the site wrote them. Left as it is when it is whole or not a copy of the lead."""
    if not description or ends_sentence(description):
        return description
    lead = first_paragraph
    if dateline:
        lead = re.sub(rf"^{re.escape(dateline)}\s*[–—-]\s*", "", lead)
    cut = description.rstrip()
    if not lead.startswith(cut):
        return description
    ends = sentence_ends(lead, len(cut))
    return lead[: ends[0]] if ends else description


class CleaningPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def site_of(self, item):
        return site_for_record(item.get("site"), item.get("url"))

    def flag_undecodable(self, item):
        """A page whose bytes were not in the encoding it declared comes out with U+FFFD
        characters where the text was. The article is still exported (its text is mostly
        right and dropping it would lose it), but counted and logged so it can be looked at."""
        undecodable = item["body"].count("\ufffd")
        if undecodable:
            self.stats.inc_value(STAT_UNDECODABLE)
            logger.warning("Article text has %d undecodable character(s) (U+FFFD): %s; the "
                           "page's bytes are not in the encoding it declared", undecodable,
                           item.get("url"))

    def process_item(self, item):
        body = item.get("body_element")
        if body is None:
            body = item.get("body_html")
        if body is not None:
            site = self.site_of(item)
            paragraphs, stripped = strip_boilerplate(body, site)
            for kind, count in stripped.items():
                self.stats.inc_value(STAT_PREFIX + kind, count)
            item["paragraphs"] = paragraphs
            item["body"] = "\n\n".join(paragraphs) or None
            if not item.get("dateline") and paragraphs:
                item["dateline"] = dateline_of(paragraphs[0])
            if paragraphs:
                item["description"] = complete_description(item.get("description"),
                                                            paragraphs[0], item.get("dateline"))
        for key in INTERNAL_KEYS:
            item.pop(key, None)
        if item.get("body"):
            item["word_count"] = word_count(item["body"])
            item["content_hash"] = content_hash(item["body"])
            self.flag_undecodable(item)
        else:
            item["word_count"] = 0
        return complete(item)
