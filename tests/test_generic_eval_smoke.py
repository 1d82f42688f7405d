"""`bench/generic_eval.py` runs on a tiny labelled set of our own pages (the data set's format)
and prints every figure for every tool, and skips with one line when there is no data."""

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "pages" / "generic"
LABELS = {
    "wp0001": {"url": "https://www.riverside-gazette.com/2024/03/05/council-approves-mill-river-"
                      "bridge/", "site": "https://www.riverside-gazette.com",
               "file": "wordpress_article.html",
               "title": "Council approves new bridge over the Mill River",
               "authors": "Maria Lopez, Tom Becker", "date": "2024-03-05"},
    "nl0002": {"url": "https://news.northernledger.co.uk/climate/2025/07/15/heatwave-grid-"
                      "record-demand", "site": "https://news.northernledger.co.uk",
               "file": "modern_jsonld_article.html",
               "title": "Heatwave pushes grid to the limit as demand hits record",
               "authors": "Priya Natarajan and Owen Hughes", "date": "2025-07-15"},
}
BODIES = {
    "wp0001": "The city council voted 7-2 on Monday to fund a new pedestrian bridge over the "
              "Mill River, ending a decade of debate over how residents of the east bank "
              "should reach the downtown library and the train station.",
    "nl0002": "Electricity demand reached an all-time high on Tuesday afternoon as "
              "temperatures passed 35C across the region.",
}


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "bench" / "generic_eval.py"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)


def make_data(root):
    (root / "html").mkdir(parents=True)
    labels = {}
    for page_id, label in LABELS.items():
        html = (PAGES / label["file"]).read_bytes()
        (root / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html))
        labels[page_id] = {k: v for k, v in label.items() if k != "file"}
        labels[page_id]["articleBody"] = BODIES[page_id]
    (root / "labels.json").write_text(json.dumps(labels), "utf-8")


def test_the_table_has_every_metric_for_every_tool(tmp_path):
    make_data(tmp_path)
    proc = run(str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "generic extraction on 2 pages" in out
    assert "| system | body P | body R | body F1 | headline | date | authors F1 | median " \
           "ms/page |" in out
    for tool in ("newscrawl", "trafilatura", "newspaper4k"):
        assert re.search(rf"^\| {tool}( \| \d\.\d{{3}}){{6}} \| \d+\.\d \|$", out, re.M), out
    # ours gets the headline, the date and the authors of both pages
    assert re.search(r"^\| newscrawl \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 1\.000 \| 1\.000 \| "
                     r"1\.000 \|", out, re.M), out


def test_json_output_and_errors_file(tmp_path):
    make_data(tmp_path / "data")
    errors = tmp_path / "errors.jsonl"
    proc = run(str(tmp_path / "data"), "--json", "--systems", "newscrawl",
               "--errors", str(errors))
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout)
    result = data["results"]["newscrawl"]
    assert data["pages"] == 2 and result["pages"] == 2
    assert set(result) == {"pages", "body_precision", "body_recall", "body_f1", "headline",
                           "date", "authors_f1", "median_ms"}
    assert result["body_recall"] == 1.0
    assert len(errors.read_text("utf-8").splitlines()) == 2


def test_it_skips_cleanly_without_data(tmp_path):
    proc = run(str(tmp_path / "missing"))
    assert proc.returncode == 0
    assert proc.stdout.strip().splitlines() == [
        f"generic_eval: no labelled pages in {tmp_path / 'missing'} (labels.json and html/); "
        "skipped"]


def test_halves_split_by_site_and_misses_are_listed(tmp_path):
    make_data(tmp_path)
    labels = json.loads((tmp_path / "labels.json").read_text("utf-8"))
    labels["wp0001"]["date"] = "2024-03-06"  # a miss to list
    (tmp_path / "labels.json").write_text(json.dumps(labels), "utf-8")
    counts, listed = [], 0
    for half in ("a", "b"):
        proc = run(str(tmp_path), "--systems", "newscrawl", "--half", half, "--misses", "date")
        assert proc.returncode == 0, proc.stderr[-3000:]
        counts.append(int(re.search(r"generic extraction on (\d+) pages", proc.stdout)[1]))
        if "wp0001" in proc.stdout:
            listed += 1
            assert re.search(r"^newscrawl wp0001 [ab] got '2024-03-05\S*' want '2024-03-06' "
                             r"https://www\.riverside-gazette\.com/", proc.stdout, re.M)
    assert sum(counts) == 2 and listed == 1  # every page in exactly one half
