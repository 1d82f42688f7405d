"""Benchmark: generic extraction against the tools users would pick instead. Figures, not a test.

Runs ``newscrawl.extract``, trafilatura (``bare_extraction`` with metadata) and newspaper4k
over the same labelled pages in one run and prints, for each: body precision, recall and F1,
headline exact-match accuracy, date accuracy (the day), author F1, and the median
milliseconds per page. The metrics are the ones the data set's README defines:

- body: the Scrapinghub article-extraction-benchmark metric: ``\\w+`` tokens, multisets of
  4-token shingles, per-page tp/fp/fn normalised by tp+fp+fn; precision is the mean over pages
  with a non-empty prediction, recall the mean over all pages, F1 their harmonic mean;
- headline: exact match after collapsing whitespace;
- date: the first 10 characters of the published date equal the label's ``date``;
- authors: names split on ``,`` ``;`` ``|`` ``&`` and the word ``and``, case-folded sets,
  per-page F1 (both empty = 1, one empty = 0), averaged.

    python bench/generic_eval.py                       # ../shared/eval/naeb-dev
    python bench/generic_eval.py DATA_DIR --json       # the figures as JSON
    python bench/generic_eval.py --systems newscrawl --errors /tmp/errors.jsonl
    python bench/generic_eval.py --systems newscrawl --half a --misses date

``--half a`` / ``--half b`` keep the pages of one half of the sites (split by a hash of the
site's host, so a site is in one half only): develop a rule on one half, check it on the
other. ``--misses date`` (or headline, authors) lists the pages a system got wrong.

DATA_DIR holds ``labels.json`` (``{id: {url, title, authors, date, articleBody}}``) and
``html/<id>.html.gz``. Without it the script prints one line saying so and exits 0. The pages
are publishers' content: they are read where they are and never copied.
"""

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project's package first
    sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "naeb-dev"
SYSTEMS = ("newscrawl", "trafilatura", "newspaper4k")
TOKEN_RE = re.compile(r"\w+")
NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|\||&|\band\b)\s*", re.IGNORECASE)


# --- metrics ------------------------------------------------------------------------------------
def shingles(text, size=4):
    tokens = TOKEN_RE.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


def body_scores(predicted, expected):
    """(precision or None for an empty prediction, recall) of one page."""
    pred, true = shingles(predicted), shingles(expected)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    total = tp + fp + fn
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if pred else None
    recall = tp / (tp + fn) if (tp + fn) else 1.0
    return precision, recall


def author_names(value):
    if isinstance(value, list | tuple):
        value = ", ".join(v for v in value if v)
    return {n.strip().casefold() for n in NAME_SPLIT_RE.split(value or "") if n.strip()}


def author_f1(predicted, expected):
    pred, true = author_names(predicted), author_names(expected)
    if not pred and not true:
        return 1.0
    if not pred or not true:
        return 0.0
    tp = len(pred & true)
    if not tp:
        return 0.0
    precision, recall = tp / len(pred), tp / len(true)
    return 2 * precision * recall / (precision + recall)


def collapse(text):
    return " ".join((text or "").split())


# --- the systems --------------------------------------------------------------------------------
def run_newscrawl():
    import newscrawl

    def run(html, url):
        try:
            record = newscrawl.extract(html, url)
        except newscrawl.NotAnArticle as error:
            return {"body": "", "headline": "", "date": "", "authors": [],
                    "refused": error.reason}
        return {"body": record["body"], "headline": record["headline"],
                "date": record["published_at"] or "", "authors": record["authors"]}
    return run


def run_trafilatura():
    from trafilatura import bare_extraction

    def run(html, url):
        doc = bare_extraction(html.decode("utf-8", "replace"), url=url, with_metadata=True)
        if doc is None:
            return {"body": "", "headline": "", "date": "", "authors": []}
        return {"body": doc.text or "", "headline": doc.title or "", "date": doc.date or "",
                "authors": doc.author or ""}
    return run


def run_newspaper4k():
    import newspaper

    def run(html, url):
        article = newspaper.Article(url, fetch_images=False)
        article.download(input_html=html.decode("utf-8", "replace"))
        article.parse()
        published = article.publish_date.isoformat() if article.publish_date else ""
        return {"body": article.text or "", "headline": article.title or "",
                "date": published, "authors": list(article.authors)}
    return run


RUNNERS = {"newscrawl": run_newscrawl, "trafilatura": run_trafilatura,
           "newspaper4k": run_newspaper4k}


# --- the run -------------------------------------------------------------------------------------
def load(data_dir):
    labels = json.loads((data_dir / "labels.json").read_text("utf-8"))
    pages = []
    for page_id in sorted(labels):
        file = data_dir / "html" / f"{page_id}.html.gz"
        if file.is_file():
            pages.append((page_id, labels[page_id], gzip.decompress(file.read_bytes())))
    return pages


def site_half(label):
    """"a" or "b": the half of the data set a page's site falls in (a stable hash of the
    host without "www."), so the same site is never in both halves."""
    host = re.sub(r"^https?://(?:www\.)?", "", label.get("site") or label["url"]).split("/")[0]
    return "ab"[hashlib.sha1(host.lower().encode()).digest()[0] % 2]


