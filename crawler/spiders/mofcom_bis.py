"""MOFCOM 产业安全与进出口管制局 (aqygzj.mofcom.gov.cn): the Bureau of Industry Security,
Import and Export Control, where the control-list, watch-list and unreliable-entity
announcements are published.

Every crawl reads three listings:

* the **home page** (``listing_url``), server-rendered, about 21 latest links of every column
  (announcements, spokesperson Q&A under ``zhxx``, work news under ``gzdt``); links are the
  ``…/art/YYYY/art_<hex>.html`` anchors on the page's own host;
* the jpaas **columns** named in the ``columns`` option (规章及规范性文件, 清单目录), through
  the same unit API as www.mofcom.gov.cn (``tagId=信息列表``, ``paramJson`` on every page). A
  column whose ``page_id`` is empty has its IDs read from the column page's ``queryData`` on
  each crawl; a configured ``page_id`` that the API refuses is re-read from there once.

When the API fails (``success:false``, not JSON, an HTTP or network error) an incremental run
falls back to the home page's links for that column: the run stays ``ok``, logs a warning and
records the note as the run's message. A baseline cannot fall back (it must see whole columns,
or older notices would later alert as new), so there the failure fails the run. A fragment whose
layout changed, a column page without ``queryData``, a home page without article links, and an
API request that is blocked (403, 429, …) or never made (robots.txt, size cap) are always
failures.

Detail pages share www's structure (``div.art-con``, ``div.art-con-gonggao``), so
:class:`MofcomBisSpider` reuses :meth:`MofcomSpider.extract_notice` and adds ``doc_type``.

Transport: every URL is derived from ``listing_url``, so a deployment whose TLS handshake with
this host fails can set ``listing_url = "http://aqygzj.mofcom.gov.cn/"``. Notices are stored
under their canonical ``https://`` URLs whatever the transport, so switching loses nothing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.items import ListedNotice, NoticeItem
from crawler.spiders.base import BLOCK_STATUSES, guarded
from crawler.spiders.mofcom import API_KEYS, QUERY_DATA, MofcomSpider, parse_listing_fragment
from monitors.dates import find_date
from monitors.docnumber import parse_doc_number
from monitors.errors import ConfigError, ParseError
from monitors.models import FetchedNotice, KnownNotice, RunStats
from monitors.normalize import collapse_whitespace

if TYPE_CHECKING:
    from twisted.python.failure import Failure

log = logging.getLogger("dualwatch.crawl")

API_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
ART_HREF = re.compile(r"/art/\d{4}/art_[a-f0-9]+\.html$")
CANONICAL_SCHEME = "https"
#: Doc types without a document number, by the column path of the detail URL.
COLUMN_DOC_TYPES = (("zhxx", "qa"), ("qdml", "list"), ("flzc", "regulation"), ("gzdt", "news"))
#: Doc types whose text states no effective date of their own (a Q&A quotes the notice's).
NO_EFFECTIVE_DATE = frozenset({"qa", "news"})


@dataclass(frozen=True)
class Column:
    """A jpaas column from the ``columns`` option; ``page_id`` empty = read it from the page."""

    name: str
    path: str
    page_id: str


@dataclass(frozen=True)
class Walk:
    """One column's listing walk: its unit parameters and the newest date of its page 1."""

    column: Column
    params: Mapping[str, str]
    discovered: bool = False
    newest: date | None = None


