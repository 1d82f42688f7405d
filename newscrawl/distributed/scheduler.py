"""scrapy-redis' Scheduler with leases: a popped request is not lost if its worker dies.

scrapy-redis pops a request with no acknowledgement: a worker killed with requests in its
downloader or pipelines loses them (measured: 8 of 50 articles). Here the pop is one Lua
script that moves the request from the crawl's queue (a sorted set, scrapy-redis'
``PriorityQueue``) into the worker's lease hash ``<spider>:<crawl>:leases:<worker>``; the
``Frontier`` releases it once the request was handled (or keeps it until the worker's feed is
stored, when it produced an exported item), and gives a dead worker's leases back to the queue.

Pushing, the dupefilter (scrapy-redis' ``RFPDupeFilter``), the key layout and the
serialisation are scrapy-redis' own. A Redis error does not raise into the engine: the
frontier logs it once and closes the spider.
"""

import redis
from scrapy_redis.scheduler import Scheduler

# KEYS: queue, leases, requeued. ARGV: token. Moves the best request into the lease hash,
# atomically, and says whether it was given back by a dead worker (then unmarks it).
POP_AND_LEASE = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '|' .. r[1])
local again = redis.call('SREM', KEYS[3], r[1])
return {r[1], again}
"""
# On a request given back by a dead worker's leases.
REQUEUED_META = "newscrawl_requeued"

LEASE_META = "newscrawl_lease"


class LeasingScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        return instance

    def open(self, spider):
        super().open(spider)
        self.frontier = self.crawler._newscrawl_frontier
        self._pop = self.server.register_script(POP_AND_LEASE)

    def __len__(self):
        try:
            return super().__len__()
        except redis.RedisError as exc:
            self.frontier.redis_failed(exc)
            return 0

    def enqueue_request(self, request):
        # scrapy-redis' own, without the spider argument Scrapy 2.19's stats deprecate.
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
        except redis.RedisError as exc:
            self.frontier.redis_failed(exc)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        frontier = self.frontier
        if frontier.failed or frontier.run is None:
            return None  # Redis is gone, or this job never joined the crawl (overlap)
        try:
            frontier.reconcile()
            lease = frontier.new_token()
            popped = self._pop(keys=[self.queue.key, frontier.leases_key,
                                     frontier.key("requeued")], args=[lease])
            if not popped:
                return None
            data, again = popped
            request = self.queue._decode_request(data)
            if again:
                request.meta[REQUEUED_META] = True
        except redis.RedisError as exc:
            frontier.redis_failed(exc)
            return None
        request.meta[LEASE_META] = lease
        frontier.leased[lease] = request
        frontier.idle_since = None  # working again: the idle wait starts over when it is idle
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
