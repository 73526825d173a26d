"""What every dualwatch spider shares: configuration, the store, incremental listing walks,
conditional re-checks, and loud failure bookkeeping.

A source spider only builds its listing requests, turns a listing page into
:class:`~crawler.items.ListedNotice` entries, and turns a detail page into a
:class:`~monitors.storage.models.FetchedNotice`.
"""

from __future__ import annotations

import copy
import logging
import math
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import date, timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.accounting import FAILED_PREFIX, ROLE_META, SECTION_META, Accounts
from crawler.attachments import DOWNLOAD_ERRORS, file_notice, with_attachment_files
from crawler.context import apply_crawl_settings, config_from_settings
from crawler.items import GoneItem, ListedNotice, NoticeItem, NotModifiedItem
from crawler.middlewares import ENCODING_ERROR_META
from crawler.pagecheck import check_body
from monitors.changes import detect, reverify
from monitors.core.errors import ConfigError, ParseError, SourceBlockedError
from monitors.storage.models import Attachment, FetchedNotice, KnownNotice, RunStats
from monitors.storage.store import Store
from monitors.text.normalize import html_to_text, normalize_text

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

    from monitors.core.config import Config

log = logging.getLogger("dualwatch.crawl")

BLOCK_STATUSES = frozenset({401, 403, 407, 412, 429, 451})
GONE_STATUSES = (404, 410)
ENTRY_META = "dualwatch_entry"
DELISTING_META = "dualwatch_delisting_check"
#: Outcomes of a fetch that mean the page is still served.
SERVED_OUTCOMES = frozenset({"unchanged", "not_modified", "modified", "reverted"})
REVERIFY_META = "dualwatch_reverify"
ATTACHMENT_HREF = re.compile(r"\.(pdf|docx?|xlsx?|zip|rar|wps|et)$", re.IGNORECASE)
#: What an off-host page's main content is most likely in (first match wins).
OFFSITE_BODY = ("main", "article", "div#contents", "div#content", "div.content", "body")
OFFSITE_NOISE = "script, style, nav, header, footer, noscript, iframe, form"


class Validators(TypedDict):
    """The HTTP validators of a detail page, as :class:`FetchedNotice` keyword arguments."""

    etag: str | None
    last_modified: str | None


class EntryFiltered(Exception):
    """Raised by ``extract_notice``: the page is deliberately not a notice (the reason).

    The entry is recorded as filtered (persisted, so it is never fetched again) and counts
    as accounted for.
    """


def error_name(failure: Failure) -> str:
    """The class name of a failure's exception (``DNSLookupError``, ``HttpError``…)."""
    return failure.type.__name__ if failure.type is not None else type(failure.value).__name__


def is_file_url(url: str) -> bool:
    """True when ``url`` names a document file (PDF, Word, Excel, archive), not a page."""
    return bool(ATTACHMENT_HREF.search(urlsplit(url).path))