class MofcomBisSpider(MofcomSpider):
    """Announcements, Q&A and news of MOFCOM's export-control bureau (aqygzj.mofcom.gov.cn)."""

    name = "mofcom-bis"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []

    async def start(self) -> Any:
        """Read the home page and the first page of every configured column."""
        yield Request(self.source.listing_url, callback=self.parse_home, errback=self.on_error)
        for column in self.columns():
            if column.page_id:
                params = self.unit_params({"pageId": column.page_id})
                yield self.unit_request(Walk(column, params), 1)
            else:
                yield self.column_page_request(column)

    # -- configuration ------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        """The ``columns`` option as :class:`Column` objects; ConfigError when malformed."""
        raw = self.source.option("columns")
        try:
            return [Column(str(c["name"]), str(c["path"]), str(c.get("page_id", ""))) for c in raw]
        except (KeyError, TypeError) as exc:
            raise ConfigError(
                f"source {self.source.name!r}: each of 'columns' needs a name and a path"
            ) from exc

    def base_url(self) -> str:
        """Scheme and host of ``listing_url``: every request URL is built on it."""
        parts = urlsplit(self.source.listing_url)
        return f"{parts.scheme}://{parts.netloc}"

    def unit_params(self, found: Mapping[str, str]) -> dict[str, str]:
        """The jpaas unit parameters: config values overridden by ``found`` (queryData keys)."""
        params = {
            "parseType": "bulidstatic",
            "webId": self.source.option("web_id"),
            "tplSetId": self.source.option("tpl_set_id"),
            "pageType": "column",
            "tagId": self.source.options.get("tag_id", "信息列表"),
            "editType": "null",
            "pageId": "",
        }
        params.update({k: found[k] for k in API_KEYS if found.get(k)})
        return params

    # -- URLs: canonical https identity, configurable transport ------------------------------

    def canonical(self, url: str) -> str:
        """``url`` with the https scheme when it is on a configured host (the stored identity)."""
        parts = urlsplit(url)
        if parts.scheme == CANONICAL_SCHEME or not self.on_configured_host(url):
            return url
        return urlunsplit((CANONICAL_SCHEME, *parts[1:]))

    def transport(self, url: str) -> str:
        """``url`` with the scheme of ``listing_url`` (http when HTTPS is unusable)."""
        parts = urlsplit(url)
        scheme = urlsplit(self.source.listing_url).scheme
        if parts.scheme == scheme or not self.on_configured_host(url):
            return url
        return urlunsplit((scheme, *parts[1:]))

    def detail_request(self, entry: ListedNotice, known: KnownNotice | None) -> Request:
        """The base request for ``entry``, sent over the configured transport."""
        request = super().detail_request(entry, known)
        return request.replace(url=self.transport(entry.url))

    # -- home page ----------------------------------------------------------------------------

    @guarded("layout")
    def parse_home(self, response: Response) -> Iterator[Request]:
        """Follow the home page's article links (new ones, and recent known ones)."""
        entries = [
            dataclasses.replace(e, url=self.canonical(e.url))
            for e in parse_home_page(response, self.source.hosts)
        ]
        yield from self.follow(entries, 1, None, None)

    # -- jpaas columns ------------------------------------------------------------------------

    def column_page_request(self, column: Column, refused: Walk | None = None) -> Request:
        """The column page, read for its ``queryData`` (``refused``: the walk the API refused)."""
        return Request(
            urljoin(self.base_url(), column.path),
            callback=self.discover_column,
            errback=self.on_error,
            cb_kwargs={"column": column, "refused": refused},
        )

    def unit_request(self, walk: Walk, page_no: int) -> Request:
        """The unit API request for page ``page_no`` of ``walk``'s column."""
        page_size = int(self.source.options.get("page_size", 15))
        paging = json.dumps({"pageNo": page_no, "pageSize": page_size}, separators=(",", ":"))
        api_url = urljoin(self.base_url(), self.source.options.get("api_path", API_PATH))
        return Request(
            f"{api_url}?{urlencode({**walk.params, 'paramJson': paging})}",
            callback=self.parse_column,
            errback=self.on_unit_error,
            headers={
                "Accept": "application/json, text/javascript, */*; q=0.01",
                "X-Requested-With": "XMLHttpRequest",
                "Referer": urljoin(self.base_url(), walk.column.path),
            },
            cb_kwargs={"walk": walk, "page_no": page_no},
        )

    @guarded("layout")
    def discover_column(
        self, response: Response, column: Column, refused: Walk | None
    ) -> Iterator[Request]:
        """Read the unit IDs from the column page's ``queryData`` and start the column walk."""
        params = self.unit_params(read_query_data(response.text))
        if refused is not None and params == dict(refused.params):
            self.fall_back(column, "it refused the IDs the column page names", response.url)
            return
        if refused is not None:
            log.warning("%s: %s: unit IDs in config are stale", self.source.name, column.name)
        yield self.unit_request(Walk(column, params, discovered=True), 1)

    @guarded("layout")
    def parse_column(self, response: Response, walk: Walk, page_no: int) -> Iterator[Request]:
        """Parse one unit API page and follow details (and the next page) incrementally."""
        payload = unit_payload(response.text)
        if isinstance(payload, Refusal):
            if page_no == 1 and not walk.discovered:
                yield self.column_page_request(walk.column, refused=walk)
            else:
                self.fall_back(walk.column, payload.reason, response.url)
            return
        entries = [
            dataclasses.replace(e, url=self.canonical(e.url))
            for e in parse_listing_fragment(payload, response.url)
        ]

        def next_page(number: int) -> Request:
            return self.unit_request(dataclasses.replace(walk, newest=self.newest_listed), number)

        yield from self.follow(entries, page_no, walk.newest, next_page)

    def on_unit_error(self, failure: Failure) -> None:
        """Errback of API requests: HTTP and network errors fall back to the home page.

        A block status (403, 429, …) and a request never made (robots.txt, size cap) fail the
        run instead: they will not go away by themselves.
        """
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):  # before IgnoreRequest, its base class
            status = failure.value.response.status
            if status in BLOCK_STATUSES:
                self.on_error(failure)
                return
            reason = f"HTTP {status}"
        elif failure.check(IgnoreRequest):
            self.on_error(failure)
            return
        else:
            reason = f"{failure.type.__name__}: {failure.value}"
        self.fall_back(request.cb_kwargs["walk"].column, reason, request.url)

    def fall_back(self, column: Column, reason: str, url: str) -> None:
        """Note that ``column`` is covered by the home page this run (a failure in a baseline)."""
        problem = f"{column.name}: listing API failed ({reason})"
        if self.baseline:
            self.fail("listing", url, f"{problem}; a baseline needs the whole column")
            return
        note = f"{problem}; fell back to the home page's latest links"
        log.warning("%s: %s", self.source.name, note)
        self.notes.append(note)

    def follow(
        self,
        entries: list[ListedNotice],
        page_no: int,
        newest: date | None,
        next_page: Callable[[int], Request] | None,
    ) -> list[Request]:
        """:meth:`follow_listing` with the revisit reference of this listing, computed at once.

        Several listings are walked concurrently; each page is evaluated in one step against
        its own listing's newest date (page 1 sets it, later pages carry it).
        """
        if page_no > 1:
            self.newest_listed = newest
        return list(self.follow_listing(entries, page_no, next_page))

    # -- detail pages and run bookkeeping ---------------------------------------------------

    async def parse_detail(self, response: Response, entry: ListedNotice) -> AsyncIterator[Any]:
        """The base handling; then the attachments get their canonical URLs too.

        Attachments are downloaded over the transport URL first (the store keeps their
        validators under it); only the notice's attachment list is canonical.
        """
        async for item in super().parse_detail(response, entry):
            if isinstance(item, NoticeItem):
                notice = item.notice
                attachments = tuple(
                    dataclasses.replace(a, url=self.canonical(a.url)) for a in notice.attachments
                )
                item = NoticeItem(dataclasses.replace(notice, attachments=attachments))
            yield item

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """www's detail extraction, under the canonical URL, with ``doc_type``."""
        notice = super().extract_notice(response, entry)
        kind = doc_type(entry.url, notice.title, notice.doc_number)
        metadata = {**notice.metadata, "doc_type": kind}
        if kind in NO_EFFECTIVE_DATE:
            metadata["effective"] = None
        return dataclasses.replace(notice, url=entry.url, metadata=metadata)

    def end_run(self, outcome: str, stats: RunStats, message: str | None) -> None:
        """Close the run; an ``ok`` run that fell back carries the notes as its message."""
        if outcome == "ok" and message is None and self.notes:
            message = "; ".join(self.notes)
        super().end_run(outcome, stats, message)


