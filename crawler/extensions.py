"""Crawl bookkeeping: open a run row when a spider starts, close it with its outcome."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

from monitors.models import RunStats

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.spiders.base import DualwatchSpider

log = logging.getLogger("dualwatch.crawl")


class RunRecorder:
    """Writes one ``runs`` row per crawl: counters, errors and an outcome.

    Outcome ``aborted`` when the crawl was stopped (SIGTERM), ``blocked`` when the site
    answered with block pages, ``error`` for any other recorded failure or an unfinished
    crawl, ``ok`` otherwise. A failed crawl never implies
    that notices were removed.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        """Connect to the spider lifecycle signals."""
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: DualwatchSpider) -> None:
        """Start the run row (marking any run a killed crawl left open as aborted)."""
        spider.begin_run()

    def spider_closed(self, spider: DualwatchSpider, reason: str) -> None:
        """Finish the run row with counters and outcome."""
        outcome, message = self.outcome(spider, reason)
        stats = self.crawler.stats
        run_stats = RunStats(
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
        )
        spider.end_run(outcome, run_stats, message)
        log.info("%s: finished, outcome %s", spider.source.name, outcome)

    @staticmethod
    def outcome(spider: DualwatchSpider, reason: str) -> tuple[str, str | None]:
        """Classify a finished crawl from its recorded failures and finish reason."""
        failures = spider.failures
        if reason == "shutdown":  # SIGTERM (daemon stopping, crawl timeout): not a site fault
            return "aborted", "crawl stopped before finishing (shutdown)"
        if any(f["kind"] == "blocked" for f in failures):
            first = next(f for f in failures if f["kind"] == "blocked")
            return "blocked", f"{first['message']} ({first['url']})"
        if failures:
            first = failures[0]
            more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
            return "error", f"{first['kind']}: {first['message']} ({first['url']}){more}"
        if reason != "finished":
            return "error", f"crawl ended early: {reason}"
        return "ok", None
