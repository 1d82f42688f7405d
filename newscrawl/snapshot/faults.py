"""Faults the snapshot server can inject, reproducibly: the bad days of a real news site.

``python -m newscrawl.snapshot serve --faults SPEC --seed S`` or
``SnapshotServer(faults=SPEC, seed=S)``. SPEC is comma-separated ``key=value`` (docs/faults.md):

- ``rate=0.2,kinds=500+503+hang`` -- each request of a faultable path faults with probability
  0.2, the kind picked evenly among ``kinds`` (default: every kind);
- ``500=0.05,429=0.03,reset=0.02`` -- a probability per kind (may be combined with ``rate``: a
  kind named alone gets its own rate instead of its even share);
- ``max_per_path=2`` (default 2; ``none`` for no limit) -- only the first N requests of a path
  may fault, so a crawler that retries N times always gets the page in the end;
- ``hang_seconds=30``, ``slow_seconds=3``, ``huge_mb=60``, ``retry_after=1``.

The decision for a request is a pure function of (seed, manifest key of the path, how many
requests of that path came before): the same seed gives the same faults whatever the timing
and order of requests. Only HTML pages of the manifest are faulted (listing and article pages);
``/robots.txt``, ``/feed/``, unknown paths (404) and HEAD requests never are.

Kinds (pages keep their own status and manifest headers unless the kind is a status):

- ``500``: HTTP 500 with a small error page;
- ``503``, ``429``: HTTP 503 / 429 with ``Retry-After: <retry_after>`` (default 1 second);
- ``hang``: nothing is sent for ``hang_seconds`` (longer than a crawler's download timeout);
  released at once when the server stops;
- ``reset``: status, headers (the full ``Content-Length``) and part of the body, then a TCP RST
  (``SO_LINGER`` 0);
- ``truncate``: no ``Content-Length``, the body cut before ``</html>``, then a normal close:
  complete as far as HTTP can tell; only the missing ``</html>`` gives it away;
- ``slow``: the whole page, trickled in 10 pieces over ``slow_seconds``;
- ``charset``: the page's UTF-8 bytes labelled ``text/html`` (no charset) or
  ``text/html; charset=iso-8859-1`` (wrong);
- ``huge``: the page padded to ``huge_mb`` MB (an HTML comment after ``<head>``), streamed
  without ``Content-Length`` or with it declared up front.
"""

import hashlib
import os
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field

KINDS = ("500", "503", "429", "hang", "reset", "truncate", "slow", "charset", "huge")
STATUS_KINDS = {"500": 500, "503": 503, "429": 429}
NUMBER_KEYS = {"hang_seconds": 30.0, "slow_seconds": 3.0, "huge_mb": 60.0, "retry_after": 1}
KEYS = ("rate", "kinds", "max_per_path", *NUMBER_KEYS)
FAULT_HEADER = "X-Snapshot-Fault"  # for people reading logs; crawlers must not rely on it
SLOW_PIECES = 10
PAD_CHUNK = 64 * 1024

ERROR_PAGES = {
    500: b"<!doctype html>\n<html><head><title>500 Internal Server Error</title></head>"
         b"<body><h1>500 Internal Server Error</h1><hr><center>nginx</center></body></html>\n",
    503: b"<!doctype html>\n<html><head><title>503 Service Temporarily Unavailable</title>"
         b"</head><body><h1>503 Service Temporarily Unavailable</h1><hr><center>nginx</center>"
         b"</body></html>\n",
    429: b"<!doctype html>\n<html><head><title>429 Too Many Requests</title></head>"
         b"<body><h1>429 Too Many Requests</h1><hr><center>nginx</center></body></html>\n",
}


class FaultSpecError(ValueError):
    """A --faults SPEC that cannot be understood; the message says what and how to fix it."""


def _number(key, value, low=0.0, high=None):
    try:
        number = float(value)
    except ValueError:
        raise FaultSpecError(f"{key}={value!r}: not a number") from None
    if number != number or number < low or (high is not None and number > high):
        span = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        raise FaultSpecError(f"{key}={value}: must be {span}")
    return number


