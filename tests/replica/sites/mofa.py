"""www.mofa.go.jp: the press-release index, monthly archives, detail pages and attachments.

The index shows the month up to the state's ``as_of`` day (so in January it also holds
December entries); archives are listed in a table with MOFA's inconsistent zero-padding.

The 談話 and 記者会見 folders are answered by :mod:`tests.replica.sites.mofa_press`.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

from tests.replica.content import mofa as content
from tests.replica.model import MofaRelease, Page
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render, tiny_pdf
from tests.replica.timeline import JST, MOFA_HOST, state_info

HTML = "text/html; charset=UTF-8"
PDF = "application/pdf"
INDEX_PATHS = (f"{content.RELEASE_DIR}/", f"{content.RELEASE_DIR}/index.html")
ROBOTS = b"User-agent: *\nDisallow: /mofaj/files/secret/\n"
BASE_URL = f"https://{MOFA_HOST}"


class MofaSite:
    """Answers requests for www.mofa.go.jp at a given state."""

    host = MOFA_HOST
    prefixes = ("/",)

    def __init__(self, bulk: int = 0) -> None:
        self.releases = content.releases(bulk)
        self._by_path = {r.path: r for r in self.releases}
        self._attachments = {a.path: r for r in self.releases for a in r.attachments}
        self._pages: dict[tuple[int, bool, str], Page] = {}

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches listings to another layout."""
        path = request.path
        key = (state, broken, path)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(path, state, broken)
        return page

    def monitored_notices(self) -> list[MofaRelease]:
        """Every release a monitor of this site should find (for expected changes)."""
        return list(self.releases)

    def index_releases(self, state: int) -> list[MofaRelease]:
        """Releases on the rolling index at ``state``, newest first."""
        as_of = state_info(state).as_of
        start = content.index_window_start(as_of)
        return [r for r in self.releases if r.listed_at(state) and start <= r.day <= as_of]

    def _route(self, path: str, state: int, broken: bool) -> Page:
        if path == "/robots.txt":
            return Page(200, "text/plain; charset=UTF-8", ROBOTS)
        if path in INDEX_PATHS:
            return self._index(state, broken)
        month = self._archive_months(state).get(path)
        if month is not None:
            return self._archive(month, state, broken)
        release = self._by_path.get(path)
        if release is not None and release.served_at(state):
            return self._detail(release, state)
        owner = self._attachments.get(path)
        if owner is not None and owner.served_at(state):
            body = tiny_pdf(f"dualwatch replica attachment {path}")
            return Page.validated(PDF, body, owner.published.replace(tzinfo=JST))
        return not_found()

    def _archive_months(self, state: int) -> dict[str, tuple[int, int]]:
        rows = content.archive_months(state_info(state).as_of)
        return {path: (year, month) for year, months in rows for month, path in months if path}

    def _index(self, state: int, broken: bool) -> Page:
        context = _list_context(state, "報道発表", "今月の報道発表", broken)
        body = render(
            "mofa_list.html",
            **context,
            days=_days(self.index_releases(state)),
            url=f"{BASE_URL}{content.RELEASE_DIR}/index.html",
            breadcrumb=content.PRESS_CRUMBS[:2],
            crumb_tail="報道発表",
            heading="報道発表",
        )
        return Page(200, HTML, body)

    def _archive(self, month: tuple[int, int], state: int, broken: bool) -> Page:
        year, number = month
        label = f"令和{year}年{number}月"
        releases = [
            r
            for r in self.releases
            if r.listed_at(state) and (r.day.year, r.day.month) == (year + 2018, number)
        ]
        body = render(
            "mofa_list.html",
            **_list_context(state, f"報道発表（{label}）", f"{label}の報道発表", broken),
            days=_days(releases),
            url=f"{BASE_URL}{content.archive_path(year, number)}",
            breadcrumb=content.PRESS_CRUMBS,
            crumb_tail=label,
            heading=f"過去の記録（{label}）",
        )
        return Page(200, HTML, body)

    def _detail(self, release: MofaRelease, state: int) -> Page:
        return detail_page(release, state)


def detail_page(release: MofaRelease, state: int) -> Page:
    """A release or statement in the page-single template (date line ``令和8年1月6日``)."""
    noise = Noise(state, release.path)
    back_href, back_label = release.breadcrumb[-1]
    body = render(
        "mofa_detail.html",
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
        date_label=content.reiwa(release.day),
        sections=release.sections_at(state),
        attachments=release.attachments,
        related=noise.shuffled(release.related),
        alternates=_alternates(release.path),
        back_href=back_href,
        back_label=back_label,
    )
    return Page.validated(HTML, body, state_info(state).clock)


def _alternates(path: str) -> tuple[tuple[str, str], ...]:
    """The ``(hreflang, URL)`` of a release's English translation, if it has one."""
    english = content.ENGLISH_TRANSLATIONS.get(path)
    return (("en", f"{BASE_URL}{english}"),) if english else ()


def not_found() -> Page:
    """MOFA's 404 page."""
    return Page(404, HTML, render("mofa_404.html"))


def _list_context(
    state: int, page_title: str, list_heading: str, broken: bool
) -> dict[str, object]:
    """Template variables shared by the index and the archive pages."""
    noise = Noise(state, f"list:{page_title}")
    return {
        "page_title": page_title,
        "list_heading": list_heading,
        "broken": broken,
        "body_class": "page-list",
        "section_title": "報道発表",
        "title2_extra": "",
        "token": noise.token(),
        "archive_rows": content.archive_months(state_info(state).as_of),
        "back_href": f"{content.RELEASE_DIR}/index.html",
        "back_label": "報道発表",
    }


def _days(releases: list[MofaRelease]) -> list[tuple[str, list[MofaRelease]]]:
    """Group releases (newest first) into ``(M月D日付, releases)`` pairs."""
    return [(_day_label(day), list(group)) for day, group in groupby(releases, key=lambda r: r.day)]


def _day_label(day: date) -> str:
    return f"{day.month}月{day.day}日付"


def make_sites(bulk: int) -> list[MofaSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`)."""
    return [MofaSite(bulk)]
