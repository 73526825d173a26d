"""MOFA Japan's press pages (Japanese and English sites): listings, date headings, titles,
and the pairing of a release's Japanese and English pages.

Shared by :mod:`crawler.spiders.mofa_ja` and :mod:`crawler.spiders.mofa_en`; the page
structures are described there.

**Japanese and English pages of one release** share one ``doc_key`` (so they are one
document), ``mofa-release/<the Japanese page's canonical https URL>`` (:func:`release_key`).
How real pages link their translation is not known, so the rule reads two tolerant signals
(:func:`linked_translation`): a ``<link rel="alternate" hreflang="ja">`` (``"en"`` on a
Japanese page), else exactly one link inside the main content (noise such as related links
removed) to a release page of the other language on www.mofa.go.jp: a Japanese release is an
``.html`` page under ``/mofaj/``, an English one an ``.html`` page under ``/press/``; index
pages (``…index.html``, the header's language switch to a top page) never count. A Japanese
page keys itself by its own URL (an unpaired one is a document of its own anyway); an English
page takes the key of the Japanese page it links, and gets none without such a link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from parsel import Selector
from scrapy.http import Response

from crawler.items import ListedNotice
from crawler.selectors import select_first, select_many, select_one
from monitors.core.config import SourceConfig
from monitors.core.errors import ConfigError, ParseError
from monitors.text.dates import assign_years, era_to_year, find_date
from monitors.text.docnumber import find_effective_date
from monitors.text.normalize import collapse_whitespace, normalize_text

MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
ARCHIVE_HREF = re.compile(r"/(\d{1,2})_(\d{1,2})_index\.html$")
KAIKEN_RECORD = re.compile(r"/kaiken[^/]*_\d+\.html$")
TIME_OF_DAY = re.compile(r"(\d{1,2})時(\d{1,2})分")
TEXT_VERSION = "テキスト版"
BODY_NOISE = (
    "script, style, noscript, iframe, div.social-btn-top, div.social-btn-wrapper, "
    "div.relatedlink-section, div.pagetop, div.print-btn"
)
JST = timedelta(hours=9)

PRESS_RELEASE, STATEMENT, PRESS_CONFERENCE = "press_release", "statement", "press_conference"
KINDS = (PRESS_RELEASE, STATEMENT, PRESS_CONFERENCE)
#: Detail pages under these folders are of this kind whichever listing linked them.
KIND_BY_FOLDER = (("/mofaj/press/kaiken/", PRESS_CONFERENCE), ("/mofaj/press/danwa/", STATEMENT))
#: Who speaks in a 談話 or 記者会見 (the first named in the title; the longest at a tie).
SPEAKERS = ("外務大臣政務官", "外務副大臣", "外務事務次官", "外務報道官", "外務大臣")
ISSUER = "外務省"
MOFA_HOSTS = ("www.mofa.go.jp", "mofa.go.jp")
#: Prefix of the ``doc_key`` the Japanese and English pages of one release share.
RELEASE_KEY = "mofa-release/"
#: Path prefix of each language's release pages (Japanese under /mofaj/, English under /press/).
RELEASE_PREFIX = {"ja": "/mofaj/", "en": "/press/"}


@dataclass(frozen=True)
class Section:
    """One listing the source reads and the kind of document it lists."""

    url: str
    kind: str


def listing_sections(source: SourceConfig) -> tuple[Section, ...]:
    """The source's ``sections`` option, or its ``listing_url`` as the press-release index.

    Raises ConfigError when ``sections`` is not a non-empty list of ``{url, kind}`` tables
    with a known kind.
    """
    raw = source.options.get("sections")
    if raw is None:
        return (Section(source.listing_url, PRESS_RELEASE),)
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"source {source.name!r}: 'sections' must be a non-empty list")
    sections = []
    for item in raw:
        if not isinstance(item, Mapping) or set(item) != {"url", "kind"}:
            raise ConfigError(f"source {source.name!r}: each section needs exactly url and kind")
        if item["kind"] not in KINDS or not isinstance(item["url"], str):
            raise ConfigError(
                f"source {source.name!r}: section kind {item['kind']!r} is not one of "
                f"{', '.join(KINDS)}"
            )
        sections.append(Section(item["url"], item["kind"]))
    return tuple(sections)


def notice_metadata(
    response: Response, kind: str, date_text: str, text: str, published: date | None
) -> dict[str, Any]:
    """The metadata every MOFA Japanese notice carries (plus ``time`` for 記者会見)."""
    effective = find_effective_date(text, published)
    metadata: dict[str, Any] = {
        "section": normalize_text(
            " ".join(response.css("div#contents-header h1.title1 ::text").getall())
        ),
        "date_text": normalize_text(date_text),
        "language": "ja",
        "doc_type": kind,
        "effective": effective.isoformat() if effective else None,
    }
    if kind == PRESS_CONFERENCE and (match := TIME_OF_DAY.search(normalize_text(date_text))):
        metadata["time"] = f"{int(match.group(1)):02d}:{int(match.group(2)):02d}"
    return metadata


def page_title(response: Response | Selector) -> str:
    """The page title: ``h2.title2`` of the contents header, else ``og:title``."""
    node = select_first(
        response, ("div#contents-header h2.title2", 'meta[property="og:title"]'), "title"
    )
    return collapse_whitespace(node.attrib.get("content") or " ".join(node.css("::text").getall()))


def speaker_of(title: str) -> str:
    """Who issued a statement or held a conference (外務報道官, 外務大臣…), else 外務省."""
    found = [(title.find(s), -len(s), s) for s in SPEAKERS if s in title]
    return min(found)[2] if found else ISSUER


def parse_release_index(response: Response | Selector, reference: date) -> list[ListedNotice]:
    """Entries of the press-release index, with years inferred; ParseError on a layout change."""
    listing = select_one(response, "div#pressrelease dl.title-list", "press-release list")
    groups: list[tuple[tuple[int, int], list[tuple[str, str]]]] = []
    for node in listing.xpath("./dt|./dd"):
        if node.root.tag == "dt":
            match = MONTH_DAY.search(normalize_text("".join(node.css("::text").getall())))
            if not match:
                raise ParseError(f"unexpected date heading {node.get()!r}")
            groups.append(((int(match.group(1)), int(match.group(2))), []))
        elif groups:
            groups[-1][1].extend(
                (a.attrib["href"], "".join(a.css("::text").getall())) for a in node.css("a[href]")
            )
    dates = assign_years([g[0] for g in groups], reference)
    base = getattr(response, "url", "")
    return [
        ListedNotice(
            url=urljoin(base, href.strip()), title=collapse_whitespace(text), listed_date=day
        )
        for (_, links), day in zip(groups, dates, strict=True)
        for href, text in links
    ]


@dataclass
class _Group:
    """One ``dt.list-title`` of a 談話 / 記者会見 index and the links filed under it."""

    heading: str
    links: list[tuple[str, str]]


def parse_press_list(
    response: Response | Selector, kind: str, reference: date
) -> list[ListedNotice]:
    """Entries of a 談話 or 記者会見 index: ``dl.title-list`` of ``dt.list-title`` + ``dd``.

    Every ``dl.title-list`` in the main contents is read (the 記者会見 index has one per
    conference). Links may sit in the ``dt`` (記者会見: ``テキスト版要旨``) or in the ``dd``;
    for 記者会見 only links to the text record are kept. Headings give the date, with or without
    a year; a heading without a date leaves the entry undated (its page has the date).
    """
    lists = select_many(response, "div#maincontents dl.title-list", f"{kind} list")
    groups: list[_Group] = []
    for listing in lists:
        for node in listing.xpath("./dt|./dd"):
            links = [(a.attrib["href"], _text(a)) for a in node.css("a[href]")]
            links = [link for link in links if _wanted_link(link, kind)]
            if node.root.tag == "dt":
                groups.append(_Group(_heading_text(node), links))
            elif groups:
                groups[-1].links.extend(links)
            else:
                raise ParseError(f"{kind} list: a dd before any dt.list-title")
    dates = heading_dates([g.heading for g in groups], reference)
    return _entries(groups, dates, getattr(response, "url", ""), kind)


def _entries(
    groups: Sequence[_Group], dates: Sequence[date | None], base: str, kind: str
) -> list[ListedNotice]:
    """One entry per linked URL (fragments dropped), in listing order."""
    entries: dict[str, ListedNotice] = {}
    for group, day in zip(groups, dates, strict=True):
        for href, text in group.links:
            url = urldefrag(urljoin(base, href.strip())).url
            title = group.heading if kind == PRESS_CONFERENCE and group.heading else text
            entries.setdefault(url, ListedNotice(url, collapse_whitespace(title), day))
    return list(entries.values())


def _wanted_link(link: tuple[str, str], kind: str) -> bool:
    href, text = link
    if href.startswith(("#", "mailto:", "javascript:")):
        return False
    if kind != PRESS_CONFERENCE:
        return True
    return TEXT_VERSION in text or bool(KAIKEN_RECORD.search(href.split("?")[0]))


def _heading_text(node: Selector) -> str:
    """A heading's own text, without the text of the links inside it."""
    parts = node.xpath("./text() | ./*[not(self::a)]//text()").getall()
    return collapse_whitespace(" ".join(parts)).strip(" ｜|/")


