"""STUB (issue 3 replaces this): the end-of-crawl report."""


class CrawlReport:
    pass
