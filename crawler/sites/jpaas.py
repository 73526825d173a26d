"""The Hanweb jpaas "unit" listing API of MOFCOM's sites (www, aqygzj, english), shared by
their spiders: reading a column page's ``queryData``, judging the API's answers, and the
self-healing IDs every listing request needs.

A jpaas column page is a JavaScript shell. Its script tag carries ``queryData="{…}"`` (a
JavaScript object in single quotes, sometimes entity-escaped) naming the listing unit:
``webId``, ``pageId``, ``tplSetId`` and ``tagId``. The articles come from the unit API
(``/api-gateway/jpaas-publish-server/front/page/build/unit``) called with those IDs. They are
site internals that change without notice, so the IDs configured for a source are only a
hint:

1. a column starts with the IDs that worked last time (kept in the store's ``source_state``
   under ``jpaas:<section>``), else with the configured ones; a column without a configured
   ``pageId`` starts by reading its column page;
2. when the API rejects them on page 1 (HTTP 400, 404 or 5xx after retries, ``success:false``,
   an answer that is not a JSON object or whose ``data`` is not an object), the column page is
   read, and the API is asked once more with the IDs its ``queryData`` names (a WARNING says
   which IDs were replaced by which);
3. the IDs of every successful first page are logged and stored, so the next run starts with
   them;
4. only when that also fails is the column's listing a failure (``listing``; a column page
   whose ``queryData`` is unreadable and no API answer to fall back on is one too).
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from scrapy.http import Request, Response

from crawler.accounting import ROLE_META, SECTION_META
from crawler.items import ListedNotice
from crawler.sites.base import DualwatchSpider, guarded
from monitors.core.errors import ParseError

if TYPE_CHECKING:
    from twisted.python.failure import Failure

log = logging.getLogger("dualwatch.crawl")

API_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
#: The queryData keys the unit API needs (the others are constant).
API_KEYS = ("webId", "pageId", "tplSetId", "tagId")
#: The attribute (double- or single-quoted); group 1 or 2 holds the raw value.
QUERY_DATA = re.compile(r"""\bqueryData\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
#: API statuses answered to the callback (5xx only after the retries): a refusal.
REFUSAL_STATUSES = (400, 404, *range(500, 600))
STATE_PREFIX = "jpaas:"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/"}
_AFTER_STRING = frozenset(",:}]")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_MAX_DEPTH = 20


# -- queryData ---------------------------------------------------------------------------------


def parse_query_data(page: str, tag_id: str | None = None) -> dict[str, Any]:
    """The object in a column page's ``queryData`` attribute; ParseError when there is none
    or it is unreadable.

    The value is entity-decoded (``&#39;``, ``&quot;``) and read as a JavaScript object
    literal: single- or double-quoted strings, bare keys and words, and quotes inside values
    (``'China's'``) are accepted. A page with several units prefers the one whose ``tagId``
    is ``tag_id``.
    """
    raws = [m.group(1) if m.group(1) is not None else m.group(2) for m in QUERY_DATA.finditer(page)]
    if not raws:
        raise ParseError("the column page has no queryData attribute")
    found: list[dict[str, Any]] = []
    problem: ParseError | None = None
    for raw in raws:
        try:
            value = parse_js_object(html.unescape(raw))
        except ParseError as exc:
            problem = problem or exc
            continue
        if isinstance(value, dict):
            found.append(value)
        else:
            problem = problem or ParseError(
                f"queryData is not an object but {type(value).__name__}: {raw[:60]!r}"
            )
    if not found:
        assert problem is not None
        raise problem
    preferred = [v for v in found if tag_id and v.get("tagId") == tag_id]
    return (preferred or found)[0]


def query_data_ids(page: str, tag_id: str | None = None) -> dict[str, str]:
    """The unit IDs (:data:`API_KEYS`) in a column page's ``queryData``; ParseError when they
    are absent, unreadable or incomplete."""
    found = parse_query_data(page, tag_id)
    missing = [key for key in API_KEYS if not isinstance(found.get(key), str | int) or
               not str(found[key]).strip()]  # fmt: skip
    if missing:
        raise ParseError(f"queryData lacks {', '.join(missing)}")
    return {key: str(found[key]).strip() for key in API_KEYS}


def parse_js_object(text: str) -> Any:
    """A JavaScript object/array literal (or JSON) as Python values; ParseError on garbage."""
    reader = _Reader(text)
    value = reader.value(0)
    if reader.peek():
        raise reader.error("unexpected text after the value")
    return value


