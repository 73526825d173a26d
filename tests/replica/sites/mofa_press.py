"""www.mofa.go.jp 談話 (``/mofaj/press/danwa/``) and 記者会見 (``/mofaj/press/kaiken/``).

Answers those two folders of the MOFA host (the longest prefix wins over the Japanese site's
``/``): the 談話 index (one ``dl.title-list`` of dated ``dt.list-title`` groups, like the
release index) and the 記者会見 index (one ``dl.title-list`` per conference whose
``dt.list-title`` links the ``テキスト版要旨`` record), with their detail pages. Neither list is
windowed: they show every statement / conference published so far.
"""

from __future__ import annotations

from itertools import groupby

from tests.replica.content import mofa as content
from tests.replica.content.mofa import MofaKaiken
from tests.replica.model import MofaRelease, Page
from tests.replica.noise import Noise
from tests.replica.protocol import Request
from tests.replica.render import render
from tests.replica.sites.mofa import BASE_URL, HTML, detail_page, not_found
from tests.replica.timeline import MOFA_HOST, state_info


class MofaPressSite:
    """談話 and 記者会見 on www.mofa.go.jp: their indexes and detail pages."""

    host = MOFA_HOST
    prefixes = (f"{content.DANWA_DIR}/", f"{content.KAIKEN_DIR}/")

    def __init__(self) -> None:
        self.statements = content.statements()
        self.conferences = content.conferences()
        self._by_path: dict[str, MofaRelease] = {
            n.path: n for n in (*self.statements, *self.conferences)
        }
        self._pages: dict[tuple[int, bool, str], Page] = {}

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page for the request; ``broken`` switches both indexes to another layout."""
        key = (state, broken, request.path)
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._route(request.path, state, broken)
        return page

    def monitored_notices(self) -> list[MofaRelease]:
        """Every statement and conference record a monitor should find."""
        return [*self.statements, *self.conferences]

    def _route(self, path: str, state: int, broken: bool) -> Page:
        if path in (f"{content.DANWA_DIR}/", f"{content.DANWA_DIR}/index.html"):
            return self._danwa_index(state, broken)
        if path in (f"{content.KAIKEN_DIR}/", f"{content.KAIKEN_DIR}/index.html"):
            return self._kaiken_index(state, broken)
        notice = self._by_path.get(path)
        if notice is None or not notice.served_at(state):
            return not_found()
        if isinstance(notice, MofaKaiken):
            return self._kaiken_detail(notice, state)
        return detail_page(notice, state)

    def _danwa_index(self, state: int, broken: bool) -> Page:
        listed = [n for n in self.statements if n.listed_at(state)]
        days = [
            (content.reiwa(day), list(group)) for day, group in groupby(listed, lambda n: n.day)
        ]
        body = render(
            "mofa_danwa_list.html",
            **_press_context(state, "談話", content.DANWA_DIR, broken),
            days=days,
            list_heading="談話",
        )
        return Page(200, HTML, body)

    def _kaiken_index(self, state: int, broken: bool) -> Page:
        body = render(
            "mofa_kaiken_list.html",
            **_press_context(state, "記者会見", content.KAIKEN_DIR, broken),
            records=[n for n in self.conferences if n.listed_at(state)],
            state=state,
            list_heading="外務大臣会見",
        )
        return Page(200, HTML, body)

    def _kaiken_detail(self, record: MofaKaiken, state: int) -> Page:
        noise = Noise(state, record.path)
        body = render(
            "mofa_kaiken_detail.html",
            page_title=record.title,
            url=f"{BASE_URL}{record.path}",
            body_class="page-single",
            breadcrumb=record.breadcrumb,
            crumb_tail=record.title,
            section_title=record.section_title,
            heading=record.title,
            title2_extra=" title-logo",
            token=noise.token(),
            counter=noise.count(1, 99999),
            title3=record.title3,
            sections=record.sections_at(state),
            related=noise.shuffled(record.related),
            back_href=record.breadcrumb[-1][0],
            back_label=record.breadcrumb[-1][1],
        )
        return Page.validated(HTML, body, state_info(state).clock)


def _press_context(state: int, label: str, directory: str, broken: bool) -> dict[str, object]:
    """Template variables of the 談話 / 記者会見 indexes."""
    return {
        "page_title": label,
        "url": f"{BASE_URL}{directory}/index.html",
        "broken": broken,
        "body_class": "page-list",
        "breadcrumb": content.PRESS_CRUMBS[:2],
        "crumb_tail": label,
        "section_title": label,
        "heading": label,
        "title2_extra": "",
        "token": Noise(state, f"list:{label}").token(),
        "back_href": "/mofaj/press/index.html",
        "back_label": "会見・発表・広報",
    }


def make_sites(bulk: int) -> list[MofaPressSite]:
    """The sites this module serves (see :mod:`tests.replica.sites`); ``bulk`` is not used."""
    del bulk
    return [MofaPressSite()]
