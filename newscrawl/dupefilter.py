"""Scrapy's request dupefilter with its fingerprints in bounded memory.

``RFPDupeFilter`` keeps every request fingerprint of the run in a set: about 90 bytes a
request, without bound. This one keeps them in a ``newscrawl.state.spill.SpillMap``: the newest
``NEWSCRAWL_MEMORY_KEYS`` in memory, the rest in a temporary SQLite file. Same answers, same
``JOBDIR`` behaviour (the file of fingerprints is still read and appended to).
"""

from scrapy.dupefilters import RFPDupeFilter

from newscrawl.state.spill import SpillMap


class BoundedDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler):
        dupefilter = super().from_crawler(crawler)
        known = SpillMap.from_settings(crawler.settings)
        for fingerprint in dupefilter._fingerprints:  # read from JOBDIR, if any
            known.add(fingerprint)
        dupefilter._fingerprints = known
        return dupefilter

    def close(self, reason):
        try:
            return super().close(reason)
        finally:
            self._fingerprints.close()
