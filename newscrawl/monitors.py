"""STUB (issue 3 replaces this): Spidermon monitors."""

from spidermon import MonitorSuite


class CrawlMonitorSuite(MonitorSuite):
    monitors = []
