"""Crawl bookkeeping: open a run row when a spider starts, account for every request and
every listed entry while it runs, and close the row with an outcome that says whether
anything was missed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawler.accounting import FAILED_PREFIX, TICKET_META
from monitors.changes import detect
from monitors.storage.models import RunStats

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from twisted.python.failure import Failure

    from crawler.sites.base import DualwatchSpider

log = logging.getLogger("dualwatch.crawl")

#: Failures that mean the source as a whole could not be read (not just some entries).
SOURCE_KINDS = frozenset({"layout", "config", "store", "outage", "listing"})
#: Failures about entries although no single entry's request failed.
ENTRY_KINDS = frozenset({"cap", "unaccounted"})


class RunRecorder:
    """Writes one ``runs`` row per crawl: counters, errors, accounting and an outcome.

    Outcomes: ``aborted`` when the crawl was stopped (SIGTERM); ``blocked`` when the site
    answered with block pages; ``failed`` when the source could not be read (a listing page
    failed or was dropped, a layout or configuration error, a store error, an outage, or no
    listing page was read at all); ``partial`` when the listings were read but some entries
    failed, stayed unaccounted or were left over a cap; ``ok`` only when every listed entry
    was accounted for without a failure. A run that is not ``ok`` never implies removals.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.idle_phase = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        """Connect to the spider lifecycle and request signals."""
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        return ext

    def spider_opened(self, spider: DualwatchSpider) -> None:
        """Start the run row (marking any run a killed crawl left open as aborted)."""
        spider.begin_run()

    # -- request accounting ------------------------------------------------------------------

    def request_scheduled(self, request: Request, spider: Any = None) -> None:
        """Give every spider request a ticket, settled when its callback or errback runs."""
        if request.callback is not None or request.errback is not None:
            self._spider.accounts.open_ticket(request.meta, request.url)

    def request_dropped(self, request: Request, spider: Any = None) -> None:
        """The scheduler refused a request (a duplicate: a redirect or refresh loop)."""
        self._spider.accounts.note(request.meta, f"dropped as a duplicate of {request.url}")

    def response_received(self, response: Response, request: Request, spider: Any = None) -> None:
        """Remember the last status a ticket saw (reported if it is never settled)."""
        location = response.headers.get("Location")
        where = f" to {location.decode('latin-1')}" if location else ""
        self._spider.accounts.note(request.meta, f"HTTP {response.status}{where}")

    def spider_error(self, failure: Failure, response: Response, spider: Any = None) -> None:
        """An exception escaped a callback: a failure of the run, never a log line only."""
        value = failure.value
        message = f"{type(value).__name__}: {value}" if str(value) else type(value).__name__
        self._spider.fail("exception", response.url, message, meta=response.meta)

    def spider_idle(self, spider: Any = None) -> None:
        """When the crawl runs out of work: first (every listing read) schedule withdrawal
        checks, re-verification and deep listing pages; then (deep pages read) the
        withdrawal checks those pages call for. Each phase runs once; a phase with nothing
        to do passes straight to the next (Scrapy would otherwise wait for its heartbeat)."""
        phases = (self._spider.after_listings, self._spider.after_deep_pages)
        while self.idle_phase < len(phases):
            phase, self.idle_phase = phases[self.idle_phase], self.idle_phase + 1
            try:
                requests = phase()
            except Exception as exc:  # any failure here must reach the run
                self._spider.fail("exception", self._spider.source.listing_url, f"{exc!r}")
                return
            if requests:
                for request in requests:
                    self.crawler.engine.crawl(request)
                name = self._spider.source.name
                log.info("%s: %d more request(s) after the listings", name, len(requests))
                raise DontCloseSpider

    @property
    def _spider(self) -> DualwatchSpider:
        return self.crawler.spider  # type: ignore[return-value]

    # -- the end of a run --------------------------------------------------------------------

    def spider_closed(self, spider: DualwatchSpider, reason: str) -> None:
        """Settle deferred removals, account for every entry, finish the run row."""
        try:
            if reason != "shutdown":
                settle_removals(spider, self.crawler.stats)
            account_leftovers(spider)
        except Exception as exc:  # the run row must be written whatever happened
            spider.fail("exception", spider.source.listing_url, f"{type(exc).__name__}: {exc}")
        outcome, message = self.outcome(spider, reason)
        spider.end_run(outcome, self.run_stats(spider), message)
        log.info("%s: finished, outcome %s", spider.source.name, outcome)

    def run_stats(self, spider: DualwatchSpider) -> RunStats:
        """The counters of the run."""
        stats = self.crawler.stats
        accounts = spider.accounts
        return RunStats(
            pages=stats.get_value("dualwatch/pages", 0),
            requests=stats.get_value("downloader/request_count", 0),
            notices=stats.get_value("dualwatch/notices", 0),
            new=stats.get_value("dualwatch/new", 0),
            modified=stats.get_value("dualwatch/modified", 0),
            removed=stats.get_value("dualwatch/removed", 0),
            unchanged=stats.get_value("dualwatch/unchanged", 0)
            + stats.get_value("dualwatch/not_modified", 0)
            + stats.get_value("dualwatch/reverted", 0),
            errors=tuple(spider.failures),
            listed=len(accounts.listed),
            accounted=accounts.accounted(),
            unaccounted=tuple(
                {"url": url, "outcome": outcome}
                for url, outcome in accounts.outcomes.items()
                if outcome.startswith(FAILED_PREFIX)
            )[:200],
        )

    @staticmethod
    def outcome(spider: DualwatchSpider, reason: str) -> tuple[str, str | None]:
        """Classify a finished crawl from its failures, accounting and finish reason."""
        failures = spider.failures
        if reason == "shutdown":  # SIGTERM (daemon stopping, crawl timeout): not a site fault
            return "aborted", "crawl stopped before finishing (shutdown)"
        if blocked := [f for f in failures if f["kind"] == "blocked"]:
            return "blocked", f"{blocked[0]['message']} ({blocked[0]['url']})"
        if reason != "finished":
            return "failed", f"crawl ended early: {reason}"
        if not failures and not spider.accounts.sections_read:
            return "failed", "no listing page was read"
        if not failures:
            return "ok", None
        fatal = [f for f in failures if _is_source_failure(f)]
        first = (fatal or failures)[0]
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        message = f"{first['kind']}: {first['message']} ({first['url']}){more}"
        return ("failed" if fatal else "partial"), message


