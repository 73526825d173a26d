"""What every dualwatch spider shares: configuration, the store, incremental listing walks,
conditional re-checks, and loud failure bookkeeping.

A source spider only builds its listing requests, turns a listing page into
:class:`~crawler.items.ListedNotice` entries, and turns a detail page into a
:class:`~monitors.models.FetchedNotice`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import date, timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.attachments import DOWNLOAD_ERRORS, AttachmentsIncomplete, with_attachment_files
from crawler.context import apply_crawl_settings, config_from_settings
from crawler.items import GoneItem, ListedNotice, NoticeItem, NotModifiedItem
from crawler.middlewares import ENCODING_ERROR_META
from monitors.errors import ConfigError, ParseError, SourceBlockedError
from monitors.models import Attachment, FetchedNotice, KnownNotice, RunStats
from monitors.normalize import normalize_text
from monitors.store import Store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

    from monitors.config import Config

log = logging.getLogger("dualwatch.crawl")

BLOCK_STATUSES = frozenset({401, 403, 407, 412, 429, 451})
GONE_STATUSES = (404, 410)
BLOCK_PAGE_MARKERS = re.compile(
    r"403 Forbidden|Access Denied|Request blocked|captcha|验证码|访问受限|安全验证|"
    r"アクセスが制限|メンテナンス中|系统维护",
    re.IGNORECASE,
)
BLOCK_PAGE_MAX_BYTES = 4096
ATTACHMENT_HREF = re.compile(r"\.(pdf|docx?|xlsx?|zip|rar|wps|et)$", re.IGNORECASE)


def strip_noise(node: Selector, noise_css: str) -> Selector:
    """A copy of ``node`` without the elements matching ``noise_css`` (widgets, scripts)."""
    fragment = Selector(text=node.get())
    for element in fragment.css(noise_css):
        element.drop()
    return fragment


def collect_attachments(node: Selector, base_url: str) -> tuple[Attachment, ...]:
    """Links to documents (PDF, Word, Excel, archives) under ``node``, once per URL."""
    found: dict[str, Attachment] = {}
    for link in node.css("a[href]"):
        href = link.attrib["href"].strip()
        if not ATTACHMENT_HREF.search(href.split("?")[0].split("#")[0]):
            continue
        url = urljoin(base_url, href)
        name = normalize_text("".join(link.css("::text").getall())) or url.rsplit("/", 1)[-1]
        found.setdefault(url, Attachment(name=name, url=url))
    return tuple(found.values())


def guarded(kind: str) -> Callable:
    """Decorate a callback so ParseError / SourceBlockedError become recorded failures."""

    def decorate(method: Callable[..., Iterable[Any]]) -> Callable[..., Iterator[Any]]:
        @wraps(method)
        def wrapper(self: DualwatchSpider, response: Response, **kwargs: Any) -> Iterator[Any]:
            try:
                self.check_page(response)
                yield from method(self, response, **kwargs)
            except SourceBlockedError as exc:
                self.fail("blocked", response.url, str(exc))
            except ParseError as exc:
                self.fail(kind, response.url, str(exc))

        return wrapper

    return decorate


class DualwatchSpider(scrapy.Spider):
    """Base class of the source spiders."""

    def __init__(self, *args: Any, source: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_name = source or self.name
        self.failures: list[dict[str, str]] = []
        self.run_id: int | None = None
        self.newest_listed: date | None = None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Apply the configuration's politeness settings before the crawler starts."""
        super().update_settings(settings)
        apply_crawl_settings(settings, config_from_settings(settings))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DualwatchSpider:
        """Create the spider bound to its source configuration and the store."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.bind(config_from_settings(crawler.settings), crawler.settings)
        return spider

    def bind(self, config: Config, settings: BaseSettings) -> None:
        """Attach configuration, store and incremental state to this spider."""
        self.config = config
        self.source = config.source(self.source_name)
        if self.source.spider != self.name:
            raise ConfigError(f"source {self.source.name!r} uses spider {self.source.spider!r}")
        self.allowed_domains = list(self.source.hosts)
        self.forced_encoding = self.source.encoding
        self.full = settings.getbool("DUALWATCH_FULL")
        self.batch = settings.get("DUALWATCH_BATCH") or None
        self.store = Store.open(config.db_path)
        self.store.ensure_source(self.source.name, self.source.title, self.name)
        self.baseline = not self.store.has_successful_run(self.source.name)
        self.known: dict[str, KnownNotice] = self.store.known_notices(self.source.name)

    # -- run lifecycle (called by crawler.extensions.RunRecorder) --------------------------

    def begin_run(self) -> None:
        """Open the run row; runs a killed crawl left open are marked aborted."""
        if aborted := self.store.abort_stale_runs(self.source.name):
            log.warning(
                "%s: marked %d unfinished earlier run(s) aborted", self.source.name, aborted
            )
        self.run_id = self.store.start_run(self.source.name, self.batch, self.baseline)
        mode = "baseline" if self.baseline else ("full" if self.full else "incremental")
        log.info("%s: %s crawl, %d notices known", self.source.name, mode, len(self.known))

    def end_run(self, outcome: str, stats: RunStats, message: str | None) -> None:
        """Close the run row and the store."""
        if self.run_id is not None:
            self.store.finish_run(self.run_id, outcome, stats, message)
        self.store.close()

    # -- failures -------------------------------------------------------------------------

    def fail(self, kind: str, url: str, message: str) -> None:
        """Record a failure of this crawl (it makes the run's outcome error or blocked)."""
        log.error("%s: %s error at %s: %s", self.source.name, kind, url, message)
        self.failures.append({"kind": kind, "url": url, "message": message})

    def on_error(self, failure: Failure) -> None:
        """Errback: classify a failed request and record it."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            status = failure.value.response.status
            kind = "blocked" if status in BLOCK_STATUSES else "http"
            self.fail(kind, request.url, f"HTTP {status}")
        elif failure.check(IgnoreRequest):
            self.fail("ignored", request.url, f"request not made: {failure.value}")
        elif failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            self.fail("network", request.url, "timed out")
        elif failure.check(DNSLookupError, CannotResolveHostError):
            self.fail("network", request.url, "DNS lookup failed")
        elif failure.check(*DOWNLOAD_ERRORS):
            self.fail("network", request.url, f"{failure.type.__name__}: {failure.value}")
        else:
            self.fail("network", request.url, f"{failure.type.__name__}: {failure.value}")

    def check_page(self, response: Response) -> None:
        """Raise when a 200 response is really an empty, block or undecodable page."""
        if response.status in (304, *GONE_STATUSES):
            return
        if error := response.meta.get(ENCODING_ERROR_META):
            raise ParseError(error)
        body = response.body.strip()
        if not body:
            raise SourceBlockedError(f"empty {response.status} response")
        if len(body) <= BLOCK_PAGE_MAX_BYTES and BLOCK_PAGE_MARKERS.search(
            body.decode("utf-8", "replace")
        ):
            raise SourceBlockedError("block or challenge page instead of content")

    # -- incremental listing walk ---------------------------------------------------------

    def follow_listing(
        self,
        entries: list[ListedNotice],
        page_no: int,
        next_page: Callable[[int], Request] | None = None,
    ) -> Iterator[Request]:
        """Request the detail pages worth fetching and, when useful, the next listing page."""
        self.crawler.stats.inc_value("dualwatch/pages")
        if page_no == 1:
            self._check_listing_size(entries)
            self.newest_listed = max(
                (e.listed_date for e in entries if e.listed_date), default=None
            )
        wanted = 0
        for entry in entries:
            if not self.on_configured_host(entry.url):
                log.warning("%s: not following off-site link %s", self.source.name, entry.url)
                continue
            known = self.known.get(entry.url)
            if known is None or self.full or self.within_revisit_window(entry, known):
                wanted += 1
                yield self.detail_request(entry, known)
        log.info(
            "%s: listing page %d: %d entries, %d to fetch",
            self.source.name,
            page_no,
            len(entries),
            wanted,
        )
        cap = self.source.baseline_listing_pages if self.baseline else self.source.max_listing_pages
        if next_page and entries and page_no < cap and (wanted or self.full):
            yield next_page(page_no + 1)

    def _check_listing_size(self, entries: list[ListedNotice]) -> None:
        if len(entries) < self.source.min_listing_items:
            raise ParseError(
                f"listing yielded {len(entries)} entries, expected at least "
                f"{self.source.min_listing_items}: the page layout may have changed"
            )

    def within_revisit_window(self, entry: ListedNotice, known: KnownNotice) -> bool:
        """Whether a known notice is recent enough to re-check.

        Recent means within ``revisit_days`` of today or of the newest date on the listing
        (so a quiet site still has its latest notices re-checked).
        """
        listed = entry.listed_date or known.listed_date
        if listed is None:
            return True
        window = timedelta(days=self.source.revisit_days)
        references = [date.today(), *([self.newest_listed] if self.newest_listed else [])]
        return any(listed >= ref - window for ref in references)

    def on_configured_host(self, url: str) -> bool:
        """True when ``url`` is on one of the source's configured hosts."""
        return (urlsplit(url).hostname or "").lower() in self.source.hosts

    def detail_request(self, entry: ListedNotice, known: KnownNotice | None) -> Request:
        """A request for a detail page, conditional when we hold validators for it."""
        headers: dict[str, str] = {}
        if known is not None and known.status == "active":
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return Request(
            entry.url,
            callback=self.parse_detail,
            errback=self.on_error,
            headers=headers,
            cb_kwargs={"entry": entry},
            meta={"handle_httpstatus_list": [304, *GONE_STATUSES]},
        )

    # -- detail pages ---------------------------------------------------------------------

    async def parse_detail(self, response: Response, entry: ListedNotice) -> AsyncIterator[Any]:
        """Turn a detail response into a NoticeItem (with its attachments downloaded),
        NotModifiedItem or GoneItem; record a failure instead when the page is unusable."""
        try:
            self.check_page(response)
            item = self.detail_item(response, entry)
            if isinstance(item, NoticeItem):
                item = NoticeItem(await with_attachment_files(self, item.notice))
        except AttachmentsIncomplete as exc:
            log.warning("%s: not stored this run: attachment %s missing", response.url, exc)
            return
        except SourceBlockedError as exc:
            self.fail("blocked", response.url, str(exc))
            return
        except ParseError as exc:
            self.fail("parse", response.url, str(exc))
            return
        yield item

    def detail_item(self, response: Response, entry: ListedNotice) -> Any:
        """The item a detail response stands for (before attachments are downloaded)."""
        if response.status == 304:
            return NotModifiedItem(self.source.name, entry.url, entry.listed_date)
        if response.status in GONE_STATUSES:
            if entry.url not in self.known:
                raise ParseError(f"listed notice answers HTTP {response.status}")
            return GoneItem(self.source.name, entry.url, response.status)
        return NoticeItem(self.extract_notice(response, entry))

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read one detail page; subclasses implement it and raise ParseError on surprises."""
        raise NotImplementedError

    def validators(self, response: Response) -> dict[str, str | None]:
        """The HTTP validators of a response, for later conditional requests."""
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        return {
            "etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None,
        }
