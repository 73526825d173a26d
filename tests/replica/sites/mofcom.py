"""www.mofcom.gov.cn: the jpaas column shell, the listing API, detail pages and attachments.

HTML goes out as ``Content-Type: text/html`` with no charset and no ``<meta charset>``, as the
real servers do. Pages are rendered once per state and cached (the column page is not: its
``queryData`` follows the jpaas switches); the API envelope is rebuilt per request because its
``traceId`` is random. The API and its switches (unknown IDs, escaped ``queryData``, a rotated
``pageId``, ``data`` that is not an object) live in :mod:`tests.replica.jpaas` (``site.jpaas``).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs

from tests.replica.content import mofcom as content
from tests.replica.content.churn import Churn, ChurnEvent
from tests.replica.jpaas import UNIT_API, JpaasUnits, parse_paging, query_param
from tests.replica.model import MofcomNotice, Page, Section
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import attachment_file, render
from tests.replica.timeline import CST, MOFCOM_HOST, state_info

HTML = "text/html"
COLUMN = "zcfb"
COLUMN_PATHS = ("/zwgk/zcfb/", "/zwgk/zcfb/index.html")
WEB_ID = "8f43c7ad3afc411fb56f281724b73708"
PAGE_ID = "fc8bdff48fa345a48b651c1285b70b8f"
TPL_SET_ID = "52551ea0e2c14bca8c84792f7aa37ead"
TAG_ID = "分页列表"
SHORT_TITLE = 20

__all__ = ["UNIT_API", "MofcomSite", "parse_paging", "query_param"]


class MofcomSite:
    """Answers requests for www.mofcom.gov.cn at a given state."""

    host = MOFCOM_HOST
    prefixes = ("/",)

    def __init__(self, bulk: int = 0) -> None:
        self.notices = content.notices(bulk)
        self._by_path = {n.path: n for n in self.notices}
        self._position = {n.path: i for i, n in enumerate(self.notices)}
        self._attachments = {a.path: n for n in self.notices for a in n.attachments}
        self._pages: dict[tuple[int, str, int], Page] = {}
        self._fragments: dict[tuple[int, bool, int, int, int], str] = {}
        self.jpaas = JpaasUnits(MOFCOM_HOST, WEB_ID, TPL_SET_ID, TAG_ID, {COLUMN: PAGE_ID})
        self.churn: Churn | None = None  # opt-in, see enable_churn

    def enable_churn(self, seed: int = 0) -> Churn:
        """Switch churn on (:mod:`tests.replica.content.churn`): from now on
        :meth:`churn_cycle` revises and withdraws notices of the 政策发布 listing."""
        self.churn = Churn(self.host, seed)
        return self.churn

    def churn_cycle(self, state: int) -> list[ChurnEvent]:
        """One churn cycle over the listing at ``state`` (see :meth:`enable_churn`)."""
        if self.churn is None:
            raise RuntimeError("churn is not enabled on this site")
        return self.churn.advance(self.churn_listing(state))

    def churn_listing(self, state: int) -> list[MofcomNotice]:
        """The listing churn works on: the 政策发布 listing at ``state``, newest first (withdrawn
        notices left out)."""
        return self.listed(state)

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches the listing to another layout."""
        path, query = request.path, request.query
        if path == UNIT_API:
            return self._api(parse_qs(query), state, broken)
        if path in COLUMN_PATHS:
            return self._column(state)
        key = (state, path, self.churn.version(path) if self.churn else 0)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(path, state)
        return page

    def monitored_notices(self) -> list[MofcomNotice]:
        """Every notice a monitor of this site should find (for expected changes)."""
        return list(self.notices)

    def listed(self, state: int) -> list[MofcomNotice]:
        """Notices in the 政策发布 listing at ``state``, newest first."""
        churn = self.churn
        return [
            n
            for n in self.notices
            if n.listed_at(state) and (churn is None or churn.listed(n.path))
        ]

    def _route(self, path: str, state: int) -> Page:
        notice = self._by_path.get(path)
        if notice is not None and notice.served_at(state):
            if self.churn is not None and self.churn.gone(path):
                return not_found()
            return self._detail(notice, state)
        owner = self._attachments.get(path)
        if owner is not None and owner.served_at(state):
            attachment = next(a for a in owner.attachments if a.path == path)
            modified = max([s for s, _ in attachment.revisions if s <= state], default=None)
            stamp = state_info(modified).clock if modified else _cst(owner.published)
            return Page.validated(*attachment_file(attachment, state), stamp)
        return not_found()

    def _column(self, state: int) -> Page:
        noise = Noise(state, "column")
        generated = noise.stamp(state_info(state).clock.astimezone(CST))
        body = render(
            "mofcom_column.html",
            query_data=self.jpaas.query_data(COLUMN),  # single quotes, as on the site
            noise_token=noise.token(4),
            today=f"{generated:%Y年%m月%d日}",
            generated=f"{generated:%Y-%m-%d %H:%M:%S}",
        )
        return Page(200, HTML, body)

    def _api(self, params: dict[str, list[str]], state: int, broken: bool) -> Page:
        if self.jpaas.column(params) is None:
            return self.jpaas.unknown()
        try:
            page_no, page_size = parse_paging(query_param(params, "paramJson"))
        except ValueError:
            return self.jpaas.envelope(False, "500", "参数错误", None)
        return self.jpaas.listing(self._fragment(state, broken, page_no, page_size))

    def _fragment(self, state: int, broken: bool, page_no: int, page_size: int) -> str:
        version = self.churn.listing_version if self.churn else 0
        fragment = self._fragments.get((state, broken, page_no, page_size, version))
        if fragment is None:
            fragment = self._render_fragment(state, broken, page_no, page_size)
            self._fragments[(state, broken, page_no, page_size, version)] = fragment
        return fragment

    def _render_fragment(self, state: int, broken: bool, page_no: int, page_size: int) -> str:
        listed = self.listed(state)
        start = (page_no - 1) * page_size
        items = [list_item(n) for n in listed[start : start + page_size]]
        template = "mofcom_fragment_broken.html" if broken else "mofcom_fragment.html"
        body = render(template, items=items, rows=page_size, count=len(listed), page_no=page_no)
        return body.decode("utf-8").strip()

    def _detail(self, notice: MofcomNotice, state: int) -> Page:
        noise = Noise(state, notice.path)
        clock = state_info(state).clock.astimezone(CST)
        made = noise.stamp(clock)
        body = render(
            "mofcom_detail.html",
            notice=notice,
            sections=self._sections(notice, state),
            pub_date=f"{notice.published:%Y-%m-%d %H:%M}",
            issued=issued_text(notice),
            url=f"https://{MOFCOM_HOST}{notice.path}",
            make_time=f"{made:%Y-%m-%d %H:%M:%S}",
            generated=f"{noise.stamp(made, 5):%Y-%m-%d %H:%M:%S}.{noise.count(0, 999):03d}",
            token=noise.token(),
            share_count=noise.count(0, 999),
            visit_count=noise.count(1000, 99999),
            related=noise.shuffled(self._related(notice, state)),
            noise_token=noise.token(4),
            today=f"{clock:%Y年%m月%d日}",
        )
        modified = state_info(state).clock
        if self.churn is not None:
            modified = self.churn.last_modified(notice.path, modified)
        return Page.validated(HTML, body, modified)

    def _sections(self, notice: MofcomNotice, state: int) -> tuple[Section, ...]:
        sections = notice.sections_at(state)
        return self.churn.sections(notice.path, sections) if self.churn else sections

    def _related(self, notice: MofcomNotice, state: int) -> list[tuple[str, str]]:
        here = self._position[notice.path]
        nearby = self.notices[max(0, here - 2) : here + 3]
        return [(n.path, n.title) for n in nearby if n is not notice and n.listed_at(state)]


def not_found() -> Page:
    """MOFCOM's 404 page (HTML without charset)."""
    return Page(404, HTML, render("mofcom_404.html"))


def list_item(notice: MofcomNotice, short_title: int = SHORT_TITLE) -> dict[str, str]:
    """A listing entry: the full title (title attribute) and the cut visible text."""
    title = notice.title
    short = title if len(title) <= short_title else title[:short_title] + "…"
    return {
        "path": notice.path,
        "title": title,
        "short": short,
        "day": f"{notice.published:%Y-%m-%d}",
    }


def issued_text(notice: MofcomNotice) -> str:
    """The header block's 【发文日期】 (zero-padded, as on the real site)."""
    if notice.header is None:
        return ""
    day = notice.header.issued
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def _cst(moment: datetime) -> datetime:
    return moment.replace(tzinfo=CST)


def make_sites(bulk: int) -> list[MofcomSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`)."""
    return [MofcomSite(bulk)]
