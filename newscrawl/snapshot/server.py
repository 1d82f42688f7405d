"""A loopback HTTP server for the snapshot.

It answers the site's own paths (``/news/national/``, ``/news/japan/?pgno=2``) and absolute
request targets (``GET https://www.japantimes.co.jp/news/... HTTP/1.1``, as a proxy client
sends them) from ``manifest.json``, with the status code and content type the manifest gives.
A path is looked up with its query string first, then without it, so tracking queries
(``?utm_source=...``) reach the article. Unknown paths are 404.

With ``faults`` (a SPEC string, see ``newscrawl.snapshot.faults`` and docs/faults.md) the
server injects errors, hangs, resets, truncated, slow, mislabelled and huge answers into the
listing and article pages, reproducibly from ``seed``; ``server.faults`` records what it did.

With ``variants`` (names from ``variants.json``) it serves a second state of the site: the
variant's files replace, add or remove paths of the base snapshot.

With ``scale`` (a number of articles) it serves the generated scale site instead of the
snapshot (``newscrawl.snapshot.scale``): pages made on request from ``seed``; ``scale_changed``
(percent) serves its second state, with that share of articles added or updated.

With ``latency`` (seconds) every answer waits that long before its first byte, like a real
site far away. Off by default: the replay answers as fast as loopback allows. The crawl
benchmark uses it to show what extraction costs once the site, not the CPU, sets the pace.
"""

import ipaddress
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from . import SNAPSHOT_DIR, snapshot_root
from .faults import is_faultable, make_injector

NOT_FOUND_PAGE = (
    b"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    b"<title>Page not found - The Japan Times</title></head>\n<body class=\"error404\">"
    b"<h1>404</h1><p>Sorry, the page you were looking for could not be found.</p>"
    b"<p><a href=\"/\">Return to The Japan Times top page</a></p></body></html>\n"
)


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_variants(root=None):
    """``variants.json`` of a snapshot: name -> {"description", "paths"}; {} when absent."""
    path = (Path(root) if root is not None else SNAPSHOT_DIR) / "variants.json"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Snapshot:
    """The manifest and files of one snapshot directory, with ``variants`` laid over it.

    A variant is a second state of the site (``variants.json``): each of its paths replaces
    or adds a manifest entry whose file lives in ``site-variants/<name>/``, or, with
    ``{"absent": true}``, removes the path (it answers 404). Variants apply in the order given.
    """

    def __init__(self, root=None, variants=()):
        self.root = Path(root) if root is not None else SNAPSHOT_DIR
        self.site_dir = self.root / "site"
        with open(self.root / "manifest.json", encoding="utf-8") as f:
            self.manifest = json.load(f)
        self.variants = tuple(variants or ())
        if self.variants:
            known = load_variants(self.root)
            for name in self.variants:
                if name not in known:
                    raise ValueError(f"unknown snapshot variant {name!r}; known: "
                                     f"{', '.join(sorted(known)) or 'none'}")
                for path, entry in known[name]["paths"].items():
                    if entry.get("absent"):
                        self.manifest.pop(path, None)
                    else:
                        self.manifest[path] = dict(entry, variant=name)

    def resolve(self, target):
        """The manifest key and entry for a request target, or (None, None)."""
        parts = urlsplit(target)
        path = parts.path or "/"
        candidates = [f"{path}?{parts.query}", path] if parts.query else [path]
        for key in candidates:
            entry = self.manifest.get(key)
            if entry is not None:
                return key, entry
        return None, None

    def read(self, entry):
        base = (self.root / "site-variants" / entry["variant"] if "variant" in entry
                else self.site_dir)
        file = (base / entry["file"]).resolve()
        if base.resolve() not in file.parents:
            raise PermissionError(entry["file"])
        return file.read_bytes()


class SnapshotHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY. Headers and body are two writes; with Nagle's algorithm on, the body's last
    # segment waited for the client's delayed ACK, so every answer on a kept-alive connection
    # took 40 ms more on loopback (measured: 42 ms median per page before, well under 1 ms
    # after). A real site has latency of its own; a replay server should not invent it.
    disable_nagle_algorithm = True

    server_name = "nginx"

    def version_string(self):
        return self.server_name

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._answer(with_body=True)

    def do_HEAD(self):  # noqa: N802
        self._answer(with_body=False)

    def _answer(self, with_body):
        if self.server.latency:
            time.sleep(self.server.latency)  # threaded server: answers wait side by side
        if self.server.scale_site is not None:
            self._answer_scale(with_body)
            return
        snapshot = self.server.snapshot
        # What was asked, under which host (the mirror forwards the real one): tests check
        # that a crawl asks nothing of other hosts.
        self.server.requests.append(
            (self.headers.get("X-Forwarded-Host") or self.headers.get("Host") or "", self.path))
        key, entry = snapshot.resolve(self.path)
        if entry is None:
            status, ctype, body = 404, "text/html; charset=utf-8", NOT_FOUND_PAGE
        else:
            status, ctype = entry["status"], entry["content_type"]
            body = snapshot.read(entry)
            faults = getattr(self.server, "faults", None)
            if faults is not None and with_body and is_faultable(key, entry):
                kind, attempt = faults.next_fault(key)
                if kind:
                    faults.serve(self, kind, key, attempt, entry, body)
                    return
        extra = dict((entry or {}).get("headers", {}))
        self.server_name = extra.pop("Server", "nginx")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _answer_scale(self, with_body):
        found = self.server.scale_site.answer(self.path)
        if found is None:
            status, ctype, body, extra = 404, "text/html; charset=utf-8", NOT_FOUND_PAGE, {}
        else:
            status, ctype, body, extra = found
        extra = dict(extra)
        self.server_name = extra.pop("Server", "nginx")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        if self.server.quiet:
            return
        sys.stderr.write(f"{self.address_string()} - {format % args}\n")
        sys.stderr.flush()


class SnapshotHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog. socketserver's default, 5, made the kernel drop the connections
    # beyond it when many arrived at once (several workers, each opening one per request
    # above its persistent ones): each dropped one was retried after 1 s (the SYN timeout),
    # so 16 requests at once took 1.1 s instead of 50 ms with --latency 50, 48 took 4.4 s.
    request_queue_size = 1024

    def __init__(self, address, snapshot, quiet=False, faults=None, latency=0.0,
                 scale_site=None):
        self.snapshot = snapshot
        self.scale_site = scale_site  # a newscrawl.snapshot.scale.ScaleSite, or None
        self.quiet = quiet
        self.latency = latency
        self.faults = faults  # a newscrawl.snapshot.faults.FaultInjector, or None
        self.requests = []  # (host, path and query) of every request, in order
        super().__init__(address, SnapshotHandler)

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


# The longest latency an answer may be given (s): longer is a hang, which faults inject.
MAX_LATENCY = 60


def make_server(root=None, port=0, host="127.0.0.1", quiet=False, faults=None, seed=0,
                latency=0.0, variants=(), site=None, scale=None, scale_changed=0.0):
    """The server (not started). ``faults``: a fault SPEC string, FaultSpec or FaultInjector;
    a bad SPEC raises ``FaultSpecError`` (a ValueError) before anything listens. ``latency``:
    seconds every answer waits (0 to ``MAX_LATENCY``). ``variants``: names from
    ``variants.json`` to serve over the base snapshot (an unknown name is a ValueError).
    ``site``: a snapshot by name (``SNAPSHOT_SITES``: ``japantimes``, the default, or one of the
    generic sites), instead of ``root``. ``scale``: serve the generated site of that many
    articles from ``seed`` instead (``scale_changed``: percent added or updated; faults and
    variants do not apply)."""
    if site is not None:
        if root is not None:
            raise ValueError("give a snapshot root or a site name, not both")
        root = snapshot_root(site)
    if not is_loopback(host):
        raise ValueError(f"the snapshot server only listens on loopback, not {host!r}")
    latency = float(latency or 0)
    if not 0 <= latency <= MAX_LATENCY:
        raise ValueError(f"latency must be between 0 and {MAX_LATENCY} seconds, "
                         f"got {latency!r}")
    if host == "localhost":
        host = "127.0.0.1"
    if scale:
        from .scale import ScaleSite

        if faults or variants:
            raise ValueError("the scale site takes neither faults nor variants")
        scale_site = ScaleSite(scale, seed=seed, changed=scale_changed)
        return SnapshotHTTPServer((host, port), None, quiet=quiet, latency=latency,
                                  scale_site=scale_site)
    injector = make_injector(faults, seed)
    snapshot = Snapshot(root, variants=variants)
    return SnapshotHTTPServer((host, port), snapshot, quiet=quiet, faults=injector,
                              latency=latency)


class SnapshotServer:
    """The snapshot served from a background thread, for tests.

    ``with SnapshotServer() as server: fetch(server.url + "/news/national/")``.
    The server listens on 127.0.0.1 on a free port and is always shut down on exit.
    ``SnapshotServer(faults="rate=0.2", seed=1)`` injects faults (docs/faults.md); what it
    injected stays readable after exit: ``server.faults.counts``, ``server.faults.injected``.
    ``SnapshotServer(variants=("updated",))`` serves a second state of the site over the base
    one (``variants.json``; docs/snapshot.md).
    ``SnapshotServer(site="harbor-gazette")`` serves a generic site of the snapshot
    (``newscrawl.snapshot.SNAPSHOT_SITES``). ``server.requests``: (host, path) of every request
    it answered, the host as the mirror forwards it (``X-Forwarded-Host``).
    ``SnapshotServer(scale=100000, seed=1)`` serves the generated scale site
    (``server.scale_site.expected_record(i)``), ``scale_changed=1`` its second state.
    """

    def __init__(self, root=None, port=0, host="127.0.0.1", quiet=True, faults=None, seed=0,
                 latency=0.0, variants=(), site=None, scale=None, scale_changed=0.0):
        if site is not None:
            if root is not None:
                raise ValueError("give a snapshot root or a site name, not both")
            root = snapshot_root(site)
        self.root, self.port, self.host, self.quiet = root, port, host, quiet
        self.requests = []
        self.scale, self.scale_changed, self.seed = scale, scale_changed, seed
        self.latency = latency
        self.variants = tuple(variants or ())
        self.faults = make_injector(faults, seed)
        self.httpd = None
        self._thread = None

    @property
    def url(self):
        return self.httpd.url

    @property
    def scale_site(self):
        return self.httpd.scale_site

    @property
    def manifest(self):
        return self.httpd.snapshot.manifest

    def start(self):
        if self.faults is not None:
            self.faults.stopping.clear()
        self.httpd = make_server(self.root, self.port, self.host, quiet=self.quiet,
                                 faults=self.faults, latency=self.latency,
                                 variants=self.variants, seed=self.seed, scale=self.scale,
                                 scale_changed=self.scale_changed)
        self.httpd.requests = self.requests
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="snapshot-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self.faults is not None:
            self.faults.stop()  # hung and trickling answers end now, not after their sleep
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self._thread.join(timeout=5)
            self.httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


__all__ = ["Snapshot", "SnapshotServer", "is_loopback", "load_variants", "make_server"]
