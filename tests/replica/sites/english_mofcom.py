"""english.mofcom.gov.cn: jpaas column shells, the listing API, English detail pages.

The English site runs on the same Hanweb jpaas CMS as www (research notes, section 4): the
column pages of Announcements & Orders and Press Conference are JavaScript shells whose
``queryData`` names the listing unit, and the articles come from
``/api-gateway/jpaas-publish-server/front/page/build/unit`` on this host. The webId, tplSetId
and pageIds are invented for the replica (the real ones are unknown) and deliberately differ
from the placeholders in ``config/dualwatch.toml``: a crawl with the shipped config is refused
(HTTP 400 by default, as the live API answers unknown IDs; ``jpaas.unknown_ids`` switches it
to ``success:false``) and must read the IDs from the column pages' ``queryData``, as it would
live. The press-conference index additionally carries static links to its latest transcripts
(one scraper read it statically), so a spider's static fallback can be exercised. HTML goes
out without a charset, as on www. Pages are rendered once per state and cached (column pages
are not: they follow the jpaas switches of :mod:`tests.replica.jpaas`); the API envelope is
rebuilt per request (its ``traceId`` is random).
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qs

from tests.replica.content import english_mofcom as content
from tests.replica.content.english_mofcom import ANNOUNCEMENTS, PRESS, EnglishNotice
from tests.replica.jpaas import UNIT_API, JpaasUnits, parse_paging, query_param
from tests.replica.model import Page
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render, tiny_pdf
from tests.replica.timeline import CST, state_info

HOST = "english.mofcom.gov.cn"
HTML = "text/html"
PDF = "application/pdf"
#: The site's own IDs (invented; NOT the config's placeholders, see the module docstring).
WEB_ID = "bbe1de855885e573cd21efd022dd418a"
TPL_SET_ID = "f148130ad2122e47acc7133f8622bbe4"
PAGE_IDS = {
    ANNOUNCEMENTS: "96e9df676e1bfd6a69e9b7004f300a1c",
    PRESS: "46673d33eefe7aa7061d44ba372df5b0",
}
TAG_ID = "分页列表"
SHORT_TITLE = 60
STATIC_LINKS = 10
COLUMN_TITLES = {ANNOUNCEMENTS: "Announcements & Orders", PRESS: "Press Conference"}
COLUMN_PATHS = {
    path: column
    for column in (ANNOUNCEMENTS, PRESS)
    for path in (f"/{column}/", f"/{column}/index.html")
}


class EnglishMofcomSite:
    """Answers requests for english.mofcom.gov.cn at a given state."""

    host = HOST
    prefixes = ("/",)

    def __init__(self, bulk: int = 0) -> None:
        self.notices = content.notices(bulk)
        self._by_path = {n.path: n for n in self.notices}
        self._attachments = {a.path: n for n in self.notices for a in n.attachments}
        self._pages: dict[tuple[int, str], Page] = {}
        self._fragments: dict[tuple[int, bool, str, int, int], str] = {}
        self.jpaas = JpaasUnits(
            HOST, WEB_ID, TPL_SET_ID, TAG_ID, dict(PAGE_IDS), default_unknown_ids="http-400"
        )

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches the API fragment to another layout."""
        if request.path == UNIT_API:
            return self._api(parse_qs(request.query), state, broken)
        if request.path in COLUMN_PATHS:
            return self._column(COLUMN_PATHS[request.path], state)
        key = (state, request.path)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(request.path, state)
        return page

    def monitored_notices(self) -> list[EnglishNotice]:
        """Every notice a monitor of this site should find (for expected changes)."""
        return list(self.notices)

    def listed(self, column: str, state: int) -> list[EnglishNotice]:
        """Notices of ``column`` listed at ``state``, newest first."""
        return [n for n in self.notices if n.column == column and n.listed_at(state)]

    def _route(self, path: str, state: int) -> Page:
        notice = self._by_path.get(path)
        if notice is not None and notice.served_at(state):
            return self._detail(notice, state)
        owner = self._attachments.get(path)
        if owner is not None and owner.served_at(state):
            body = tiny_pdf(f"dualwatch replica english attachment {path}")
            return Page.validated(PDF, body, _cst(owner.published))
        return not_found()

    def _column(self, column: str, state: int) -> Page:
        noise = Noise(state, f"english-column:{column}")
        generated = noise.stamp(state_info(state).clock.astimezone(CST))
        static = [_list_item(n) for n in self.listed(column, state)[:STATIC_LINKS]]
        body = render(
            "en_column.html",
            column_title=COLUMN_TITLES[column],
            query_data=self.jpaas.query_data(column),  # single quotes, as on the site
            static_items=static if column == PRESS else [],
            noise_token=noise.token(4),
            today=f"{generated:%B} {generated.day}, {generated.year}",
            generated=f"{generated:%Y-%m-%d %H:%M:%S}",
        )
        return Page(200, HTML, body)

    def _api(self, params: dict[str, list[str]], state: int, broken: bool) -> Page:
        column = self.jpaas.column(params)
        if column is None:
            return self.jpaas.unknown()
        try:
            page_no, page_size = parse_paging(query_param(params, "paramJson"))
        except ValueError:
            return self.jpaas.envelope(False, "500", "参数错误", None)
        return self.jpaas.listing(self._fragment(state, broken, column, page_no, page_size))

    def _fragment(self, state: int, broken: bool, column: str, page_no: int, size: int) -> str:
        key = (state, broken, column, page_no, size)
        fragment = self._fragments.get(key)
        if fragment is None:
            listed = self.listed(column, state)
            items = [_list_item(n) for n in listed[(page_no - 1) * size : page_no * size]]
            template = "en_fragment_broken.html" if broken else "en_fragment.html"
            body = render(template, items=items, rows=size, count=len(listed), page_no=page_no)
            fragment = self._fragments[key] = body.decode("utf-8").strip()
        return fragment

    def _detail(self, notice: EnglishNotice, state: int) -> Page:
        noise = Noise(state, f"english:{notice.path}")
        clock = state_info(state).clock.astimezone(CST)
        made = noise.stamp(clock)
        body = render(
            "en_detail.html",
            notice=notice,
            sections=notice.sections_at(state),
            pub_date=f"{notice.published:%Y-%m-%d %H:%M}",
            shown_date=_long_date(notice.published),
            issued=_long_date(notice.header.issued) if notice.header else "",
            url=f"https://{HOST}{notice.path}",
            make_time=f"{made:%Y-%m-%d %H:%M:%S}",
            generated=f"{noise.stamp(made, 5):%Y-%m-%d %H:%M:%S}.{noise.count(0, 999):03d}",
            token=noise.token(),
            share_count=noise.count(0, 999),
            visit_count=noise.count(1000, 99999),
            related=noise.shuffled(self._related(notice, state)),
            noise_token=noise.token(4),
            today=_long_date(clock),
        )
        return Page.validated(HTML, body, state_info(state).clock)

    def _related(self, notice: EnglishNotice, state: int) -> list[tuple[str, str]]:
        column = self.listed(notice.column, state)
        here = column.index(notice)
        nearby = column[max(0, here - 2) : here + 3]
        return [(n.path, n.title) for n in nearby if n is not notice]


def not_found() -> Page:
    """The English site's 404 page (HTML without charset)."""
    return Page(404, HTML, render("en_404.html"))


def _list_item(notice: EnglishNotice) -> dict[str, str]:
    title = notice.title
    short = title if len(title) <= SHORT_TITLE else title[:SHORT_TITLE].rstrip() + "…"
    return {
        "path": notice.path,
        "title": title,
        "short": short,
        "day": f"{notice.published:%Y-%m-%d}",
        "short_day": f"{notice.published:%b} {notice.published.day}, {notice.published.year}",
    }


def _long_date(moment: date) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


def _cst(moment: datetime) -> datetime:
    return moment.replace(tzinfo=CST)


def make_sites(bulk: int) -> list[EnglishMofcomSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`)."""
    return [EnglishMofcomSite(bulk)]
