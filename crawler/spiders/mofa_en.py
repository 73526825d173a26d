"""MOFA Japan Press Releases in English (www.mofa.go.jp/press/release/).

The index has the Japanese index's structure (``dt.list-title`` date headings, ``dd`` links)
with English dates and no year (``January 7``): the newest month linked in the archives
(``/press/release/YYYYMM_index.html``), or today's date in Japan, anchors the first heading and
the year drops by one whenever the listing, read newest first, steps back across a new year.

Detail pages (``/press/release/pressite_000001_NNNNN.html``) use the page-single template with
a US-format date line (``January 6, 2026``). A translation that lags reads ``The text will be
coming soon.``; when the text replaces it, that is an ordinary modification.

A page that links its Japanese original (``<link rel="alternate" hreflang="ja">``, or one link
in the main content to a Japanese release page) is one document with it: its ``doc_key`` is the
Japanese page's (:func:`crawler.sites.mofa.linked_translation`); without such a link, none.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_many, select_one
from crawler.sites.base import DualwatchSpider, collect_attachments, guarded, strip_noise
from crawler.sites.mofa import (
    BODY_NOISE,
    linked_translation,
    month_end,
    page_title,
    pop_date_line,
    release_key,
    today_in_japan,
)
from monitors.core.errors import ParseError
from monitors.storage.models import FetchedNotice
from monitors.text.dates import assign_years, find_date
from monitors.text.docnumber import find_effective_date
from monitors.text.normalize import collapse_whitespace, html_to_text, normalize_text

MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
HEADING = re.compile(r"^(?P<mon>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?$")
ARCHIVE_HREF = re.compile(r"/press/release/(\d{4})(\d{2})_index\.html$")
PENDING = re.compile(r"text will be coming soon", re.IGNORECASE)
ISSUER = "Ministry of Foreign Affairs of Japan"
#: Detail pages under these folders are of this kind; anything else is a press release.
KIND_BY_FOLDER = (("/press/kaiken/", "press_conference"), ("/press/statement/", "statement"))


class MofaEnSpider(DualwatchSpider):
    """Press releases on MOFA's English site."""

    name = "mofa-en"

    async def start(self) -> Any:
        """Read the rolling press-release index."""
        yield Request(self.source.listing_url, callback=self.parse_listing, errback=self.on_error)

    @guarded("layout")
    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Parse the index and follow new and recent releases."""
        reference = archive_reference(response) or today_in_japan()
        entries = parse_english_index(response, reference)
        yield from self.follow_listing(entries, 1)

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read title, US-format date, body and attachments of a page-single page."""
        main = select_one(response, "div#maincontents", "main contents")
        content = strip_noise(main, BODY_NOISE)
        date_text = pop_date_line(content)
        published = find_date(date_text) or entry.listed_date
        text = html_to_text(content)
        effective = find_effective_date(text, published)
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=page_title(response),
            text=text,
            raw_html=response.body,
            published=published,
            doc_key=release_key(linked_translation(response, content, "ja")),
            issuer=ISSUER,
            listed_date=entry.listed_date,
            attachments=collect_attachments(content, response.url),
            metadata={
                "section": normalize_text(
                    " ".join(response.css("div#contents-header h1.title1 ::text").getall())
                ),
                "date_text": normalize_text(date_text),
                "language": "en",
                "doc_type": doc_type(response.url),
                "effective": effective.isoformat() if effective else None,
                "text_pending": bool(PENDING.search(text)),
            },
            **self.validators(response),
        )


def doc_type(url: str) -> str:
    """``press_release``, or the kind its folder says (press conference, statement)."""
    path = urlsplit(url).path
    return next(
        (kind for folder, kind in KIND_BY_FOLDER if path.startswith(folder)), "press_release"
    )


def parse_english_index(response: Response | Selector, reference: date) -> list[ListedNotice]:
    """Entries of the English index, with years inferred; ParseError on a layout change."""
    lists = select_many(response, "div#maincontents dl.title-list", "press-release list")
    groups: list[tuple[tuple[int, int, int | None], list[tuple[str, str]]]] = []
    for listing in lists:
        for node in listing.xpath("./dt|./dd"):
            if node.root.tag == "dt":
                groups.append((english_heading(node), []))
            elif groups:
                groups[-1][1].extend(
                    (a.attrib["href"], " ".join(a.css("::text").getall()))
                    for a in node.css("a[href]")
                )
            else:
                raise ParseError("press-release list: a dd before any dt.list-title")
    dates = _dates([heading for heading, _ in groups], reference)
    base = getattr(response, "url", "")
    return [
        ListedNotice(urljoin(base, href.strip()), collapse_whitespace(text), day)
        for (_, links), day in zip(groups, dates, strict=True)
        for href, text in links
    ]


def english_heading(node: Selector) -> tuple[int, int, int | None]:
    """``(month, day, year or None)`` of a ``January 7`` heading; ParseError otherwise."""
    text = collapse_whitespace(" ".join(node.css("::text").getall()))
    match = HEADING.match(text)
    month = MONTHS.get(match.group("mon").lower()) if match else None
    if match is None or month is None:
        raise ParseError(f"unexpected date heading {text!r}")
    day, year = int(match.group("day")), int(match.group("year") or 0) or None
    try:
        date(year or 2000, month, day)  # 2000: a leap year accepts February 29
    except ValueError:
        raise ParseError(f"invalid date heading {text!r}") from None
    return month, day, year


def _dates(headings: list[tuple[int, int, int | None]], reference: date) -> list[date]:
    """Years for year-less headings (newest first); headings with a year keep it."""
    placed = iter(assign_years([(m, d) for m, d, y in headings if y is None], reference))
    return [date(y, m, d) if y else next(placed) for m, d, y in headings]


def archive_reference(response: Response | Selector) -> date | None:
    """Last day of the newest month linked as ``/press/release/YYYYMM_index.html``, if any."""
    months = [
        (int(match.group(1)), int(match.group(2)))
        for href in response.css("a::attr(href)").getall()
        if (match := ARCHIVE_HREF.search(href.split("?")[0])) and 1 <= int(match.group(2)) <= 12
    ]
    return month_end(*max(months)) if months else None
