"""MOFCOM 产业安全与进出口管制局 (aqygzj.mofcom.gov.cn): the Bureau of Industry Security,
Import and Export Control, where the control-list, watch-list and unreliable-entity
announcements are published.

Every crawl reads three listings:

* the **home page** (``listing_url``), server-rendered, about 21 latest links of every column
  (announcements, spokesperson Q&A under ``zhxx``, work news under ``gzdt``); links are the
  ``…/art/YYYY/art_<hex>.html`` anchors on the page's own host;
* the jpaas **columns** named in the ``columns`` option (规章及规范性文件, 清单目录), through
  the same unit API as www.mofcom.gov.cn (``tagId=信息列表``, ``paramJson`` on every page). The
  IDs heal themselves (:mod:`crawler.sites.jpaas`): a column starts with the IDs that worked last
  run, else the configured ones (a column whose ``page_id`` is empty starts by reading its
  column page's ``queryData``); IDs the API refuses are read again from the column page once.

When a column still cannot be listed (the API refuses the column page's IDs too, answers 5xx
after the retries, is unreachable, or the column page has no usable ``queryData``), the home
page's latest links still cover its newest items, but the run records a ``listing`` failure
for the column (it is not ``ok``; a column in its baseline says it needs the whole column). A
fragment whose layout changed, a home page without article links, and an API request that is
blocked (403, 429, …) or never made (robots.txt, size cap) are failures too.

Detail pages share www's structure (``div.art-con``, ``div.art-con-gonggao``), so
:class:`MofcomBisSpider` reuses :meth:`MofcomArticleSpider.extract_notice` and adds ``doc_type``.

Transport: every URL is derived from ``listing_url``, so a deployment whose TLS handshake with
this host fails can set ``listing_url = "http://aqygzj.mofcom.gov.cn/"``. Notices are stored
under their canonical ``https://`` URLs whatever the transport, so switching loses nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.accounting import ROLE_META, SECTION_META
from crawler.items import ListedNotice, NoticeItem
from crawler.sites.base import BLOCK_STATUSES, error_name, guarded
from crawler.sites.jpaas import API_KEYS, API_PATH, Unit
from crawler.sites.mofcom import MofcomArticleSpider, parse_listing_fragment
from monitors.core.errors import ConfigError, ParseError
from monitors.storage.models import FetchedNotice, KnownNotice
from monitors.text.dates import find_date
from monitors.text.docnumber import parse_doc_number
from monitors.text.normalize import collapse_whitespace

if TYPE_CHECKING:
    from twisted.python.failure import Failure

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


class MofcomBisSpider(MofcomArticleSpider):
    """Announcements, Q&A and news of MOFCOM's export-control bureau (aqygzj.mofcom.gov.cn)."""

    name = "mofcom-bis"
    default_tag_id = "信息列表"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    async def start(self) -> Any:
        """Read the home page and the first page of every configured column."""
        yield Request(
            self.source.listing_url,
            callback=self.parse_home,
            errback=self.on_error,
            meta={SECTION_META: self.home_section(), ROLE_META: "listing"},
        )
        for column in self.columns():
            yield self.start_unit(self.column_unit(column))

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

    def home_section(self) -> str:
        """The home page's listing section (its path)."""
        return urlsplit(self.source.listing_url).path or "/"

    def column_unit(self, column: Column | None = None) -> Unit:
        """``column`` with its stored IDs, else the configured ones (section: its path).

        ``column`` is optional only to keep the base class's signature: ``listing_url`` is the
        home page here, not a column, so there is no default column to fall back on.
        """
        if column is None:
            raise ValueError(f"{self.name}: column_unit needs a column (listing_url is no column)")
        params = self.unit_params({"pageId": column.page_id})
        hint = {key: params[key] for key in API_KEYS}
        return self.unit(column.path, column.name, urljoin(self.base_url(), column.path), hint)

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
        # The home page's boxes are not one dated sequence: no withdrawal is inferred from it.
        yield from self.follow(entries, 1, None, None, section=self.home_section(), ordered=False)

    # -- jpaas columns ------------------------------------------------------------------------

    def unit_request(
        self, unit: Unit, page_no: int, newest: date | None = None, **context: Any
    ) -> Request:
        """The unit API request for page ``page_no`` of ``unit`` (``paramJson`` on every page;
        ``newest``: the newest date of the column's page 1, for later pages)."""
        page_size = int(self.source.options.get("page_size", 15))
        paging = json.dumps({"pageNo": page_no, "pageSize": page_size}, separators=(",", ":"))
        api_url = urljoin(self.base_url(), self.source.options.get("api_path", API_PATH))
        params = {**self.unit_params({}), **unit.ids, "paramJson": paging}
        return self.api_request(
            f"{api_url}?{urlencode(params)}", unit, page_no, referer=unit.page_url, newest=newest
        )

    def follow_unit(
        self,
        response: Response,
        unit: Unit,
        page_no: int,
        fragment: str,
        newest: date | None = None,
        **context: Any,
    ) -> Iterator[Request]:
        """Follow details (and the next page) of one unit API page incrementally."""
        entries = [
            dataclasses.replace(e, url=self.canonical(e.url))
            for e in parse_listing_fragment(fragment, response.url)
        ]

        def next_page(number: int) -> Request:
            return self.unit_request(unit, number, newest=self.newest_listed)

        yield from self.follow(entries, page_no, newest, next_page, section=unit.section)

    def unit_failed(self, unit: Unit, message: str, url: str, page_no: int = 1) -> Iterator[Any]:
        """The column cannot be listed: the home page covers its newest items, but it fails."""
        self.fall_back(unit, message, url)
        return iter(())

    def on_api_error(self, failure: Failure) -> None:
        """Errback of API requests: a network or HTTP error is the column's listing failure.

        A block status (403, 429, …) and a request never made (robots.txt, size cap) are
        recorded as such (they will not go away by themselves).
        """
        request = failure.request  # type: ignore[attr-defined]
        if isinstance(failure.value, HttpError):  # before IgnoreRequest, its base class
            status = failure.value.response.status
            if status in BLOCK_STATUSES:
                self.on_error(failure)
                return
            reason = f"HTTP {status}"
        elif failure.check(IgnoreRequest):
            self.on_error(failure)
            return
        else:
            reason = f"{error_name(failure)}: {failure.value}"
        self.settle(request)  # handled here, not by on_error
        unit = request.cb_kwargs["unit"]
        self.fall_back(unit, f"the listing API failed ({reason})", request.url)

    def fall_back(self, unit: Unit, message: str, url: str) -> None:
        """Record that ``unit``'s column could not be listed this run (a ``listing`` failure);
        the home page's latest links still cover its newest items."""
        problem = f"{unit.name}: {message}"
        if self.column_baseline(unit.section):
            note = f"{problem}; a baseline needs the whole column"
        else:
            note = f"{problem}; fell back to the home page's latest links"
        self.fail("listing", url, note, meta=unit.meta)

    def column_baseline(self, section: str) -> bool:
        """Whether ``section`` has never been read completely (its baseline is pending)."""
        established = getattr(self, "established", None)
        return self.baseline if established is None else section not in established

    def follow(
        self,
        entries: list[ListedNotice],
        page_no: int,
        newest: date | None,
        next_page: Callable[[int], Request] | None,
        *,
        section: str,
        ordered: bool = True,
    ) -> list[Any]:
        """:meth:`follow_listing` with the revisit reference of this listing, computed at once.

        Several listings are walked concurrently; each page is evaluated in one step against
        its own listing's newest date (page 1 sets it, later pages carry it). A notice listed
        both on the home page and in its column is requested once (the base class sees to it).
        """
        if page_no > 1:
            self.newest_listed = newest
        return list(
            self.follow_listing(entries, page_no, next_page, section=section, ordered=ordered)
        )

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