class _Reader:
    """A forgiving reader of the small JavaScript literals jpaas pages carry."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, what: str) -> ParseError:
        around = self.text[max(0, self.pos - 20) : self.pos + 20]
        return ParseError(f"queryData is not readable: {what} at character {self.pos} ({around!r})")

    def peek(self) -> str:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise self.error("nested too deeply")
        char = self.peek()
        if char == "{":
            return self.object(depth)
        if char == "[":
            return self.array(depth)
        if char in ("'", '"'):
            return self.string(char)
        if not char:
            raise self.error("unexpected end")
        return self.bare()

    def object(self, depth: int) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        while True:
            char = self.peek()
            if char == "}":
                self.pos += 1
                return result
            if not char:
                raise self.error("unexpected end (no closing '}')")
            key = self.string(char) if char in ("'", '"') else self.bare("a key")
            if not isinstance(key, str) or not key:
                raise self.error("expected a key")
            if self.peek() != ":":
                raise self.error(f"expected ':' after key {key!r}")
            self.pos += 1
            result[key] = self.value(depth + 1)
            char = self.peek()
            if char == ",":
                self.pos += 1
            elif not char:
                raise self.error("unexpected end (no closing '}')")
            elif char != "}":
                raise self.error("expected ',' or '}'")

    def array(self, depth: int) -> list[Any]:
        self.pos += 1
        result: list[Any] = []
        while True:
            if self.peek() == "]":
                self.pos += 1
                return result
            result.append(self.value(depth + 1))
            char = self.peek()
            if char == ",":
                self.pos += 1
            elif not char:
                raise self.error("unexpected end (no closing ']')")
            elif char != "]":
                raise self.error("expected ',' or ']'")

    def string(self, quote: str) -> str:
        """A quoted string; a quote not followed by , : } ] or the end belongs to the value."""
        start = self.pos
        self.pos += 1
        text, out = self.text, []
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                escaped = text[self.pos + 1]
                hex_digits = text[self.pos + 2 : self.pos + 6]
                if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", hex_digits):
                    out.append(chr(int(hex_digits, 16)))
                    self.pos += 6
                else:
                    out.append(_ESCAPES.get(escaped, escaped))
                    self.pos += 2
                continue
            if char == quote:
                rest = text[self.pos + 1 :].lstrip()
                if not rest or rest[0] in _AFTER_STRING:
                    self.pos += 1
                    return "".join(out)
            out.append(char)
            self.pos += 1
        self.pos = start
        raise self.error("unterminated string")

    def bare(self, what: str = "a value") -> Any:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",:{}[]'\"":
            self.pos += 1
        word = self.text[start : self.pos].strip()
        if not word:
            raise self.error(f"expected {what}")
        if word in _LITERALS:
            return _LITERALS[word]
        for kind in (int, float):
            try:
                return kind(word)
            except ValueError:
                pass
        return word


# -- API answers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """The unit API answered without a listing (the IDs are refused, or it is unwell)."""

    reason: str


def unit_payload(text: str, status: int = 200) -> str | Refusal:
    """The HTML fragment of a unit API answer, or a :class:`Refusal`.

    A status other than 200, ``success:false``, a body that is not a JSON object, or ``data``
    that is not an object are refusals (stale IDs, an unwell API, a malformed envelope); a
    successful envelope whose ``data`` has no ``html`` string is a changed API: ParseError.
    """
    if status != 200:
        return Refusal(f"HTTP {status}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return Refusal("the answer is not JSON")
    if not isinstance(data, dict):
        return Refusal("the answer is not a JSON object")
    if not data.get("success"):
        return Refusal(f"success:false, {data.get('message')!r}")
    inner = data.get("data")
    if not isinstance(inner, dict):
        return Refusal(f"its data is {type(inner).__name__}, not an object")
    fragment = inner.get("html")
    if not isinstance(fragment, str):
        raise ParseError("listing API response has no data.html fragment")
    return fragment


# -- the IDs of a column, and how they heal ----------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One jpaas column walked by a spider, with the unit IDs in use.

    ``section`` is the column's stable key (its page's path): the listing section and the
    ``source_state`` key of its IDs. ``origin`` says where ``ids`` came from (``stored``,
    ``config`` or ``column page``); ``discovered`` that they were read from the column page in
    this run (no further retry). ``static`` holds the links the column page lists statically,
    when a spider reads them as a last resort.
    """

    section: str
    name: str
    page_url: str
    ids: Mapping[str, str]
    origin: str = "config"
    discovered: bool = False
    static: tuple[ListedNotice, ...] = field(default=(), compare=False)

    @property
    def complete(self) -> bool:
        """Whether every ID the API needs is known."""
        return all(self.ids.get(key) for key in API_KEYS)

    @property
    def meta(self) -> dict[str, Any]:
        """Request meta of this column's listing requests (for run accounting)."""
        return {SECTION_META: self.section, ROLE_META: "listing"}