def _text(node: Selector) -> str:
    return collapse_whitespace(" ".join(node.css("::text").getall()))


def heading_dates(headings: Sequence[str], reference: date) -> list[date | None]:
    """Dates of listing headings, newest first: full dates as written (``令和8年1月7日``),
    year-less ones (``1月7日付``) placed by :func:`assign_years`, None for undated headings."""
    dates: list[date | None] = [find_date(h) for h in headings]
    yearless = [
        (index, match)
        for index, heading in enumerate(headings)
        if dates[index] is None and (match := MONTH_DAY.search(normalize_text(heading)))
    ]
    placed = assign_years([(int(m.group(1)), int(m.group(2))) for _, m in yearless], reference)
    for (index, _), day in zip(yearless, placed, strict=True):
        dates[index] = day
    return dates


def archive_reference(response: Response | Selector) -> date | None:
    """Last day of the newest month linked in the archive table, if the table is there."""
    months = []
    for href in response.css("table.archives-wrapper a::attr(href)").getall():
        if match := ARCHIVE_HREF.search(href):
            year = era_to_year("令和", match.group(1))
            months.append((year, int(match.group(2))))
    if not months:
        return None
    return month_end(*max(months))


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` in ``year``."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def pop_date_line(content: Selector) -> str:
    """Remove the page's date line (the first ``div.rightalign`` holding a date); return it.

    Later right-aligned blocks (signatures such as 外務報道官 …) stay in the text.
    """
    for node in content.css("div.rightalign"):
        text = collapse_whitespace(" ".join(node.css("::text").getall()))
        if find_date(text):
            node.drop()
            return text
    return ""


def pop_conference_line(content: Selector, response: Response | Selector) -> str:
    """The 記者会見 line ``（令和8年1月7日（水曜日）10時30分 於：本省会見室）`` (``h3.title3``).

    Removed from the content when it is inside it; read from the page header otherwise; the
    page-single date line is the fallback.
    """
    for node in content.css("h3.title3"):
        text = _text(node)
        if find_date(text):
            node.drop()
            return text
    for node in response.css("h3.title3"):
        if find_date(text := _text(node)):
            return text
    return pop_date_line(content)


def today_in_japan() -> date:
    """Today's date in Japan (JST)."""
    return (datetime.now(UTC) + JST).date()


def canonical_mofa_url(url: str) -> str | None:
    """``https://www.mofa.go.jp<path>`` of a MOFA page URL (query and fragment dropped);
    None when ``url`` is not an http(s) URL on www.mofa.go.jp."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in MOFA_HOSTS:
        return None
    return f"https://{MOFA_HOSTS[0]}{parts.path or '/'}"


def release_page(url: str, language: str) -> str | None:
    """The canonical URL when ``url`` is a MOFA release page in ``language`` (``ja``: an
    ``.html`` page under /mofaj/; ``en``: under /press/), not an index page; else None."""
    canonical = canonical_mofa_url(url)
    if canonical is None:
        return None
    path = urlsplit(canonical).path
    name = path.rsplit("/", 1)[-1]
    if not path.startswith(RELEASE_PREFIX[language]) or not name.endswith(".html"):
        return None
    return None if name.endswith("index.html") else canonical


def linked_translation(page: Selector | Response, content: Selector, language: str) -> str | None:
    """The canonical URL of the ``language`` (``ja``/``en``) page that ``page`` links as its
    translation: its ``<link rel="alternate" hreflang=…>``, else the one release page of that
    language linked inside ``content`` (None when none or several different ones are)."""
    base = getattr(page, "url", "")
    alternates = (
        release_page(urljoin(base, link.attrib["href"]), language)
        for link in page.css("link[hreflang][href]")
        if _alternate_in(link, language)
    )
    if found := next((url for url in alternates if url), None):
        return found
    linked = {
        release_page(urljoin(base, href), language)
        for href in content.css("a::attr(href)").getall()
    } - {None}
    return linked.pop() if len(linked) == 1 else None


def _alternate_in(link: Selector, language: str) -> bool:
    """True for a ``<link rel="alternate">`` whose ``hreflang`` is ``language`` (any region)."""
    rels = link.attrib.get("rel", "").lower().split()
    return "alternate" in rels and link.attrib["hreflang"].strip().lower().split("-")[0] == language


def release_key(japanese_url: str | None) -> str | None:
    """``mofa-release/<canonical URL>`` of a Japanese page (None for a non-MOFA URL)."""
    canonical = canonical_mofa_url(japanese_url) if japanese_url else None
    return f"{RELEASE_KEY}{canonical}" if canonical else None
