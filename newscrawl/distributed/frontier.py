"""A worker's part in a distributed crawl: heartbeat, leases, dead workers, the idle wait.

Redis keys of one crawl (all under ``<spider>:<crawl id>:``, all expiring
``NEWSCRAWL_CRAWL_EXPIRE`` seconds after the last worker's last heartbeat):

| key | what |
|---|---|
| ``requests`` | the shared queue (scrapy-redis ``PriorityQueue``: pickled requests) |
| ``dupefilter`` | fingerprints of every request ever scheduled (scrapy-redis ``RFPDupeFilter``) |
| ``workers`` | the workers (run ids) that joined the crawl and have not finished |
| ``alive:<worker>`` | the worker's heartbeat: refreshed every ``NEWSCRAWL_HEARTBEAT_TTL`` / 3 s |
| ``leases:<worker>`` | requests the worker popped and has not handled yet |
| ``done:<worker>`` | requests whose articles sit in the worker's feed, not stored yet |

- A lease is released when its request has left the engine (downloaded, parsed, its items
  through the pipelines): the engine's in-progress set no longer holds it. If the response gave
  an exported item, the lease moves to ``done`` instead, and is dropped only once the worker's
  feed is stored and the state committed (``finish``): a worker killed before that has those
  articles in an unfinished ``.part`` feed only, so they must be fetched again.
- A worker whose heartbeat expired is dead. Any live worker (one at a time: ``reap:<worker>``)
  settles its state first (its staged exports committed when its feed is stored, else
  discarded with its claims) and then gives its leases (and its ``done`` requests, unless
  committed) back to the queue.
- A worker that finds the queue empty does not close while other workers hold leases: it
  closes after the queue and every lease have been empty for ``NEWSCRAWL_IDLE_WAIT`` seconds.
  It never blocks the event loop: the ``spider_idle`` handler raises ``DontCloseSpider`` and a
  ``LoopingCall`` (``NEWSCRAWL_POLL_INTERVAL``) wakes the engine when the queue has requests.
- A Redis error is logged once at ERROR and the worker closes (``redis_unavailable``); what it
  exported is recorded as usual.
"""

import itertools
import logging
import time

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet import task

from newscrawl.distributed import crawl_id, is_distributed, key_prefix, redis_security_warning
from newscrawl.distributed.scheduler import LEASE_META
from newscrawl.export.feeds import run_id

logger = logging.getLogger(__name__)

# KEYS: from, to. ARGV: tokens. Moves these fields from one hash to the other.
MOVE_FIELDS = """
for i, token in ipairs(ARGV) do
  local v = redis.call('HGET', KEYS[1], token)
  if v then
    redis.call('HSET', KEYS[2], token, v)
    redis.call('HDEL', KEYS[1], token)
  end
end
return 0
"""

STAT_REQUEUED = "newscrawl/distributed/requeued"
STAT_REAPED = "newscrawl/distributed/dead_workers"