def _is_source_failure(failure: dict[str, str]) -> bool:
    """Whether a failure means the source itself (not one entry) could not be read."""
    if failure["kind"] in SOURCE_KINDS:
        return True
    return failure.get("role") not in ("entry", "deep") and failure["kind"] not in ENTRY_KINDS


def settle_removals(spider: DualwatchSpider, stats: Any) -> None:
    """Record the 404/410 answers of this run as removals, unless they look like an outage.

    Many known notices answering 404 at once (more than ``outage_share`` of those checked,
    and at least ``outage_min``) is a site-wide error page, not withdrawals: nothing is
    marked removed and the run fails with an ``outage`` error.
    """
    gone, source = spider.gone, spider.source
    checked = max(spider.accounts.known_checked, 1)
    if len(gone) >= source.outage_min and len(gone) / checked > source.outage_share:
        for item in gone:
            spider.accounts.account(item.url, f"{FAILED_PREFIX}outage")
        spider.fail(
            "outage",
            source.listing_url,
            f"{len(gone)} of {spider.accounts.known_checked} known notices checked answered "
            "404/410 at once: treated as a site outage, nothing marked removed",
        )
        return
    for item in gone:
        outcome = detect.record_gone(
            spider.store, item.source, item.url, run_id=spider.run_id, status=item.status
        )
        stats.inc_value(f"dualwatch/{outcome.kind}")
        stats.inc_value("dualwatch/notices")
        spider.accounts.account(item.url, outcome.kind)
        if outcome.kind == "removed":
            log.info("%s: removed %s", source.name, item.url)


def account_leftovers(spider: DualwatchSpider) -> None:
    """Turn requests that never settled, entries left over a cap and entries without an
    outcome into recorded failures."""
    accounts = spider.accounts
    for ticket in accounts.dropped():
        notes = "; ".join(ticket.notes) or "no response"
        message = f"request dropped without an answer ({notes}): redirect loop or off-site?"
        meta = {"dualwatch_role": ticket.role, "dualwatch_section": ticket.section}
        if ticket.role == "entry":
            spider.fail("dropped", ticket.url, message, entry_url=ticket.url)
        else:
            spider.fail("dropped", ticket.url, message, meta=meta)
    if accounts.over_cap:
        spider.fail(
            "cap",
            spider.source.listing_url,
            f"{accounts.over_cap} more new entries than max_new_per_run "
            f"({spider.source.max_new_per_run}) were left for the next run",
        )
    for url in accounts.unaccounted():
        spider.fail("unaccounted", url, "listed entry ended without an outcome", entry_url=url)


class AccountingSpiderMiddleware:
    """Settles a request's ticket when its response reaches the spider's callback."""

    def process_spider_input(self, response: Response, spider: Any = None) -> None:
        """The callback is about to run: the request is answered."""
        crawler_spider = getattr(self, "_spider", None)
        if crawler_spider is not None and TICKET_META in response.meta:
            crawler_spider.accounts.settle(response.meta)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AccountingSpiderMiddleware:
        """Build the middleware; it finds the spider when the crawl opens."""
        middleware = cls()
        crawler.signals.connect(middleware._opened, signal=signals.spider_opened)
        return middleware

    def _opened(self, spider: DualwatchSpider) -> None:
        self._spider = spider
