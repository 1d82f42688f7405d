"""The snapshot server's fault injection, observed over real HTTP on loopback.

Every kind is seen from the client's side (status, headers, bytes, timing, how the connection
ends); decisions are reproducible from the seed; a retried page gets through after
``max_per_path`` faults; robots.txt, the feed, 404s and HEAD are never faulted.
"""

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from newscrawl.snapshot import SNAPSHOT_DIR, load_expected, load_manifest
from newscrawl.snapshot.faults import KINDS, FaultSpec, FaultSpecError
from newscrawl.snapshot.server import SnapshotServer

MANIFEST = load_manifest()
EXPECTED = load_expected()
ARTICLE = "/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/"
LISTING = "/news/japan/"
HTML_PAGES = sorted(k for k, v in MANIFEST.items() if v["content_type"].startswith("text/html"))


def page(path):
    return (SNAPSHOT_DIR / "site" / MANIFEST[path]["file"]).read_bytes()


def get(server, path, method="GET", timeout=10):
    """(status, headers, body) over a fresh connection; exceptions propagate."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def only(kind, **extra):
    """A spec where the first request of every page faults with ``kind``."""
    params = {kind: 1, "max_per_path": 1, **extra}
    return ",".join(f"{k}={v}" for k, v in params.items())


# ---------------------------------------------------------------------------------------------
# the spec


def test_spec_forms():
    spec = FaultSpec.parse("rate=0.2")
    assert set(spec.rates) == set(KINDS)
    assert sum(spec.rates.values()) == pytest.approx(0.2)
    assert spec.max_per_path == 2
    spec = FaultSpec.parse("rate=0.3,kinds=500+429+hang,max_per_path=none,hang_seconds=5")
    assert spec.rates == pytest.approx({"500": 0.1, "429": 0.1, "hang": 0.1})
    assert spec.max_per_path is None and spec.hang_seconds == 5
    spec = FaultSpec.parse("500=0.05, 429=0.03 ,reset=0.02,retry_after=2")
    assert spec.rates == {"500": 0.05, "429": 0.03, "reset": 0.02} and spec.retry_after == 2
    # a kind named alone gets its own rate instead of its even share
    spec = FaultSpec.parse("rate=0.2,kinds=500+503,503=0.5")
    assert spec.rates == pytest.approx({"500": 0.1, "503": 0.5})


@pytest.mark.parametrize("text, message", [
    ("", "empty fault spec"),
    ("rat=0.2", "unknown key 'rat'"),
    ("rate=abc", "not a number"),
    ("rate=1.5", "between 0 and 1"),
    ("rate=0.2,kinds=500+timeout", "unknown kind(s) timeout"),
    ("kinds=500", "kinds= needs rate="),
    ("500=0.6,503=0.6", "add up to 1.2"),
    ("rate=0.1,rate=0.2", "given twice"),
    ("max_per_path=-1", "must be >= 0"),
    ("max_per_path=two", "a whole number"),
    ("hang", "expected key=value"),
])
def test_spec_errors_are_clear(text, message):
    with pytest.raises(FaultSpecError) as err:
        FaultSpec.parse(text)
    assert message in str(err.value)


def test_cli_rejects_a_bad_spec_before_listening():
    result = subprocess.run(
        [sys.executable, "-m", "newscrawl.snapshot", "serve", "--port", "0",
         "--faults", "rate=0.2,kinds=500+explode"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--faults: kinds=500+explode: unknown kind(s) explode" in result.stderr


# ---------------------------------------------------------------------------------------------
# each kind, seen by a client


@pytest.mark.parametrize("kind, status", [("500", 500), ("503", 503), ("429", 429)])
def test_status_faults_then_the_page(kind, status):
    with SnapshotServer(faults=only(kind)) as server:
        got, headers, body = get(server, ARTICLE)
        assert got == status
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert f"<h1>{status} ".encode() in body
        if status in (429, 503):
            assert headers["Retry-After"] == "1"
        else:
            assert headers["Retry-After"] is None
        assert get(server, ARTICLE)[0:3:2] == (200, page(ARTICLE))
    assert server.faults.counts == {kind: 1}
    assert server.faults.injected == [(ARTICLE, kind)]


def test_hang_outlasts_a_client_timeout_and_ends_when_the_server_stops():
    server = SnapshotServer(faults=only("hang", hang_seconds=60)).start()
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            get(server, LISTING, timeout=1.0)
        assert 0.9 <= time.monotonic() - started < 5
        # a second client holds a hung request while the server stops: it is released at once
        parts = urlsplit(server.url)
        sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        sock.sendall(f"GET {ARTICLE} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(0.3)
    finally:
        started = time.monotonic()
        server.stop()
        stopped_in = time.monotonic() - started
    try:
        assert sock.recv(1024) == b""  # closed without an answer, not after 60 s
    finally:
        sock.close()
    assert stopped_in < 3
    assert server.faults.counts == {"hang": 2}


def test_reset_sends_part_of_the_page_then_an_rst():
    with SnapshotServer(faults=only("reset")) as server:
        parts = urlsplit(server.url)
        sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        received = b""
        try:
            sock.sendall(f"GET {ARTICLE} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            with pytest.raises(ConnectionResetError):
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break  # a clean end would fail the pytest.raises above
                    received += chunk
        finally:
            sock.close()
        head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        if head:  # what arrived before the RST (Linux may drop unread bytes on RST)
            assert head.startswith("HTTP/1.1 200")
            assert f"Content-Length: {len(page(ARTICLE))}" in head
        assert len(received) < len(page(ARTICLE))
        # http.client sees it as an error too, and the next request gets the page
        assert get(server, ARTICLE)[2] == page(ARTICLE)


def test_truncate_is_a_200_without_length_cut_before_the_end():
    with SnapshotServer(faults=only("truncate")) as server:
        status, headers, body = get(server, ARTICLE)
        assert status == 200
        assert headers["Content-Length"] is None
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        full = page(ARTICLE)
        assert full.startswith(body) and 0.3 * len(full) <= len(body) < 0.9 * len(full)
        assert b"</html>" not in body.lower()
        assert get(server, ARTICLE)[2] == full


def test_slow_trickles_the_whole_page():
    with SnapshotServer(faults=only("slow", slow_seconds=1.5)) as server:
        started = time.monotonic()
        status, headers, body = get(server, LISTING)
        elapsed = time.monotonic() - started
        assert status == 200 and body == page(LISTING)
        assert 1.2 <= elapsed < 5
        started = time.monotonic()
        assert get(server, LISTING)[2] == page(LISTING)
        assert time.monotonic() - started < 1


def test_charset_is_missing_or_wrong():
    seen = set()
    with SnapshotServer(faults=only("charset")) as server:
        for path in HTML_PAGES:
            status, headers, body = get(server, path)
            assert body == page(path)
            ctype = headers["Content-Type"]
            assert "utf-8" not in ctype.lower()
            seen.add(ctype)
    assert seen == {"text/html", "text/html; charset=iso-8859-1"}


def test_huge_pages_are_streamed_or_declared():
    full = page(ARTICLE)
    declared = set()
    with SnapshotServer(faults=only("huge")) as server:
        for path in (ARTICLE, "/news/national/", LISTING, "/business/"):
            status, headers, body = get(server, path, timeout=30)
            assert status == 200
            assert len(body) >= 60 * 1024 * 1024
            assert body.endswith(page(path)[-2000:])
            declared.add(headers["Content-Length"] is not None)
        assert get(server, ARTICLE)[2] == full
    assert declared == {True, False}


# ---------------------------------------------------------------------------------------------
# determinism, retries, what is never faulted


def run_pattern(spec, seed, paths, rounds=3):
    """(path, attempt, kind or None) for every request, as the client saw it."""
    outcomes = set()
    with SnapshotServer(faults=spec, seed=seed) as server:
        for attempt in range(rounds):
            for path in paths:
                status, headers, _ = get(server, path)
                outcomes.add((path, attempt, headers["X-Snapshot-Fault"]))
                clean = headers["X-Snapshot-Fault"] in (None, "charset")
                assert (status == MANIFEST[path]["status"]) == clean, path
    return outcomes, server.faults.report()


def test_same_seed_same_faults_whatever_the_order():
    spec = "rate=0.5,kinds=500+503+429+charset"
    first, report = run_pattern(spec, 7, HTML_PAGES)
    second, again = run_pattern(spec, 7, list(reversed(HTML_PAGES)))
    assert first == second
    assert report["by_kind"] == again["by_kind"] and report["total"] > 10
    other, _ = run_pattern(spec, 8, HTML_PAGES)
    assert other != first
    # max_per_path=2 (the default): the third request of every page is never faulted
    assert all(kind is None for _, attempt, kind in first if attempt == 2)


def test_retrying_a_faulted_page_gets_it():
    spec = "rate=1,kinds=500+503+429+truncate+reset,max_per_path=2"
    with SnapshotServer(faults=spec, seed=3) as server:
        for path in HTML_PAGES:
            for _attempt in range(2):
                try:
                    status, _, body = get(server, path)
                except (ConnectionResetError, http.client.HTTPException):
                    continue
                assert status != MANIFEST[path]["status"] or body != page(path)
            status, _, body = get(server, path)
            assert (status, body) == (MANIFEST[path]["status"], page(path)), path
            assert server.faults.attempts(path) == 3
    assert server.faults.report()["total"] == 2 * len(HTML_PAGES)


def test_robots_feed_unknown_paths_and_head_are_never_faulted():
    with SnapshotServer(faults="rate=1,max_per_path=none", seed=1) as server:
        for _ in range(5):
            status, headers, body = get(server, "/robots.txt")
            assert (status, body) == (200, page("/robots.txt"))
            assert headers["X-Snapshot-Fault"] is None
            assert get(server, "/feed/")[2] == page("/feed/")
            assert get(server, "/no/such/page/")[0] == 404
            assert get(server, ARTICLE, method="HEAD")[0] == 200
        assert server.faults.report()["requests"] == 0
        assert get(server, LISTING, timeout=30)[1]["X-Snapshot-Fault"] is not None


def test_expected_articles_and_listings_are_all_faultable():
    from newscrawl.snapshot.faults import is_faultable

    paths = {urlsplit(a["url"]).path for a in EXPECTED["articles"]}
    paths |= {p for pages in EXPECTED["listings"].values() for p in pages}
    assert all(is_faultable(p, MANIFEST[p]) for p in paths)
    assert not is_faultable("/robots.txt", MANIFEST["/robots.txt"])


def test_server_records_are_thread_safe_under_concurrency():
    with SnapshotServer(faults="rate=0.5,kinds=500+503", seed=5) as server:
        def worker():
            for path in HTML_PAGES:
                get(server, path)
        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        report = server.faults.report()
    assert report["requests"] == 6 * len(HTML_PAGES)
    # with a cap of 2, at most 2 faults per page whatever the interleaving
    assert report["total"] <= 2 * len(HTML_PAGES)
    assert sum(report["by_kind"].values()) == report["total"]


# ---------------------------------------------------------------------------------------------
# the CLI


def test_cli_injects_and_reports_on_shutdown(tmp_path):
    report_file = tmp_path / "faults.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.snapshot", "serve", "--port", "0",
         "--faults", "rate=1,kinds=500+429", "--seed", "3", "--faults-report", str(report_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)

        class Server:
            pass
        server = Server()
        server.url = url
        statuses = [get(server, ARTICLE)[0] for _ in range(3)]
        assert statuses[:2] != [200, 200] and statuses[2] == 200
        assert get(server, "/robots.txt")[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            stderr = proc.stderr.read()
            proc.stdout.close()
            proc.stderr.close()
    assert proc.returncode == 0
    assert "faults: 500=0.5, 429=0.5" in stderr
    assert "faults injected: 2 of 3 page requests (seed 3):" in stderr
    report = json.loads(report_file.read_text())
    assert report["total"] == 2 and sum(report["by_kind"].values()) == 2
    assert [p for p, _ in report["injected"]] == [ARTICLE, ARTICLE]
    summary = next(line for line in stderr.splitlines() if line.startswith("faults injected ("))
    assert json.loads(summary.split(": ", 1)[1])["by_kind"] == report["by_kind"]
