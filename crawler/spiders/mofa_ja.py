"""MOFA Japan 報道発表 (www.mofa.go.jp/mofaj/press/release/): a static listing of
``<dt class="list-title">M月D日付</dt>`` groups and page-single detail pages.

The listing dates have no year: the newest month linked in the archive table (or today's
date in Japan) anchors the first group, and the year drops by one whenever the listing, read
newest first, steps back across a new year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_first, select_one
from crawler.spiders.base import DualwatchSpider, collect_attachments, guarded, strip_noise
from monitors.dates import assign_years, era_to_year, find_date
from monitors.errors import ParseError
from monitors.models import FetchedNotice
from monitors.normalize import collapse_whitespace, html_to_text, normalize_text

MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
ARCHIVE_HREF = re.compile(r"/(\d{1,2})_(\d{1,2})_index\.html$")
BODY_NOISE = (
    "script, style, noscript, iframe, div.social-btn-top, div.social-btn-wrapper, "
    "div.relatedlink-section, div.pagetop, div.print-btn"
)
JST = timedelta(hours=9)


class MofaJaSpider(DualwatchSpider):
    """Press releases on MOFA's Japanese site."""

    name = "mofa-ja"

    async def start(self) -> Any:
        """Read the rolling press-release index."""
        yield Request(self.source.listing_url, callback=self.parse_listing, errback=self.on_error)

    @guarded("layout")
    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Parse the index and follow new and recent releases."""
        reference = archive_reference(response) or _today_in_japan()
        entries = parse_release_index(response, reference)
        yield from self.follow_listing(entries, 1)

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read title, era date, body sections and PDF attachments of a page-single page."""
        main = select_one(response, "div#maincontents", "main contents")
        title_node = select_first(
            response, ("div#contents-header h2.title2", 'meta[property="og:title"]'), "title"
        )
        title = collapse_whitespace(
            title_node.attrib.get("content") or " ".join(title_node.css("::text").getall())
        )
        content = strip_noise(main, BODY_NOISE)
        date_text = _pop_date_line(content)
        published = find_date(date_text) or entry.listed_date
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=title,
            text=html_to_text(content.get()),
            raw_html=response.body,
            published=published,
            issuer="外務省",
            listed_date=entry.listed_date,
            attachments=collect_attachments(content, response.url),
            metadata={
                "section": normalize_text(
                    " ".join(response.css("div#contents-header h1.title1 ::text").getall())
                ),
                "date_text": normalize_text(date_text),
                "language": "ja",
            },
            **self.validators(response),
        )


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


def archive_reference(response: Response | Selector) -> date | None:
    """Last day of the newest month linked in the archive table, if the table is there."""
    months = []
    for href in response.css("table.archives-wrapper a::attr(href)").getall():
        if match := ARCHIVE_HREF.search(href):
            year = era_to_year("令和", match.group(1))
            months.append((year, int(match.group(2))))
    if not months:
        return None
    year, month = max(months)
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _pop_date_line(content: Selector) -> str:
    """Remove the page's date line (the first ``div.rightalign`` holding a date); return it.

    Later right-aligned blocks (signatures such as 外務報道官 …) stay in the text.
    """
    for node in content.css("div.rightalign"):
        text = collapse_whitespace(" ".join(node.css("::text").getall()))
        if find_date(text):
            node.drop()
            return text
    return ""


def _today_in_japan() -> date:
    return (datetime.now(UTC) + JST).date()
