"""Sources -> article requests: how a crawl finds the articles of a site.

Three ways in, one crawl (``newscrawl.spiders.base``):

- ``listings``: a section's pages, through the site's teaser selectors, else the links of the
  page's main content that look like the site's articles (``listings``);
- ``feeds``: the site's RSS/Atom feeds, read with feedparser (``feeds``);
- ``sitemaps``: robots.txt ``Sitemap:`` lines and the site's declared sitemaps, indexes, Google
  News sitemaps, gzip-compressed ones, read with Scrapy's sitemap utilities (``sitemaps``).

Each finds ``Entry`` values (``sources``): an article URL with what the source says of it (a
date, a credit, an id). What a source found and spent is tallied per source and per section
(``sources.Tally``) for the report and the monitors.
"""
