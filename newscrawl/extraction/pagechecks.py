"""What a fetched page is, before it is read: a bot wall, cut short, blank.

One place, because three parts judge pages and must agree: the retry middleware (a cut page
is fetched again), the spider (a listing page that is a bot wall or cut) and the extraction
(an article page that is not worth reading). Checks read the decoded text, not the bytes: a
UTF-16 page has no ``b"</html>"`` in it.
"""

import re

from scrapy.http import TextResponse

# Only the tail is searched for </html>: pages end with it, scripts in the middle may quote it.
TAIL = 4096
# A bot wall says what it is near the top (its <title>, its challenge script).
HEAD = 16384
_NOT_BLANK = re.compile(r"[^\s\ufeff\x00]")


def page_text(response):
    """The response's decoded text, or None for a response that is not text."""
    return response.text if isinstance(response, TextResponse) else None


def is_blank(text):
    """Whether a page's text has nothing but whitespace, byte-order marks and NULs."""
    return _NOT_BLANK.search(text) is None


def is_botwall(response, site):
    """Whether the page is a bot-wall challenge ("Just a moment...") of the site's kind, by
    its markers in the top of the page, whatever its status."""
    text = page_text(response)
    head = text[:HEAD] if text is not None else response.body[:HEAD].decode("utf-8", "replace")
    return any(marker in head for marker in site.botwall_markers)


def is_truncated(response):
    """Whether a text page that is not blank lacks its closing ``</html>``: the transfer was
    cut. Blank pages and non-text responses are not truncated (they are other stories)."""
    text = page_text(response)
    if text is None or is_blank(text):
        return False
    return "</html>" not in text[-TAIL:].lower()
