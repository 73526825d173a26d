"""METI 安全保障貿易管理 (security export control) on www.meti.go.jp.

Two kinds of notices:

* **News releases** from METI's news-release Atom feed (``/ml_index_release_atom.xml``),
  which carries every kind of METI news. Relevance is decided on the release's **full
  text**, never on its feed title or summary (titles say 外為令, 輸出令, 輸出禁止, リスト規制 …
  and the live feed may carry no summary at all): every feed entry not yet known is fetched
  once, its title and text are matched against the project's relevance rules
  (``config/rules.toml``, the ``[dualwatch] rules`` file; loaded lazily, only when a release
  needs classifying), optionally restricted to the topics of the ``relevance_topics`` option
  (default: every topic), and a release matching none is not a notice: ``extract_notice``
  raises :class:`~crawler.sites.base.EntryFiltered` and the base spider records the entry
  as filtered, never to be fetched again. A release already stored stays watched whatever
  the rules say now. Entries on hosts in ``follow_hosts`` (METI's agencies) are fetched and
  classified the same way; entries on other hosts are not followed (a warning). A feed
  without entries (or anything that is not an Atom feed) fails the run. Release pages live at
  ``/press/<fiscal year>/<MM>/<YYYYMMDDNNN>/<YYYYMMDDNNN>.html``: January to March sit in the
  previous fiscal year's folder, so the date is read from the 11-digit number.
* **anpo pages** listed in the ``pages`` option (改正情報 ``law09.html``, the latest
  amendments ``law09-2.html``, 外国ユーザーリスト ``law05.html``, the English End User List
  page), each watched as a notice of its own: a new amendment row or a new End User List PDF
  is a modification with a diff.

Tables are rendered one row per line with the cells separated by `` | `` (lines inside a
cell joined by `` / ``; html_to_text does this for every source), so
``令和8年1月8日 | 令和8年2月1日 | 輸出貿易管理令…`` never runs together.

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
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from crawler.items import ListedNotice
from crawler.selectors import select_one
from crawler.sites.base import (
    DualwatchSpider,
    EntryFiltered,
    collect_attachments,
    guarded,
    strip_noise,
)
from monitors.core.errors import ConfigError, ParseError
from monitors.rules.load import load_rules
from monitors.rules.ruleset import RuleMatch, RuleSet
from monitors.storage.models import FetchedNotice
from monitors.text.dates import find_date
from monitors.text.docnumber import find_effective_date, parse_doc_number
from monitors.text.normalize import collapse_whitespace, html_to_text, normalize_text

log = logging.getLogger("dualwatch.crawl")

JST = timezone(timedelta(hours=9))
ISSUER = "経済産業省"
#: Page kinds of the ``pages`` option and the doc_type of their notices.
PAGE_KINDS = {"amendments": "regulation", "end_user_list": "list"}
RELEASE_DOC_TYPE = "press_release"
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
    """One Atom ``<entry>``: link, title, summary (often absent) and its published date."""

    url: str
    title: str
    summary: str
    published: date | None

    def listed(self) -> ListedNotice:
        """The entry as a listing entry for the incremental walk."""
        return ListedNotice(url=self.url, title=self.title, listed_date=self.published)


@dataclass(frozen=True)
class Relevance:
    """The relevance rules as this source applies them: the rule set and the topics used."""

    rules: RuleSet
    topics: tuple[str, ...]

    def matches(self, title: str, text: str, source: str, doc_type: str) -> list[RuleMatch]:
        """The rule matches of a release among the topics used (empty: not relevant)."""
        wanted = set(self.topics)
        found = self.rules.match(title=title, text=text, source=source, doc_type=doc_type)
        return [m for m in found if m.topic in wanted]


class MetiSpider(DualwatchSpider):
    """Security-export-control releases from METI's Atom feed, plus the anpo pages."""

    name = "meti"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: dict[str, PageSpec] | None = None
        self._relevance: Relevance | None = None
        self._relevance_error: str | None = None
        #: Feed releases this run: new, fetched (and classified), relevant, filtered.
        self.release_counts: Counter[str] = Counter()

    async def start(self) -> Any:
        """Request the Atom feed and every configured anpo page (conditionally when known)."""
        if "filter_terms" in self.source.options:
            log.warning(
                "%s: option 'filter_terms' is ignored: releases are classified on their full "
                "text with the relevance rules (see 'relevance_topics')",
                self.source.name,
            )
        try:
            self.relevance_topics()
        except ConfigError as exc:
            self.fail("config", self.source.listing_url, str(exc))
        else:
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

    def relevance_topics(self) -> tuple[str, ...]:
        """The ``relevance_topics`` option (empty: every topic of the rules); ConfigError when
        it is not a list of topic names (whether the topics exist is checked with the rules)."""
        raw = self.source.options.get("relevance_topics", [])
        if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
            raise ConfigError(
                f"[sources.{self.source.name}] relevance_topics: must be a list of topic names "
                "of the relevance rules (or left out for every topic)"
            )
        return tuple(t.strip() for t in raw)

    def relevance(self) -> Relevance:
        """The relevance rules, loaded on first use (compiling them takes a while).

        A rules file that cannot be used, or a ``relevance_topics`` name it does not define,
        is recorded once as a configuration failure; every release that needed classifying
        then fails with a ParseError (it is fetched again next run, never filtered).
        """
        if self._relevance is None and self._relevance_error is None:
            started = time.monotonic()
            path = self.config.rules_path
            try:
                rules = load_rules(path, known_sources=self.config.sources)
                wanted = self.relevance_topics()
                topics = tuple(rules.topic(n).name for n in wanted) or tuple(
                    t.name for t in rules.topics
                )
            except ConfigError as exc:
                self._relevance_error = f"relevance rules unusable: {exc}"
                self.fail("config", str(path), self._relevance_error)
            else:
                self._relevance = Relevance(rules, topics)
                log.info(
                    "%s: relevance rules loaded in %.2fs (topics: %s)",
                    self.source.name,
                    time.monotonic() - started,
                    ", ".join(topics),
                )
        if self._relevance is None:
            raise ParseError(f"cannot classify the release: {self._relevance_error}")
        return self._relevance

    @guarded("layout")
    def parse_feed(self, response: Response) -> Iterator[Any]:
        """Parse the Atom feed; every entry not yet known is fetched once and classified."""
        entries = parse_atom(response)
        followed = {*self.source.hosts, *self.source.follow_hosts}
        listed = [e for e in entries if (urlsplit(e.url).hostname or "").lower() in followed]
        elsewhere = [e.url for e in entries if e not in listed]
        if elsewhere:  # recorded from the feed (title, date, URL) by the base class
            log.warning(
                "%s: %d feed entries on hosts in neither hosts nor follow_hosts, recorded from "
                "the feed without fetching them: %s",
                self.source.name,
                len(elsewhere),
                ", ".join(elsewhere),
            )
        filtered_before = {
            url for url, row in self.prior_entries.items() if row["status"] == "filtered"
        }
        new = [e for e in listed if e.url not in self.known and e.url not in filtered_before]
        self.release_counts["new"] += len(new)
        log.info(
            "%s: feed has %d entries: %d new (fetched once and classified on their full text), "
            "%d stored releases, %d filtered earlier, %d on other hosts",
            self.source.name,
            len(entries),
            len(new),
            sum(1 for e in listed if e.url in self.known),
            sum(1 for e in listed if e.url in filtered_before),
            len(elsewhere),
        )
        yield from self.follow_listing([e.listed() for e in entries], 1)

    def closed(self, reason: str) -> None:
        """Log what became of the feed's new entries this run."""
        counts = self.release_counts
        log.info(
            "%s: feed releases: %d new, %d fetched, %d relevant, %d filtered",
            self.source.name,
            counts["new"],
            counts["fetched"],
            counts["relevant"],
            counts["filtered"],
        )
        parent = getattr(super(), "closed", None)
        if callable(parent):
            parent(reason)

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read a release page, or an anpo page when ``entry`` is one of the ``pages``.

        Raises EntryFiltered for a release not yet stored that no relevance topic matches.
        """
        spec = self.pages().get(entry.url)
        if spec is None:
            return self.classified(self.extract_release(response, entry))
        return self.extract_page(response, entry, spec)

    def extract_offsite(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """A release on a ``follow_hosts`` host (a METI agency), then classified.

        Pages in METI's own layout are read as releases (so the side boxes, which list other
        releases' titles, never make a page relevant); others with the generic reader.
        """
        if response.css("div#__main_contents h1"):
            return self.classified(self.extract_release(response, entry))
        notice = super().extract_offsite(response, entry)
        notice.metadata.update(language="ja", doc_type=RELEASE_DOC_TYPE)
        return self.classified(notice)

    def classified(self, notice: FetchedNotice) -> FetchedNotice:
        """``notice`` with the topics and terms it matched (metadata ``topics`` and
        ``matched_terms``, recorded when it is first classified); EntryFiltered when it is a
        new release that matches none of the relevance topics. A release already stored is
        returned as it is: it stays watched, and its re-checks need no rules."""
        if notice.url in self.known:
            return notice
        self.release_counts["fetched"] += 1
        relevance = self.relevance()
        doc_type = notice.metadata.get("doc_type", RELEASE_DOC_TYPE)
        matches = relevance.matches(notice.title, notice.text, self.source.name, doc_type)
        if not matches:
            self.release_counts["filtered"] += 1
            raise EntryFiltered(
                "its title and text match none of the relevance topics "
                f"({', '.join(relevance.topics)})"
            )
        self.release_counts["relevant"] += 1
        notice.metadata["topics"] = list(dict.fromkeys(m.topic for m in matches))
        notice.metadata["matched_terms"] = list(dict.fromkeys(m.term for m in matches))
        return notice

    def extract_release(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Title (``h1``), era date line (else the URL's date), body and PDFs of a release."""
        title, content = main_content(response)
        date_text = _pop_date_line(content)
        published = find_date(date_text) or release_date(entry.url) or entry.listed_date
        text = content_text(content)
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
                "doc_type": RELEASE_DOC_TYPE,
                "effective": _iso(effective_date(text, published)),
                "date_text": normalize_text(date_text),
                "release_number": release_number(entry.url),
            },
            **self.validators(response),
        )

    def extract_page(
        self, response: Response, entry: ListedNotice, spec: PageSpec
    ) -> FetchedNotice:
        """An anpo page: its amendment rows or its End User List PDFs must be there."""
        title, content = main_content(response)
        attachments = collect_attachments(content, response.url)
        text = content_text(content)
        published: date | None  # an End User List page may carry no date at all
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


def content_text(content: Selector) -> str:
    """The normalised text of ``content``: each table row on one line with its non-empty
    cells separated by `` | `` (lines inside a cell joined by `` / ``), as
    :func:`~monitors.text.normalize.html_to_text` renders every table."""
    return html_to_text(content)


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
