"""A listing + detail spider driven entirely by configuration (``spider = "generic"``).

A source table names where the listing is (an HTML page, a JSON API, or a JSON API carrying
an HTML fragment), how to find the entries on it (CSS or ``xpath:`` selectors, or dotted JSON
keys), how to page through it, and how to read a detail page (title, date, body, noise to
drop). Everything is validated when the spider starts; a bad option raises
:class:`~monitors.core.errors.ConfigError` naming the key (``[sources.x] listing.items: ...``).

It is as strict as the hand-written spiders: a listing whose item selector matches nothing,
a JSON response without the configured items path, or a detail page without its body is a
layout error that fails the run; an item without a link (or without its configured title or
date) is an error for that item, recorded while the other items are still followed.

Dates are read with the configured ``strptime`` formats first, then with
:func:`monitors.text.dates.parse_date` (ISO, CJK, Japanese era and English dates). Year-less dates
(``1月6日付``) take their year from the entry above them on a newest-first listing, the first
one from today's date in ``dates.timezone`` (or from the previous listing page). A detail
date that cannot be read is metadata, not layout: it is logged (see
:func:`monitors.text.metadata.lenient`) and the listing's date is kept.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

from lxml import etree
from parsel import Selector, SelectorList
from scrapy.http import FormRequest, Request, Response, TextResponse

from crawler.generic_options import (
    PAGE_TOKEN,
    SNIPPET,
    YEAR_DIRECTIVE,
    DateSpec,
    DetailSpec,
    GenericOptions,
    ListingSpec,
    parse_options,
    select,
)
from crawler.items import ListedNotice
from crawler.sites.base import DualwatchSpider, collect_attachments, guarded
from monitors.core.errors import ConfigError, ParseError
from monitors.storage.models import Attachment, FetchedNotice
from monitors.text.dates import infer_year, parse_date
from monitors.text.docnumber import find_effective_date, parse_doc_number
from monitors.text.metadata import lenient
from monitors.text.normalize import collapse_whitespace, html_to_text

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from monitors.core.config import Config, SourceConfig

# -- selecting and reading values -----------------------------------------------------------


def text_of(found: SelectorList) -> str:
    """The text of the selection: text and attribute values as they are, elements' text."""
    parts = []
    for node in found:
        if isinstance(node.root, str):
            parts.append(node.root)
        else:
            parts.append(" ".join(node.xpath(".//text()").getall()))
    return collapse_whitespace(" ".join(parts))


def link_of(found: SelectorList) -> str:
    """The first link in the selection: an attribute/text value, or an element's href."""
    for node in found:
        value = node.root if isinstance(node.root, str) else node.attrib.get("href", "")
        if value.strip():
            return value.strip()
    return ""


def json_path(data: Any, path: str) -> Any:
    """Follow a dotted path (``data.rows``, ``result.0.url``); raise KeyError when absent."""
    for part in path.split("."):
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            raise KeyError(path)
    return data


def parse_hinted_date(text: str, formats: Sequence[str], reference: date | None) -> date:
    """Parse ``text`` with the strptime ``formats`` (whole text), then with ``parse_date``.

    A format without a year takes the year of ``reference`` or the year before (see
    :func:`monitors.text.dates.infer_year`). Raises DateParseError (a ParseError).
    """
    cleaned = collapse_whitespace(unicodedata.normalize("NFKC", text))
    for fmt in formats:
        yearless = not YEAR_DIRECTIVE.search(fmt)
        try:
            parsed = datetime.strptime(
                f"2000|{cleaned}" if yearless else cleaned, f"%Y|{fmt}" if yearless else fmt
            )
        except ValueError:
            continue
        if not yearless:
            return parsed.date()
        if reference is None:
            break
        return infer_year(parsed.month, parsed.day, reference)
    return parse_date(cleaned, reference=reference)


def snippet(node: Selector | Any) -> str:
    """A short one-line form of an item, for error messages."""
    raw = node.get() if isinstance(node, Selector) else json.dumps(node, ensure_ascii=False)
    text = collapse_whitespace(raw)
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


# -- listing pages --------------------------------------------------------------------------


