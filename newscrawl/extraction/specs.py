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


def _xpath_of(spec):
    """The XPath of a node spec: ``xpath:`` as written, CSS (also after ``page:``)
    translated."""
    if spec.startswith("xpath:"):
        return spec[len("xpath:"):]
    return _CSS.css_to_xpath(spec.removeprefix("page:"))


@cache
def compile_spec(spec):
    """(kind, compiled) for a spec: kind is "meta", "page" or "scoped"."""
    if spec.startswith("meta:"):
        return "meta", spec[len("meta:"):].lower()
    kind = "page" if spec.startswith("page:") else "scoped"
    return kind, etree.XPath(_xpath_of(spec), smart_strings=False)


def read_head(root):
    """({name: [content, ...]}, {rel: [href, ...]}, [JSON-LD text, ...]) over the page's
    ``<meta>``, ``<link>`` and ``<script type="application/ld+json">`` tags, in one pass.
    Meta tags are keyed by their lowercased ``name``, ``property`` and ``itemprop``, links by
    each of their lowercased ``rel`` values; document order kept."""
    meta, links, json_ld = {}, {}, []
    for node in root.iter("meta", "link", "script"):
        tag = node.tag
        if tag == "script":
            if (node.get("type") or "").strip().lower() == "application/ld+json" and node.text:
                json_ld.append(node.text)
        elif tag == "link":
            href = node.get("href")
            if href and href.strip():
                for rel in (node.get("rel") or "").lower().split():
                    links.setdefault(rel, []).append(href)
        else:
            content = node.get("content")
            if content is None:
                continue
            for attribute in ("name", "property", "itemprop"):
                key = node.get(attribute)
                if key:
                    meta.setdefault(key.lower(), []).append(content)
    return meta, links, json_ld


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
    if any(spec.startswith(("meta:", "page:")) for spec in specs):
        raise ValueError(f"not node specs of one scope for a union: {specs!r}")
    return etree.XPath(" | ".join(_xpath_of(spec) for spec in specs))


def block_nodes(root, specs):
    """The elements any of the CSS or ``xpath:`` specs selects under ``root`` (an article
    body's fragment, for the boilerplate blocks), in document order."""
    if isinstance(specs, str):
        specs = (specs,)
    return _elements(compile_union(tuple(specs))(root))


class Page:
    """One parsed page, read with a site's specs: the ``<meta>``, ``<link>`` and JSON-LD
    tags read once, the article block found once, every spec compiled once."""

    def __init__(self, root, block_specs=()):
        self.root = root
        self.meta, self.links, self.json_ld = read_head(root)
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
        return _elements(self.results(spec))

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

    def nodes_of_any(self, specs):
        """The elements any of the specs (CSS or ``xpath:``, in the article block) selects, in
        page order, each once: one search for them all."""
        return block_nodes(self.block, tuple(specs)) if specs else []

    def any(self, specs):
        """Whether any spec selects an element (or names a ``<meta>`` that is there). The
        block's specs are searched in one union, the ``page:`` ones in another."""
        scoped, page, meta = marker_unions(tuple(specs))
        return bool(any(self.meta.get(name) for name in meta)
                    or (scoped is not None and _elements(scoped(self.block)))
                    or (page is not None and _elements(page(self.root))))


def _elements(result):
    return [r for r in result if isinstance(r, etree._Element)] if isinstance(result, list) \
        else []


@cache
def marker_unions(specs):
    """(union of the block's specs or None, union of the ``page:`` specs or None, meta names)
    for ``Page.any``."""
    scoped = tuple(s for s in specs if not s.startswith(("meta:", "page:")))
    page = tuple(s[len("page:"):] for s in specs if s.startswith("page:"))
    meta = tuple(s[len("meta:"):].lower() for s in specs if s.startswith("meta:"))
    return (compile_union(scoped) if scoped else None,
            compile_union(page) if page else None, meta)


def compile_site(site):
    """Compile every selector spec of a site, as the extraction and cleaning use them, now:
    a spec that is not valid CSS or XPath fails here, naming itself and its field, when the
    spider is made, not on the first article page; and no page pays for compiling."""
    def check(what, compile_, arg):
        try:
            compile_(arg)
        except Exception as error:  # cssselect's and lxml's syntax errors have no common base
            raise ValueError(f"{site.name}: bad selector in {what}: {arg!r}: {error}") from None

    for field_name, specs in site.selectors.items():
        for spec in specs:
            check(f"selectors[{field_name!r}]", compile_spec, spec)
    for spec in site.article_block:
        check("article_block", compile_spec, spec)
    if site.selectors.get("images"):  # a site without image selectors (a generic one) has none
        check("selectors['images']", compile_union, tuple(site.selectors["images"]))
    check("paywall_markers", marker_unions, tuple(site.paywall_markers))
    for kind, specs in site.boilerplate_blocks.items():
        check(f"boilerplate_blocks[{kind!r}]", compile_union, tuple(specs))
