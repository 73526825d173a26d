"""www.meti.go.jp: the news-release Atom feed, release pages, the anpo pages and their PDFs
(and the End User List's Excel files, whose cells are the list);
plus the release pages METI's agencies publish on their own hosts (www.enecho.meti.go.jp,
www.chusho.meti.go.jp), which the feed links to.

HTML goes out as ``text/html; charset=UTF-8`` with ``<meta charset="UTF-8">``; the feed as
``application/atom+xml; charset=UTF-8``. Release pages, anpo pages and PDFs carry ETag and
Last-Modified (304 on a match); the feed carries none, and most entries carry no
``<summary>``. ``broken-listing`` turns the feed into RSS 2.0, the 改正情報 tables (law09 and
law09-2) into a JavaScript-filled placeholder and the End User List links into a link to an
HTML viewer, so every structure the spider relies on fails loudly.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

from tests.replica.content import meti as content
from tests.replica.content.meti import AnpoPage, MetiRelease
from tests.replica.model import Notice, Page
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render, tiny_pdf, tiny_xlsx
from tests.replica.timeline import JST, state_info

HTML = "text/html; charset=UTF-8"
ATOM = "application/atom+xml; charset=UTF-8"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROBOTS = b"User-agent: *\nDisallow: /cgi-bin/\nDisallow: /intro/search/\n"
BASE_URL = f"https://{content.METI_HOST}"
TOP = ("/", "トップページ")
ANPO_CRUMBS = (
    TOP,
    ("/policy/index.html", "政策について"),
    (f"{content.ANPO}/index.html", "安全保障貿易管理"),
)
EN_CRUMBS = (
    ("/english/index.html", "Home"),
    ("/english/policy/external_economy/trade_control/index.html", "Security Export Control"),
)
PRESS_CRUMBS = (TOP, ("/press/index.html", "ニュースリリース"))
RELEASE_RELATED = (
    ("/press/index.html", "ニュースリリース一覧"),
    ("/press/category_02.html", "対外経済"),
    (f"{content.ANPO}/index.html", "安全保障貿易管理"),
    ("/main/mail.html", "メール配信サービス"),
)
ANPO_RELATED = (
    (f"{content.ANPO}/law00.html", "関係法令・改正情報"),
    (f"{content.ANPO}/catchall.html", "キャッチオール規制"),
    (content.LAW05_PATH, "外国ユーザーリスト"),
    (content.LAW09_PATH, "改正情報"),
    (content.LAW09_2_PATH, "最新の改正情報"),
)
EN_RELATED = (
    ("/english/policy/external_economy/trade_control/index.html", "Security Export Control"),
    ("/english/press/index.html", "News Releases"),
    (content.EUL_EN_PATH, "End User List"),
)
SUFFIX_JA = "（METI/経済産業省）"
SUFFIX_EN = "(METI/Ministry of Economy, Trade and Industry)"


class MetiSite:
    """Answers requests for www.meti.go.jp (or, with ``host``, an agency's host: only its
    release pages and PDFs) at a given state."""

    prefixes = ("/",)

    def __init__(self, bulk: int = 0, host: str = content.METI_HOST) -> None:
        self.host = host
        self.releases = content.releases()
        self.anpo = content.anpo_pages() if host == content.METI_HOST else []
        self._by_path: dict[str, MetiRelease] = {
            r.path: r for r in self.releases if r.host == self.host
        }
        self._anpo = {p.path: p for p in self.anpo}
        self._files = self._file_index()
        self._sheets = {
            e.sheet.path: e for page in self.anpo for e in page.editions if e.sheet is not None
        }
        self._pages: dict[tuple[int, bool, str], Page] = {}

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches feed and anpo pages to other layouts."""
        key = (state, broken, request.path)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(request.path, state, broken)
        return page

    def monitored_notices(self) -> list[Notice]:
        """The relevant releases on this host, and (on www.meti.go.jp) the four anpo pages."""
        flagged = [r for r in self.releases if r.relevant and r.host == self.host]
        return [*flagged, *self.anpo]

    def feed_entries(self, state: int) -> list[MetiRelease]:
        """The releases in the Atom feed at ``state``, newest first."""
        return content.feed_releases(self.releases, state)

    def _file_index(self) -> dict[str, int]:
        """File (PDF, XLSX) path -> first state it is served in."""
        files = {a.path: r.first_state for r in self._by_path.values() for a in r.attachments}
        for page in self.anpo:
            for row in page.amendments:
                if row.pdf:
                    files[row.pdf.path] = row.since
            for edition in page.editions:
                for pdf in (edition.pdf, edition.overview, edition.sheet):
                    if pdf:
                        files[pdf.path] = edition.since
        return files

    def _route(self, path: str, state: int, broken: bool) -> Page:
        if path == "/robots.txt":
            return Page(200, "text/plain; charset=UTF-8", ROBOTS)
        if path == content.FEED_PATH and self.host == content.METI_HOST:
            return self._feed(state, broken)
        release = self._by_path.get(path)
        if release is not None and release.served_at(state):
            return self._release(release, state)
        anpo = self._anpo.get(path)
        if anpo is not None:
            return self._anpo_page(anpo, state, broken)
        since = self._files.get(path)
        edition = self._sheets.get(path)
        if edition is not None and since is not None and state >= since:
            body = tiny_xlsx("外国ユーザーリスト", edition.sheet_rows())
            return Page.validated(XLSX, body, state_info(since).clock)
        if since is not None and state >= since:
            body = tiny_pdf(f"dualwatch replica attachment {path}")
            return Page.validated(PDF, body, state_info(since).clock)
        return not_found()

    def _feed(self, state: int, broken: bool) -> Page:
        clock = state_info(state).clock
        entries = [_feed_entry(r) for r in self.feed_entries(state)]
        template = "meti_feed_rss.xml" if broken else "meti_feed.xml"
        body = render(
            template,
            entries=entries,
            updated=clock.isoformat(),
            updated_rfc822=format_datetime(clock),
        )
        return Page(200, ATOM, body)

    def _release(self, release: MetiRelease, state: int) -> Page:
        body = render(
            "meti_release.html",
            **_page_context(state, release.path, release.title, "ja", release.host),
            breadcrumb=PRESS_CRUMBS,
            crumb_tail=release.title,
            related=Noise(state, f"related:{release.path}").shuffled(RELEASE_RELATED),
            release=release,
            sections=release.sections_at(state),
            date_label=content.reiwa(release.day),
            side=self._side(state),
        )
        return Page.validated(HTML, body, state_info(state).clock)

    def _anpo_page(self, page: AnpoPage, state: int, broken: bool) -> Page:
        english = page.kind == "eul_en"
        context: dict[str, Any] = {
            **_page_context(state, page.path, page.title, "en" if english else "ja"),
            "breadcrumb": EN_CRUMBS if english else ANPO_CRUMBS,
            "crumb_tail": page.title,
            "related": Noise(state, f"related:{page.path}").shuffled(
                EN_RELATED if english else ANPO_RELATED
            ),
            "side": self._side(state),
            "page": page,
            "broken": broken,
        }
        if page.kind in ("law09", "law09-2"):
            context["rows"] = [_row(a) for a in page.amendments_at(state)]
        else:
            context.update(_edition_context(page, state, english))
        body = render("meti_anpo.html", **context)
        return Page.validated(HTML, body, state_info(state).clock)

    def _side(self, state: int) -> list[tuple[str, str]]:
        """The 新着情報 side box: the five newest releases, in a noisy order."""
        newest = [(r.path, r.title) for r in self.feed_entries(state)[:5]]
        return Noise(state, "side").shuffled(newest)