class Frontier:
    def __init__(self, crawler):
        settings = crawler.settings
        if not is_distributed(settings):
            raise NotConfigured
        self.crawler = crawler
        self.crawl = crawl_id(settings)
        self.server = get_redis_from_settings(settings)
        self.idle_wait = settings.getfloat("NEWSCRAWL_IDLE_WAIT", 5.0)
        self.ttl = max(1, settings.getint("NEWSCRAWL_HEARTBEAT_TTL", 15))
        self.expire = settings.getint("NEWSCRAWL_CRAWL_EXPIRE", 86400)
        self.poll_interval = settings.getfloat("NEWSCRAWL_POLL_INTERVAL", 0.2)
        self.leased = {}  # token -> request, popped by this worker and not released
        self.keep = set()  # tokens whose response gave an exported item
        self.tokens = itertools.count(1)
        self.failed = False
        self.reaped = False  # taken for dead by another worker: see presumed_dead
        self.finished = False
        self.idle_since = None
        self.waiting = False  # spider_idle kept the spider open
        self.last_beat = 0.0
        self.loop = None
        self.run = None  # set once the worker joined (not when the overlap guard refused it)
        self.prefix = key_prefix(crawler.spidercls.name, self.crawl)
        crawler._newscrawl_frontier = self
        warning = redis_security_warning(settings.get("NEWSCRAWL_REDIS_URL"))
        if warning:
            logger.warning("%s", warning)

    @classmethod
    def from_crawler(cls, crawler):
        frontier = cls(crawler)
        crawler.signals.connect(frontier.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(frontier.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(frontier.item_scraped, signal=signals.item_scraped)
        return frontier

    # --- keys ------------------------------------------------------------------------------

    def key(self, name):
        return self.prefix + name

    @property
    def leases_key(self):
        return self.key(f"leases:{self.run}")

    def crawl_keys(self):
        return [self.key("requests"), self.key("dupefilter"), self.key("workers"),
                self.key("requeued")]

    def new_token(self):
        return str(next(self.tokens))

    # --- lifecycle -------------------------------------------------------------------------

    def spider_opened(self, spider):
        # Before the state pipeline settles dead runs: this worker must look alive by then.
        if self.crawler.stats.get_value("newscrawl/overlap"):
            return  # turned away by the overlap guard: never joins
        self.run = run_id(spider)
        self.move = self.server.register_script(MOVE_FIELDS)
        try:
            self.beat()  # alive first, then listed: a reaper never sees it listed and dead
        except redis.RedisError as exc:
            self.redis_failed(exc)
            return
        logger.info("Distributed crawl %s: worker %s joined (Redis keys %s*)", self.crawl,
                    self.run, self.prefix)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.poll_interval, now=False)

    def beat(self):
        pipe = self.server.pipeline(transaction=False)
        pipe.set(self.key(f"alive:{self.run}"), "1", ex=self.ttl)
        pipe.sadd(self.key("workers"), self.run)
        for key in (*self.crawl_keys(), self.leases_key, self.key(f"done:{self.run}")):
            pipe.expire(key, self.expire)
        added = pipe.execute()[1]
        if added and self.last_beat and not self.reaped:
            self.presumed_dead()
        self.last_beat = time.monotonic()

    def presumed_dead(self):
        """Another worker took this one for dead (its event loop stalled longer than the
        heartbeat's TTL) and gave its work away: its state was discarded and its requests are
        being done again. Its feed must not count: the state pipeline withdraws it."""
        self.reaped = True
        logger.error("Worker %s of crawl %s was taken for dead (no heartbeat for %d s): its "
                     "work was given to the others; it stops and withdraws its feed "
                     "(raise NEWSCRAWL_HEARTBEAT_TTL above the longest stall)", self.run,
                     self.crawl, self.ttl)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason="presumed_dead"))

    def tick(self):
        if self.failed or self.finished:
            return
        try:
            if time.monotonic() - self.last_beat >= self.ttl / 3:
                self.beat()
                self.reap_dead()
            self.reconcile()
            # Wake the engine when others queued requests, or to ask spider_idle again while
            # waiting (Scrapy itself looks only every 5 s).
            if self.idle_since is not None or self.waiting or self.server.zcard(
                self.key("requests")
            ):
                slot = getattr(self.crawler.engine, "_slot", None)
                if slot is not None and slot.closing is None:
                    slot.nextcall.schedule()
        except redis.RedisError as exc:
            self.redis_failed(exc)

    def redis_failed(self, exc):
        if self.failed:
            return
        self.failed = True
        logger.error("Redis is unreachable (%s): worker %s of crawl %s stops; what it exported "
                     "is recorded, the next run completes the crawl", exc, self.run, self.crawl)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason="redis_unavailable"))

    # --- leases ----------------------------------------------------------------------------

    def item_scraped(self, item, response=None, spider=None):
        if isinstance(response, Response):
            lease = response.meta.get(LEASE_META)
            if lease in self.leased:
                self.keep.add(lease)

    def reconcile(self):
        """Release the leases of requests that have left the engine."""
        if not self.leased:
            return
        slot = getattr(self.crawler.engine, "_slot", None)
        inprogress = slot.inprogress if slot is not None else set()
        handled = [t for t, request in self.leased.items() if request not in inprogress]
        if not handled:
            return
        kept = [t for t in handled if t in self.keep]
        released = [t for t in handled if t not in self.keep]
        if kept:
            self.move(keys=[self.leases_key, self.key(f"done:{self.run}")], args=kept)
        if released:
            self.server.hdel(self.leases_key, *released)
        for token in handled:
            del self.leased[token]
            self.keep.discard(token)

    def requeue(self, *hashes):
        """Give the requests in these lease hashes back to the queue; the count."""
        count = 0
        for name in hashes:
            values = self.server.hvals(name)
            pipe = self.server.pipeline(transaction=True)
            for value in values:
                score, _, data = value.partition(b"|")
                pipe.zadd(self.key("requests"), {data: float(score)})
                # Marked, so that the worker that takes it again does not drop it as a URL it
                # already requested (newscrawl.middlewares.incremental): it is the same fetch,
                # given back.
                pipe.sadd(self.key("requeued"), data)
            pipe.delete(name)
            pipe.execute()
            count += len(values)
        return count

    def reap_dead(self):
        """Settle and requeue the work of workers of this crawl whose heartbeat expired."""
        for raw in self.server.smembers(self.key("workers")):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if worker == self.run or self.server.exists(self.key(f"alive:{worker}")):
                continue
            if not self.server.set(self.key(f"reap:{worker}"), self.run, nx=True, ex=60):
                continue  # another live worker is on it
            settle = getattr(self.crawler, "_newscrawl_settle_run", None)
            outcome = settle(worker) if settle else None
            hashes = [self.key(f"leases:{worker}")]
            if outcome != "committed":
                hashes.append(self.key(f"done:{worker}"))
            else:
                self.server.delete(self.key(f"done:{worker}"))
            count = self.requeue(*hashes)
            self.server.srem(self.key("workers"), worker)
            self.crawler.stats.inc_value(STAT_REAPED)
            self.crawler.stats.inc_value(STAT_REQUEUED, count)
            logger.warning("Worker %s of crawl %s is dead (no heartbeat for %d s): its state "
                           "%s, %d of its requests back in the queue", worker, self.crawl,
                           self.ttl, outcome or "left alone", count)

    def is_live(self, worker):
        """Whether a run of this crawl is a live worker (its heartbeat has not expired)."""
        if worker == self.run:
            return True
        try:
            return bool(self.server.exists(self.key(f"alive:{worker}")))
        except redis.RedisError:
            return True  # when in doubt, leave its rows alone

    def in_flight(self):
        """Requests leased by the crawl's workers (dead ones too, until they are reaped)."""
        workers = self.server.smembers(self.key("workers"))
        pipe = self.server.pipeline(transaction=False)
        for raw in workers:
            worker = raw.decode() if isinstance(raw, bytes) else raw
            pipe.hlen(self.key(f"leases:{worker}"))
        return sum(pipe.execute()) if workers else 0

    # --- closing ---------------------------------------------------------------------------

    def spider_idle(self, spider):
        if self.failed or self.run is None:
            return
        try:
            self.reconcile()
            self.reap_dead()
            queued = self.server.zcard(self.key("requests"))
            busy = self.in_flight()
        except redis.RedisError as exc:
            self.redis_failed(exc)
            return
        if queued or busy:
            self.idle_since = None
            self.waiting = True
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_wait:
            self.waiting = True
            raise DontCloseSpider
        self.waiting = False
        logger.info("Distributed crawl %s: the queue and every lease were empty for %.1f s; "
                    "worker %s closes", self.crawl, self.idle_wait, self.run)

    def finish(self, stored):
        """After the state pipeline committed (``stored``) or discarded the worker's run."""
        if self.finished or self.run is None:
            return
        self.finished = True
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.failed:
            return
        try:
            self.reconcile()
            done = self.key(f"done:{self.run}")
            if stored:
                self.server.delete(done)
                requeued = self.requeue(self.leases_key)
            else:
                requeued = self.requeue(self.leases_key, done)
            if requeued:
                logger.warning("Worker %s gave %d requests back to the queue", self.run, requeued)
            pipe = self.server.pipeline(transaction=False)
            pipe.srem(self.key("workers"), self.run)
            pipe.delete(self.key(f"alive:{self.run}"))
            for key in self.crawl_keys():
                pipe.expire(key, self.expire)
            pipe.execute()
        except redis.RedisError as exc:
            logger.error("Redis is unreachable at the end of worker %s (%s): its leases expire "
                         "with the crawl's keys", self.run, exc)
