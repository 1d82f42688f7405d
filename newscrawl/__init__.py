"""newscrawl: section-by-section news crawls exported as clean, deduplicated article records."""

# Named in the warcinfo record of every WARC file a crawl writes; setup.py gives the same.
__version__ = "0.1"
