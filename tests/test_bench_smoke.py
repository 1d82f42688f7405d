"""The benchmark scripts run and print their figures (not that the targets pass)."""

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_extraction_bench_quick_prints_the_figures_and_ratios():
    start = time.monotonic()
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "extraction.py"), "--quick"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 60
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for letter, figure in (("a", "bare lxml parse"), ("b", "extraction"),
                           ("c", "trafilatura.extract")):
        assert re.search(rf"\({letter}\) {re.escape(figure)} +\d+\.\d+ ms", out), out
    assert re.search(r"extraction / bare parse +\d+\.\d+x .*(PASS|FAIL)", out), out
    assert re.search(r"trafilatura / extraction +\d+\.\d+x .*(PASS|FAIL)", out), out
    assert re.search(r"japantimes \(extracts\) +\d+\.\d+ articles/s", out), out
    assert re.search(r"link-only \(no extraction\) +\d+\.\d+ articles/s", out), out
    assert re.search(r"crawl / link-only +\d+\.\d+ % +\(information, no target\)", out), out
    # why: per-page costs, what the target leaves, and the crawl with a site's latency
    assert re.search(r"link-only spends \d+\.\d+ ms per response; extraction and the "
                     r"pipelines add -?\d+\.\d+ ms per article page", out), out
    assert re.search(r"80% \(the withdrawn target\) would leave them -?\d+\.\d+ ms per "
                     r"article; the bare parse "
                     r"alone takes \d+\.\d+ ms", out), out
    assert re.search(r"with 50 ms per answer.*\n(.*\n){2}.*crawl / link-only +\d+\.\d+ % +"
                     r"\(information, no target\)", out), out


def test_discovery_bench_prints_per_source_hourly_and_backfill_figures():
    import json

    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "discovery.py"), "--rounds", "1",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout)
    found = {row["run"]: row["exported"] for row in figures["per_source"]}
    assert found == {"only-listings": 30, "only-feeds": 16, "only-sitemaps": 25,
                     "all-three": 32}
    first, unchanged, updated = figures["hourly"]
    assert (first["new"], unchanged["exported"], updated["updated"]) == (32, 0, 1)
    # nothing but discovery documents and the pages that fail every run
    assert unchanged["article_pages"] == unchanged["no_article"]
    assert updated["article_pages"] - updated["no_article"] == 1
    assert figures["backfill"]["exported"] == 7 and figures["backfill"]["seconds"] > 0


def test_warc_bench_one_round_prints_its_table():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "warc.py"), "--rounds", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert re.search(r"\| archive size per 1,000 articles +\| +\d+\.\d MiB \|", out), out
    assert re.search(r"\| extra CPU per article page for writing WARC +\| +-?\d+\.\d+ ms \|",
                     out), out
    assert re.search(r"\| re-extraction from the WARC \(--fresh\) +\| +\d+\.\d art/s \|", out)
    assert "32 articles exported from 34 article pages" in out


def test_scale_bench_quick_prints_the_table_targets_and_json(tmp_path):
    import json

    out_json = tmp_path / "scale.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), "--quick",
                           "--json", str(out_json)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for spider in ("japantimes", "linkonly", "parseexport", "trafilatura"):
        assert re.search(rf"^  {spider} +300 +\d+\.\d+ +1\.00 +\d+\.\d+", out, re.M), out
    assert re.search(r"Incremental second crawl of N=300 .* \d+\.\d+ article requests per new "
                     r"or updated article", out), out
    assert re.search(r"own CPU per article / bare parse \(N=300\) +\d+\.\d+x .*(PASS|FAIL)",
                     out), out
    assert re.search(r"floor: parse \+ export / bare parse \(N=300\) +\d+\.\d+x .* ms "
                     r"\(\d+\.\d+ parse in the crawl, -?\d+\.\d+ Scrapy's item path and feed "
                     r"export\): -?\d+\.\d+ ms of the "
                     r"2x budget left for extraction and pipelines; the project's", out), out
    assert re.search(r"incremental: requests per changed \(N=300\) +\d+\.\d+ .*(PASS|FAIL)",
                     out), out
    figures = json.loads(out_json.read_text("utf-8"))
    assert {r["spider"] for r in figures["crawls"]} == {"japantimes", "linkonly", "parseexport",
                                                        "trafilatura"}
    floor = next(r for r in figures["crawls"] if r["spider"] == "parseexport")
    assert floor["article_pages"] == 300 and floor["items"] == 300 and floor["feed_bytes"] > 0
    assert 0 < floor["parse_cpu_ms"] < floor["crawl_cpu_ms"]
    ours = next(r for r in figures["crawls"] if r["spider"] == "japantimes")
    assert ours["article_pages"] == 300 and ours["items"] == 300 - 0  # no bot wall below 777
    assert figures["incremental"]["new"] + figures["incremental"]["updated"] >= 2


def test_distributed_bench_on_the_scale_site_prints_its_row(redis_crawl, postgres_schema):
    """One 1-worker round on a small scale site: checked exactly once, the state time
    printed (the fixtures only make sure the test services are there)."""
    import os

    env = {**os.environ, "NEWSCRAWL_TEST_REDIS_URL": redis_crawl[0],
           "NEWSCRAWL_TEST_POSTGRES_URL": postgres_schema[0]}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "distributed.py"),
                           "--scale", "60", "--only", "throughput", "--rows", "loopback",
                           "--workers", "1", "--rounds", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "scale site, 60 articles" in proc.stdout
    # span, articles/s, speed-up, loop ms, statements, worker CPU, server CPU, wall
    assert re.search(r"\| loopback speed \| 1 \| \d+\.\d+ \| \d+\.\d+ \| 1\.00x \| \d+\.\d+ \| "
                     r"\d+\.\d+ \| \d+\.\d+ \| \d+\.\d+ \| \d+\.\d+ \|", proc.stdout), proc.stdout
