"""newscrawl: section-by-section news crawls exported as clean, deduplicated article records.

One page from Python (see docs/extract.md)::

    import newscrawl
    record = newscrawl.extract(html, "https://example-news.com/2024/05/01/story/")
    # -> a dict with the schema's keys, or raises newscrawl.NotAnArticle (with .reason)

``extract`` and ``NotAnArticle`` are loaded on first use, so ``import newscrawl`` (which
Scrapy does for the settings) stays cheap.
"""

# Named in the warcinfo record of every WARC file a crawl writes; setup.py gives the same.
__version__ = "0.1"

__all__ = ["NotAnArticle", "extract"]


def __getattr__(name):
    if name == "extract":
        from newscrawl.api import extract

        return extract
    if name == "NotAnArticle":
        from newscrawl.extraction.errors import NotAnArticle

        return NotAnArticle
    raise AttributeError(f"module 'newscrawl' has no attribute {name!r}")
