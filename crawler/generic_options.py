"""Options of the config-driven ``generic`` spider: parsed and validated into frozen specs.

Every key of a ``[sources.<name>]`` table that uses ``spider = "generic"`` is checked here
before anything is crawled; a bad key raises :class:`~monitors.core.errors.ConfigError` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal, overload
from urllib.parse import urlsplit

from cssselect import SelectorError
from parsel import Selector, SelectorList

from crawler.selectors import Selectable
from monitors.core.config import SourceConfig
from monitors.core.errors import ConfigError, ParseError

XPATH_PREFIX = "xpath:"
PAGE_TOKEN = "{page}"
LANGUAGES = ("zh", "ja", "en")
DOC_TYPES = (
    "announcement", "order", "qa", "press_release", "statement",
    "press_conference", "news", "regulation", "list",
)  # fmt: skip
TOP_KEYS = ("language", "doc_type", "issuer", "listing", "detail", "dates")
LISTING_KEYS = (
    "type", "url", "method", "params", "form", "body", "headers", "page_params", "page_url",
    "fragment", "items", "link", "title", "date", "next_page",
)  # fmt: skip
DETAIL_KEYS = ("body", "title", "date", "noise", "attachments", "doc_number")
DATES_KEYS = ("formats", "timezone")
YEAR_DIRECTIVE = re.compile(r"%[-#]?[Yy]")
MONTH_DIRECTIVE = re.compile(r"%[-#]?[mbB]")
DAY_DIRECTIVE = re.compile(r"%[-#]?d")
UTC_OFFSET = re.compile(r"^(?:UTC|[+-](\d{2}):(\d{2}))$")
SNIPPET = 160
EMPTY_PAGE = Selector(text="<html><body></body></html>")


# -- options --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingSpec:
    """Where the listing is, how to request its pages and where its entries are."""

    kind: str
    url: str
    items: str
    link: str
    title: str | None = None
    date: str | None = None
    method: str = "GET"
    params: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] | None = None
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    page_params: Mapping[str, str] = field(default_factory=dict)
    page_url: str | None = None
    fragment: str | None = None
    next_page: str | None = None

    @property
    def templated(self) -> bool:
        """True when later pages are built from templates (``{page}``, page_url, page_params)."""
        templates = [self.url, self.body or "", *self.params.values(), *(self.form or {}).values()]
        return bool(self.page_url or self.page_params) or any(PAGE_TOKEN in t for t in templates)


@dataclass(frozen=True)
class DetailSpec:
    """How to read a detail page."""

    body: str
    title: str | None = None
    date: str | None = None
    noise: tuple[str, ...] = ()
    attachments: bool = True
    doc_number: str | None = None


@dataclass(frozen=True)
class DateSpec:
    """Date format hints and the time zone that decides "today" for year-less dates."""

    formats: tuple[str, ...] = ()
    tz: timezone = UTC

    def today(self) -> date:
        """Today's date in the source's time zone."""
        return datetime.now(self.tz).date()


@dataclass(frozen=True)
class GenericOptions:
    """Every option of a generic source, validated."""

    language: str
    doc_type: str
    listing: ListingSpec
    detail: DetailSpec
    dates: DateSpec
    issuer: str | None = None


class _Table:
    """Reads one options table, naming ``[sources.NAME] prefix.key`` in every error."""

    def __init__(self, source: str, prefix: str, values: Any, allowed: Sequence[str]) -> None:
        self.source, self.prefix = source, prefix
        if not isinstance(values, Mapping):
            raise self.error("", "must be a table")
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            raise self.error(unknown[0], f"unknown option (known: {', '.join(allowed)})")
        self.values = values

    def error(self, key: str, message: str) -> ConfigError:
        """A ConfigError naming ``key`` in this table."""
        where = f"{self.prefix}.{key}" if key and self.prefix else key or self.prefix
        return ConfigError(f"[sources.{self.source}] {where}: {message}")

    @overload
    def text(self, key: str, *, required: Literal[True], default: str | None = None) -> str: ...
    @overload
    def text(
        self, key: str, *, required: bool = False, default: str | None = None
    ) -> str | None: ...
    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        """A non-empty string option."""
        value = self.values.get(key)
        if value is None:
            if required:
                raise self.error(key, "missing (required)")
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"must be a non-empty string, not {value!r}")
        return value.strip()

    def choice(self, key: str, choices: Sequence[str], default: str | None = None) -> str:
        """A string option that must be one of ``choices``."""
        value = self.text(key, required=default is None, default=default)
        if value is None or value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def mapping(self, key: str) -> dict[str, str] | None:
        """A table of string (or number) values."""
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(key, "must be a table of strings")
        bad = [k for k, v in value.items() if not isinstance(v, str | int | float)]
        if bad:
            raise self.error(key, f"{bad[0]!r} must be a string")
        return {str(k): str(v) for k, v in value.items()}

    def strings(self, key: str) -> tuple[str, ...]:
        """A string or a list of strings."""
        value = self.values.get(key, ())
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(
            isinstance(v, str) and v.strip() for v in items
        ):
            raise self.error(key, "must be a string or a list of non-empty strings")
        return tuple(v.strip() for v in items)

    def flag(self, key: str, default: bool) -> bool:
        """A boolean option."""
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {value!r}")
        return value

    @overload
    def selector(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def selector(self, key: str, *, required: bool = False) -> str | None: ...
    def selector(self, key: str, *, required: bool = False) -> str | None:
        """A CSS selector or ``xpath:`` expression, checked for syntax."""
        value = self.text(key, required=required)
        if value is not None:
            self.check_selector(key, value)
        return value

    def check_selector(self, key: str, value: str) -> None:
        """Raise ConfigError when ``value`` is not a valid CSS selector or XPath expression."""
        try:
            select(EMPTY_PAGE, value)
        except (SelectorError, ParseError) as exc:
            raise self.error(key, f"invalid selector {value!r}: {exc}") from None

    @overload
    def path(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def path(self, key: str, *, required: bool = False) -> str | None: ...
    def path(self, key: str, *, required: bool = False) -> str | None:
        """A dotted JSON path such as ``data.rows`` (numbers index lists)."""
        value = self.text(key, required=required)
        if value is not None and not all(part.strip() for part in value.split(".")):
            raise self.error(key, f"invalid dotted path {value!r}")
        return value


def parse_options(source: SourceConfig) -> GenericOptions:
    """Validate a generic source's options; raise ConfigError naming the first bad key."""
    options = source.options
    top = _Table(source.name, "", options, TOP_KEYS)
    language, doc_type = top.choice("language", LANGUAGES), top.choice("doc_type", DOC_TYPES)
    for table in ("listing", "detail"):
        if table not in options:
            raise top.error(table, "missing (required table)")
    listing = _listing_spec(
        source, _Table(source.name, "listing", options["listing"], LISTING_KEYS)
    )
    detail = _detail_spec(_Table(source.name, "detail", options["detail"], DETAIL_KEYS))
    if listing.title is None and detail.title is None:
        raise top.error("detail.title", "set listing.title or detail.title (or both)")
    dates = _date_spec(_Table(source.name, "dates", options.get("dates", {}), DATES_KEYS))
    return GenericOptions(language, doc_type, listing, detail, dates, top.text("issuer"))