def describe_ids(ids: Mapping[str, str]) -> str:
    """``webId=…, pageId=…, tplSetId=…, tagId=…`` (full values: operators copy them)."""
    return ", ".join(f"{key}={ids.get(key) or '?'}" for key in API_KEYS)


def replaced_ids(old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """Which IDs changed: ``pageId fc8b… → 1a2b…, webId …`` (or ``none``)."""
    changes = [
        f"{key} {old.get(key) or '(none)'} → {new[key]}"
        for key in API_KEYS
        if new.get(key) and new.get(key) != old.get(key)
    ]
    return ", ".join(changes) or "none"


class JpaasSpider(DualwatchSpider):
    """A spider reading jpaas columns through the unit API, with self-healing IDs.

    Subclasses build requests (:meth:`unit_request`) and follow a fragment
    (:meth:`follow_unit`); they may read a column page's static links (:meth:`static_links`)
    and choose what a column that cannot be listed does (:meth:`unit_failed`).
    """

    #: The tagId of the listing unit on column pages (to choose among several queryData).
    default_tag_id = "分页列表"

    # -- hooks --------------------------------------------------------------------------

    def unit_request(self, unit: Unit, page_no: int, **context: Any) -> Request:
        """The API request for page ``page_no`` of ``unit`` (see :meth:`api_request`)."""
        raise NotImplementedError

    def follow_unit(
        self, response: Response, unit: Unit, page_no: int, fragment: str, **context: Any
    ) -> Iterator[Any]:
        """Follow the entries of one API fragment (and the next page)."""
        raise NotImplementedError

    def static_links(self, unit: Unit, response: Response) -> tuple[ListedNotice, ...]:
        """Links the column page lists statically (none by default)."""
        return ()

    def unit_failed(self, unit: Unit, message: str, url: str, page_no: int = 1) -> Iterator[Any]:
        """The column could not be listed: a ``listing`` failure (subclasses may fall back)."""
        self.fail("listing", url, f"{unit.name}: {message}", meta=unit.meta)
        return iter(())

    def on_api_error(self, failure: Failure) -> None:
        """Errback of API requests (network errors, block statuses): a recorded failure."""
        self.on_error(failure)

    # -- building blocks ------------------------------------------------------------------

    def unit(self, section: str, name: str, page_url: str, hint: Mapping[str, str]) -> Unit:
        """The column ``section`` with the IDs to try first: stored, else ``hint`` (config)."""
        stored = self.stored_ids(section)
        if stored is not None:
            return Unit(section, name, page_url, {**hint, **stored}, origin="stored")
        return Unit(section, name, page_url, dict(hint), origin="config")

    def start_unit(self, unit: Unit) -> Request:
        """Page 1 through the API, or the column page first when an ID is not known."""
        if unit.complete:
            return self.unit_request(unit, 1)
        log.info(
            "%s: %s: no %s configured or stored; reading the column page",
            self.source.name,
            unit.name,
            "/".join(k for k in API_KEYS if not unit.ids.get(k)),
        )
        return self.column_page_request(unit, None)

    def api_request(
        self, url: str, unit: Unit, page_no: int, referer: str, **context: Any
    ) -> Request:
        """An API request whose answer (refusals included) reaches :meth:`parse_unit`."""
        return Request(
            url,
            callback=self.parse_unit,
            errback=self.on_api_error,
            headers={
                "Accept": "application/json, text/javascript, */*; q=0.01",
                "X-Requested-With": "XMLHttpRequest",
                "Referer": referer,
            },
            cb_kwargs={"unit": unit, "page_no": page_no, **context},
            meta={**unit.meta, "handle_httpstatus_list": list(REFUSAL_STATUSES)},
        )

    def column_page_request(self, unit: Unit, reason: str | None) -> Request:
        """The column page, read for its ``queryData`` (``reason``: why the API failed)."""
        return Request(
            unit.page_url,
            callback=self.read_column_page,
            errback=self.on_error,
            cb_kwargs={"unit": unit, "reason": reason},
            meta=unit.meta,
            dont_filter=True,
        )

    def stored_ids(self, section: str) -> dict[str, str] | None:
        """The IDs that last worked for ``section`` (None when none are stored or usable)."""
        store = getattr(self, "store", None)
        if store is None:
            return None
        raw = store.source_state(self.source.name, STATE_PREFIX + section)
        if not raw:
            return None
        try:
            ids = json.loads(raw)
        except json.JSONDecodeError:
            ids = None
        if not isinstance(ids, dict) or not all(isinstance(ids.get(k), str) for k in API_KEYS):
            log.warning("%s: %s: ignoring unreadable stored IDs %r", self.source.name, section, raw)
            return None
        return {key: ids[key] for key in API_KEYS}

    def ids_in_use(self, unit: Unit) -> None:
        """Log the IDs that just worked and store them for the next run (when they changed)."""
        ids = {key: unit.ids[key] for key in API_KEYS}
        log.info(
            "%s: %s: listing API IDs in use (%s): %s",
            self.source.name,
            unit.name,
            unit.origin,
            describe_ids(ids),
        )
        store = getattr(self, "store", None)
        if store is not None and self.stored_ids(unit.section) != ids:
            value = json.dumps(ids, ensure_ascii=False, sort_keys=True)
            store.set_source_state(self.source.name, STATE_PREFIX + unit.section, value)

    # -- callbacks ------------------------------------------------------------------------

    def parse_unit(
        self, response: Response, unit: Unit, page_no: int, **context: Any
    ) -> Iterator[Any]:
        """Callback of every API request: follow the fragment, or heal the IDs."""
        if response.status != 200:
            yield from self.unit_refused(unit, page_no, f"HTTP {response.status}", response.url)
            return
        yield from self._parse_unit_answer(response, unit=unit, page_no=page_no, **context)

    @guarded("layout")
    def _parse_unit_answer(
        self, response: Response, unit: Unit, page_no: int, **context: Any
    ) -> Iterator[Any]:
        payload = unit_payload(response.text)
        if isinstance(payload, Refusal):
            yield from self.unit_refused(unit, page_no, payload.reason, response.url)
            return
        if page_no == 1:
            self.ids_in_use(unit)
        yield from self.follow_unit(response, unit, page_no, payload, **context)

    def unit_refused(self, unit: Unit, page_no: int, reason: str, url: str) -> Iterator[Any]:
        """The API refused ``unit``'s IDs: read the column page (once), else fail."""
        if page_no > 1:
            problem = f"the listing API stopped answering at page {page_no} ({reason})"
            yield from self.unit_failed(unit, problem, url, page_no)
            return
        if unit.discovered:
            problem = _failed(reason, "also with the IDs its column page names")
            yield from self.unit_failed(unit, problem, url)
            return
        log.warning(
            "%s: %s: listing API refused the %s IDs (%s); reading the column page",
            self.source.name,
            unit.name,
            unit.origin,
            reason,
        )
        yield self.column_page_request(unit, reason)

    @guarded("layout")
    def read_column_page(self, response: Response, unit: Unit, reason: str | None) -> Iterator[Any]:
        """Take the IDs from the column page's ``queryData`` and ask the API (once more)."""
        unit = replace(unit, static=self.static_links(unit, response))
        try:
            found = query_data_ids(response.text, unit.ids.get("tagId") or self.default_tag_id)
        except ParseError as exc:
            if reason is None and not unit.static:
                raise
            yield from self.unit_failed(unit, _failed(reason, str(exc)), response.url)
            return
        ids = {**unit.ids, **found}
        if reason is not None and ids == dict(unit.ids):
            problem = "the column page names the same IDs"
            yield from self.unit_failed(unit, _failed(reason, problem), response.url)
            return
        if reason is not None:
            log.warning(
                "%s: %s: the %s listing API IDs are stale; replaced from the column page's "
                "queryData: %s",
                self.source.name,
                unit.name,
                unit.origin,
                replaced_ids(unit.ids, ids),
            )
        yield self.unit_request(replace(unit, ids=ids, origin="column page", discovered=True), 1)


def _failed(reason: str | None, problem: str) -> str:
    """The message of a column that could not be listed."""
    if reason is None:
        return f"the listing API is unusable ({problem})"
    return f"the listing API is unusable ({reason}; {problem})"
