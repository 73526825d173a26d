"""Item pipeline: hand every item to change detection, which stores it in SQLite."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.items import GoneItem, NoticeItem, NotModifiedItem
from monitors import detect

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.spiders.base import DualwatchSpider

log = logging.getLogger("dualwatch.crawl")


class StorePipeline:
    """Validate an item, record it through :mod:`monitors.detect` and count the outcome."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Build the pipeline for ``crawler``."""
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Record one item; drop (and record an error for) an invalid one."""
        dw: DualwatchSpider = self.crawler.spider
        if isinstance(item, NoticeItem):
            outcome = self._record_notice(dw, item)
        elif isinstance(item, NotModifiedItem):
            outcome = detect.record_not_modified(
                dw.store, item.source, item.url, listed=item.listed_date
            )
        elif isinstance(item, GoneItem):
            outcome = detect.record_gone(
                dw.store, item.source, item.url, run_id=dw.run_id, status=item.status
            )
        else:
            raise DropItem(f"unexpected item type {type(item).__name__}")
        self.crawler.stats.inc_value(f"dualwatch/{outcome.kind}")
        self.crawler.stats.inc_value("dualwatch/notices")
        if outcome.kind in ("new", "modified", "removed"):
            url = item.notice.url if isinstance(item, NoticeItem) else item.url
            log.info("%s: %s %s", dw.source.name, outcome.kind, url)
        return item

    def _record_notice(self, dw: DualwatchSpider, item: NoticeItem) -> detect.Outcome:
        notice = item.notice
        if not notice.title.strip() or not notice.text.strip():
            dw.fail("parse", notice.url, "detail page has an empty title or body")
            raise DropItem(f"empty title or body: {notice.url}")
        return detect.record_fetch(dw.store, notice, run_id=dw.run_id, baseline=dw.baseline)