@dataclass(frozen=True)
class Refusal:
    """The unit API answered, but without a listing (the reason is logged and noted)."""

    reason: str


def unit_payload(text: str) -> str | Refusal:
    """The HTML fragment of a unit API answer, or a :class:`Refusal` when the API failed.

    ``success:false``, a body that is not JSON or not a JSON object are refusals (the API is
    down or refuses the IDs); ``success:true`` without ``data.html`` is a changed API and
    raises ParseError.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return Refusal("the answer is not JSON")
    if not isinstance(data, dict):
        return Refusal("the answer is not a JSON object")
    if not data.get("success"):
        return Refusal(f"success:false, {data.get('message')!r}")
    html = (data.get("data") or {}).get("html")
    if not isinstance(html, str):
        raise ParseError("listing API response has no data.html fragment")
    return html


def read_query_data(page: str) -> dict[str, str]:
    """The unit IDs in a column page's ``queryData`` attribute; ParseError when absent."""
    match = QUERY_DATA.search(page)
    if not match:
        raise ParseError("the column page has no queryData: cannot find its listing IDs")
    try:
        found = json.loads(match.group(1).replace("'", '"'))
    except json.JSONDecodeError as exc:
        raise ParseError(f"queryData is not readable: {exc}") from None
    missing = [k for k in API_KEYS if not found.get(k)]
    if missing:
        raise ParseError(f"queryData lacks {', '.join(missing)}")
    return {k: str(found[k]) for k in API_KEYS}


