"""MOFCOM's English site (english.mofcom.gov.cn): Announcements & Orders and Press Conference.

How the English column pages render is disputed (one scraper read the press-conference index
as static HTML, another saw a 68-character JavaScript shell), so each configured column is
read by the first of these that works, and the run fails loudly when none does:

1. the jpaas "unit" listing API (as on www), with the IDs that worked last run (stored), else
   the configured ones (placeholders: only a hint; a column without ``page_id`` starts at 2);
2. the same API with the IDs read from the column page's ``queryData`` attribute (they are
   logged and stored for the next run: see :mod:`crawler.sites.jpaas`);
3. the links to ``<column>/art/<YYYY>/art_<hex>.html`` written statically in the column page.

A fragment from the API whose structure changed is a layout error at once (never a reason to
fall back). English document numbers (``MOFCOM and GAC Announcement No. 57, 2025``,
``Order No. 6 of 2025 of the Ministry of Commerce`` ...) are read into the same
:class:`~monitors.text.docnumber.DocNumber` the Chinese pages give, issuers in Chinese, so the
English copy of an announcement carries the Chinese number text and key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from parsel import Selector
from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_first
from crawler.sites.base import collect_attachments, strip_noise
from crawler.sites.jpaas import API_KEYS, JpaasSpider, Unit
from crawler.sites.mofcom import parse_listing_fragment
from monitors.core.config import SourceConfig
from monitors.core.errors import ConfigError
from monitors.storage.models import FetchedNotice
from monitors.text.dates import parse_datetime_cst
from monitors.text.docnumber import DocNumber
from monitors.text.docnumber_en import (
    find_english_effective_date,
    notice_doc_number,
    parse_english_date,
    signature_date,
)
from monitors.text.metadata import lenient
from monitors.text.normalize import collapse_whitespace, html_to_text

__all__ = [
    "Column",
    "MofcomEnSpider",
    "columns_from_options",
    "listing_has_more",
    "pagination",
    "parse_static_links",
]

BODY_NOISE = "script, style, noscript, iframe, .art-fx, .share, .bdsharebuttonbox, .print"
#: The ``doc_type`` values every spider may set.
DOC_TYPES = ("announcement", "order", "qa", "press_release", "statement", "press_conference",
             "news", "regulation", "list")  # fmt: skip
HEADER_FIELD = re.compile(
    r"\[\s*(?P<field>Issuing\s+Unit|Issued\s+by|Issuing\s+Document\s+Number|Document\s+Number|"
    r"Document\s+No\.?|Issuing\s+Date|Date\s+of\s+Issue)\s*\]\s*:?\s*(?P<value>[^\n\[]*)",
    re.IGNORECASE,
)
HEADER_KEYS = {"issuing unit": "issuer", "issued by": "issuer", "issuing date": "date",
               "date of issue": "date"}  # fmt: skip

# -- columns and listings --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One listing of the English site (a ``[[sources.<name>.columns]]`` table)."""

    name: str
    listing_url: str
    page_id: str
    doc_type: str
    numbered: bool

    @property
    def directory(self) -> str:
        """The column's path with a trailing slash (``/News/PressConference/``)."""
        path = urlsplit(self.listing_url).path
        return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def columns_from_options(source: SourceConfig) -> tuple[Column, ...]:
    """The source's ``columns`` option as :class:`Column` objects; ConfigError when invalid."""
    raw = source.option("columns")
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"source {source.name!r}: 'columns' must be a non-empty list of tables")
    return tuple(_column(source, index, table) for index, table in enumerate(raw))


def _column(source: SourceConfig, index: int, table: Any) -> Column:
    where = f"source {source.name!r}: columns[{index}]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table")
    missing = [key for key in ("name", "listing_url") if not table.get(key)]
    if missing:
        raise ConfigError(f"{where} lacks {', '.join(missing)}")
    if (urlsplit(table["listing_url"]).hostname or "").lower() not in source.hosts:
        raise ConfigError(f"{where}: listing_url is not on the source's hosts")
    doc_type = table.get("doc_type", "announcement")
    if doc_type not in DOC_TYPES:
        raise ConfigError(f"{where}: doc_type must be one of {', '.join(DOC_TYPES)}")
    numbered = table.get("numbered", doc_type in ("announcement", "order"))
    page_id = str(table.get("page_id") or "")
    return Column(table["name"], table["listing_url"], page_id, doc_type, bool(numbered))


def pagination(fragment: str) -> tuple[int, int] | None:
    """``(rows, count)`` from a fragment's ``div.pagination`` block, or None when it has none."""
    block = Selector(text=fragment).css("div.pagination")
    if not block:
        return None
    try:
        return int(block[0].attrib["rows"]), int(block[0].attrib["count"])
    except (KeyError, ValueError):
        return None


