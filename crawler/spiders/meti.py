"""METI 安全保障貿易管理 (security export control) on www.meti.go.jp.

Two kinds of notices:

* **News releases** from METI's news-release Atom feed (``/ml_index_release_atom.xml``),
  which carries every kind of METI news. Only entries whose title or summary contains one
  of the configured ``filter_terms`` (安全保障貿易, 輸出管理, 外為法, …) are followed; a
  feed in which nothing matches is a quiet week, but a feed without entries (or anything
  that is not an Atom feed) fails the run. Release pages live at
  ``/press/<fiscal year>/<MM>/<YYYYMMDDNNN>/<YYYYMMDDNNN>.html``: January to March sit in the
  previous fiscal year's folder, so the date is read from the 11-digit number.
* **anpo pages** listed in the ``pages`` option (改正情報 ``law09.html``, 外国ユーザーリスト
  ``law05.html``, the English End User List page), each watched as a notice of its own: a
  new amendment row or a new End User List PDF is a modification with a diff.

METI's WAF answers automated clients with an empty 200/202 or a 403: ``check_page`` turns an
empty body (or a small block page) into ``blocked`` — the feed callback is ``@guarded`` and the
base ``parse_detail`` runs the same check for release and anpo pages — and the errback turns a
403 into ``blocked``, so a blocked run never reads as "no change".

The page structure (``div#__main_contents``, one ``h1``, a ``p.right`` date line, the
``table`` of 改正情報) is inferred: no real METI HTML was available (research notes §7).
Every assumption fails loudly with a ParseError when it does not hold.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from crawler.items import ListedNotice
from crawler.selectors import select_one
from crawler.spiders.base import DualwatchSpider, collect_attachments, guarded, strip_noise
from monitors.dates import find_date
from monitors.docnumber import find_effective_date, parse_doc_number
from monitors.errors import ParseError
from monitors.models import FetchedNotice
from monitors.normalize import collapse_whitespace, html_to_text, normalize_text

log = logging.getLogger("dualwatch.crawl")

JST = timezone(timedelta(hours=9))
ISSUER = "経済産業省"
DEFAULT_FILTER_TERMS = (
    "安全保障貿易",
    "輸出管理",
    "輸出貿易管理令",
    "外為法",
    "外国為替及び外国貿易法",
    "キャッチオール",
    "外国ユーザーリスト",
    "エンドユーザーリスト",
    "該非",
    "輸出規制",
)
#: Page kinds of the ``pages`` option and the doc_type of their notices.
PAGE_KINDS = {"amendments": "regulation", "end_user_list": "list"}
FEED_ACCEPT = "application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
RELEASE_NUMBER = re.compile(r"/press/\d{4}/\d{2}/(\d{8})(\d{3})/\1\2\.html$")
DATE_LINE_CSS = "p.right, p.date, div.date, p.txt_right"
PAGE_NOISE = (
    "script, style, noscript, iframe, div.pankuzu, div.sns_btn, div.kanren, p.update, p.pagetop, h1"
)
JA_EFFECTIVE = re.compile(
    r"(?P<when>公布の日|[^、。，\n（）]{4,24}?)\s*(?:から|より)\s*(?:施行|適用|実施|運用を開始)"
)
ATOM_ENTRY = "/*/*[local-name()='entry']"


@dataclass(frozen=True)
class PageSpec:
    """One anpo page watched as a notice: URL, kind (``amendments``/``end_user_list``)."""

    url: str
    kind: str
    language: str = "ja"


@dataclass(frozen=True)
class FeedEntry:
    """One Atom ``<entry>``: link, title, summary and its published (or updated) date."""

    url: str
    title: str
    summary: str
    published: date | None

    def matching(self, terms: Sequence[str]) -> list[str]:
        """The filter terms found in the title or summary (NFKC-normalised on both sides)."""
        text = normalize_text(f"{self.title}\n{self.summary}")
        return [term for term in terms if normalize_text(term) in text]

    def listed(self) -> ListedNotice:
        """The entry as a listing entry for the incremental walk."""
        return ListedNotice(url=self.url, title=self.title, listed_date=self.published)


class MetiSpider(DualwatchSpider):
    """Security-export-control releases from METI's Atom feed, plus the anpo pages."""

    name = "meti"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matched_terms: dict[str, list[str]] = {}
        self._pages: dict[str, PageSpec] | None = None

    async def start(self) -> Any:
        """Request the Atom feed and every configured anpo page (conditionally when known)."""
        yield Request(
            self.source.listing_url,
            callback=self.parse_feed,
            errback=self.on_error,
            headers={"Accept": FEED_ACCEPT},
        )
        for spec in self.pages().values():
            entry = ListedNotice(url=spec.url, title="", listed_date=None)
            yield self.detail_request(entry, self.known.get(spec.url))

    def pages(self) -> dict[str, PageSpec]:
        """The valid entries of the ``pages`` option by URL; invalid ones are recorded failures."""
        if self._pages is None:
            self._pages = {}
            for raw in self.source.options.get("pages", ()):
                spec = _page_spec(raw)
                if spec is None or not self.on_configured_host(spec.url):
                    self.fail("config", str(raw), "invalid or off-host entry in option 'pages'")
                    continue
                self._pages[spec.url] = spec
        return self._pages

    def filter_terms(self) -> tuple[str, ...]:
        """The configured ``filter_terms`` (an empty list follows every release)."""
        return tuple(self.source.options.get("filter_terms", DEFAULT_FILTER_TERMS))

    @guarded("layout")
    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Parse the Atom feed and follow the security-export-control releases in it."""
        entries = parse_atom(response)
        super()._check_listing_size([e.listed() for e in entries])
        terms = self.filter_terms()
        wanted = []
        for entry in entries:
            matched = entry.matching(terms)
            if matched or not terms:
                self.matched_terms[entry.url] = matched
                wanted.append(entry.listed())
        log.info(
            "%s: feed has %d entries, %d about security export control",
            self.source.name,
            len(entries),
            len(wanted),
        )
        yield from self.follow_listing(wanted, 1)

    def _check_listing_size(self, entries: list[ListedNotice]) -> None:
        """No-op: ``min_listing_items`` applies to the whole feed, checked in parse_feed.

        The filtered list may well be empty (a quiet week).
        """

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read a release page, or an anpo page when ``entry`` is one of the ``pages``."""
        spec = self.pages().get(entry.url)
        if spec is None:
            return self.extract_release(response, entry)
        return self.extract_page(response, entry, spec)

    def extract_release(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Title (``h1``), era date line (else the URL's date), body and PDFs of a release."""
        title, content = main_content(response)
        date_text = _pop_date_line(content)
        published = find_date(date_text) or release_date(entry.url) or entry.listed_date
        text = html_to_text(content.get())
        number = parse_doc_number(title)
        return FetchedNotice(
            source=self.source.name,
            url=entry.url,
            title=title,
            text=text,
            raw_html=response.body,
            published=published,
            doc_number=str(number) if number else None,
            doc_key=number.key if number else None,
            issuer=ISSUER,
            listed_date=entry.listed_date,
            attachments=collect_attachments(content, response.url),
            metadata={
                "language": "ja",
                "doc_type": "press_release",
                "effective": _iso(effective_date(text, published)),
                "date_text": normalize_text(date_text),
                "release_number": release_number(entry.url),
                "matched_terms": self.matched_terms.get(entry.url, []),
            },
            **self.validators(response),
        )

    def extract_page(
        self, response: Response, entry: ListedNotice, spec: PageSpec
    ) -> FetchedNotice:
        """An anpo page: its amendment rows or its End User List PDFs must be there."""
        title, content = main_content(response)
        attachments = collect_attachments(content, response.url)
        text = html_to_text(content.get())
        if spec.kind == "amendments":
            rows = amendment_rows(content)
            published, effective = max(rows, key=lambda row: row[0])
            extra: dict[str, Any] = {"amendments": len(rows)}
        else:
            pdfs = [a for a in attachments if a.url.lower().split("?")[0].endswith(".pdf")]
            if not pdfs:
                raise ParseError(f"{spec.url}: no End User List PDF link: the layout changed")
            published = find_date(" ".join(a.name for a in pdfs)) or find_date(text)
            effective = effective_date(text, published) if spec.language == "ja" else None
            extra = {"list_pdf": pdfs[0].url}
        return FetchedNotice(
            source=self.source.name,
            url=entry.url,
            title=title,
            text=text,
            raw_html=response.body,
            published=published,
            issuer=ISSUER,
            attachments=attachments,
            metadata={
                "language": spec.language,
                "doc_type": PAGE_KINDS[spec.kind],
                "effective": _iso(effective),
                "page_kind": spec.kind,
                **extra,
            },
            **self.validators(response),
        )


def main_content(response: Response) -> tuple[str, Selector]:
    """The page title (the one ``h1``) and ``div#__main_contents`` without page furniture."""
    main = select_one(response, "div#__main_contents", "main contents")
    title = collapse_whitespace(" ".join(select_one(main, "h1", "title").css("::text").getall()))
    return title, strip_noise(main, PAGE_NOISE)


def parse_atom(response: Response) -> list[FeedEntry]:
    """The entries of an Atom feed; ParseError when it is not Atom or has no entry."""
    feed = Selector(text=_body_text(response), type="xml")
    root = feed.xpath("local-name(/*)").get()
    if root != "feed":
        raise ParseError(f"expected an Atom <feed>, found <{root}>: the feed format changed")
    nodes = feed.xpath(ATOM_ENTRY)
    if not nodes:
        raise ParseError("the Atom feed has no <entry>: the feed is empty or its layout changed")
    return [_feed_entry(node, response.url) for node in nodes]


def _feed_entry(node: Selector, base_url: str) -> FeedEntry:
    href = (
        node.xpath("*[local-name()='link'][not(@rel) or @rel='alternate']/@href").get()
        or node.xpath("*[local-name()='link']/@href").get()
    )
    title = collapse_whitespace(node.xpath("string(*[local-name()='title'])").get() or "")
    if not href or not title:
        raise ParseError(f"Atom entry without link or title: {node.get()[:200]!r}")
    url = urljoin(base_url, href.strip())
    summary = node.xpath("string(*[local-name()='summary' or local-name()='content'])").get()
    stamp = (
        node.xpath("string(*[local-name()='published'])").get()
        or node.xpath("string(*[local-name()='updated'])").get()
    )
    return FeedEntry(
        url=url,
        title=title,
        summary=collapse_whitespace(html_to_text(summary or "")),
        published=atom_date(stamp or "") or release_date(url),
    )


def _body_text(response: Response) -> str:
    if isinstance(response, TextResponse):
        return response.text
    try:
        return response.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"feed is not valid UTF-8: {exc}") from None


def atom_date(stamp: str) -> date | None:
    """The Japanese calendar date of an RFC 3339 timestamp (``2026-01-07T10:00:00+09:00``)."""
    try:
        moment = datetime.fromisoformat(stamp.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(JST).date()


def release_number(url: str) -> str | None:
    """The 11-digit release number (``20260107002``) of a release URL, if it is one."""
    match = RELEASE_NUMBER.search(url)
    return match.group(1) + match.group(2) if match else None


def release_date(url: str) -> date | None:
    """The date encoded in a release URL's number (not its fiscal-year folder)."""
    number = release_number(url)
    if number is None:
        return None
    try:
        return date(int(number[:4]), int(number[4:6]), int(number[6:8]))
    except ValueError:
        return None


def amendment_rows(content: Selector) -> list[tuple[date, date | None]]:
    """``(promulgated, effective)`` per 改正情報 table row whose first cell is a date.

    The effective date is the next date-only cell of the row (None when there is none).
    Raises ParseError when no such row is found.
    """
    rows = []
    for row in content.css("table tr"):
        cells = [" ".join(cell.css("::text").getall()) for cell in row.css("td")]
        if not cells or (promulgated := find_date(cells[0])) is None:
            continue
        effective = next((d for c in cells[1:] if (d := _date_only(c))), None)
        rows.append((promulgated, effective))
    if not rows:
        raise ParseError("改正情報: no table row starting with a date: the layout changed")
    return rows


def _date_only(cell: str) -> date | None:
    """The date of a cell that holds nothing but a date (so titles with dates do not count)."""
    day = find_date(cell)
    return day if day and len(normalize_text(cell)) <= 20 else None


def effective_date(text: str, published: date | None) -> date | None:
    """The earliest effective date: Chinese forms (自…起) or Japanese (…から施行／適用／実施).

    ``公布の日から施行`` gives ``published`` (for a release, the release date stands in for the
    promulgation date).
    """
    found = [d for d in (find_effective_date(text, published),) if d]
    for match in JA_EFFECTIVE.finditer(normalize_text(text)):
        when = match.group("when")
        day = published if when == "公布の日" else find_date(when)
        if day is not None:
            found.append(day)
    return min(found, default=None)


def _pop_date_line(content: Selector) -> str:
    """Remove the release's date line (the first date-carrying ``p.right`` etc.); return it."""
    for node in content.css(DATE_LINE_CSS):
        text = collapse_whitespace(" ".join(node.css("::text").getall()))
        if find_date(text):
            node.drop()
            return text
    return ""


def _page_spec(raw: object) -> PageSpec | None:
    if not isinstance(raw, Mapping):
        return None
    url, kind = raw.get("url"), raw.get("kind")
    language = raw.get("language", "ja")
    if not isinstance(url, str) or kind not in PAGE_KINDS or language not in ("ja", "en"):
        return None
    return PageSpec(url=url, kind=kind, language=language)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