@dataclass(frozen=True)
class FaultSpec:
    """What to inject: a probability per kind, the per-path cap, the kinds' parameters."""

    rates: dict = field(default_factory=dict)
    max_per_path: int | None = 2
    hang_seconds: float = 30.0
    slow_seconds: float = 3.0
    huge_mb: float = 60.0
    retry_after: int = 1

    @classmethod
    def parse(cls, text):
        if isinstance(text, FaultSpec):
            return text
        text = (text or "").strip()
        if not text:
            raise FaultSpecError("empty fault spec; e.g. rate=0.2 or 500=0.05,429=0.03 "
                                 "(see docs/faults.md)")
        seen = {}
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, value = part.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not value:
                raise FaultSpecError(f"{part!r}: expected key=value")
            if key not in KEYS and key not in KINDS:
                raise FaultSpecError(
                    f"unknown key {key!r} in {part!r}; keys: {', '.join(KEYS)}, or a kind's "
                    f"own rate: {', '.join(KINDS)}")
            if key in seen:
                raise FaultSpecError(f"{key!r} given twice")
            seen[key] = value
        if "kinds" in seen and "rate" not in seen:
            raise FaultSpecError("kinds= needs rate= (the rate shared by those kinds)")
        rates = {}
        if "rate" in seen:
            rate = _number("rate", seen["rate"], 0.0, 1.0)
            kinds = KINDS
            if "kinds" in seen:
                kinds = [k.strip() for k in seen["kinds"].replace(" ", "+").split("+")
                         if k.strip()]
                unknown = [k for k in kinds if k not in KINDS]
                if unknown or not kinds:
                    raise FaultSpecError(
                        f"kinds={seen['kinds']}: unknown kind(s) {', '.join(unknown) or '(none)'};"
                        f" kinds are {'+'.join(KINDS)}")
                kinds = list(dict.fromkeys(kinds))
            rates = {k: rate / len(kinds) for k in kinds}
        for kind in KINDS:
            if kind in seen:
                rates[kind] = _number(kind, seen[kind], 0.0, 1.0)
        total = sum(rates.values())
        if total > 1.0 + 1e-9:
            raise FaultSpecError(f"the rates add up to {total:g}, more than 1")
        max_per_path = 2
        if "max_per_path" in seen:
            raw = seen["max_per_path"].lower()
            if raw in ("none", "all", "inf", "unlimited"):
                max_per_path = None
            else:
                try:
                    max_per_path = int(raw)
                except ValueError:
                    raise FaultSpecError(
                        f"max_per_path={seen['max_per_path']}: a whole number >= 0, or none"
                    ) from None
                if max_per_path < 0:
                    raise FaultSpecError(f"max_per_path={max_per_path}: must be >= 0")
        numbers = {k: _number(k, seen[k]) for k in NUMBER_KEYS if k in seen}
        if "retry_after" in numbers:
            numbers["retry_after"] = int(numbers["retry_after"])
        return cls(rates={k: v for k, v in rates.items() if v > 0},
                   max_per_path=max_per_path, **numbers)

    def describe(self):
        rates = ", ".join(f"{k}={v:.4g}" for k, v in self.rates.items()) or "none"
        cap = "no limit" if self.max_per_path is None else f"first {self.max_per_path}"
        return (f"faults: {rates}; requests of a path that may fault: {cap}; "
                f"hang {self.hang_seconds:g}s, slow {self.slow_seconds:g}s, "
                f"huge {self.huge_mb:g} MB, Retry-After {self.retry_after}")

    def decide(self, seed, key, attempt):
        """The kind of fault for the ``attempt``-th (0-based) request of ``key``, or None."""
        if self.max_per_path is not None and attempt >= self.max_per_path:
            return None
        draw = uniform(seed, key, attempt)
        bound = 0.0
        for kind in KINDS:
            bound += self.rates.get(kind, 0.0)
            if draw < bound:
                return kind
        return None


