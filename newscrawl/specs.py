"""Selector specs (the strings a ``Site`` lists) compiled once and run on one parsed page.

A spec is one of:

- CSS (parsel's dialect, with ``::text`` and ``::attr(name)``), searched inside the page's
  article block (``Site.article_block``), or the whole page when the site has none or the
  page does not have it;
- ``page:`` + CSS, searched over the whole page (``page:title``, ``page:body.premium``);
- ``xpath:`` + XPath, evaluated with the article block as context node: ``.//x`` searches the
  block, ``//x`` the whole page, and string expressions (``substring-after(...)``) work;
- ``meta:`` + a name, the ``content`` of every ``<meta>`` whose ``name``, ``property`` or
  ``itemprop`` is that name (case-insensitive): ``meta:og:title``, ``meta:article:tag``.

Why not parsel's ``Selector.css``: every call translates and compiles its XPath again and
wraps each result in a Selector, and most specs ran over the whole document. Profiling put
two thirds of an article's extraction time there. Here a spec is compiled once per process,
the ``<meta>`` tags are read in one pass, and field searches stay inside the article block.
"""

from functools import cache

from lxml import etree
from parsel.csstranslator import HTMLTranslator

_CSS = HTMLTranslator()
# The text of an element as parsel's ``xpath("string()")`` gives it.
_STRING = etree.XPath("string()")


@cache
def compile_spec(spec):
    """(kind, compiled) for a spec: kind is "meta", "page" or "scoped"."""
    if spec.startswith("meta:"):
        return "meta", spec[len("meta:"):].lower()
    if spec.startswith("xpath:"):
        return "scoped", etree.XPath(spec[len("xpath:"):])
    if spec.startswith("page:"):
        return "page", etree.XPath(_CSS.css_to_xpath(spec[len("page:"):]))
    return "scoped", etree.XPath(_CSS.css_to_xpath(spec))


def read_head(root):
    """({name: [content, ...]}, {rel: [href, ...]}) over the page's ``<meta>`` and ``<link>``
    tags, in one pass. Meta tags are keyed by their lowercased ``name``, ``property`` and
    ``itemprop``, links by each of their lowercased ``rel`` values; document order kept."""
    meta, links = {}, {}
    for node in root.iter("meta", "link"):
        if node.tag == "link":
            href = node.get("href")
            if href and href.strip():
                for rel in (node.get("rel") or "").lower().split():
                    links.setdefault(rel, []).append(href)
            continue
        content = node.get("content")
        if content is None:
            continue
        for attribute in ("name", "property", "itemprop"):
            key = node.get(attribute)
            if key:
                meta.setdefault(key.lower(), []).append(content)
    return meta, links


def text_of(result):
    """A spec's result as text: strings as they are, elements by their whole text."""
    if isinstance(result, str):
        return result
    if isinstance(result, etree._Element):
        return _STRING(result)
    return str(result) if result is not None else None


@cache
def compile_union(specs):
    """One XPath for a tuple of CSS and ``xpath:`` node specs: their union, in document
    order. An XPath call has a fixed cost of a few microseconds, more than a small tree's
    search, so one call per tuple instead of one per spec."""
    parts = []
    for spec in specs:
        if spec.startswith("xpath:"):
            parts.append(spec[len("xpath:"):])
        elif spec.startswith(("meta:", "page:")):
            raise ValueError(f"not a node spec for a union: {spec!r}")
        else:
            parts.append(_CSS.css_to_xpath(spec))
    return etree.XPath(" | ".join(parts))


def block_nodes(root, specs):
    """The elements any of the CSS or ``xpath:`` specs selects under ``root`` (an article
    body's fragment, for the boilerplate blocks), in document order."""
    if isinstance(specs, str):
        specs = (specs,)
    result = compile_union(tuple(specs))(root)
    return [r for r in result if isinstance(r, etree._Element)] if isinstance(result, list) \
        else []


class Page:
    """One parsed page, read with a site's specs: the ``<meta>`` and ``<link>`` tags read
    once, the article block found once, every spec compiled once."""

    def __init__(self, root, block_specs=()):
        self.root = root
        self.meta, self.links = read_head(root)
        self.block = root
        for spec in block_specs:
            nodes = self.nodes(spec)
            if nodes:
                self.block = nodes[0]
                break

    def results(self, spec):
        """The raw results of a spec: elements or strings (or one string for an XPath string
        expression)."""
        kind, compiled = compile_spec(spec)
        if kind == "meta":
            return list(self.meta.get(compiled, ()))
        result = compiled(self.root if kind == "page" else self.block)
        return result if isinstance(result, list) else [result]

    def nodes(self, spec):
        """The elements a spec selects."""
        return [r for r in self.results(spec) if isinstance(r, etree._Element)]

    def values(self, spec):
        """The non-blank strings a spec gives."""
        out = []
        for result in self.results(spec):
            value = text_of(result)
            if value and value.strip():
                out.append(value)
        return out

    def first(self, specs):
        """The values of the first spec (in priority order) that gives any."""
        for spec in specs:
            values = self.values(spec)
            if values:
                return values
        return []

    def any(self, specs):
        """Whether any spec selects an element or a non-blank string."""
        return any(isinstance(result, etree._Element)
                   or (isinstance(result, str) and result.strip())
                   for spec in specs for result in self.results(spec))
