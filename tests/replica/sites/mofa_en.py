"""www.mofa.go.jp in English: the press-release index, monthly archives and detail pages.

Serves the path prefixes ``/press/`` and ``/files/`` of the MOFA host (the Japanese site keeps
everything else: routing picks the longest prefix). The index shows the month up to the state's
``as_of`` day under ``January 7``-style headings without a year, so in January it also holds
December entries; monthly archives are ``/press/release/YYYYMM_index.html``.
"""

from __future__ import annotations

import calendar
from datetime import date
from itertools import groupby

from tests.replica.content import mofa as ja_content
from tests.replica.content import mofa_en as content
from tests.replica.model import MofaRelease, Page
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render, tiny_pdf
from tests.replica.timeline import JST, MOFA_HOST, state_info

HTML = "text/html; charset=UTF-8"
PDF = "application/pdf"
BASE_URL = f"https://{MOFA_HOST}"
INDEX_PATHS = (f"{content.RELEASE_DIR}/", f"{content.RELEASE_DIR}/index.html")
MONTH_NAMES = tuple(calendar.month_name)


class MofaEnSite:
    """Answers requests for MOFA's English press releases at a given state."""

    host = MOFA_HOST
    prefixes = ("/press/", "/files/")

    def __init__(self) -> None:
        self.releases = content.releases()
        self._by_path = {r.path: r for r in self.releases}
        self._attachments = {a.path: (r, a) for r in self.releases for a in r.attachments}
        self._pages: dict[tuple[int, bool, str], Page] = {}

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches listings to another layout."""
        key = (state, broken, request.path)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(request.path, state, broken)
        return page

    def monitored_notices(self) -> list[MofaRelease]:
        """Every English release a monitor should find (for expected changes)."""
        return list(self.releases)

    def index_releases(self, state: int) -> list[MofaRelease]:
        """Releases on the rolling index at ``state``, newest first."""
        as_of = state_info(state).as_of
        start = ja_content.index_window_start(as_of)
        return [r for r in self.releases if r.listed_at(state) and start <= r.day <= as_of]

    def _route(self, path: str, state: int, broken: bool) -> Page:
        if path in INDEX_PATHS:
            return self._index(state, broken)
        month = self._archive_months(state).get(path)
        if month is not None:
            return self._archive(month, state, broken)
        release = self._by_path.get(path)
        if release is not None and release.served_at(state):
            return self._detail(release, state)
        owner, attachment = self._attachments.get(path, (None, None))
        if owner is not None and attachment is not None and owner.served_at(state):
            body = tiny_pdf(attachment.text_at(state))
            return Page.validated(PDF, body, owner.published.replace(tzinfo=JST))
        return not_found()

    def _archive_months(self, state: int) -> dict[str, tuple[int, int]]:
        rows = content.archive_months(state_info(state).as_of)
        return {path: (year, month) for year, months in rows for month, path in months if path}

    def _index(self, state: int, broken: bool) -> Page:
        body = render(
            "mofa_en_list.html",
            **_list_context(state, "Press Releases", broken),
            days=_days(self.index_releases(state)),
            url=f"{BASE_URL}{content.RELEASE_DIR}/index.html",
            breadcrumb=content.PRESS_CRUMBS[:2],
            crumb_tail="Press Releases",
            heading="Press Releases",
            list_heading="Press Releases",
        )
        return Page(200, HTML, body)

    def _archive(self, month: tuple[int, int], state: int, broken: bool) -> Page:
        label = f"{MONTH_NAMES[month[1]]} {month[0]}"
        releases = [
            r for r in self.releases if r.listed_at(state) and (r.day.year, r.day.month) == month
        ]
        body = render(
            "mofa_en_list.html",
            **_list_context(state, f"Press Releases ({label})", broken),
            days=_days(releases),
            url=f"{BASE_URL}{content.archive_path(*month)}",
            breadcrumb=content.PRESS_CRUMBS,
            crumb_tail=label,
            heading=f"Press Releases ({label})",
            list_heading=f"Press Releases in {label}",
        )
        return Page(200, HTML, body)

    def _detail(self, release: MofaRelease, state: int) -> Page:
        noise = Noise(state, release.path)
        body = render(
            "mofa_en_detail.html",
            page_title=release.title,
            url=f"{BASE_URL}{release.path}",
            body_class="page-single",
            breadcrumb=release.breadcrumb,
            crumb_tail=release.title,
            section_title=release.section_title,
            heading=release.title,
            title2_extra=" title-logo",
            token=noise.token(),
            counter=noise.count(1, 99999),
            date_label=content.english_date(release.day),
            sections=release.sections_at(state),
            attachments=release.attachments,
            related=noise.shuffled(release.related),
            alternates=_alternates(release.path),
            back_href=f"{content.RELEASE_DIR}/index.html",
            back_label="Press Releases",
        )
        return Page.validated(HTML, body, state_info(state).clock)


def _alternates(path: str) -> tuple[tuple[str, str], ...]:
    """The ``(hreflang, URL)`` of the Japanese original a translation links, if any."""
    originals = {en: ja for ja, en in ja_content.ENGLISH_TRANSLATIONS.items()}
    japanese = originals.get(path)
    return (("ja", f"{BASE_URL}{japanese}"),) if japanese else ()


def not_found() -> Page:
    """The English site's 404 page."""
    return Page(404, HTML, render("mofa_en_404.html"))


def _list_context(state: int, page_title: str, broken: bool) -> dict[str, object]:
    """Template variables shared by the index and the archive pages."""
    return {
        "page_title": page_title,
        "broken": broken,
        "body_class": "page-list",
        "section_title": "Press Releases",
        "title2_extra": "",
        "token": Noise(state, f"en-list:{page_title}").token(),
        "archive_rows": content.archive_months(state_info(state).as_of),
        "month_names": MONTH_NAMES,
        "back_href": "/press/index.html",
        "back_label": "Press",
    }


def _days(releases: list[MofaRelease]) -> list[tuple[str, list[MofaRelease]]]:
    """Group releases (newest first) into ``(January 7, releases)`` pairs."""
    return [(content.month_day(day), list(group)) for day, group in groupby(releases, _day)]


def _day(release: MofaRelease) -> date:
    return release.day


def make_sites(bulk: int) -> list[MofaEnSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`); ``bulk`` is not used."""
    del bulk
    return [MofaEnSite()]
