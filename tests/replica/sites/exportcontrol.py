"""exportcontrol.mofcom.gov.cn (中国出口管制信息网): JS column shells, the ``getColumnList`` POST
API, detail pages with their metadata in inline JS variables, and attachments.

As on the real site: the listings are JavaScript shells filled from
``POST /edi_ecms_web_front/front/column/getColumnList`` (form ``pageNumber``, ``columnID``,
``title``; 20 rows a page). The API answers UTF-8 only to requests carrying
``X-Requested-With: XMLHttpRequest``; to any other request it answers HTTP 200 with every
non-ASCII character replaced by ``?``. Row URLs are site-relative. HTML goes out as
``Content-Type: text/html`` without a charset; ``/robots.txt`` is 404. Detail pages keep their
title, source and time in ``var title = '…'`` etc. (empty on some pages) and the body inline in
``div.bd`` after that script, followed by the disclaimer, print links and related articles.
Under the ``broken-listing`` fault the API answers in another JSON layout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs

from markupsafe import Markup

from tests.replica.content import exportcontrol as content
from tests.replica.content.churn import Churn, ChurnEvent
from tests.replica.content.exportcontrol import EclNotice
from tests.replica.model import Page, Section
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render, tiny_pdf
from tests.replica.timeline import CST, state_info

HOST = "exportcontrol.mofcom.gov.cn"
HTML = "text/html"
JSON = "application/json;charset=UTF-8"
PDF = "application/pdf"
API = "/edi_ecms_web_front/front/column/getColumnList"
PAGE_SIZE = 20
SITE_ID = "5"


@dataclass(frozen=True)
class Column:
    """A listing column: its name, the sections it lists and its JS shell page."""

    name: str
    sections: tuple[str, ...]
    shell: str


COLUMNS: dict[int, Column] = {
    1: Column("国内动态", (content.GNDT,), "/article/gndt/"),
    9: Column("管制清单", (content.ZCFGGZQD,), "/article/zcfg/gnzcfg/zcfggzqd/"),
    10: Column("国内法规", (content.GZJGFXWJ, content.FLFG), "/article/zcfg/gnzcfg/gzjgfxwj/"),
}
SECTION_NAMES = {content.GNDT: "国内动态", content.ZCFGGZQD: "管制清单",
                 content.GZJGFXWJ: "规章及规范性文件", content.FLFG: "法律法规"}  # fmt: skip
SHELLS = {path: column_id for column_id, c in COLUMNS.items() for path in (c.shell,
          f"{c.shell}index.html")}  # fmt: skip
JS_UNSAFE = re.compile(r"[\\'\n\r]|</")
#: The column churn works on (:meth:`ExportControlSite.enable_churn`): 国内动态, the bulk's.
CHURN_COLUMN = 1


class ExportControlSite:
    """Answers requests for exportcontrol.mofcom.gov.cn at a given state."""

    host = HOST
    prefixes = ("/",)
    extra_methods = ("POST",)

    def __init__(self, bulk: int = 0) -> None:
        self.notices = content.notices(bulk)
        self._by_path = {n.path: n for n in self.notices}
        self._attachments = {a.path: n for n in self.notices for a in n.attachments}
        self._pages: dict[tuple[int, str, int], Page] = {}
        self.churn: Churn | None = None  # opt-in, see enable_churn

    def enable_churn(self, seed: int = 0) -> Churn:
        """Switch churn on (:mod:`tests.replica.content.churn`): from now on
        :meth:`churn_cycle` revises and withdraws notices of column 1 (国内动态)."""
        self.churn = Churn(self.host, seed)
        return self.churn

    def churn_cycle(self, state: int) -> list[ChurnEvent]:
        """One churn cycle over column 1's listing at ``state`` (see :meth:`enable_churn`)."""
        if self.churn is None:
            raise RuntimeError("churn is not enabled on this site")
        return self.churn.advance(self.churn_listing(state))

    def churn_listing(self, state: int) -> list[EclNotice]:
        """The listing churn works on: column 1 (国内动态) at ``state``, newest first (withdrawn
        notices left out)."""
        return self.listed(state, CHURN_COLUMN)

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches the API to another JSON layout."""
        if request.path == API:
            if request.method != "POST":
                return Page(405, "text/plain; charset=UTF-8", b"Request method not supported\n")
            return self._api(request, state, broken)
        if request.method == "POST":
            return Page(405, "text/plain; charset=UTF-8", b"Request method not supported\n")
        key = (state, request.target, self.churn.version(request.path) if self.churn else 0)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(request.path, request.target, state)
        return page

    def monitored_notices(self) -> list[EclNotice]:
        """Every notice a monitor of this site should find (for expected changes)."""
        return list(self.notices)

    def listed(self, state: int, column_id: int, title: str = "") -> list[EclNotice]:
        """The notices of column ``column_id`` at ``state``, newest first."""
        column = COLUMNS.get(column_id)
        if column is None:
            return []
        churn = self.churn
        return [
            n
            for n in self.notices
            if n.section in column.sections
            and n.listed_at(state)
            and title in n.title
            and (churn is None or churn.listed(n.path))
        ]

    # -- listing API -------------------------------------------------------------------------

    def _api(self, request: Request, state: int, broken: bool) -> Page:
        form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        try:
            column_id = int(form["columnID"][0])
            page_no = int(form.get("pageNumber", ["1"])[0])
        except (KeyError, ValueError):
            return _json({"code": "500", "msg": "参数错误", "pageInfo": None}, request)
        if page_no < 1:
            return _json({"code": "500", "msg": "参数错误", "pageInfo": None}, request)
        listed = self.listed(state, column_id, form.get("title", [""])[0])
        rows = [_row(n, column_id) for n in listed[(page_no - 1) * PAGE_SIZE :][:PAGE_SIZE]]
        if broken:
            return _json(
                {"code": "200", "data": {"list": rows, "totalCount": len(listed)}}, request
            )
        page_info = {
            "total": len(listed),
            "pageNumber": page_no,
            "pageSize": PAGE_SIZE,
            "maxPageNum": -(-len(listed) // PAGE_SIZE),
            "rows": rows,
        }
        return _json({"pageInfo": page_info}, request)

    # -- pages -------------------------------------------------------------------------------

    def _route(self, path: str, target: str, state: int) -> Page:
        if path in SHELLS:
            return self._shell(SHELLS[path], state)
        notice = self._by_path.get(path)
        if notice is not None and notice.served_at(state):
            if self.churn is not None and self.churn.gone(path):
                return Page(404, HTML, render("ecl_404.html"))
            return self._detail(notice, state)
        owner = self._attachments.get(target)
        if owner is not None and owner.served_at(state):
            stamp = owner.published.replace(tzinfo=CST)
            return Page.validated(PDF, tiny_pdf(f"dualwatch replica attachment {target}"), stamp)
        return Page(404, HTML, render("ecl_404.html"))

    def _shell(self, column_id: int, state: int) -> Page:
        noise = Noise(state, f"ecl-column-{column_id}")
        clock = state_info(state).clock.astimezone(CST)
        body = render(
            "ecl_column.html",
            column_id=column_id,
            column_name=COLUMNS[column_id].name,
            noise_token=noise.token(4),
            today=f"{clock:%Y年%m月%d日}",
            generated=f"{noise.stamp(clock):%Y-%m-%d %H:%M:%S}",
        )
        return Page(200, HTML, body)

    def _detail(self, notice: EclNotice, state: int) -> Page:
        noise = Noise(state, notice.path)
        clock = state_info(state).clock.astimezone(CST)
        body = render(
            "ecl_detail.html",
            notice=notice,
            js=_js_vars(notice),
            column_name=SECTION_NAMES[notice.section],
            sections=self._sections(notice, state),
            token=noise.token(),
            share_count=noise.count(0, 999),
            visit_count=noise.count(100, 99999),
            related=noise.shuffled(self._related(notice, state)),
            noise_token=noise.token(4),
            today=f"{clock:%Y年%m月%d日}",
            generated=f"{noise.stamp(clock):%Y-%m-%d %H:%M:%S}",
        )
        modified = state_info(state).clock
        if self.churn is not None:
            modified = self.churn.last_modified(notice.path, modified)
        return Page.validated(HTML, body, modified)

    def _sections(self, notice: EclNotice, state: int) -> tuple[Section, ...]:
        sections = notice.sections_at(state)
        return self.churn.sections(notice.path, sections) if self.churn else sections

    def _related(self, notice: EclNotice, state: int) -> list[tuple[str, str]]:
        same = [n for n in self.notices if n.section == notice.section and n.listed_at(state)]
        here = same.index(notice)
        return [(n.path, n.title) for n in same[max(0, here - 2) : here + 3] if n is not notice]


def _row(notice: EclNotice, column_id: int) -> dict[str, object]:
    return {
        "id": notice.article_id,
        "title": notice.title,
        "url": notice.path,
        "publishTimeStr": _time(notice.published),
        "source": notice.source,
        "columnName": COLUMNS[column_id].name,
        "content": notice.summary,
    }


def _json(payload: dict[str, object], request: Request) -> Page:
    """JSON in UTF-8 for the site's own XHR; every non-ASCII character as ``?`` otherwise."""
    text = json.dumps(payload, ensure_ascii=False)
    xhr = (request.header("X-Requested-With") or "").lower() == "xmlhttprequest"
    return Page(200, JSON, text.encode("utf-8") if xhr else text.encode("ascii", "replace"))


def _js_vars(notice: EclNotice) -> dict[str, Markup]:
    """The page's JS variables as single-quoted JS string bodies (all empty when blank)."""
    values = {
        "title": notice.title,
        "sub_title": notice.sub_title,
        "source": notice.source,
        "publish_time": _time(notice.published),
        "article_id": str(notice.article_id),
        "site_id": SITE_ID,
        "article_type": notice.article_type,
        "info_type": "1",
    }
    if notice.blank_vars:
        values = dict.fromkeys(values, "")
    return {key: Markup(JS_UNSAFE.sub(_js_escape, value)) for key, value in values.items()}


def _js_escape(match: re.Match[str]) -> str:
    return {"\n": "\\n", "\r": "\\r", "</": "<\\/"}.get(match.group(0), "\\" + match.group(0))


def _time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def make_sites(bulk: int) -> list[ExportControlSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`)."""
    return [ExportControlSite(bulk)]
