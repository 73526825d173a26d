"""www.mofa.go.jp/mofaj/press/oshirase/: MOFA その他のお知らせ, the generic spider's test site.

Served under its own path prefix (the replica routes by longest prefix, so the press-release
site keeps everything else on the host):

* ``index.html`` (and the directory): the newest notices in MOFA's static
  ``dl.title-list`` layout with year-less ``M月D日付`` headings, and a link to ``bn.html``;
* ``bn.html``: the older notices (the back number page), no further link;
* ``page22_NNNNNN.html``: page-single detail pages with ETag/Last-Modified (304), share
  buttons, a date line, a page-view counter and a shuffled related-links box as noise;
* ``list.json``: a small JSON listing API (GET query or POST form: ``page``, ``size``; it wants
  ``X-Requested-With: XMLHttpRequest``) for the generic spider's JSON mode. The real site is
  not known to have one: it is a test fixture, not a claim about MOFA.

``broken-listing`` switches the HTML listings to another layout and the JSON to another
envelope.
"""

from __future__ import annotations

import json
from itertools import groupby
from urllib.parse import parse_qs

from tests.replica.content import mofa_oshirase as content
from tests.replica.model import MofaRelease, Page
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render, tiny_pdf
from tests.replica.timeline import JST, MOFA_HOST, state_info

HTML = "text/html; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
PDF = "application/pdf"
BASE_URL = f"https://{MOFA_HOST}"
INDEX_PATHS = (f"{content.OSHIRASE_DIR}/", content.INDEX_PATH)
JSON_PAGE_SIZE = 5
JSON_MAX_PAGE_SIZE = 20


