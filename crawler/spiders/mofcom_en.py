"""MOFCOM's English site (english.mofcom.gov.cn): Announcements & Orders and Press Conference.

How the English column pages render is disputed (one scraper read the press-conference index
as static HTML, another saw a 68-character JavaScript shell), so each configured column is
read by the first of these that works, and the run fails loudly when none does:

1. the jpaas "unit" listing API (as on www), with the IDs from config;
2. the same API with the IDs read from the column page's ``queryData`` attribute;
3. the links to ``<column>/art/<YYYY>/art_<hex>.html`` written statically in the column page.

A fragment from the API whose structure changed is a layout error at once (never a reason to
fall back). English document numbers (``MOFCOM and GAC Announcement No. 57, 2025``,
``Order No. 6 of 2025 of the Ministry of Commerce`` ...) are read into the same
:class:`~monitors.docnumber.DocNumber` the Chinese pages give, issuers in Chinese, so the
English copy of an announcement carries the Chinese number text and key.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from parsel import Selector
from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_first
from crawler.spiders.base import DualwatchSpider, collect_attachments, guarded, strip_noise
from crawler.spiders.mofcom import API_KEYS, QUERY_DATA, parse_listing_fragment
from monitors.config import SourceConfig
from monitors.dates import find_date, parse_datetime_cst
from monitors.docnumber import DocNumber, find_effective_dates
from monitors.errors import ConfigError, ParseError
from monitors.models import FetchedNotice
from monitors.normalize import collapse_whitespace, html_to_text

__all__ = [
    "Column",
    "MofcomEnSpider",
    "columns_from_options",
    "find_english_effective_date",
    "listing_has_more",
    "match_english_doc_number",
    "notice_doc_number",
    "pagination",
    "parse_english_date",
    "parse_english_doc_number",
    "parse_static_links",
    "query_data_ids",
    "signature_issuers",
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

# -- English document numbers ----------------------------------------------------------------

#: English names of the issuers (lower case) and the Chinese names the Chinese pages use.
ISSUER_ALIASES: dict[str, str] = {
    "ministry of commerce of the people's republic of china": "商务部",
    "ministry of commerce of china": "商务部",
    "ministry of commerce": "商务部",
    "mofcom": "商务部",
    "general administration of customs of the people's republic of china": "海关总署",
    "general administration of customs": "海关总署",
    "gac": "海关总署",
    "ministry of industry and information technology": "工业和信息化部",
    "miit": "工业和信息化部",
    "state cryptography administration": "国家密码局",
    "national cryptography administration": "国家密码局",
    "state administration of science, technology and industry for national defense":
        "国家国防科技工业局",
    "equipment development department of the central military commission": "中央军委装备发展部",
}  # fmt: skip
_ALIAS = "|".join(
    re.escape(alias).replace(r"\ ", r"\s+") for alias in sorted(ISSUER_ALIASES, key=len)[::-1]
)
_ALIAS_RE = re.compile(rf"\b(?:{_ALIAS})\b", re.IGNORECASE)
_ISSUER = rf"(?:the\s+)?\b(?:{_ALIAS})\b"
_ISSUERS = rf"{_ISSUER}(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s*){_ISSUER})*"
_ISSUERS_BEFORE_RE = re.compile(rf"(?P<issuers>{_ISSUERS})\s*(?:'s\s*)?$", re.IGNORECASE)
_ISSUERS_LINE_RE = re.compile(rf"\s*{_ISSUERS}\s*", re.IGNORECASE)
_EN_NUMBER_RE = re.compile(
    rf"""\b(?P<kind>Announcements?|Orders?|Decrees?)\b
    (?:\s+of\s+(?P<mid>{_ISSUERS}))?
    (?:\s*[\[(]?\s*(?P<y1>\d{{4}})\s*[\])]?)?
    \s*(?:No\.?|Number)\s*(?P<num>\d{{1,4}})\b
    (?:\s*(?:,\s*|\s+of\s+(?:the\s+year\s+)?|/\s*)(?P<y2>\d{{4}})\b
       |\s*[\[(]\s*(?P<y3>\d{{4}})\s*[\])])?
    (?:\s*,?\s+(?:of|by|issued\s+by)\s+(?P<after>{_ISSUERS}))?""",
    re.IGNORECASE | re.VERBOSE,
)
_KINDS = {"announcement": "公告", "order": "令", "decree": "令"}
_DATE_LINE = re.compile(
    r"^(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}|"
    r"\d{4}-\d{1,2}-\d{1,2})$"
)
_MONTH = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_EN_EFFECTIVE_RE = re.compile(
    r"(?:into\s+(?:force|effect)|takes?\s+effect|becomes?\s+effective|be\s+effective|"
    r"effective|be\s+implemented|with\s+effect)\s+"
    r"(?:(?:as\s+)?(?:of|from|on|since|starting)\s+)?"
    r"(?:(?P<days>\d+)\s+days\s+(?:after|from)\s+)?"
    r"(?:(?P<pub>(?:the\s+)?date\s+of\s+(?:its\s+|their\s+)?"
    r"(?:promulgation|publication|issuance|release|announcement))"
    r"|(?P<now>immediately)"
    rf"|(?P<date>(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}}))",
    re.IGNORECASE,
)


def _canonical_en(text: str) -> str:
    """NFKC, typographic apostrophes as ``'`` and every whitespace run as one space."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)


