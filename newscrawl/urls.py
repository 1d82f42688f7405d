"""URL normalisation: one article, one key, however it was linked."""

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track where a click came from.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|ref|cmpid|ito)$",
    re.IGNORECASE,
)


def normalize_url(url, *, hosts=(), keep_query=False):
    """The canonical form of an article URL.

    https; lower-case host; ``www.`` restored for the site's own hosts (``hosts`` lists them,
    preferred first); no fragment (AddThis ``#.XZKZykZKjD4`` included); no tracking query
    parameters, and no query at all unless ``keep_query``; path kept as the site writes it.
    """
    if not url:
        return url
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if hosts:
        bare = {h.removeprefix("www.") for h in hosts}
        if host.removeprefix("www.") in bare:
            host = hosts[0]
    port = parts.port
    netloc = host if not port or port in (80, 443) else f"{host}:{port}"
    query = ""
    if keep_query and parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not TRACKING_PARAMS.match(k)]
        query = urlencode(kept)
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    return urlunsplit(("https", netloc, path, query, ""))


def key_digest(text):
    """A 16-byte digest of a key (a normalised URL, an id): what run-long seen-sets keep, so
    their memory grows by 16 bytes a key, however long the URLs."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