def uniform(seed, key, attempt, salt=""):
    """A number in [0, 1) that depends only on its arguments."""
    digest = hashlib.blake2b(f"{seed}\x00{key}\x00{attempt}\x00{salt}".encode(),
                             digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def is_faultable(key, entry):
    """Listing and article pages (the manifest's HTML pages); never robots.txt or the feed."""
    if entry is None or key in ("/robots.txt", "/feed/"):
        return False
    return str(entry.get("content_type", "")).startswith("text/html")


class FaultInjector:
    """The faults of one server: decisions, and the record of what was injected."""

    def __init__(self, spec, seed=0):
        self.spec = FaultSpec.parse(spec)
        self.seed = seed
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._attempts = Counter()
        self.injected = []  # (manifest key, kind), in the order they were decided
        self.requests = 0  # faultable requests seen

    def next_fault(self, key):
        """(kind or None, attempt number) for a new request of ``key``; records it."""
        with self._lock:
            attempt = self._attempts[key]
            self._attempts[key] += 1
            self.requests += 1
            kind = self.spec.decide(self.seed, key, attempt)
            if kind:
                self.injected.append((key, kind))
        return kind, attempt

    @property
    def counts(self):
        """{kind: faults injected} for every kind injected at least once, in KINDS order."""
        with self._lock:
            found = Counter(kind for _, kind in self.injected)
        return {kind: found[kind] for kind in KINDS if found[kind]}

    def attempts(self, key):
        with self._lock:
            return self._attempts[key]

    def report(self):
        with self._lock:
            injected = list(self.injected)
            requests = self.requests
        return {"seed": self.seed, "requests": requests, "total": len(injected),
                "by_kind": dict(self.counts), "injected": [list(p) for p in injected]}

    def summary(self):
        counts = self.counts
        kinds = " ".join(f"{k}={v}" for k, v in counts.items()) or "none"
        return (f"faults injected: {sum(counts.values())} of {self.requests} page requests "
                f"(seed {self.seed}): {kinds}")

    def stop(self):
        """Release hung and trickling responses at once (the server is stopping)."""
        self.stopping.set()

    # --- serving a fault: ``handler`` is the SnapshotHandler answering the request ----------
    def serve(self, handler, kind, key, attempt, entry, body):
        try:
            getattr(self, "_serve_" + {"500": "status", "503": "status",
                                       "429": "status"}.get(kind, kind))(
                handler, kind, key, attempt, entry, body)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            handler.close_connection = True  # the client gave up: nothing more to send
        except OSError:
            handler.close_connection = True

    def _headers(self, handler, status, ctype, length, kind, extra=(), entry=None):
        """Status and headers; with ``entry``, the page's own status and manifest headers."""
        page_headers = dict((entry or {}).get("headers", {}))
        handler.server_name = page_headers.pop("Server", "nginx")
        handler.send_response(entry["status"] if entry else status)
        handler.send_header("Content-Type", ctype)
        if length is not None:
            handler.send_header("Content-Length", str(length))
        for name, value in [*page_headers.items(), *extra]:
            handler.send_header(name, value)
        handler.send_header(FAULT_HEADER, kind)
        handler.end_headers()

    def _serve_status(self, handler, kind, key, attempt, entry, body):
        status = STATUS_KINDS[kind]
        page = ERROR_PAGES[status]
        extra = [("Retry-After", str(self.spec.retry_after))] if status in (429, 503) else []
        self._headers(handler, status, "text/html; charset=utf-8", len(page), kind, extra)
        handler.wfile.write(page)

    def _serve_hang(self, handler, kind, key, attempt, entry, body):
        # Hold the request: nothing at all is sent until hang_seconds pass or the server stops.
        self.stopping.wait(self.spec.hang_seconds)
        handler.close_connection = True

    def _cut(self, key, attempt, body, low=0.3, high=0.9):
        end = body.lower().find(b"</html>")
        end = len(body) if end < 0 else end
        share = low + (high - low) * uniform(self.seed, key, attempt, "cut")
        return max(1, min(end - 1, int(len(body) * share)))

    def _serve_reset(self, handler, kind, key, attempt, entry, body):
        self._headers(handler, 200, entry["content_type"], len(body), kind, entry=entry)
        handler.wfile.write(body[: self._cut(key, attempt, body, 0.1, 0.6)])
        handler.wfile.flush()
        conn = handler.connection
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Close the descriptor now (rfile/wfile still reference the socket object, which would
        # otherwise keep it open and let socketserver send a polite FIN first): an RST.
        os.close(conn.detach())
        handler.close_connection = True

    def _serve_truncate(self, handler, kind, key, attempt, entry, body):
        self._headers(handler, 200, entry["content_type"], None, kind, [("Connection", "close")],
                      entry)
        handler.wfile.write(body[: self._cut(key, attempt, body)])
        handler.close_connection = True

    def _serve_slow(self, handler, kind, key, attempt, entry, body):
        self._headers(handler, 200, entry["content_type"], len(body), kind, entry=entry)
        step = -(-len(body) // SLOW_PIECES)
        pause = self.spec.slow_seconds / SLOW_PIECES
        for start in range(0, len(body), step):
            handler.wfile.write(body[start:start + step])
            handler.wfile.flush()
            if start + step < len(body) and self.stopping.wait(pause):
                handler.close_connection = True
                return

    def _serve_charset(self, handler, kind, key, attempt, entry, body):
        wrong = uniform(self.seed, key, attempt, "charset") < 0.5
        ctype = "text/html; charset=iso-8859-1" if wrong else "text/html"
        self._headers(handler, 200, ctype, len(body), kind, entry=entry)
        handler.wfile.write(body)

    def _serve_huge(self, handler, kind, key, attempt, entry, body):
        at = body.lower().find(b"<head>")
        at = 0 if at < 0 else at + len(b"<head>")
        size = int(self.spec.huge_mb * 1024 * 1024)
        pieces, rest = divmod(max(size - len(body) - 7, 0), PAD_CHUNK)
        pad = b"x" * PAD_CHUNK
        declared = uniform(self.seed, key, attempt, "huge") < 0.5
        total = len(body) + 7 + pieces * PAD_CHUNK + rest
        if declared:
            self._headers(handler, 200, entry["content_type"], total, kind, entry=entry)
        else:
            self._headers(handler, 200, entry["content_type"], None, kind,
                          [("Connection", "close")], entry)
        handler.wfile.write(body[:at] + b"<!--")
        for _ in range(pieces):
            if self.stopping.is_set():
                handler.close_connection = True
                return
            handler.wfile.write(pad)
        handler.wfile.write(b"x" * rest + b"-->" + body[at:])
        if not declared:
            handler.close_connection = True


def make_injector(faults, seed=0):
    """A FaultInjector from a SPEC string, a FaultSpec or an injector; None for no faults."""
    if faults is None or faults == "":
        return None
    if isinstance(faults, FaultInjector):
        return faults
    return FaultInjector(FaultSpec.parse(faults), seed=seed)


__all__ = ["KINDS", "FaultInjector", "FaultSpec", "FaultSpecError", "is_faultable",
           "make_injector", "uniform"]