def _issuer_names(text: str) -> tuple[str, ...]:
    """The Chinese names of the issuers named in ``text``, in order, once each."""
    names = (ISSUER_ALIASES[" ".join(m.group(0).lower().split())] for m in _ALIAS_RE.finditer(text))
    return tuple(dict.fromkeys(names))


def match_english_doc_number(
    text: str, *, default_issuer: str | None = "商务部"
) -> tuple[DocNumber, str] | None:
    """The first English document number in ``text`` and the English words that state it."""
    canonical = _canonical_en(text)
    for match in _EN_NUMBER_RE.finditer(canonical):
        year = match["y1"] or match["y2"] or match["y3"]
        if year is None or not 1949 <= int(year) <= 2199:
            continue
        before = _ISSUERS_BEFORE_RE.search(canonical[max(0, match.start() - 300) : match.start()])
        named = " , ".join(
            part for part in (before and before["issuers"], match["mid"], match["after"]) if part
        )
        issuers = _issuer_names(named) or ((default_issuer,) if default_issuer else ())
        if not issuers:
            continue
        start = match.start() - (len(before.group(0)) if before else 0)
        kind = _KINDS[match["kind"].lower().rstrip("s")]
        number = DocNumber(issuers, kind, int(year), int(match["num"]))
        return number, canonical[start : match.end()].strip()
    return None


def parse_english_doc_number(
    text: str, *, default_issuer: str | None = "商务部"
) -> DocNumber | None:
    """Return the first English MOFCOM document number in ``text``, or None.

    Handles ``MOFCOM Announcement No. 61 of 2025``, ``Announcement No. 18 [2025] of the
    Ministry of Commerce and the General Administration of Customs``, ``MOFCOM and GAC
    Announcement No. 57, 2025``, ``Announcement No.1, 2026``, ``Order No. 6 of 2025 of the
    Ministry of Commerce`` and ``Ministry of Commerce Announcement 2026 No. 1``: issuers
    before the kind, between it and the number (``Announcement of MOFCOM No. 1 of 2026``) or
    after the year, separated by commas, ``and`` or ``&``. Issuers come out in Chinese
    (MOFCOM → 商务部, GAC → 海关总署, MIIT → 工业和信息化部, State Cryptography
    Administration → 国家密码局) so the key equals the Chinese page's key when both name the
    same issuers. A number naming no issuer is ``default_issuer``'s (the site's own
    ministry); None disables that. A number without a year is not a document number.
    """
    found = match_english_doc_number(text, default_issuer=default_issuer)
    return found[0] if found else None


def signature_issuers(text: str) -> tuple[str, ...]:
    """Issuers signing an English notice: the issuer-only lines just above its date line.

    The date line must be among the last three lines (an annex link may follow it).
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
        if _DATE_LINE.match(lines[index]) and find_date(lines[index]):
            break
    else:
        return ()
    found: list[str] = []
    for line in reversed(lines[max(0, index - 6) : index]):
        if not _ISSUERS_LINE_RE.fullmatch(_canonical_en(line)):
            break
        found[:0] = _issuer_names(_canonical_en(line))
    return tuple(dict.fromkeys(found))


def signature_date(text: str) -> date | None:
    """The date a notice is signed: a date-only line among its last three lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-3:]):
        if _DATE_LINE.match(line) and (day := find_date(line)):
            return day
    return None