def listing_has_more(fragment: str, page_no: int) -> bool:
    """False when the fragment's pagination block says page ``page_no`` is the last; True
    when it says otherwise or is missing (the walk then stops at an empty page)."""
    paging = pagination(fragment)
    return paging is None or page_no * paging[0] < paging[1]


def parse_static_links(page: Response | Selector, directory: str) -> list[ListedNotice]:
    """Links to ``<directory>art/<YYYY>/art_<hex>.html`` written in a column page, once each.

    The title is the link's ``title`` attribute (else its text); the date is read from the
    rest of the enclosing ``li`` (else the element after the link), never from the title.
    """
    pattern = re.compile(rf"^{re.escape(directory)}art/\d{{4}}/art_[0-9a-f]{{32}}\.s?html$")
    base = getattr(page, "url", "")
    found: dict[str, ListedNotice] = {}
    for link in page.css("a[href]"):
        url = urljoin(base, link.attrib["href"].strip())
        if not pattern.match(urlsplit(url).path):
            continue
        title = link.attrib.get("title") or "".join(link.css("::text").getall())
        context = link.xpath("ancestor::li[1]")
        around = (
            context[0].xpath("./text() | ./*[not(self::a)]//text()")
            if context
            else link.xpath("following-sibling::*[1]//text()")
        )
        day = parse_english_date(" ".join(around.getall()))
        found.setdefault(url, ListedNotice(url, collapse_whitespace(title), day))
    return list(found.values())


def english_header(page: Response | Selector) -> dict[str, str]:
    """The optional ``[Issuing Unit]`` / ``[Document No.]`` / ``[Issuing Date]`` block."""
    fields: dict[str, str] = {}
    for block in page.css("div.art-con-gonggao"):
        lines = ["".join(node.css("::text").getall()) for node in block.css("p, li, div, td")]
        for match in HEADER_FIELD.finditer("\n".join(lines or block.css("::text").getall())):
            name = " ".join(match["field"].lower().split())
            if value := collapse_whitespace(match["value"]):
                fields.setdefault(HEADER_KEYS.get(name, "doc_no"), value)
    return fields


# -- the spider ------------------------------------------------------------------------------