def not_found() -> Page:
    """METI's 404 page."""
    return Page(404, HTML, render("meti_404.html"))


def _page_context(
    state: int, path: str, title: str, lang: str, host: str = content.METI_HOST
) -> dict[str, Any]:
    """Template variables every METI page has: noise, titles, the update stamp."""
    noise = Noise(state, path)
    stamp = noise.stamp(state_info(state).clock, 6 * 3600)
    english = lang == "en"
    return {
        "lang": lang,
        "page_title": title,
        "title_suffix": SUFFIX_EN if english else SUFFIX_JA,
        "url": f"https://{host}{path}",
        "token": noise.token(),
        "counter": noise.count(1, 999999),
        "share_count": noise.count(0, 999),
        "related_heading": "Related Links" if english else "関連リンク",
        "updated_label": "Last updated: " if english else "最終更新日：",
        "updated": f"{stamp:%Y-%m-%d %H:%M}" if english else f"{stamp:%Y年%m月%d日 %H:%M}",
    }


def _edition_context(page: AnpoPage, state: int, english: bool) -> dict[str, Any]:
    edition = page.edition_at(state)
    return {
        "edition": edition,
        "list_heading": "End User List" if english else "外国ユーザーリスト",
        "viewer": f"{content.ANPO}/eul/viewer.html?edition={edition.revised:%Y%m%d}",
        "viewer_label": "View the End User List" if english else "外国ユーザーリスト（閲覧ページ）",
    }


def _row(row: content.Amendment) -> dict[str, Any]:
    return {
        "promulgated": content.reiwa(row.promulgated),
        "effective": content.reiwa(row.effective),
        "title": row.title,
        "pdf": row.pdf,
    }


def _feed_entry(release: MetiRelease) -> dict[str, str]:
    moment = release.published.replace(tzinfo=JST)
    return {
        "title": release.title,
        "url": f"https://{release.host}{release.path}",
        "stamp": moment.isoformat(),
        "rfc822": format_datetime(moment),
        "category": release.category,
        "summary": release.summary,
    }


def make_sites(bulk: int) -> list[MetiSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`): www.meti.go.jp and the
    agencies' hosts its feed links to; ``bulk`` is ignored."""
    return [MetiSite(bulk, host) for host in content.HOSTS]