def strip_noise(node: Selector, noise_css: str) -> Selector:
    """A copy of ``node`` without the elements matching ``noise_css`` (widgets, scripts).

    The copy is made from the parsed tree (``node`` is not parsed again, nor modified).
    """
    root = copy.deepcopy(node.root)
    root.tail = None  # deepcopy copies the tail; the node's markup never includes it
    page = root.makeelement("html", {})  # html > body > node, as a parse of its markup gives
    body = root.makeelement("body", {})
    page.append(body)
    body.append(root)
    fragment = Selector(root=page, type="html")
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
        name = normalize_text("".join(link.root.itertext())) or url.rsplit("/", 1)[-1]
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
                self.fail("blocked", response.url, str(exc), meta=response.meta)
            except ParseError as exc:
                self.fail(kind, response.url, str(exc), meta=response.meta)

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
        self.accounts = Accounts()
        self.gone: list[GoneItem] = []
        self.delisting: set[str] = set()  # notices checked because their listing dropped them

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
        self.allowed_domains += [h for h in self.source.follow_hosts if h not in self.source.hosts]
        self.established: set[str] = self.store.established_sections(self.source.name)
        self.baseline = not self.established
        self.known: dict[str, KnownNotice] = self.store.known_notices(self.source.name)
        self.prior_entries = self.store.listing_entries(self.source.name)

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
        """Close the run row (establishing the sections read completely) and the store."""
        try:
            if self.run_id is not None:
                if outcome not in ("aborted", "blocked"):
                    complete = self.accounts.sections_read - self.accounts.sections_failed
                    self.store.establish_sections(self.source.name, complete, self.run_id)
                self.store.finish_run(self.run_id, outcome, stats, message)
        finally:
            self.store.close()

    def section_of(self, url: str) -> str:
        """The listing section an entry was (first) listed in; the source's name otherwise."""
        prior = self.prior_entries.get(url)
        return self.accounts.listed.get(url) or (prior["section"] if prior else self.source.name)

    def entry_baseline(self, url: str) -> bool:
        """Whether a notice first stored now belongs to a baseline (recorded, not news).

        True when the entry was first listed while its section had not yet been read
        completely once; a section's baseline never depends on the source's other pages.
        """
        prior = self.prior_entries.get(url)
        if prior is not None:
            return bool(prior["baseline"])
        return self.section_of(url) not in self.established

    # -- failures -------------------------------------------------------------------------

    def fail(
        self,
        kind: str,
        url: str,
        message: str,
        *,
        meta: dict[str, Any] | None = None,
        entry_url: str | None = None,
    ) -> None:
        """Record a failure of this crawl (the run is then not ``ok``).

        ``meta`` (the request's) tells whether a listing page or an entry failed; a failed
        entry is accounted for with this failure, a failed listing page keeps its section
        from being established.
        """
        meta = meta or {}
        entry_url = entry_url or _entry_url(meta)
        role = "entry" if entry_url or url in self.accounts.listed else meta.get(ROLE_META, "other")
        log.error("%s: %s error at %s: %s", self.source.name, kind, url, message)
        self.failures.append({"kind": kind, "url": url, "message": message, "role": role})
        if entry_url or url in self.accounts.listed:
            self.accounts.account(entry_url or url, f"{FAILED_PREFIX}{kind}")
        if role == "listing" and (section := meta.get(SECTION_META)):
            self.accounts.sections_failed.add(section)

    def settle(self, request: Request) -> None:
        """Mark a request as answered (for errbacks that handle a failure themselves)."""
        self.accounts.settle(request.meta)

    def on_error(self, failure: Failure) -> None:
        """Errback: classify a failed request and record it."""
        request = failure.request  # type: ignore[attr-defined]
        self.settle(request)
        kind, message = self.classify_failure(failure)
        self.fail(kind, request.url, message, meta=request.meta)

    @staticmethod
    def classify_failure(failure: Failure) -> tuple[str, str]:
        """The failure kind and a one-line message for a failed request."""
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            return ("blocked" if status in BLOCK_STATUSES else "http"), f"HTTP {status}"
        if failure.check(IgnoreRequest):
            return "ignored", f"request not made: {failure.value}"
        if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            return "network", "timed out"
        if failure.check(DNSLookupError, CannotResolveHostError):
            return "network", "DNS lookup failed"
        text = str(failure.value) or "(no detail)"
        if failure.check(*DOWNLOAD_ERRORS):
            return "network", f"{error_name(failure)}: {text}"
        return "exception", f"{error_name(failure)}: {text}"

    def check_page(self, response: Response) -> None:
        """Raise when a 200 response is really an empty, block, challenge or undecodable page."""
        check_body(
            response.body,
            response.text if isinstance(response, TextResponse) else None,
            response.status,
            response.meta.get(ENCODING_ERROR_META),
        )

    # -- incremental listing walk ---------------------------------------------------------

    def follow_listing(
        self,
        entries: list[ListedNotice],
        page_no: int,
        next_page: Callable[[int], Request] | None = None,
        *,
        section: str | None = None,
        ordered: bool = True,
        by_number: bool = True,
    ) -> Iterator[Any]:
        """Account for every entry of a listing page; request those worth fetching and, when
        useful, the next listing page.

        ``section`` names the listing walk (a column, an index): its first complete read is
        its baseline. ``ordered``: the listing shows everything newest first (a notice
        dated within the range read must be on it — withdrawals are inferred from that);
        False for composite pages such as a home page's boxes. ``by_number``: ``next_page(n)``
        requests page ``n`` itself (not just "the next one"), so re-verification can visit
        deep pages in turn. Unknown entries beyond
        ``max_new_per_run`` are left for the next run (the run is then ``partial``); entries
        on other hosts are recorded from the listing (or fetched once when their host is in
        ``follow_hosts``).
        """
        section = section or self.source.name
        self.crawler.stats.inc_value("dualwatch/pages")
        if page_no == 1:
            self._check_listing_size(entries)
            self.newest_listed = max(
                (e.listed_date for e in entries if e.listed_date), default=None
            )
            if ordered and by_number and next_page and entries:
                self.accounts.page_makers[section] = (next_page, len(entries))
        self._remember_entries(entries, section)
        in_baseline = section not in self.established
        wanted = 0
        for entry in entries:
            self.accounts.list_entry(entry.url, section)
            if ordered and entry.listed_date:
                pages = self.accounts.section_dates.setdefault(section, {})
                pages.setdefault(page_no, []).append(entry.listed_date)
            for item in self._follow_entry(entry, in_baseline):
                wanted += 1
                yield item
        log.info(
            "%s: listing page %d (%s): %d entries, %d to fetch",
            self.source.name,
            page_no,
            section,
            len(entries),
            wanted,
        )
        if page_no == 1:
            self.accounts.sections_read.add(section)
        if page_no in self.accounts.deep.get(section, ()):
            yield from self._after_deep_page(section, page_no, entries)
            return
        cap = self.source.baseline_listing_pages if in_baseline else self.source.max_listing_pages
        if next_page and entries and page_no < cap and (wanted or self.full):
            request = next_page(page_no + 1)
            request.meta.setdefault(SECTION_META, section)
            request.meta.setdefault(ROLE_META, "listing")
            yield request

    def _follow_entry(self, entry: ListedNotice, in_baseline: bool) -> Iterator[Any]:
        """The request or item one listing entry needs (nothing when it is not due)."""
        if entry.url in self.accounts.requested:
            return  # listed twice (two listings of one site): the first request answers it
        prior = self.prior_entries.get(entry.url)
        if prior is not None and prior["status"] == "filtered":
            self.accounts.account(entry.url, f"filtered: {prior['reason']}")
            return
        known = self.known.get(entry.url)
        if known is None and not in_baseline and not self._within_new_budget(entry):
            return
        if not self.on_configured_host(entry.url):
            yield from self._follow_offsite(entry, known)
            return
        if known is not None and not (
            self.full
            or known.needs_recheck
            or known.status != "active"  # removed or delisted, and listed: back?
            or self.within_revisit_window(entry, known)
        ):
            self.accounts.account(entry.url, "skipped: known, not due")
            return
        yield self.detail_request(entry, known)

    def detail_request(self, entry: ListedNotice, known: KnownNotice | None) -> Request:
        """A request for a detail page, conditional when we hold validators for it."""
        self.accounts.requested.add(entry.url)
        self.accounts.known_checked += known is not None
        return self.build_detail_request(entry, known)

    # -- after the listings: withdrawal checks and re-verification ---------------------------

    def after_listings(self) -> list[Request]:
        """Requests to make once every listing page is read (called once, when the crawl
        first runs out of work): notices missing from their listing, then the stored
        notices whose turn it is to be re-checked."""
        if not self.accounts.sections_read or any(
            f["kind"] in ("blocked", "layout", "listing", "dropped") and f["role"] != "entry"
            for f in self.failures
        ):
            return []  # the listings were not read: nothing can be inferred, nothing added
        requests = list(self._withdrawal_checks(self.missing()))
        requests += [self._check_request(k, REVERIFY_META) for k in self.reverify_due()]
        return requests + self.deep_pages()

    def after_deep_pages(self) -> list[Request]:
        """Withdrawal checks for the date ranges the deep listing pages added."""
        if not self.accounts.deep:
            return []
        return list(self._withdrawal_checks(self.missing()))

    def _withdrawal_checks(self, missing: list[KnownNotice]) -> Iterator[Request]:
        """Check notices gone from their listing at once (those known only from a listing
        entry are marked delisted: that is all there is to know)."""
        for known in missing:
            if known.url in self.delisting:
                continue  # already being checked
            if known.url in self.accounts.requested:  # re-verified this crawl: answered?
                if self.accounts.outcomes.get(known.url) in SERVED_OUTCOMES:
                    self._record_delisted(known.url)
                continue  # 404/410 (settled as a removal) or failed: nothing to add
            if self._fetchable(known.url):
                yield self._check_request(known, DELISTING_META)
            else:  # known only from its listing entry: gone from the listing is all we know
                self._record_delisted(known.url)

    def _record_delisted(self, url: str) -> None:
        outcome = detect.record_delisted(self.store, self.source.name, url, run_id=self.run_id)
        self.accounts.account(url, outcome.kind)
        log.info("%s: %s %s", self.source.name, outcome.kind, url)

    def missing(self) -> list[KnownNotice]:
        """Active notices absent from the part of their listing section this crawl read.

        Only sections read completely, established before this crawl, are compared, and only
        notices dated after the oldest date read there (older ones may sit on pages not read).
        Many missing at once is a listing change, not withdrawals: recorded as a failure.
        """
        if self.accounts.sections_failed:
            return []
        missing: list[KnownNotice] = []
        for section in sorted(self.accounts.sections_read & self.established):
            pages = self.accounts.section_dates.get(section, {})
            for run in _consecutive(sorted(pages)):
                dates = [d for n in run for d in pages[n]]
                if len(dates) < 2 and run[0] != 1:
                    continue
                gone = self.missing_between(
                    section, min(dates), None if run[0] == 1 else max(dates)
                )
                if gone is None:
                    return []
                missing += [k for k in gone if k not in missing]
        return missing

    def missing_between(
        self, section: str, after: date, before: date | None
    ) -> list[KnownNotice] | None:
        """Active notices of ``section`` dated strictly between ``after`` and ``before`` (no
        upper bound when None) that this crawl's listings did not show; None (and a
        recorded failure) when so many are missing that the listing itself changed."""
        in_range = [
            known
            for known in self.known.values()
            if known.section == section
            and known.status == "active"
            and known.listed_date is not None
            and known.listed_date > after
            and (before is None or known.listed_date < before)
        ]
        gone = [k for k in in_range if k.url not in self.accounts.listed]
        if self._mass_unlisting(section, len(gone), len(in_range)):
            return None
        return gone

    def deep_pages(self) -> list[Request]:
        """Listing pages beyond those this crawl read, visited in turn over the re-verify
        period (a notice unlisted deep in its listing is found within the period too)."""
        if self.accounts.sections_failed:
            return []
        requests = []
        for section, (make_page, page_size) in sorted(self.accounts.page_makers.items()):
            if section not in self.established:
                continue
            listed = sum(1 for k in self.known.values() if k.section == section)
            last = math.ceil(listed / max(page_size, 1))
            if last < 2:
                continue
            # Consecutive pages, each crawl's run overlapping the previous one by a page, so
            # the date boundary between two pages lies inside one run too; a full turn takes
            # one crawl less than the period, so a page is never visited just too late.
            crawls = max(reverify.crawls_per_period(self.source) - 1, 1)
            count = min(math.ceil((last - 1) / crawls) + 1, last - 1)
            cursor = int(self.store.source_state(self.source.name, f"deep:{section}") or 2)
            start = cursor if 2 <= cursor <= last - count + 1 else 2
            read = set(self.accounts.section_dates.get(section, {}))
            chosen = [n for n in range(start, start + count) if n not in read]
            next_start = start + count - 1 if start + count - 1 < last else 2
            self.store.set_source_state(self.source.name, f"deep:{section}", str(next_start))
            for page_no in chosen:
                request = make_page(page_no)
                request.meta.update({SECTION_META: section, ROLE_META: "deep"})
                requests.append(request)
                self.accounts.deep.setdefault(section, set()).add(page_no)
        return requests

    def _after_deep_page(
        self, section: str, page_no: int, entries: list[ListedNotice]
    ) -> Iterator[Any]:
        """A deep listing page read in turn: its entries are accounted for like any other
        (its withdrawal checks follow once every deep page is read: :meth:`after_deep_pages`);
        past the end of the listing, the turn starts over."""
        if not entries:  # past the end: start over from page 2 next time
            self.store.set_source_state(self.source.name, f"deep:{section}", "2")
        return iter(())

    def _mass_unlisting(self, section: str, count: int, in_range: int) -> bool:
        source = self.source
        if count < source.outage_min or count <= source.outage_share * max(in_range, 1):
            return False
        self.fail(
            "listing",
            source.listing_url,
            f"listing section {section} no longer shows {count} of the {in_range} notices it "
            "should: treated as a listing change, nothing marked delisted",
        )
        return True

    def reverify_due(self) -> list[KnownNotice]:
        """Stored notices whose turn it is to be re-checked (:mod:`monitors.changes.reverify`)."""
        watched = [k for k in self.known.values() if k.status in ("active", "delisted")]
        count = reverify.budget(len(watched), self.source)
        rows = self.store.reverify_due(
            self.source.name, count, reverify.overdue_before(self.source), self.accounts.requested
        )
        due = [self.known[r["url"]] for r in rows if r["url"] in self.known]
        return [k for k in due if self._fetchable(k.url)]

    def _fetchable(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return self.on_configured_host(url) or host in self.source.follow_hosts

    def _check_request(self, known: KnownNotice, purpose: str) -> Request:
        """A detail request for a stored notice outside the listing walk."""
        entry = ListedNotice(url=known.url, title=known.title, listed_date=known.listed_date)
        request = self.detail_request(entry, known)
        request.meta[purpose] = True
        if purpose == DELISTING_META:
            self.delisting.add(known.url)
        self.crawler.stats.inc_value(f"dualwatch/{purpose.removeprefix('dualwatch_')}")
        return request

    def _within_new_budget(self, entry: ListedNotice) -> bool:
        """Count an unknown entry against ``max_new_per_run``; False (and accounted) beyond."""
        if self.accounts.new_requested < self.source.max_new_per_run:
            self.accounts.new_requested += 1
            return True
        self.accounts.over_cap += 1
        self.accounts.account(entry.url, f"{FAILED_PREFIX}cap")
        return False

    def _follow_offsite(self, entry: ListedNotice, known: KnownNotice | None) -> Iterator[Any]:
        """An entry on another host: fetched once when its host may be followed, otherwise
        recorded as a notice from what the listing says."""
        host = (urlsplit(entry.url).hostname or "").lower()
        scheme = urlsplit(entry.url).scheme
        if scheme not in ("http", "https"):
            log.warning("%s: ignoring non-web link %s", self.source.name, entry.url)
            self.accounts.account(entry.url, "filtered: not a web link")
            return
        if known is not None and host not in self.source.follow_hosts:
            self.accounts.account(entry.url, "skipped: known, recorded from the listing")
            return
        if host in self.source.follow_hosts:
            if known is None or self.full or self.within_revisit_window(entry, known):
                yield self.detail_request(entry, known)
            else:
                self.accounts.account(entry.url, "skipped: known, not due")
            return
        log.info("%s: %s is on another host: recorded from the listing", self.source.name, host)
        yield NoticeItem(self.listing_notice(entry, host), entry_url=entry.url)

    def listing_notice(self, entry: ListedNotice, host: str) -> FetchedNotice:
        """A notice known only from its listing entry (its page is on a host not followed)."""
        return FetchedNotice(
            source=self.source.name,
            url=entry.url,
            title=entry.title or entry.url,
            text=entry.title or entry.url,
            raw_html=b"",
            published=entry.listed_date,
            listed_date=entry.listed_date,
            metadata={"from_listing": True, "host": host},
        )

    def _remember_entries(self, entries: list[ListedNotice], section: str) -> None:
        """Persist entries seen for the first time, with their baseline status."""
        fresh: list[dict[str, Any]] = [
            {
                "url": e.url,
                "section": section,
                "title": e.title,
                "listed_date": e.listed_date.isoformat() if e.listed_date else None,
                "baseline": section not in self.established,
            }
            for e in entries
            if e.url not in self.known and e.url not in self.prior_entries
        ]
        if fresh:
            self.store.record_listing_entries(self.source.name, fresh, self.run_id)
            for row in fresh:
                self.prior_entries[row["url"]] = {**row, "status": "listed", "reason": None}

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
        """True when ``url`` is an http(s) URL on one of the source's configured hosts."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and (
            (parts.hostname or "").lower() in self.source.hosts
        )

    def build_detail_request(self, entry: ListedNotice, known: KnownNotice | None) -> Request:
        """The detail request itself (conditional when we hold validators for the page)."""
        headers: dict[str, str] = {}
        if known is not None and known.status == "active" and not known.needs_recheck:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        meta: dict[str, Any] = {
            "handle_httpstatus_list": [304, *GONE_STATUSES],
            ROLE_META: "entry",
            ENTRY_META: entry.url,
        }
        if is_file_url(entry.url):
            meta["download_maxsize"] = self.config.crawl.max_attachment_bytes
        return Request(
            entry.url,
            callback=self.parse_detail,
            errback=self.on_error,
            headers=headers,
            cb_kwargs={"entry": entry},
            meta=meta,
        )

    # -- detail pages ---------------------------------------------------------------------

    async def parse_detail(self, response: Response, entry: ListedNotice) -> AsyncIterator[Any]:
        """Turn a detail response into a NoticeItem (with its attachments downloaded),
        NotModifiedItem or GoneItem; record a failure instead when the page is unusable."""
        try:
            self.check_page(response)
            item = self.detail_item(response, entry)
            if isinstance(item, NoticeItem):
                notice = await with_attachment_files(self, item.notice)
                item = NoticeItem(notice, entry_url=entry.url)
        except EntryFiltered as exc:
            self.filter_entry(entry, str(exc))
            return
        except SourceBlockedError as exc:
            self.fail("blocked", response.url, str(exc), entry_url=entry.url)
            return
        except ParseError as exc:
            self.fail("parse", response.url, str(exc), entry_url=entry.url)
            return
        yield item

    def filter_entry(self, entry: ListedNotice, reason: str) -> None:
        """Record that an entry is deliberately not a notice; it is never fetched again."""
        log.info("%s: %s filtered: %s", self.source.name, entry.url, reason)
        self.store.mark_filtered(self.source.name, entry.url, reason)
        self.accounts.account(entry.url, f"filtered: {reason}")

    def detail_item(self, response: Response, entry: ListedNotice) -> Any:
        """The item a detail response stands for (before attachments are downloaded)."""
        if response.status == 304:
            return NotModifiedItem(self.source.name, entry.url, entry.listed_date)
        if response.status in GONE_STATUSES:
            if entry.url not in self.known:
                raise ParseError(f"listed notice answers HTTP {response.status}")
            return GoneItem(self.source.name, entry.url, response.status)
        if is_file_url(entry.url) or not isinstance(response, TextResponse):
            return NoticeItem(file_notice(self, response, entry))
        if not self.on_configured_host(entry.url):
            return NoticeItem(self.extract_offsite(response, entry))
        return NoticeItem(self.extract_notice(response, entry))

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read one detail page; subclasses implement it and raise ParseError on surprises."""
        raise NotImplementedError

    def extract_offsite(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read a page on a ``follow_hosts`` host: its title and main text, nothing further."""
        title = normalize_text(
            response.css("meta[property='og:title']::attr(content)").get()
            or " ".join(response.css("h1 ::text").getall())
            or response.css("title::text").get()
            or ""
        )
        body = next((node for css in OFFSITE_BODY if (node := response.css(css))), None)
        if body is None:
            raise ParseError("page on a followed host has no body")
        text = html_to_text(strip_noise(body[0], OFFSITE_NOISE))
        return FetchedNotice(
            source=self.source.name,
            url=entry.url,
            title=title or entry.title,
            text=text,
            raw_html=response.body,
            published=entry.listed_date,
            listed_date=entry.listed_date,
            metadata={"host": urlsplit(entry.url).hostname, "followed_host": True},
            **self.validators(response),
        )

    def validators(self, response: Response) -> Validators:
        """The HTTP validators of a response, for later conditional requests."""
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        return {
            "etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None,
        }


def _entry_url(meta: dict[str, Any]) -> str | None:
    """The listing entry a request was made for (None for listing pages)."""
    return meta.get(ENTRY_META)


def _consecutive(numbers: list[int]) -> list[list[int]]:
    """Sorted page numbers split into runs of consecutive ones ([1, 2, 5, 6] → [[1, 2], [5, 6]])."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs
