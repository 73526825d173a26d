"""MOFA Japan (www.mofa.go.jp/mofaj/press/): 報道発表, 談話 and 記者会見.

The source reads one or more static listings, configured as ``sections`` (a list of
``{url, kind}`` tables, kind ``press_release``, ``statement`` or ``press_conference``); without
``sections`` it reads ``listing_url`` as the press-release index.

* 報道発表 ``/mofaj/press/release/index.html``: ``<dt class="list-title">M月D日付</dt>`` groups
  of ``dd`` links. The dates have no year: the newest month linked in the archive table (or
  today's date in Japan) anchors the first group, and the year drops by one whenever the
  listing, read newest first, steps back across a new year.
* 談話 ``/mofaj/press/danwa/index.html`` (layout not known from a real copy): read like the
  release index, tolerant of dated (``令和8年1月7日``) or year-less headings.
* 記者会見 ``/mofaj/press/kaiken/index.html``: ``dl.title-list dt.list-title a`` where the link
  text is ``テキスト版要旨``; the record's date and time are in ``h3.title3``
  (``（令和8年1月7日（水曜日）10時30分 於：本省会見室）``).

Detail pages use the page-single template (``div#maincontents``, date line
``div.rightalign``). Each page's ``doc_key`` is ``mofa-release/<its canonical URL>``: the key
an English translation that links it takes too (:mod:`crawler.sites.mofa`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_one
from crawler.sites.base import DualwatchSpider, collect_attachments, guarded, strip_noise
from crawler.sites.mofa import (
    BODY_NOISE,
    ISSUER,
    KIND_BY_FOLDER,
    PRESS_CONFERENCE,
    PRESS_RELEASE,
    Section,
    archive_reference,
    listing_sections,
    notice_metadata,
    page_title,
    parse_press_list,
    parse_release_index,
    pop_conference_line,
    pop_date_line,
    release_key,
    speaker_of,
    today_in_japan,
)
from monitors.core.errors import ConfigError
from monitors.storage.models import FetchedNotice, KnownNotice
from monitors.text.dates import find_date
from monitors.text.normalize import html_to_text


class MofaJaSpider(DualwatchSpider):
    """Press releases, statements and press-conference records on MOFA's Japanese site."""

    name = "mofa-ja"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed_kind: dict[str, str] = {}
        self.listing_newest: dict[str, date] = {}

    async def start(self) -> Any:
        """Read every configured listing."""
        try:
            sections = listing_sections(self.source)
        except ConfigError as exc:
            self.fail("config", self.source.listing_url, str(exc))
            return
        for section in sections:
            if not self.on_configured_host(section.url):
                self.fail("config", section.url, "section URL is not on the source's hosts")
                continue
            yield Request(
                section.url,
                callback=self.parse_listing,
                errback=self.on_error,
                cb_kwargs={"section": section},
            )

    @guarded("layout")
    def parse_listing(self, response: Response, section: Section) -> Iterator[Request]:
        """Parse one listing and follow new and recent documents."""
        reference = archive_reference(response) or today_in_japan()
        if section.kind == PRESS_RELEASE:
            entries = parse_release_index(response, reference)
        else:
            entries = parse_press_list(response, section.kind, reference)
        newest = max((e.listed_date for e in entries if e.listed_date), default=None)
        for entry in entries:
            if self.listed_kind.get(entry.url, PRESS_RELEASE) == PRESS_RELEASE:
                self.listed_kind[entry.url] = section.kind
            if newest is not None:
                self.listing_newest[entry.url] = newest
        yield from self.follow_listing(entries, 1, section=urlsplit(section.url).path)

    def within_revisit_window(self, entry: ListedNotice, known: KnownNotice) -> bool:
        """Like the base rule, but relative to the newest date of the entry's own listing."""
        listed = entry.listed_date or known.listed_date
        if listed is None:
            return True
        window = timedelta(days=self.source.revisit_days)
        newest = self.listing_newest.get(entry.url)
        references = [date.today(), *([newest] if newest else [])]
        return any(listed >= ref - window for ref in references)

    def doc_type(self, url: str) -> str:
        """The kind of a detail page: from its folder, else from the listing that linked it."""
        path = urlsplit(url).path
        for folder, kind in KIND_BY_FOLDER:
            if path.startswith(folder):
                return kind
        return self.listed_kind.get(url, PRESS_RELEASE)

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read title, era date, body sections and PDF attachments of a page-single page."""
        kind = self.doc_type(entry.url)
        main = select_one(response, "div#maincontents", "main contents")
        title = page_title(response)
        content = strip_noise(main, BODY_NOISE)
        if kind == PRESS_CONFERENCE:
            date_text = pop_conference_line(content, response)
            title = title if not date_text or date_text in title else f"{title}{date_text}"
        else:
            date_text = pop_date_line(content)
        published = find_date(date_text) or entry.listed_date
        text = html_to_text(content)
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=title,
            text=text,
            raw_html=response.body,
            published=published,
            doc_key=release_key(response.url),
            issuer=ISSUER if kind == PRESS_RELEASE else speaker_of(title),
            listed_date=entry.listed_date,
            attachments=collect_attachments(content, response.url),
            metadata=notice_metadata(response, kind, date_text, text, published),
            **self.validators(response),
        )