@dataclass
class ListingPage:
    """What one listing page yielded: entries, per-item problems and the next page's URL."""

    entries: list[ListedNotice] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    next_url: str | None = None

    @property
    def oldest(self) -> date | None:
        """The oldest listed date (the reference for year-less dates on the next page)."""
        return min((e.listed_date for e in self.entries if e.listed_date), default=None)


def read_listing(
    response: Response,
    spec: ListingSpec,
    dates: DateSpec,
    reference: date | None,
    required: bool = True,
) -> ListingPage:
    """Read a listing response (HTML, JSON, or HTML inside JSON) into a :class:`ListingPage`.

    ``required``: the page must have items (the first page and pages reached by a link).
    """
    if not isinstance(response, TextResponse):
        raise ParseError("the listing is not a text response")
    if spec.kind == "json":
        return _read_json_listing(
            _load_json(response), response.url, spec, dates, reference, required
        )
    if spec.fragment:
        fragment = _fragment(_load_json(response), spec.fragment)
        root = Selector(text=fragment)
    else:
        root = Selector(text=response.text)
    return read_html_listing(root, response.url, spec, dates, reference, required)


def read_html_listing(
    root: Selector,
    base_url: str,
    spec: ListingSpec,
    dates: DateSpec,
    reference: date | None,
    required: bool = True,
) -> ListingPage:
    """Entries of an HTML listing; ParseError when the item selector matches nothing."""
    items = select(root, spec.items)
    if not items and required:
        raise ParseError(f"listing.items {spec.items!r} matched nothing: the layout changed")
    page = ListingPage()
    for number, item in enumerate(items, start=1):
        try:
            entry = _html_entry(item, base_url, spec, dates, reference)
        except ParseError as exc:
            page.problems.append(f"listing item {number}: {exc} in {snippet(item)}")
            continue
        page.entries.append(entry)
        reference = entry.listed_date or reference
    if spec.next_page and (href := link_of(select(root, spec.next_page))):
        page.next_url = urljoin(base_url, href)
    return page


def _html_entry(
    item: Selector, base_url: str, spec: ListingSpec, dates: DateSpec, reference: date | None
) -> ListedNotice:
    href = link_of(select(item, spec.link))
    if not href:
        raise ParseError(f"no link (listing.link {spec.link!r})")
    title = ""
    if spec.title:
        title = text_of(select(item, spec.title))
        if not title:
            raise ParseError(f"no title (listing.title {spec.title!r})")
    listed = None
    if spec.date:
        date_text = text_of(select(item, spec.date))
        if not date_text:
            raise ParseError(f"no date (listing.date {spec.date!r})")
        listed = parse_hinted_date(date_text, dates.formats, reference)
    return ListedNotice(url=urljoin(base_url, href), title=title, listed_date=listed)


