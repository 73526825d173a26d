"""Item pipeline: hand every item to change detection, which stores it in SQLite.

Whatever goes wrong while storing (a SQLite error, a full disk, a bug) is recorded as a
failure of the run and of the entry, never only logged; the item is then dropped quietly
(the failure already says why, without dumping the item into the log).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.items import GoneItem, NoticeItem, NotModifiedItem
from monitors.changes import detect
from monitors.core.errors import StoreError
from monitors.lists.specs import mentions_a_list

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.sites.base import DualwatchSpider

log = logging.getLogger("dualwatch.crawl")

STORE_ERRORS = (sqlite3.Error, StoreError, OSError)


class StorePipeline:
    """Validate an item, record it through :mod:`monitors.changes.detect` and count the outcome."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Build the pipeline for ``crawler``."""
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Record one item; drop it (recording why) when it cannot be stored."""
        dw: DualwatchSpider = self.crawler.spider  # type: ignore[assignment]
        url = _entry_url(item)
        try:
            outcome = self._record(dw, item)
        except DropItem:
            raise
        except STORE_ERRORS as exc:
            dw.fail("store", url, f"{type(exc).__name__}: {exc}", entry_url=url)
            raise DropItem(f"not stored: {url}", log_level="DEBUG") from None
        except Exception as exc:
            log.exception("%s: storing %s failed", dw.source.name, url)
            dw.fail("exception", url, f"{type(exc).__name__}: {exc}", entry_url=url)
            raise DropItem(f"not stored: {url}", log_level="DEBUG") from None
        if outcome is None:  # deferred (a 404/410 is settled when the run ends)
            return item
        if url in dw.delisting:  # served, but gone from the listing that should show it
            outcome = detect.record_delisted(dw.store, dw.source.name, url, run_id=dw.run_id)
        self._count(dw, url, outcome)
        if isinstance(item, NoticeItem) and mentions_a_list(
            item.notice.title, item.notice.text, dw.config.lists
        ):
            self._read_list_rows(dw, url, outcome)
        return item

    def _read_list_rows(self, dw: DualwatchSpider, url: str, outcome: detect.Outcome) -> None:
        """Store the rows a list announcement states; a problem reading them (a stated count
        the rows do not reach, no rows at all) fails the entry, so the run is not ok."""
        from monitors.lists.record import record_list_rows  # name folding: loaded when needed

        try:
            problems = record_list_rows(dw.store, outcome.notice_id, dw.config.lists)
        except Exception as exc:
            log.exception("%s: reading the list rows of %s failed", dw.source.name, url)
            problems = (f"reading the list rows failed: {type(exc).__name__}: {exc}",)
        for problem in problems:
            dw.fail("list", url, problem, entry_url=url)

    def _count(self, dw: DualwatchSpider, url: str, outcome: detect.Outcome) -> None:
        dw.accounts.account(url, outcome.kind)
        self.crawler.stats.inc_value(f"dualwatch/{outcome.kind}")
        self.crawler.stats.inc_value("dualwatch/notices")
        if outcome.kind in ("new", "modified", "restored", "delisted"):
            log.info("%s: %s %s", dw.source.name, outcome.kind, url)

    def _record(self, dw: DualwatchSpider, item: Any) -> detect.Outcome | None:
        if isinstance(item, NoticeItem):
            return self._record_notice(dw, item)
        if isinstance(item, NotModifiedItem):
            return detect.record_not_modified(
                dw.store, item.source, item.url, listed=item.listed_date
            )
        if isinstance(item, GoneItem):
            dw.gone.append(item)
            return None
        raise DropItem(f"unexpected item type {type(item).__name__}")

    def _record_notice(self, dw: DualwatchSpider, item: NoticeItem) -> detect.Outcome:
        notice = item.notice
        url = item.entry_url or notice.url
        if not notice.title.strip() or not notice.text.strip():
            dw.fail("parse", notice.url, "detail page has an empty title or body", entry_url=url)
            raise DropItem(f"empty title or body: {notice.url}", log_level="DEBUG")
        return detect.record_fetch(
            dw.store,
            notice,
            run_id=dw.run_id,
            baseline=dw.entry_baseline(url),
            section=dw.accounts.listed.get(url),
        )


def _entry_url(item: Any) -> str:
    if isinstance(item, NoticeItem):
        return item.entry_url or item.notice.url
    return str(getattr(item, "url", "?"))
