"""aqygzj.mofcom.gov.cn (产业安全与进出口管制局): the static home page, two jpaas column shells,
the unit listing API, detail pages and attachments.

* ``/`` (and ``/index.html``) is server-rendered: boxes of the 7 newest items of 政策法规
  (``flzc/gzjgfxwj`` and ``qdml``), 新闻发布 (``zhxx``, spokesperson Q&A) and 工作动态
  (``gzdt``), about 21 links, plus a focus carousel repeating the two newest policy links, links
  to www.mofcom.gov.cn articles (off-host) and site sections that are not articles.
* ``/flzc/gzjgfxwj/index.html`` and ``/qdml/index.html`` are JavaScript shells whose
  ``queryData`` names the unit API IDs. The 清单目录 pageId (:data:`QDML_PAGE_ID`) is
  invented: it is published nowhere else, a client has to read it from the shell.
* The unit API (GET, any page including page 1 may carry ``paramJson``) answers both columns
  by ``pageId``; unknown IDs give HTTP 200 with ``success:false`` (栏目不存在). The jpaas
  switches of :mod:`tests.replica.jpaas` (``site.jpaas``: unknown-ID answers, escaped or
  missing ``queryData``, rotated pageIds, ``data`` not an object) apply here too.
* HTML goes out as ``text/html`` without a charset; robots.txt answers 404.

Faults: ``broken-listing`` switches the API fragment to another layout and the home page to
JavaScript-only links (no ``href`` to any article). The shared ``error500``/``blocked``/``empty``
faults replace every response of the host, so they cannot model an API-only outage; for that
the site has an in-process switch, :func:`set_api_outage` (tests only; no control endpoint):
``refuse`` (200, ``success:false``), ``error500`` (HTTP 500 on the API path only) or
``not-json`` (200 with an HTML error page), while every other page is served normally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from tests.replica.content import aqygzj as content
from tests.replica.jpaas import UNIT_API, JpaasUnits, parse_paging, query_param
from tests.replica.model import MofcomNotice, Page
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render, tiny_pdf
from tests.replica.sites.mofcom import issued_text, list_item
from tests.replica.timeline import CST, state_info

if TYPE_CHECKING:
    from tests.replica.server import Replica

AQYGZJ_HOST = "aqygzj.mofcom.gov.cn"
BASE_URL = f"https://{AQYGZJ_HOST}"
HTML = "text/html"
PDF = "application/pdf"
WEB_ID = "b28941ad4e064442856787562c9a4961"
TPL_SET_ID = "DDBav9QvwJVbs9iznQVmO"
TAG_ID = "信息列表"
GZJ_PAGE_ID = "79d6d2c4e44d458180d37dd4f0996645"
#: Invented for the replica: only the qdml column shell's queryData reveals it.
QDML_PAGE_ID = "e3a91c5d07b84f26a1d95c7e0f42b8d3"
HOME_PATHS = ("/", "/index.html")
HOME_BOX_SIZE = 7
SHORT_TITLE = 24
API_OUTAGES = ("refuse", "error500", "not-json")
OFFSITE_LINKS = (
    (
        "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_7fc9bff0fb4546ecb02f66ee77d0e5f6.html",
        "商务部政策发布",
    ),
    ("https://exportcontrol.mofcom.gov.cn/", "中国出口管制信息网"),
)
SECTION_LINKS = (("/zsyd/index.html", "知识园地"), ("/gywm/index.html", "关于我们"))


@dataclass(frozen=True)
class Column:
    """A jpaas column: its key in the content, shell paths, name and unit pageId."""

    key: str
    name: str
    page_id: str

    @property
    def shell_paths(self) -> tuple[str, str]:
        """``/<key>/`` and ``/<key>/index.html``."""
        return (f"/{self.key}/", f"/{self.key}/index.html")


COLUMNS = (
    Column(content.GZJ, content.COLUMN_NAMES[content.GZJ], GZJ_PAGE_ID),
    Column(content.QDML, content.COLUMN_NAMES[content.QDML], QDML_PAGE_ID),
)


class AqygzjSite:
    """Answers requests for aqygzj.mofcom.gov.cn at a given state."""

    host = AQYGZJ_HOST
    prefixes = ("/",)

    def __init__(self, bulk: int = 0) -> None:
        self.notices = content.notices(bulk)
        self.api_outage: str | None = None
        self._by_path = {n.path: n for n in self.notices}
        self._attachments = {a.path: n for n in self.notices for a in n.attachments}
        self._shells = {path: column for column in COLUMNS for path in column.shell_paths}
        self._by_key = {column.key: column for column in COLUMNS}
        self._pages: dict[tuple[int, bool, str], Page] = {}
        page_ids = {column.key: column.page_id for column in COLUMNS}
        self.jpaas = JpaasUnits(AQYGZJ_HOST, WEB_ID, TPL_SET_ID, TAG_ID, page_ids)

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches the listings to other layouts."""
        if request.path == UNIT_API:
            return self._api(parse_qs(request.query), state, broken)
        if request.path in self._shells:
            return self._shell(self._shells[request.path], state)
        key = (state, broken, request.path)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(request.path, state, broken)
        return page

    def monitored_notices(self) -> list[MofcomNotice]:
        """Every notice a monitor of this site finds: each is on a column or the home page."""
        return list(self.notices)

    def column_listing(self, key: str, state: int) -> list[MofcomNotice]:
        """Notices of column ``key`` listed at ``state``, newest first."""
        return [n for n in self.notices if content.column_of(n.path) == key and n.listed_at(state)]

    def home_boxes(self, state: int) -> list[tuple[str, str, str, list[MofcomNotice]]]:
        """``(id, heading, more link, newest notices)`` per home page box at ``state``."""
        policy = [
            *self.column_listing(content.GZJ, state),
            *self.column_listing(content.QDML, state),
        ]
        policy.sort(key=lambda n: (n.published, n.path), reverse=True)
        return [
            ("zcfg", "政策法规", "/flzc/gzjgfxwj/index.html", policy[:HOME_BOX_SIZE]),
            ("xwfb", "新闻发布", "/zhxx/index.html", self._newest(content.ZHXX, state)),
            ("gzdt", "工作动态", "/gzdt/index.html", self._newest(content.GZDT, state)),
        ]

    def _newest(self, key: str, state: int) -> list[MofcomNotice]:
        return self.column_listing(key, state)[:HOME_BOX_SIZE]

    def _route(self, path: str, state: int, broken: bool) -> Page:
        if path in HOME_PATHS:
            return self._home(state, broken)
        notice = self._by_path.get(path)
        if notice is not None and notice.served_at(state):
            return self._detail(notice, state)
        owner = self._attachments.get(path)
        if owner is not None and owner.served_at(state):
            body = tiny_pdf(f"dualwatch replica attachment {path}")
            return Page.validated(PDF, body, owner.published.replace(tzinfo=CST))
        return not_found()

    def _home(self, state: int, broken: bool) -> Page:
        noise = Noise(state, "home")
        clock = state_info(state).clock.astimezone(CST)
        boxes = [
            (box_id, heading, more, [list_item(n, SHORT_TITLE) for n in items])
            for box_id, heading, more, items in self.home_boxes(state)
        ]
        body = render(
            "bis_home.html",
            boxes=noise.shuffled(boxes),
            focus=noise.shuffled(boxes[0][3][:2]),
            offsite=OFFSITE_LINKS,
            sections=SECTION_LINKS,
            broken=broken,
            noise_token=noise.token(4),
            visit_count=noise.count(100000, 999999),
            today=f"{clock:%Y年%m月%d日}",
            generated=f"{noise.stamp(clock):%Y-%m-%d %H:%M:%S}",
        )
        return Page(200, HTML, body)

    def _shell(self, column: Column, state: int) -> Page:
        noise = Noise(state, f"column:{column.key}")
        generated = noise.stamp(state_info(state).clock.astimezone(CST))
        body = render(
            "bis_column.html",
            column=column,
            query_data=self.jpaas.query_data(column.key),  # single quotes, as on the site
            noise_token=noise.token(4),
            today=f"{generated:%Y年%m月%d日}",
            generated=f"{generated:%Y-%m-%d %H:%M:%S}",
        )
        return Page(200, HTML, body)

    def _api(self, params: dict[str, list[str]], state: int, broken: bool) -> Page:
        if self.api_outage is not None:
            return self._outage(self.api_outage)
        key = self.jpaas.column(params)
        if key is None:
            return self.jpaas.unknown()
        column = self._by_key[key]
        try:
            page_no, page_size = parse_paging(query_param(params, "paramJson"))
        except ValueError:
            return self.jpaas.envelope(False, "500", "参数错误", None)
        listed = self.column_listing(column.key, state)
        start = (page_no - 1) * page_size
        body = render(
            "bis_fragment_broken.html" if broken else "bis_fragment.html",
            items=[list_item(n, SHORT_TITLE) for n in listed[start : start + page_size]],
            rows=page_size,
            count=len(listed),
            page_no=page_no,
        )
        return self.jpaas.listing(body.decode("utf-8").strip())

    def _outage(self, mode: str) -> Page:
        if mode == "refuse":
            return self.jpaas.envelope(False, "500", "系统繁忙，请稍后再试", None)
        if mode == "error500":
            return Page(500, "text/html; charset=UTF-8", render("fault_500.html"))
        return Page(200, HTML, render("bis_gateway_error.html"))

    def _detail(self, notice: MofcomNotice, state: int) -> Page:
        noise = Noise(state, notice.path)
        clock = state_info(state).clock.astimezone(CST)
        made = noise.stamp(clock)
        body = render(
            "bis_detail.html",
            notice=notice,
            sections=notice.sections_at(state),
            pub_date=f"{notice.published:%Y-%m-%d %H:%M}",
            issued=issued_text(notice),
            url=f"{BASE_URL}{notice.path}",
            make_time=f"{made:%Y-%m-%d %H:%M:%S}",
            generated=f"{noise.stamp(made, 5):%Y-%m-%d %H:%M:%S}.{noise.count(0, 999):03d}",
            token=noise.token(),
            share_count=noise.count(0, 999),
            visit_count=noise.count(1000, 99999),
            related=noise.shuffled(self._related(notice, state)),
            noise_token=noise.token(4),
            today=f"{clock:%Y年%m月%d日}",
        )
        return Page.validated(HTML, body, state_info(state).clock)

    def _related(self, notice: MofcomNotice, state: int) -> list[tuple[str, str]]:
        siblings = self.column_listing(content.column_of(notice.path), state)
        here = next((i for i, n in enumerate(siblings) if n is notice), 0)
        nearby = siblings[max(0, here - 2) : here + 3]
        return [(n.path, n.title) for n in nearby if n is not notice]


def set_api_outage(replica: Replica, mode: str | None) -> None:
    """Make the unit API of ``replica`` fail (``refuse``/``error500``/``not-json``) or recover.

    Only the API path is affected; the home page, shells and details keep answering.
    """
    if mode is not None and mode not in API_OUTAGES:
        raise ValueError(f"unknown API outage {mode!r}; known: {', '.join(API_OUTAGES)}")
    sites = [s for s in replica.app.sites if isinstance(s, AqygzjSite)]
    if not sites:
        raise ValueError("the replica serves no aqygzj site")
    for site in sites:
        site.api_outage = mode


def not_found() -> Page:
    """The site's 404 page (HTML without charset)."""
    return Page(404, HTML, render("bis_404.html"))


def make_sites(bulk: int) -> list[AqygzjSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`)."""
    return [AqygzjSite(bulk)]