def _load_json(response: Response) -> Any:
    try:
        return json.loads(response.text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(f"listing did not return JSON: {exc}") from None


def _fragment(data: Any, path: str) -> str:
    try:
        fragment = json_path(data, path)
    except KeyError:
        raise ParseError(f"listing JSON has no {path!r} (listing.fragment)") from None
    if not isinstance(fragment, str):
        raise ParseError(f"listing JSON {path!r} is not an HTML string")
    return fragment


def _read_json_listing(
    data: Any,
    base_url: str,
    spec: ListingSpec,
    dates: DateSpec,
    reference: date | None,
    required: bool,
) -> ListingPage:
    try:
        items = json_path(data, spec.items)
    except KeyError:
        raise ParseError(f"listing JSON has no {spec.items!r} (listing.items)") from None
    if not isinstance(items, list):
        raise ParseError(f"listing JSON {spec.items!r} is not a list")
    if not items and required:
        raise ParseError(f"listing JSON {spec.items!r} is empty")
    page = ListingPage()
    for number, item in enumerate(items, start=1):
        try:
            entry = _json_entry(item, base_url, spec, dates, reference)
        except ParseError as exc:
            page.problems.append(f"listing item {number}: {exc} in {snippet(item)}")
            continue
        page.entries.append(entry)
        reference = entry.listed_date or reference
    if spec.next_page:
        page.next_url = _json_next(data, spec.next_page, base_url)
    return page


def _json_value(item: Any, path: str, what: str) -> str:
    try:
        value = json_path(item, path)
    except KeyError:
        value = None
    if value is None or isinstance(value, dict | list) or not str(value).strip():
        raise ParseError(f"no {what} (listing.{what} {path!r})")
    return collapse_whitespace(str(value))


def _json_entry(
    item: Any, base_url: str, spec: ListingSpec, dates: DateSpec, reference: date | None
) -> ListedNotice:
    href = _json_value(item, spec.link, "link")
    title = _json_value(item, spec.title, "title") if spec.title else ""
    listed = None
    if spec.date:
        listed = parse_hinted_date(_json_value(item, spec.date, "date"), dates.formats, reference)
    return ListedNotice(url=urljoin(base_url, href), title=title, listed_date=listed)


def _json_next(data: Any, path: str, base_url: str) -> str | None:
    try:
        value = json_path(data, path)
    except KeyError:
        return None
    return urljoin(base_url, value.strip()) if isinstance(value, str) and value.strip() else None


# -- detail pages ---------------------------------------------------------------------------


def drop_noise(nodes: SelectorList, noise: Sequence[str]) -> Selector:
    """A copy of the selected nodes without the elements matched by the noise selectors.

    The copy is a page of its own (``html`` > ``body`` > the nodes), built from the parsed
    nodes without parsing the page again; text results are read as markup.
    """
    roots = [node.root for node in nodes]
    if roots and all(isinstance(root, etree._Element) for root in roots):
        page = roots[0].makeelement("html", {})
        body = page.makeelement("body", {})
        page.append(body)
        for root in roots:
            duplicate = copy.deepcopy(root)
            duplicate.tail = None
            body.append(duplicate)
        fragment = Selector(root=page, type="html")
    else:
        fragment = Selector(text="".join(node.get() for node in nodes))
    for expression in noise:
        for element in select(fragment, expression):
            if isinstance(element.root, str):
                raise ParseError(f"detail.noise {expression!r} selects text, not elements")
            element.drop()
    return fragment


@dataclass(frozen=True)
class DetailParts:
    """What a detail page says, before it becomes a FetchedNotice."""

    title: str
    published: date | None
    date_text: str
    text: str
    attachments: tuple[Attachment, ...]


def read_detail(
    response: Response, entry: ListedNotice, spec: DetailSpec, dates: DateSpec
) -> DetailParts:
    """Title, published date, date text, body text and attachments of a detail page."""
    if not isinstance(response, TextResponse):
        raise ParseError("the detail page is not a text response")
    bodies = select(response, spec.body)
    if not bodies:
        raise ParseError(f"detail.body {spec.body!r} matched nothing: the layout changed")
    title = text_of(select(response, spec.title)) if spec.title else ""
    title = title or entry.title
    if not title:
        raise ParseError(f"no title (detail.title {spec.title!r}, none on the listing either)")
    published, date_text = entry.listed_date, ""
    if spec.date:
        date_text = text_of(select(response, spec.date))
        if not date_text:
            raise ParseError(f"detail.date {spec.date!r} matched nothing")
        reference = entry.listed_date or dates.today()
        hinted = lambda text: parse_hinted_date(text, dates.formats, reference)  # noqa: E731
        published = lenient(hinted, date_text, what="detail date", url=response.url) or published
    content = drop_noise(bodies, spec.noise)
    text = html_to_text(content)
    attachments = collect_attachments(content, response.url) if spec.attachments else ()
    if not text and not attachments:
        raise ParseError(f"detail.body {spec.body!r} holds no text once the noise is dropped")
    return DetailParts(title, published, date_text, text, attachments)


# -- the spider -----------------------------------------------------------------------------


class GenericSpider(DualwatchSpider):
    """Any listing + detail site described by its ``[sources.NAME]`` table."""

    name = "generic"

    def bind(self, config: Config, settings: BaseSettings) -> None:
        """Bind to the source and validate its options.

        A ConfigError (naming the bad key) is kept and recorded as this run's failure when
        the crawl starts, so ``dualwatch crawl`` and ``dualwatch sources`` show it.
        """
        super().bind(config, settings)
        self.config_error: str | None = None
        try:
            self.options = self.check_source(self.source)
        except ConfigError as exc:
            self.config_error = str(exc)

    @classmethod
    def check_source(cls, source: SourceConfig) -> GenericOptions:
        """Validate ``source``'s options without crawling; raise ConfigError naming the key."""
        return parse_options(source)

    async def start(self) -> Any:
        """Request the first listing page (nothing when the options are invalid)."""
        if self.config_error is not None:
            self.fail("config", self.source.listing_url, self.config_error)
            return
        yield self.listing_request(1, self.options.dates.today())

    def listing_request(
        self, page_no: int, reference: date | None, url: str | None = None
    ) -> Request:
        """The request for listing page ``page_no`` (``url``: a page reached by a link)."""
        spec = self.options.listing
        kwargs = {"page_no": page_no, "reference": reference, "via_link": url is not None}
        common: dict[str, Any] = {
            "callback": self.parse_listing,
            "errback": self.on_error,
            "headers": dict(spec.headers),
            "cb_kwargs": kwargs,
            "meta": {"handle_httpstatus_list": [404]} if page_no > 1 and url is None else {},
        }
        if url is not None:
            return Request(url, **common)
        target, form, body = page_target(spec, page_no)
        if form is not None:
            return FormRequest(target, formdata=form, method="POST", **common)
        return Request(target, method=spec.method, body=body or b"", **common)

    @guarded("layout")
    def parse_listing(
        self, response: Response, page_no: int, reference: date | None, via_link: bool
    ) -> Iterator[Request]:
        """Read one listing page, record item problems, follow details and the next page."""
        if response.status == 404:
            self.logger.info("listing page %d answers 404: end of the listing", page_no)
            return
        required = page_no == 1 or via_link
        spec, dates = self.options.listing, self.options.dates
        page = read_listing(response, spec, dates, reference, required)
        for problem in page.problems:
            self.fail("layout", response.url, problem)
        yield from self.follow_listing(
            page.entries, page_no, self._next_page(page), by_number=not page.next_url
        )

    def _next_page(self, page: ListingPage) -> Callable[[int], Request] | None:
        reference = page.oldest
        if page.next_url:
            if not self.on_configured_host(page.next_url):
                self.fail("layout", page.next_url, "next listing page is off the source's hosts")
                return None
            return lambda n: self.listing_request(n, reference, page.next_url)
        if self.options.listing.templated:
            return lambda n: self.listing_request(n, reference)
        return None

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read a detail page as the ``detail`` table describes it."""
        spec = self.options.detail
        parts = read_detail(response, entry, spec, self.options.dates)
        number_text = text_of(select(response, spec.doc_number)) if spec.doc_number else ""
        number = parse_doc_number(number_text) or parse_doc_number(parts.title)
        effective = find_effective_date(parts.text, parts.published)
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=parts.title,
            text=parts.text,
            raw_html=response.body,
            published=parts.published,
            doc_number=str(number) if number else None,
            doc_key=number.key if number else None,
            issuer=self.options.issuer,
            listed_date=entry.listed_date,
            attachments=parts.attachments,
            metadata={
                "language": self.options.language,
                "doc_type": self.options.doc_type,
                "effective": effective.isoformat() if effective else None,
                "date_text": parts.date_text or None,
            },
            **self.validators(response),
        )


def page_target(spec: ListingSpec, page_no: int) -> tuple[str, dict[str, str] | None, str | None]:
    """URL, form data and raw body of listing page ``page_no`` (``{page}`` filled in)."""

    def fill(values: Mapping[str, str]) -> dict[str, str]:
        return {k: v.replace(PAGE_TOKEN, str(page_no)) for k, v in values.items()}

    later = fill(spec.page_params) if page_no > 1 else {}
    url = spec.page_url if spec.page_url and page_no > 1 else spec.url
    url = url.replace(PAGE_TOKEN, str(page_no))
    query = {**fill(spec.params), **(later if spec.method == "GET" else {})}
    if query:
        url += ("&" if urlsplit(url).query else "?") + urlencode(query)
    form = None
    if spec.method == "POST" and spec.body is None:
        form = {**fill(spec.form or {}), **later}
    body = spec.body.replace(PAGE_TOKEN, str(page_no)) if spec.body is not None else None
    return url, form, body