def _listing_spec(source: SourceConfig, table: _Table) -> ListingSpec:
    kind = table.choice("type", ("html", "json"), default="html")
    read = table.selector if kind == "html" else table.path
    spec = ListingSpec(
        kind=kind,
        url=_on_hosts(table, "url", table.text("url", default=source.listing_url), source.hosts),
        items=read("items", required=True),
        link=read("link", required=True),
        title=read("title"),
        date=read("date"),
        next_page=read("next_page"),
        method=table.choice("method", ("GET", "POST"), default="GET"),
        params=table.mapping("params") or {},
        form=table.mapping("form"),
        body=table.text("body"),
        headers=table.mapping("headers") or {},
        page_params=table.mapping("page_params") or {},
        page_url=table.text("page_url"),
        fragment=table.path("fragment"),
    )
    _check_listing(table, spec, source.hosts)
    return spec


def _check_listing(table: _Table, spec: ListingSpec, hosts: Sequence[str]) -> None:
    if spec.fragment and spec.kind != "html":
        raise table.error("fragment", 'only for type = "html" (an HTML fragment inside JSON)')
    if (spec.form is not None or spec.body is not None) and spec.method != "POST":
        raise table.error("form" if spec.form is not None else "body", 'needs method = "POST"')
    if spec.form is not None and spec.body is not None:
        raise table.error("body", "set form or body, not both")
    if spec.next_page and spec.templated:
        raise table.error("next_page", "use next_page or page templates ({page}), not both")
    if spec.page_url:
        _on_hosts(table, "page_url", spec.page_url.replace(PAGE_TOKEN, "2"), hosts)


def _on_hosts(table: _Table, key: str, url: str | None, hosts: Sequence[str]) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise table.error(key, f"{url!r} is not an absolute http(s) URL")
    if parts.hostname.lower() not in hosts:
        raise table.error(key, f"host {parts.hostname!r} is not in the source's hosts")
    return url or ""


def _detail_spec(table: _Table) -> DetailSpec:
    noise = table.strings("noise")
    for expression in noise:
        table.check_selector("noise", expression)
    return DetailSpec(
        body=table.selector("body", required=True) or "",
        title=table.selector("title"),
        date=table.selector("date"),
        noise=noise,
        attachments=table.flag("attachments", True),
        doc_number=table.selector("doc_number"),
    )


def _date_spec(table: _Table) -> DateSpec:
    formats = table.strings("formats")
    for fmt in formats:
        if not (MONTH_DIRECTIVE.search(fmt) and DAY_DIRECTIVE.search(fmt)):
            raise table.error("formats", f"{fmt!r} needs a month (%m, %b) and a day (%d)")
    zone = table.text("timezone", default="UTC") or "UTC"
    match = UTC_OFFSET.match(zone)
    if not match:
        raise table.error("timezone", f"{zone!r} is not UTC or an offset such as +09:00")
    sign = -1 if zone.startswith("-") else 1
    hours, minutes = (int(g) for g in match.groups()) if match.group(1) else (0, 0)
    if hours > 14 or minutes > 59:
        raise table.error("timezone", f"{zone!r} is out of range")
    return DateSpec(formats, timezone(sign * timedelta(hours=hours, minutes=minutes)))


def select(node: Selectable, expression: str) -> SelectorList[Any]:
    """Evaluate a CSS selector, or an XPath expression written ``xpath:...``."""
    try:
        if expression.startswith(XPATH_PREFIX):
            return node.xpath(expression[len(XPATH_PREFIX) :].strip())
        return node.css(expression)
    except ValueError as exc:
        raise ParseError(f"selector {expression!r} failed: {exc}") from None