def evaluate(name, run, pages, errors=None, misses=None):
    precisions, recalls, headlines, days, authors, times = [], [], [], [], [], []
    for page_id, label, html in pages:
        start = time.perf_counter()
        try:
            out = run(html, label["url"])
        except Exception as error:  # a tool that crashes on a page scores 0 there
            out = {"body": "", "headline": "", "date": "", "authors": [],
                   "crashed": f"{type(error).__name__}: {error}"}
        times.append((time.perf_counter() - start) * 1000)
        precision, recall = body_scores(out["body"], label.get("articleBody"))
        if precision is not None:
            precisions.append(precision)
        recalls.append(recall)
        headline_ok = collapse(out["headline"]) == collapse(label.get("title"))
        day_ok = (out["date"] or "")[:10] == (label.get("date") or "")
        author = author_f1(out["authors"], label.get("authors"))
        headlines.append(headline_ok)
        days.append(day_ok)
        authors.append(author)
        if misses is not None:
            missed = {"date": not day_ok, "headline": not headline_ok,
                      "authors": author < 1}.get(misses)
            if missed:
                got = {"date": out["date"], "headline": out["headline"],
                       "authors": out["authors"]}[misses]
                want = {"date": label.get("date"), "headline": label.get("title"),
                        "authors": label.get("authors")}[misses]
                why = out.get("refused") or out.get("crashed") or ""
                print(f"{name} {page_id} {site_half(label)} got {got!r} want {want!r} "
                      f"{label['url']} {why}".rstrip())
        if errors is not None:
            errors.write(json.dumps({
                "system": name, "id": page_id, "url": label["url"],
                "precision": precision, "recall": recall,
                "headline": [out["headline"], label.get("title")] if not headline_ok else None,
                "date": [out["date"], label.get("date")] if not day_ok else None,
                "authors": [out["authors"], label.get("authors")] if author < 1 else None,
                "refused": out.get("refused"), "crashed": out.get("crashed"),
            }, ensure_ascii=False) + "\n")
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pages": len(pages), "body_precision": round(precision, 3),
            "body_recall": round(recall, 3), "body_f1": round(f1, 3),
            "headline": round(statistics.fmean(headlines), 3) if headlines else 0.0,
            "date": round(statistics.fmean(days), 3) if days else 0.0,
            "authors_f1": round(statistics.fmean(authors), 3) if authors else 0.0,
            "median_ms": round(statistics.median(times), 1) if times else 0.0}


def table(results):
    head = ("system", "body P", "body R", "body F1", "headline", "date", "authors F1",
            "median ms/page")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in results.items():
        lines.append(f"| {name} | {r['body_precision']:.3f} | {r['body_recall']:.3f} | "
                     f"{r['body_f1']:.3f} | {r['headline']:.3f} | {r['date']:.3f} | "
                     f"{r['authors_f1']:.3f} | {r['median_ms']:.1f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"comma-separated, from {', '.join(SYSTEMS)}")
    parser.add_argument("--errors", metavar="FILE",
                        help="write every page's misses as JSON lines (for looking at errors)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--half", choices=("a", "b"),
                        help="only the pages of one half of the sites (split by host hash)")
    parser.add_argument("--misses", choices=("date", "headline", "authors"),
                        help="list each page a system got wrong on this field")
    args = parser.parse_args(argv)

    data_dir = Path(args.data_dir)
    if not (data_dir / "labels.json").is_file() or not (data_dir / "html").is_dir():
        print(f"generic_eval: no labelled pages in {data_dir} (labels.json and html/); "
              "skipped")
        return 0
    pages = load(data_dir)
    if args.half:
        pages = [p for p in pages if site_half(p[1]) == args.half]
    if args.limit:
        pages = pages[:args.limit]
    names = [n.strip() for n in args.systems.split(",") if n.strip()]
    unknown = [n for n in names if n not in RUNNERS]
    if unknown:
        parser.error(f"unknown systems {unknown}; known: {', '.join(SYSTEMS)}")
    results, skipped = {}, {}
    errors = open(args.errors, "w", encoding="utf-8") if args.errors else None  # noqa: SIM115
    try:
        for name in names:
            try:
                run = RUNNERS[name]()
            except ImportError as error:
                skipped[name] = f"not installed ({error.name})"
                continue
            # One page first, not timed: imports and first-call caches are not per page.
            if pages:
                try:
                    run(pages[0][2], pages[0][1]["url"])
                except Exception:  # noqa: S110 - scored in evaluate()
                    pass
            results[name] = evaluate(name, run, pages, errors, args.misses)
    finally:
        if errors:
            errors.close()
    if args.json:
        print(json.dumps({"data_dir": str(data_dir), "pages": len(pages), "results": results,
                          "skipped": skipped}, indent=2))
    else:
        print(f"generic extraction on {len(pages)} pages of {data_dir}")
        print(table(results))
        for name, why in skipped.items():
            print(f"{name}: skipped, {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
