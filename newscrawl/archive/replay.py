"""Serve WARC files on loopback, as the snapshot server serves the snapshot.

    python -m newscrawl.snapshot serve --warc warc/japantimes_*.warc.gz --port 0
    scrapy crawl japantimes -s NEWSCRAWL_MIRROR=http://127.0.0.1:PORT

Every ``response`` record is served at its path and query (the mirror download handler sends
those, ``newscrawl.middlewares.mirror``) and at its full URL (an absolute request target, as a
proxy client sends it). A URL captured several times (a 500, then the retry's 200) is answered
in the order it was captured: the n-th request gets the n-th capture, and every later one the
last; so a crawl through the replay meets what the crawl that archived met. The answer is the
record's status line, headers and body as the site sent them (``Content-Encoding`` kept), with
a chunked framing removed and ``Content-Length`` set to the body (``reader.read_http_response``).
Anything not in the archive is a 404.

Same rules as the snapshot server: loopback only, the URL printed first, exit status 0 on
SIGTERM/SIGINT (``newscrawl.snapshot.__main__``). ``ReplayServer`` runs it in a thread for tests.
"""

import signal
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive.reader import ArchiveError, _check_file, read_http_response
from newscrawl.snapshot.server import MAX_LATENCY, NOT_FOUND_PAGE, is_loopback


def target_key(target):
    parts = urlsplit(target)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class WarcReplay:
    """Where each captured URL's responses are: ``{key: [(path, offset), ...]}`` in capture
    order, keyed by full URL and by path+query."""

    def __init__(self, paths):
        self.captures = defaultdict(list)
        self.responses = 0
        for path in paths:
            _check_file(path)
            self._load(path)
        if not self.responses:
            raise ArchiveError(f"no HTTP response record in {', '.join(map(str, paths))}")
        self.served = defaultdict(int)
        self.lock = threading.Lock()

    def _load(self, path):
        found = []
        with open(path, "rb") as f:
            iterator = ArchiveIterator(f)
            try:
                for record in iterator:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    usable = (record.rec_type == "response" and record.http_headers is not None
                              and record.http_headers.get_statuscode() and url)
                    offset = iterator.get_record_offset()
                    if usable and getattr(record.raw_stream, "limit", 0) == 0:
                        found.append((url, offset))
            except Exception as error:  # noqa: BLE001
                if not found and iterator.offset == 0:
                    raise ArchiveError(f"{path}: not a WARC file ({error})") from None
                sys.stderr.write(f"warning: {path}: read up to a cut ({error})\n")
        for url, offset in found:
            self.captures[url].append((str(path), offset))
            self.captures[target_key(url)].append((str(path), offset))
            self.responses += 1

    def next_capture(self, target):
        """The (path, offset) to answer ``target`` with, or None."""
        for key in (target, target_key(target)):
            captures = self.captures.get(key)
            if captures:
                with self.lock:
                    n = self.served[key]
                    self.served[key] = n + 1
                return captures[min(n, len(captures) - 1)]
        return None


class ReplayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # see newscrawl.snapshot.server.SnapshotHandler

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._answer(with_body=True)

    def do_HEAD(self):  # noqa: N802
        self._answer(with_body=False)

    def _answer(self, with_body):
        if self.server.latency:
            time.sleep(self.server.latency)
        capture = self.server.replay.next_capture(self.path)
        if capture is None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(NOT_FOUND_PAGE)))
            self.end_headers()
            if with_body:
                self.wfile.write(NOT_FOUND_PAGE)
            return
        status, _protocol, headers, body = read_http_response(*capture)
        self.send_response_only(status)  # the recorded Server and Date, not ours
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, replay, quiet=False, latency=0.0):
        self.replay = replay
        self.quiet = quiet
        self.latency = latency
        super().__init__(address, ReplayHandler)

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_replay_server(paths, port=0, host="127.0.0.1", quiet=False, latency=0.0):
    """The replay server (not started); ``ArchiveError`` for a missing or non-WARC file,
    ``ValueError`` for a host that is not loopback."""
    if not is_loopback(host):
        raise ValueError(f"the replay server only listens on loopback, not {host!r}")
    latency = float(latency or 0)
    if not 0 <= latency <= MAX_LATENCY:
        raise ValueError(f"latency must be between 0 and {MAX_LATENCY} seconds")
    host = "127.0.0.1" if host == "localhost" else host
    return ReplayHTTPServer((host, port), WarcReplay(paths), quiet=quiet, latency=latency)


def serve(paths, port=0, host="127.0.0.1", latency=0.0):
    httpd = make_replay_server(paths, port, host, latency=latency)
    print(httpd.url, flush=True)
    sys.stderr.write(f"replaying {httpd.replay.responses} responses from "
                     f"{len(paths)} WARC file(s)\n")

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        sys.stderr.write("replay server stopped\n")


class ReplayServer:
    """``with ReplayServer(paths) as server: ... server.url``: a thread on a free port."""

    def __init__(self, paths, port=0, host="127.0.0.1", quiet=True):
        self.paths, self.port, self.host, self.quiet = list(paths), port, host, quiet
        self.httpd = None
        self._thread = None

    @property
    def url(self):
        return self.httpd.url

    def __enter__(self):
        self.httpd = make_replay_server(self.paths, self.port, self.host, quiet=self.quiet)
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name="warc-replay")
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
        return False