def complete_issuers(number: DocNumber, signers: tuple[str, ...]) -> DocNumber:
    """``number`` with the signature's issuers when it names only some of them (lead first).

    English titles often name only MOFCOM for a joint MOFCOM/GAC announcement; the signature
    lines name every issuer, as the Chinese number does.
    """
    if (
        len(signers) > len(number.issuers)
        and signers[0] == number.issuers[0]
        and set(number.issuers) <= set(signers)
    ):
        return replace(number, issuers=signers)
    return number


def notice_doc_number(header_no: str, title: str, text: str) -> tuple[DocNumber, str] | None:
    """A notice's own number and its English words, issuers completed from the signature.

    Read from the header's document-number line, else from the title or the first line of
    the text, where the number must come first (``MOFCOM Announcement No. 1 of 2026 on ...``):
    a title that only mentions a number (``Spokesperson Answers Questions on Announcement
    No. 1 of 2026``) is not that announcement and gets no number.
    """
    candidates = [(header_no, False), (title, True), (text.split("\n", 1)[0], True)]
    for candidate, must_lead in candidates:
        found = match_english_doc_number(candidate)
        if found and (not must_lead or _leads(candidate, found[1])):
            return complete_issuers(found[0], signature_issuers(text)), found[1]
    return None


def _leads(text: str, phrase: str) -> bool:
    """True when ``text`` starts with ``phrase`` (ignoring case and a leading ``the``)."""

    def bare(value: str) -> str:
        return _canonical_en(value).strip().lower().removeprefix("the ")

    return bare(text).startswith(bare(phrase))


def parse_english_date(text: str) -> date | None:
    """The first date in ``text``: ``April 4, 2025``, ``Apr 4, 2025``, ``2025-04-04`` ..."""
    return find_date(_canonical_en(text))


def find_english_effective_dates(text: str, published: date | None) -> list[date]:
    """Effective dates stated in English: ``shall come into force on December 1, 2025``,
    ``... on the date of promulgation`` (= ``published``), ``takes effect immediately``,
    ``... 30 days after the date of promulgation``."""
    found: list[date] = []
    for match in _EN_EFFECTIVE_RE.finditer(_canonical_en(text)):
        day = published if (match["pub"] or match["now"]) else find_date(match["date"] or "")
        if day is not None and match["days"]:
            day += timedelta(days=int(match["days"]))
        if day is not None:
            found.append(day)
    return found


def find_english_effective_date(text: str, published: date | None) -> date | None:
    """The earliest effective date stated in ``text``, in English or Chinese wording."""
    dates = find_english_effective_dates(text, published) + find_effective_dates(text, published)
    return min(dates, default=None)


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
    missing = [key for key in ("name", "listing_url", "page_id") if not table.get(key)]
    if missing:
        raise ConfigError(f"{where} lacks {', '.join(missing)}")
    if (urlsplit(table["listing_url"]).hostname or "").lower() not in source.hosts:
        raise ConfigError(f"{where}: listing_url is not on the source's hosts")
    doc_type = table.get("doc_type", "announcement")
    if doc_type not in DOC_TYPES:
        raise ConfigError(f"{where}: doc_type must be one of {', '.join(DOC_TYPES)}")
    numbered = table.get("numbered", doc_type in ("announcement", "order"))
    return Column(table["name"], table["listing_url"], table["page_id"], doc_type, bool(numbered))


def query_data_ids(html: str) -> dict[str, str] | None:
    """The unit IDs in a column page's ``queryData`` attribute, or None when unusable."""
    match = QUERY_DATA.search(html)
    if not match:
        return None
    try:
        found = json.loads(match.group(1).replace("'", '"'))
    except json.JSONDecodeError:
        return None
    if not isinstance(found, dict) or not all(found.get(key) for key in API_KEYS):
        return None
    return {key: str(found[key]) for key in API_KEYS}


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