def parse_home_page(response: Response, hosts: tuple[str, ...]) -> list[ListedNotice]:
    """The article links of the home page on ``hosts``; ParseError when there are none.

    A link's title is its ``title`` attribute (else its text), its date the first date in the
    text around it in its parent (the ``<span>`` after it). A URL linked twice (a focus
    picture and a list entry) keeps the entry with a date and a title.
    """
    found: dict[str, ListedNotice] = {}
    for link in response.css("a[href]"):
        href = link.attrib["href"].strip()
        if not ART_HREF.search(href.split("?")[0].split("#")[0]):
            continue
        url = urljoin(response.url, href)
        if (urlsplit(url).hostname or "").lower() not in hosts:
            continue
        title = link.attrib.get("title") or "".join(link.css("::text").getall())
        around = link.xpath("../text() | ../*[not(self::a)]/descendant-or-self::text()")
        entry = ListedNotice(url, collapse_whitespace(title), find_date(" ".join(around.getall())))
        previous = found.get(url)
        if previous is None or _richer(entry, previous):
            found[url] = entry
    if not found:
        raise ParseError("home page has no …/art/YYYY/art_<hex>.html links: the layout changed")
    return list(found.values())


def _richer(entry: ListedNotice, other: ListedNotice) -> bool:
    return (entry.listed_date is not None, bool(entry.title)) > (
        other.listed_date is not None,
        bool(other.title),
    )


def doc_type(url: str, title: str, doc_number: str | None) -> str:
    """``qa``, ``order``, ``announcement``, ``list``, ``regulation`` or ``news``.

    Q&A by column or title; numbered documents by their kind (公告/令); an unnumbered 公告
    (不可靠实体清单工作机制…的公告) is an announcement; the rest by the URL's column.
    """
    path = urlsplit(url).path.strip("/")
    if path.startswith("zhxx/") or "答记者问" in title:
        return "qa"
    number = parse_doc_number(doc_number) if doc_number else None
    if number is not None:
        return "order" if number.kind == "令" else "announcement"
    if title.endswith("公告"):
        return "announcement"
    for column, kind in COLUMN_DOC_TYPES:
        if path.startswith(f"{column}/"):
            return kind
    return "news"
