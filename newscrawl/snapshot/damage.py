"""Damaged article pages, made from the snapshot's good ones, for robustness tests.

``iter_damaged_pages(seed=0)`` yields ``(name, url, body_bytes, headers_dict)``, lazily (the
50 MB page only exists while the caller holds it). ``name`` is ``<kind>/<variant>/<n>`` (``n``:
the article's index in ``expected.json``); ``url`` is the article's real URL; ``headers`` what a
server would have sent (``Content-Type``). Every page depends only on (seed, name): the same
seed gives the same bytes, and any page can be rebuilt alone with ``damaged_page(name)``.

Kinds (``KINDS``), for each of the 30 good articles unless said otherwise:

- ``truncated``: cut in the head, early, in the middle, late, inside the closing ``</html>``;
- ``markup``: tags shuffled inside the body; closing tags dropped (all of some names, or a
  random half); a stray ``</body></html>`` in the middle of the article;
- ``removed``: the ``<h1>`` only; the headline everywhere (h1, title, og/twitter, JSON-LD); the
  article body element; the body's content (container left empty); every date (time elements,
  date blocks, meta, JSON-LD); every JSON-LD block;
- ``garbage``: random bytes labelled HTML; random bytes as ``application/octet-stream``; 4 KB of
  random bytes in the middle of the article; NUL bytes sprinkled through it;
- ``encoding``: the text as latin-1, cp1252, shift_jis or UTF-16 bytes labelled UTF-8;
  double-encoded UTF-8 (mojibake); shift_jis and UTF-16 correctly labelled (header and meta)
  -- these two are good pages in another encoding and should give the article;
- ``nested`` (3 articles): 10,000 nested ``<div>`` (closed), 10,000 unclosed ``<div>``,
  10,000 nested ``<b>`` around a paragraph;
- ``huge`` (1 article): 50 MB of extra paragraphs inside the article body;
- ``empty``: no bytes, whitespace, ``<html></html>``, an empty document, a BOM alone, NULs.

``python -m newscrawl.snapshot.damage --out DIR [--seed S] [--no-huge]`` writes them as files
with an ``index.json`` (name -> file, url, headers).
"""

import argparse
import json
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from . import SNAPSHOT_DIR, load_expected, load_manifest

UTF8 = {"Content-Type": "text/html; charset=utf-8"}
HUGE_BYTES = 50 * 1024 * 1024
NESTING = 10_000

KINDS = {
    "truncated": ("head", "early", "middle", "late", "closing_tag"),
    "markup": ("shuffled_tags", "unclosed_names", "unclosed_random", "stray_end"),
    "removed": ("h1", "headline_everywhere", "body", "body_content", "dates", "json_ld"),
    "garbage": ("random_html", "random_octets", "middle", "nul_bytes"),
    "encoding": ("latin1_as_utf8", "cp1252_as_utf8", "shift_jis_as_utf8", "utf16_as_utf8",
                 "double_utf8", "shift_jis_labelled", "utf16_labelled"),
}
NESTED = ("divs_closed", "divs_unclosed", "inline_b")
EMPTY = ("no_bytes", "whitespace", "html_only", "empty_document", "bom_only", "nul_only")
# articles (indexes into expected.json's articles) that get the nested and huge pages
NESTED_ARTICLES = (0, 15, 29)
HUGE_ARTICLE = 1


def articles(root=None):
    """(url, page bytes) of the snapshot's good articles, in expected.json's order."""
    root = Path(root) if root is not None else SNAPSHOT_DIR
    manifest = load_manifest(root)
    out = []
    for record in load_expected(root)["articles"]:
        entry = manifest[urlsplit(record["url"]).path]
        out.append((record["url"], (root / "site" / entry["file"]).read_bytes()))
    return out


def names(seed=0, root=None, huge=True):
    """Every damaged page's name, in the order ``iter_damaged_pages`` yields them."""
    count = len(articles(root))
    out = [f"{kind}/{variant}/{i}" for kind, variants in KINDS.items()
           for variant in variants for i in range(count)]
    out += [f"nested/{v}/{i}" for v in NESTED for i in NESTED_ARTICLES if i < count]
    if huge:
        out.append(f"huge/50mb/{HUGE_ARTICLE}")
    out += [f"empty/{v}/0" for v in EMPTY]
    return out


def iter_damaged_pages(seed=0, root=None, huge=True):
    """Yield ``(name, url, body_bytes, headers_dict)`` for every damaged page, lazily."""
    sources = articles(root)
    for name in names(seed, root, huge):
        yield (name, *_build(name, seed, sources))


def damaged_page(name, seed=0, root=None):
    """``(name, url, body_bytes, headers_dict)`` for one page by name."""
    return (name, *_build(name, seed, articles(root)))


def kind_of(name):
    return name.split("/", 1)[0]