class MofcomEnSpider(DualwatchSpider):
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
            yield self.listing_request(column, 1, self.api_params(column))

    def api_params(self, column: Column) -> dict[str, str]:
        """The jpaas unit parameters of ``column`` from config (site internals; may change)."""
        return {
            "parseType": "bulidstatic",
            "webId": self.source.option("web_id"),
            "tplSetId": self.source.option("tpl_set_id"),
            "pageType": "column",
            "tagId": self.source.options.get("tag_id", "分页列表"),
            "editType": "null",
            "pageId": column.page_id,
        }

    def listing_request(
        self,
        column: Column,
        page_no: int,
        params: dict[str, str],
        discovered: bool = False,
        static: tuple[ListedNotice, ...] = (),
        page_size: int | None = None,
    ) -> Request:
        """The API request for listing page ``page_no`` of ``column``.

        Page 1 goes without paging parameters (as the site's script asks for it); later pages
        ask for ``page_size`` rows, the size page 1 came in, so no entry is skipped.
        """
        query = dict(params)
        if page_no > 1:
            size = page_size or int(self.source.options.get("page_size", 15))
            query["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": size})
        return Request(
            f"{self.source.option('api_url')}?{urlencode(query)}",
            callback=self.parse_listing,
            errback=self.on_error,
            headers={
                "Accept": "application/json, text/javascript, */*; q=0.01",
                "X-Requested-With": "XMLHttpRequest",
                "Referer": column.listing_url,
            },
            cb_kwargs={
                "column": column,
                "page_no": page_no,
                "params": params,
                "discovered": discovered,
                "static": static,
            },
            meta={"handle_httpstatus_list": [404]},
        )

    @guarded("layout")
    def parse_listing(
        self,
        response: Response,
        column: Column,
        page_no: int,
        params: dict[str, str],
        discovered: bool,
        static: tuple[ListedNotice, ...],
    ) -> Iterator[Request]:
        """Follow one API page; when the API is unusable, try the column page instead."""
        payload = self._api_payload(response, column)
        if payload is not None:
            entries = parse_listing_fragment(payload, response.url)
            paging = pagination(payload)
            size = paging[0] if paging else None
            yield from self._follow(
                column,
                entries,
                page_no,
                (lambda n: self.listing_request(column, n, params, discovered, (), size))
                if listing_has_more(payload, page_no)
                else None,
            )
        elif page_no > 1:
            raise ParseError(f"{column.name}: the listing API stopped answering at page {page_no}")
        elif discovered:
            yield from self._static_fallback(column, static, "it also refused the queryData IDs")
        else:
            yield Request(
                column.listing_url,
                callback=self.parse_column,
                errback=self.on_error,
                cb_kwargs={"column": column, "tried": params},
            )

    @guarded("layout")
    def parse_column(
        self, response: Response, column: Column, tried: dict[str, str]
    ) -> Iterator[Request]:
        """Retry the API with the column page's queryData IDs, else use its static links."""
        static = tuple(parse_static_links(response, column.directory))
        found = query_data_ids(response.text)
        if found and any(found[key] != tried.get(key) for key in API_KEYS):
            self.logger.warning(
                "%s: listing API IDs in config are stale; using %s", column.name, found
            )
            yield self.listing_request(column, 1, {**tried, **found}, True, static)
            return
        reason = "queryData names the same IDs" if found else "the column page has no queryData"
        yield from self._static_fallback(column, static, reason)

    def _static_fallback(
        self, column: Column, static: tuple[ListedNotice, ...], reason: str
    ) -> Iterator[Request]:
        if not static:
            raise ParseError(
                f"{column.name}: the listing API is unusable ({reason}) and the column page "
                f"links to no {column.directory}art/ pages: the layout may have changed"
            )
        self.logger.warning(
            "%s: listing API unusable (%s); reading %d static links from the column page",
            column.name,
            reason,
            len(static),
        )
        yield from self._follow(column, list(static), 1, None)

    def _follow(
        self,
        column: Column,
        entries: list[ListedNotice],
        page_no: int,
        next_page: Callable[[int], Request] | None,
    ) -> Iterator[Request]:
        """``follow_listing`` evaluated at once, so each column's newest date stays its own."""
        for entry in entries:
            self._listed_in.setdefault(entry.url, column)
        yield from list(self.follow_listing(entries, page_no, next_page))

    def _api_payload(self, response: Response, column: Column) -> str | None:
        """The fragment of a successful API answer; None when the API refused or is absent."""
        if response.status == 404:
            self.logger.warning("%s: listing API answers HTTP 404", column.name)
            return None
        try:
            data = json.loads(response.text)
        except json.JSONDecodeError:
            self.logger.warning("%s: listing API did not answer JSON", column.name)
            return None
        if not isinstance(data, dict):
            raise ParseError("listing API returned JSON that is not an object")
        if not data.get("success"):
            self.logger.warning("%s: listing API refused: %s", column.name, data.get("message"))
            return None
        inner = data.get("data")
        html = inner.get("html") if isinstance(inner, dict) else None
        if not isinstance(html, str):
            raise ParseError("listing API response has no data.html fragment")
        return html

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
        text = html_to_text(content.get())
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
        if pubdate:
            return parse_datetime_cst(pubdate).date()
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