class MofcomEnSpider(JpaasSpider):
    """Announcements, orders and press conferences on english.mofcom.gov.cn."""

    name = "mofcom-en"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._columns: tuple[Column, ...] | None = None
        self._listed_in: dict[str, Column] = {}

    @property
    def columns(self) -> tuple[Column, ...]:
        """The configured columns (validated on first use)."""
        if self._columns is None:
            self._columns = columns_from_options(self.source)
        return self._columns

    async def start(self) -> Any:
        """Ask the listing API for the first page of every column."""
        for column in self.columns:
            yield self.start_unit(self.column_unit(column))

    def api_params(self, column: Column) -> dict[str, str]:
        """The jpaas unit parameters of ``column`` from config (a hint: the IDs may change)."""
        return {
            "parseType": "bulidstatic",
            "webId": self.source.option("web_id"),
            "tplSetId": self.source.option("tpl_set_id"),
            "pageType": "column",
            "tagId": self.source.options.get("tag_id", "分页列表"),
            "editType": "null",
            "pageId": column.page_id,
        }

    def column_unit(self, column: Column) -> Unit:
        """``column`` with its stored IDs, else the configured ones (section: its path)."""
        params = self.api_params(column)
        section = urlsplit(column.listing_url).path or "/"
        hint = {key: params[key] for key in API_KEYS}
        return self.unit(section, column.name, column.listing_url, hint)

    def column_of(self, unit: Unit) -> Column:
        """The configured column ``unit`` walks."""
        return next(c for c in self.columns if c.name == unit.name)

    def unit_request(
        self, unit: Unit, page_no: int, page_size: int | None = None, **context: Any
    ) -> Request:
        """The API request for listing page ``page_no`` of ``unit``'s column.

        Page 1 goes without paging parameters (as the site's script asks for it); later pages
        ask for ``page_size`` rows, the size page 1 came in, so no entry is skipped.
        """
        column = self.column_of(unit)
        query = {**self.api_params(column), **unit.ids}
        if page_no > 1:
            size = page_size or int(self.source.options.get("page_size", 15))
            query["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": size})
        url = f"{self.source.option('api_url')}?{urlencode(query)}"
        return self.api_request(url, unit, page_no, referer=column.listing_url)

    def follow_unit(
        self, response: Response, unit: Unit, page_no: int, fragment: str, **context: Any
    ) -> Iterator[Request]:
        """Follow one API page (and ask for the next in the size this one came in)."""
        column = self.column_of(unit)
        entries = parse_listing_fragment(fragment, response.url)
        paging = pagination(fragment)
        size = paging[0] if paging else None

        def next_page(number: int) -> Request:
            return self.unit_request(unit, number, page_size=size)

        more = listing_has_more(fragment, page_no)
        yield from self._follow(column, entries, page_no, next_page if more else None, unit)

    def static_links(self, unit: Unit, response: Response) -> tuple[ListedNotice, ...]:
        """The column page's static links to its detail pages (the last resort)."""
        return tuple(parse_static_links(response, self.column_of(unit).directory))

    def unit_failed(self, unit: Unit, message: str, url: str, page_no: int = 1) -> Iterator[Any]:
        """The API is unusable for the column: read its static links, else fail."""
        column = self.column_of(unit)
        if page_no > 1:
            self.fail("listing", url, f"{column.name}: {message}", meta=unit.meta)
            return
        if not unit.static:
            nothing = f"the column page links to no {column.directory}art/ pages"
            problem = f"{message} and {nothing}: the layout may have changed"
            self.fail("listing", url, f"{column.name}: {problem}", meta=unit.meta)
            return
        self.logger.warning(
            "%s: %s; reading %d static links from the column page",
            column.name,
            message,
            len(unit.static),
        )
        yield from self._follow(column, list(unit.static), 1, None, unit)

    def _follow(
        self,
        column: Column,
        entries: list[ListedNotice],
        page_no: int,
        next_page: Callable[[int], Request] | None,
        unit: Unit,
    ) -> Iterator[Request]:
        """``follow_listing`` evaluated at once, so each column's newest date stays its own."""
        for entry in entries:
            self._listed_in.setdefault(entry.url, column)
        yield from list(self.follow_listing(entries, page_no, next_page, section=unit.section))

    # -- detail pages ---------------------------------------------------------------------

    def column_for(self, url: str) -> Column | None:
        """The column a detail URL was listed in (else the one whose path holds it)."""
        if url in self._listed_in:
            return self._listed_in[url]
        path = urlsplit(url).path
        return next((c for c in self.columns if path.startswith(c.directory)), None)

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read title, dates, number, body and attachments of an English detail page."""
        column = self.column_for(response.url)
        body = select_first(response, ("div.art-con[ergodic=article]", "div.art-con"), "body")
        header = english_header(response)
        title = collapse_whitespace(
            response.css('meta[name="ArticleTitle"]::attr(content)').get()
            or " ".join(response.css("div.art-title h1 ::text").getall())
            or entry.title
        )
        content = strip_noise(body, BODY_NOISE)
        text = html_to_text(content)
        published = self._published(response, header, entry)
        found = self._doc_number(column, header, title, text)
        number = found[0] if found else None
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=title,
            text=text,
            raw_html=response.body,
            published=published,
            doc_number=str(number) if number else None,
            doc_key=number.key if number else None,
            issuer=header.get("issuer")
            or response.css('meta[name="ContentSource"]::attr(content)').get(),
            listed_date=entry.listed_date,
            attachments=collect_attachments(content, response.url),
            metadata={
                **_dates(header, text, published),
                "language": "en",
                "doc_type": _doc_type(column, number),
                "doc_number_en": found[1] if found else None,
                "column": response.css('meta[name="ColumnName"]::attr(content)').get(),
                "listing": column.name if column else None,
                "pubdate": response.css('meta[name="PubDate"]::attr(content)').get(),
            },
            **self.validators(response),
        )

    def _published(
        self, response: Response, header: dict[str, str], entry: ListedNotice
    ) -> date | None:
        """When the English page went up: PubDate meta, shown date, issue date or listing."""
        pubdate = response.css('meta[name="PubDate"]::attr(content)').get()
        if stamp := lenient(parse_datetime_cst, pubdate, what="PubDate", url=response.url):
            return stamp.date()
        shown = " ".join(response.css("div.art-info span.time ::text").getall())
        return (
            parse_english_date(shown) or parse_english_date(header.get("date", ""))
        ) or entry.listed_date

    def _doc_number(
        self, column: Column | None, header: dict[str, str], title: str, text: str
    ) -> tuple[DocNumber, str] | None:
        """The notice's own number, for columns that carry numbers."""
        if column is not None and not column.numbered:
            return None
        return notice_doc_number(header.get("doc_no", ""), title, text)


def _dates(header: dict[str, str], text: str, published: date | None) -> dict[str, str | None]:
    """``issued`` (header or signature date) and ``effective`` (counted from ``issued``: the
    English page often goes up days after the promulgation), as ISO dates."""
    issued = parse_english_date(header.get("date", "")) or signature_date(text)
    effective = find_english_effective_date(text, issued or published)
    return {"issued": _iso(issued), "effective": _iso(effective)}


def _doc_type(column: Column | None, number: DocNumber | None) -> str:
    if number is not None:
        return "order" if number.kind == "令" else "announcement"
    return column.doc_type if column else "news"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