def variant_of(name):
    return name.split("/")[1]


# --- building ----------------------------------------------------------------------------------
def _build(name, seed, sources):
    kind, variant, index = name.split("/")
    url, page = sources[int(index)]
    rng = random.Random(f"{seed}/{name}")
    if kind == "empty":
        return url, EMPTY_BODIES[variant], dict(UTF8)
    body, headers = BUILDERS[kind](variant, page, rng)
    return url, body, headers


def _body_span(page):
    """(start, end) of what is inside <body ...> ... </body>."""
    start = page.find(b">", page.find(b"<body")) + 1
    end = page.rfind(b"</body>")
    return start, (end if end > start else len(page))


def _truncated(variant, page, rng):
    end = page.lower().rfind(b"</html>")
    head_end = page.find(b"</head>")
    if variant == "closing_tag":
        cut = end + rng.randint(1, 6)  # "</", "</h", ... "</html"
    else:
        low, high = {"head": (16, head_end), "early": (head_end, end // 3),
                     "middle": (end // 3, 2 * end // 3), "late": (2 * end // 3, end)}[variant]
        cut = rng.randint(low, max(low, high - 1))
    return page[:cut], dict(UTF8)


TOKEN = re.compile(rb"<[^<>]+>|[^<]+")


def _markup(variant, page, rng):
    start, end = _body_span(page)
    inner = page[start:end]
    tokens = TOKEN.findall(inner)
    if variant == "shuffled_tags":
        # the tags of the article's region swap places; text stays where it was
        at = max(0, inner.find(b'id="jtarticle"'))
        first = len(TOKEN.findall(inner[:at]))
        window = [i for i in range(first, len(tokens)) if tokens[i].startswith(b"<")][:600]
        tags = [tokens[i] for i in window]
        rng.shuffle(tags)
        for i, tag in zip(window, tags, strict=True):
            tokens[i] = tag
    elif variant == "unclosed_names":
        dropped = set(rng.sample([b"p", b"div", b"a", b"span", b"li", b"h1", b"h2", b"h3"], 4))
        tokens = [t for t in tokens
                  if not (t.startswith(b"</") and t[2:-1].strip().lower() in dropped)]
    elif variant == "unclosed_random":
        tokens = [t for t in tokens if not (t.startswith(b"</") and rng.random() < 0.5)]
    elif variant == "stray_end":
        at = inner.find(b"</p>", len(inner) // 3)
        at = at + 4 if at >= 0 else len(inner) // 2
        tokens = [inner[:at], b"</body></html>\n", inner[at:]]
    return page[:start] + b"".join(tokens) + page[end:], dict(UTF8)


def _remove(doc, css):
    for el in doc.cssselect(css):
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()


def _json_ld_without(doc, keys):
    for script in doc.cssselect("script[type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                for key in keys:
                    node.pop(key, None)
                stack.extend(node.values())
        script.text = json.dumps(data, ensure_ascii=False)


def _removed(variant, page, rng):
    doc = lxml.html.document_fromstring(page)
    if variant == "h1":
        _remove(doc, "h1")
    elif variant == "headline_everywhere":
        for css in ("h1", "title", "meta[property='og:title']", "meta[name='twitter:title']",
                    "h2.article-description"):
            _remove(doc, css)
        _json_ld_without(doc, ("headline", "name", "alternativeHeadline"))
    elif variant == "body":
        _remove(doc, "#jtarticle")
    elif variant == "body_content":
        for el in doc.cssselect("#jtarticle .article-body") or doc.cssselect("#jtarticle"):
            for child in list(el):
                el.remove(child)
            el.text = None
    elif variant == "dates":
        for css in ("time", ".publish-date", ".update-date", "li.post_time", "#article_history",
                    "meta[property*='published_time']", "meta[property*='modified_time']",
                    "meta[property^='DC.date']", "meta[name^='DC.date']",
                    "meta[itemprop^='date']"):
            _remove(doc, css)
        _json_ld_without(doc, ("datePublished", "dateModified", "dateCreated", "uploadDate"))
    elif variant == "json_ld":
        _remove(doc, "script[type='application/ld+json']")
    body = lxml.html.tostring(doc, encoding="utf-8", doctype="<!DOCTYPE html>")
    return body, dict(UTF8)


def _garbage(variant, page, rng):
    if variant == "random_html":
        return rng.randbytes(rng.randint(2_000, 200_000)), dict(UTF8)
    if variant == "random_octets":
        return rng.randbytes(rng.randint(2_000, 200_000)), {
            "Content-Type": "application/octet-stream"}
    start, end = _body_span(page)
    if variant == "middle":
        at = rng.randint(start + (end - start) // 3, start + 2 * (end - start) // 3)
        return page[:at] + rng.randbytes(4096) + page[at:], dict(UTF8)
    # nul_bytes: 1 in 500 bytes of the body becomes NUL
    body = bytearray(page)
    for i in range(start, end):
        if rng.random() < 0.002:
            body[i] = 0
    return bytes(body), dict(UTF8)


META_CHARSET = re.compile(rb"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.I)


def _encoding(variant, page, rng):
    text = page.decode("utf-8")
    if variant == "latin1_as_utf8":
        return text.encode("latin-1", "replace"), dict(UTF8)
    if variant == "cp1252_as_utf8":
        return text.encode("cp1252", "replace"), dict(UTF8)
    if variant == "shift_jis_as_utf8":
        return text.encode("shift_jis", "replace"), dict(UTF8)
    if variant == "utf16_as_utf8":
        return text.encode("utf-16"), dict(UTF8)
    if variant == "double_utf8":
        return text.encode("utf-8").decode("latin-1").encode("utf-8"), dict(UTF8)
    charset = {"shift_jis_labelled": "shift_jis", "utf16_labelled": "utf-16"}[variant]
    # a good page in another encoding: characters it lacks become character references
    relabelled = META_CHARSET.sub(f'<meta charset="{charset}">'.encode(), page, count=1)
    body = _encode_exactly(relabelled.decode("utf-8"), charset)
    return body, {"Content-Type": f"text/html; charset={charset}"}


def _encode_exactly(text, charset):
    """``text`` in ``charset``; characters that would not decode back to themselves (shift_jis
    has no yen sign of its own: U+00A5 comes back as a backslash; cp932 reads its pound sign
    as U+FFE1) become character references."""
    if charset.startswith("utf"):
        return text.encode(charset)
    cache = {}
    out = []
    for ch in text:
        encoded = cache.get(ch)
        if encoded is None:
            try:
                encoded = ch.encode(charset)
                # browsers and w3lib read shift_jis as its superset cp932 (windows-31j)
                if {encoded.decode(c, "replace") for c in (charset, "cp932")} != {ch}:
                    raise UnicodeError
            except UnicodeError:
                encoded = f"&#{ord(ch)};".encode("ascii")
            cache[ch] = encoded
        out.append(encoded)
    return b"".join(out)


def _nested(variant, page, rng):
    marker = page.find(b'id="jtarticle"')
    at = page.find(b"<p", marker)
    if variant == "divs_closed":
        block = b"<div>" * NESTING + b"deep text" + b"</div>" * NESTING
    elif variant == "divs_unclosed":
        block = b"<div class=\"n\">" * NESTING + b"deep text"
    else:
        close = page.find(b"</p>", at) + 4
        inner = page[at:close]
        return page[:at] + b"<b>" * NESTING + inner + b"</b>" * NESTING + page[close:], \
            dict(UTF8)
    return page[:at] + block + page[at:], dict(UTF8)


PARAGRAPH = (b"<p>Filler paragraph %d of a runaway page: the same forty words again and again "
             b"until the page is far larger than any real article, to see what a crawler "
             b"does with a body of fifty megabytes that it should never have to hold.</p>\n")


def _huge(variant, page, rng):
    marker = page.find(b'id="jtarticle"')
    at = page.find(b"<p", marker)
    parts = [page[:at]]
    size = len(page)
    n = 0
    while size < HUGE_BYTES:
        chunk = PARAGRAPH % n
        parts.append(chunk)
        size += len(chunk)
        n += 1
    parts.append(page[at:])
    return b"".join(parts), dict(UTF8)


EMPTY_BODIES = {
    "no_bytes": b"",
    "whitespace": b"  \r\n\t\n   ",
    "html_only": b"<html></html>",
    "empty_document": b"<!DOCTYPE html>\n<html><head></head><body></body></html>\n",
    "bom_only": b"\xef\xbb\xbf",
    "nul_only": b"\x00" * 512,
}

BUILDERS = {"truncated": _truncated, "markup": _markup, "removed": _removed,
            "garbage": _garbage, "encoding": _encoding, "nested": _nested, "huge": _huge}


def write_pages(out, seed=0, root=None, huge=True):
    """Write every damaged page under ``out`` with an index.json; return the count."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for name, url, body, headers in iter_damaged_pages(seed, root, huge):
        file = name.replace("/", "__") + ".bin"
        (out / file).write_bytes(body)
        index[name] = {"file": file, "url": url, "headers": headers, "size": len(body)}
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    return len(index)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m newscrawl.snapshot.damage",
                                     description="write the damaged pages to a directory")
    parser.add_argument("--out", required=True, help="directory to write the pages to")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-huge", action="store_true", help="leave out the 50 MB page")
    args = parser.parse_args(argv)
    count = write_pages(args.out, args.seed, huge=not args.no_huge)
    print(f"{count} damaged pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["KINDS", "damaged_page", "iter_damaged_pages", "kind_of", "names", "variant_of",
           "write_pages"]