class MofaOshiraseSite:
    """Answers requests under /mofaj/press/oshirase/ (and its attachments) at a given state."""

    host = MOFA_HOST
    extra_methods = ("POST",)

    def __init__(self, bulk: int = 0) -> None:
        self.notices = content.notices()
        self.prefixes = (f"{content.OSHIRASE_DIR}/", *content.attachment_paths())
        self._by_path = {n.path: n for n in self.notices}
        self._attachments = {a.path: (a, n) for n in self.notices for a in n.attachments}
        self._pages: dict[tuple[int, bool, str], Page] = {}

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches listings to another layout."""
        if request.path == content.JSON_PATH:
            return self._api(request, state, broken)
        if request.method == "POST":
            return Page(405, "text/plain; charset=UTF-8", b"method not allowed\n")
        key = (state, broken, request.path)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(request.path, state, broken)
        return page

    def monitored_notices(self) -> list[MofaRelease]:
        """Every notice a monitor of this listing should find (for expected changes)."""
        return list(self.notices)

    def listed(self, state: int) -> list[MofaRelease]:
        """Notices on the listing at ``state``, newest first."""
        return [n for n in self.notices if n.listed_at(state)]

    def _route(self, path: str, state: int, broken: bool) -> Page:
        listed = self.listed(state)
        if path in INDEX_PATHS:
            back = content.BACKNUMBER_PATH if len(listed) > content.INDEX_SIZE else None
            return self._listing(listed[: content.INDEX_SIZE], state, broken, back)
        if path == content.BACKNUMBER_PATH:
            return self._listing(listed[content.INDEX_SIZE :], state, broken, None, path)
        notice = self._by_path.get(path)
        if notice is not None and notice.served_at(state):
            return self._detail(notice, state)
        found = self._attachments.get(path)
        if found is not None and found[1].served_at(state):
            attachment, owner = found
            body = tiny_pdf(attachment.text_at(state))
            return Page.validated(PDF, body, owner.published.replace(tzinfo=JST))
        return Page(404, HTML, render("mofa_404.html"))

    def _listing(
        self,
        notices: list[MofaRelease],
        state: int,
        broken: bool,
        backnumber: str | None,
        path: str = content.INDEX_PATH,
    ) -> Page:
        page_title = "その他のお知らせ"
        if path == content.BACKNUMBER_PATH:
            page_title += "（バックナンバー）"
        noise = Noise(state, f"oshirase-list:{path}")
        body = render(
            "oshirase_list.html",
            page_title=page_title,
            url=f"{BASE_URL}{path}",
            body_class="page-list",
            breadcrumb=content.CRUMBS[:2],
            crumb_tail=page_title,
            section_title="会見・発表・広報",
            heading=page_title,
            title2_extra="",
            token=noise.token(),
            counter=noise.count(1, 99999),
            list_heading=page_title,
            days=_days(notices),
            broken=broken,
            backnumber=backnumber,
            back_href="/mofaj/press/index.html",
            back_label="会見・発表・広報",
        )
        return Page(200, HTML, body)

    def _detail(self, notice: MofaRelease, state: int) -> Page:
        noise = Noise(state, notice.path)
        clock = state_info(state).clock
        body = render(
            "oshirase_detail.html",
            page_title=notice.title,
            url=f"{BASE_URL}{notice.path}",
            body_class="page-single",
            breadcrumb=notice.breadcrumb,
            crumb_tail=notice.title,
            section_title=notice.section_title,
            heading=notice.title,
            title2_extra=" title-logo",
            token=noise.token(),
            counter=noise.count(1, 99999),
            generated=noise.stamp(clock).strftime("%Y年%m月%d日%H時%M分"),
            date_label=content.reiwa(notice.day),
            sections=notice.sections_at(state),
            attachments=notice.attachments,
            related=noise.shuffled(notice.related),
            back_href=content.INDEX_PATH,
            back_label="その他のお知らせ",
        )
        return Page.validated(HTML, body, clock)

    def _api(self, request: Request, state: int, broken: bool) -> Page:
        if request.header("X-Requested-With") != "XMLHttpRequest":
            return _json_page(400, {"status": "error", "message": "invalid request"})
        fields = parse_qs(request.query)
        if request.method == "POST":
            fields = {**fields, **parse_qs(request.body.decode("utf-8", "replace"))}
        try:
            page_no = int(fields.get("page", ["1"])[0])
            size = int(fields.get("size", [str(JSON_PAGE_SIZE)])[0])
        except ValueError:
            return _json_page(400, {"status": "error", "message": "page and size are numbers"})
        if page_no < 1 or not 1 <= size <= JSON_MAX_PAGE_SIZE:
            return _json_page(400, {"status": "error", "message": "page or size out of range"})
        listed = self.listed(state)
        rows = [_row(n) for n in listed[(page_no - 1) * size : page_no * size]]
        stamp = Noise(state, f"oshirase-json:{page_no}:{size}").stamp(state_info(state).clock)
        payload: dict[str, object] = {"status": "ok", "generatedAt": stamp.isoformat()}
        if broken:
            payload["data"] = {"count": len(listed), "list": rows}
        else:
            payload["result"] = {"total": len(listed), "page": page_no, "size": size, "rows": rows}
        return _json_page(200, payload)


def _row(notice: MofaRelease) -> dict[str, object]:
    """One notice as the JSON API lists it (date as ``YYYYMMDD``, site-relative URL)."""
    return {
        "id": notice.seq,
        "title": notice.title,
        "url": notice.path,
        "date": notice.day.strftime("%Y%m%d"),
        "category": "その他のお知らせ",
    }


def _json_page(status: int, payload: dict[str, object]) -> Page:
    return Page(status, JSON, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _days(notices: list[MofaRelease]) -> list[tuple[str, list[MofaRelease]]]:
    """Group notices (newest first) into ``(M月D日付, notices)`` pairs."""
    return [
        (f"{day.month}月{day.day}日付", list(group))
        for day, group in groupby(notices, key=lambda n: n.day)
    ]


def make_sites(bulk: int) -> list[MofaOshiraseSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`)."""
    return [MofaOshiraseSite(bulk)]
