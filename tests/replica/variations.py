"""Real-world variations of the sites, switchable one at a time.

A variation wraps the replica's normal answer: it may rewrite a page, answer a path the site
does not have, or replace the answer altogether. Each one models something the live sites
do or could do (a redirect loop, a listing entry that links a PDF or another host, a dead
attachment, a site-wide 404 page, a challenge page…). ``POST /__replica__/variation/<name>``
switches one on, ``…/variation/<name>?phase=recovered`` switches it to its recovered form
(for most: the normal site) and ``…/variation/none`` off. The variation suite
(tests/test_variations.py) runs each as baseline → variation → recovery.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import unquote_plus

from tests.replica.protocol import Request, Response
from tests.replica.render import tiny_pdf
from tests.replica.timeline import MOFCOM_HOST

Serve = Callable[[Request], Response]
MOFA_HOST = "www.mofa.go.jp"
MOFA_INDEX = "/mofaj/press/release/index.html"
MOFCOM_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
HTML = (("Content-Type", "text/html; charset=UTF-8"),)
EXTRA = "/mofaj/press/release/pressit_000001_99{:03d}.html"
EXTRA_PATH = re.compile(r"^/mofaj/press/release/pressit_000001_99(\d{3})\.html$")
DEAD_PDF = "/mofaj/files/100999999.pdf"
ECL_HOST = "exportcontrol.mofcom.gov.cn"
FILE_ENTRY = "/mofaj/files/100999998.pdf"
OFFHOST = "https://www.kantei.go.jp/jp/105/discourse/20260106danwa.html"


@dataclass(frozen=True)
class Variation:
    """One switchable variation of one host's answers."""

    name: str
    host: str
    description: str
    respond: Callable[[Request, Serve, str], Response]


def replace_body(response: Response, body: bytes, status: int | None = None) -> Response:
    """``response`` with another body (validators dropped: the content changed)."""
    headers = tuple((k, v) for k, v in response.headers if k not in ("ETag", "Last-Modified"))
    return Response(status or response.status, headers or HTML, body)


def unconditional(request: Request) -> Request:
    """``request`` without validators: a variation that rewrites a page needs its full body
    (the rewritten page is another representation, so a 304 would be wrong)."""
    return replace(request, if_none_match=None, if_modified_since=None)


def add_mofa_entries(response: Response, links: list[tuple[str, str]]) -> Response:
    """The MOFA index with a first date group holding extra links (href, title)."""
    if response.status != 200:
        return response
    html = response.body.decode("utf-8")
    items = "".join(f'<li><a href="{href}">{title}</a></li>' for href, title in links)
    group = f'<dt class="list-title">1月5日付</dt><dd><ul class="link-list">{items}</ul></dd>'
    html = html.replace('<dl class="title-list">', '<dl class="title-list">' + group, 1)
    return replace_body(response, html.encode("utf-8"))


def first_mofa_detail(serve: Serve) -> str:
    """The path of the newest release on the MOFA index."""
    index = serve(Request("GET", MOFA_HOST, MOFA_INDEX)).body.decode("utf-8")
    match = re.search(r'<a href="(/mofaj/press/release/pressit_[^"]+)"', index)
    if match is None:
        raise LookupError("no release on the MOFA index")
    return match.group(1)


def copy_of_detail(serve: Serve, request: Request, marker: str, extra_html: str = "") -> Response:
    """A new release page: a copy of the newest one, made distinct by ``marker``."""
    original = serve(Request("GET", MOFA_HOST, first_mofa_detail(serve)))
    html = original.body.decode("utf-8")
    html = html.replace('<div id="maincontents">', f'<div id="maincontents"><p>{marker}</p>', 1)
    html = html.replace("</h2>", f"（{marker}）</h2>", 1)
    if extra_html:
        html = html.replace("</p>", "</p>" + extra_html, 1)
    return Response(200, HTML, html.encode("utf-8"))


# -- the variations --------------------------------------------------------------------------


def redirect_loop_listing(request: Request, serve: Serve, phase: str) -> Response:
    """MOFCOM's listing API redirects to itself."""
    if phase == "on" and request.path == MOFCOM_API:
        return Response(302, (("Location", f"https://{MOFCOM_HOST}{request.target}"),), b"")
    return serve(request)


def meta_refresh_loop(request: Request, serve: Serve, phase: str) -> Response:
    """The MOFA index is a ``<meta refresh>`` to itself."""
    if phase == "on" and request.path == MOFA_INDEX:
        url = f"https://{MOFA_HOST}{MOFA_INDEX}"
        body = f'<html><head><meta http-equiv="refresh" content="0;url={url}"></head></html>'
        return Response(200, HTML, body.encode())
    return serve(request)


def offsite_redirect(request: Request, serve: Serve, phase: str) -> Response:
    """The MOFA index moved to another host (a 301 off the configured hosts)."""
    if phase == "on" and request.path == MOFA_INDEX:
        return Response(301, (("Location", "https://www.kantei.go.jp/jp/press/index.html"),), b"")
    return serve(request)


def detail_redirect_self(request: Request, serve: Serve, phase: str) -> Response:
    """Every MOFA release page redirects to itself."""
    if phase == "on" and request.path.startswith("/mofaj/press/release/pressit_"):
        return Response(302, (("Location", f"https://{MOFA_HOST}{request.target}"),), b"")
    return serve(request)


def overflow_effective_date(request: Request, serve: Serve, phase: str) -> Response:
    """The newest MOFA release gains an absurd effective-date clause (a parser overflow)."""
    if phase != "on" or request.path != first_mofa_detail(serve):
        return serve(request)
    response = serve(unconditional(request))
    if response.status == 200:
        html = response.body.decode("utf-8").replace(
            '<div id="maincontents">',
            '<div id="maincontents"><p>本公告自公布之日起2920448日后施行。</p>',
            1,
        )
        return replace_body(response, html.encode("utf-8"))
    return response


def file_entry(request: Request, serve: Serve, phase: str) -> Response:
    """A listing entry that links a PDF directly (no HTML page)."""
    if phase != "on":
        return serve(request)
    if request.path == MOFA_INDEX:
        link = (FILE_ENTRY, "輸出管理に関する資料（PDF）")
        return add_mofa_entries(serve(unconditional(request)), [link])
    if request.path == FILE_ENTRY:
        return Response(200, (("Content-Type", "application/pdf"),), tiny_pdf("輸出管理 資料"))
    return serve(request)


def offhost_entry(request: Request, serve: Serve, phase: str) -> Response:
    """A listing entry that links a page on another official host (the Prime Minister's)."""
    if phase == "on" and request.path == MOFA_INDEX:
        return add_mofa_entries(serve(unconditional(request)), [(OFFHOST, "内閣総理大臣談話")])
    return serve(request)


def dead_attachment(request: Request, serve: Serve, phase: str) -> Response:
    """A new release whose PDF answers 404 at first; recovered: the PDF is served."""
    path = EXTRA.format(1)
    if request.path == MOFA_INDEX:
        link = (path, "輸出管理に関する発表（添付資料あり）")
        return add_mofa_entries(serve(unconditional(request)), [link])
    if request.path == path:
        link = f'<p><a href="{DEAD_PDF}">別添資料（PDF）</a></p>'
        return copy_of_detail(serve, request, "添付資料付き発表", link)
    if request.path == DEAD_PDF:
        if phase == "on":
            return Response(404, HTML, b"<html><body>Not Found</body></html>")
        return Response(200, (("Content-Type", "application/pdf"),), tiny_pdf("別添 資料"))
    return serve(request)


def many_links(request: Request, serve: Serve, phase: str) -> Response:
    """The MOFA index suddenly lists 40 more releases (a flood)."""
    if phase != "on":
        return serve(request)
    if request.path == MOFA_INDEX:
        links = [(EXTRA.format(i), f"発表 第{i}号") for i in range(100, 140)]
        return add_mofa_entries(serve(unconditional(request)), links)
    if match := EXTRA_PATH.match(request.path):
        return copy_of_detail(serve, request, f"発表 第{match.group(1)}号")
    return serve(request)


def mass_404(request: Request, serve: Serve, phase: str) -> Response:
    """A site-wide error page with status 404 for every release page (listings still up)."""
    if phase == "on" and request.path.startswith("/mofaj/press/release/pressit_"):
        return Response(404, HTML, "<html><body>ただいま混み合っています</body></html>".encode())
    return serve(request)


def wrong_charset(request: Request, serve: Serve, phase: str) -> Response:
    """Release pages in Shift_JIS while the header still says UTF-8."""
    if phase != "on" or not request.path.startswith("/mofaj/press/release/pressit_"):
        return serve(request)
    response = serve(unconditional(request))
    if response.status != 200:
        return response
    html = response.body.decode("utf-8").replace('charset="UTF-8"', "")
    html = html.replace("charset=UTF-8", "").replace("charset=utf-8", "")
    body = html.encode("shift_jis", "xmlcharrefreplace")
    return Response(200, (("Content-Type", "text/html; charset=utf-8"),), body)


def missing_title_attribute(request: Request, serve: Serve, phase: str) -> Response:
    """MOFCOM's listing fragment without ``title`` attributes (only the cut link text)."""
    response = serve(unconditional(request) if phase == "on" else request)
    if phase == "on" and request.path == MOFCOM_API and response.status == 200:
        text = re.sub(r'\s+title=\\"[^"\\]*\\"', "", response.body.decode("utf-8"))
        return replace_body(response, text.encode("utf-8"))
    return response


def empty_mofa_index(request: Request, serve: Serve, phase: str) -> Response:
    """The MOFA index at a month start: the list holds no entry yet."""
    response = serve(unconditional(request) if phase == "on" else request)
    if phase == "on" and request.path == MOFA_INDEX and response.status == 200:
        html = re.sub(
            r'<dl class="title-list">.*?</dl>',
            '<dl class="title-list"></dl>',
            response.body.decode("utf-8"),
            flags=re.S,
        )
        return replace_body(response, html.encode("utf-8"))
    return response


CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title>"
    '<meta name="robots" content="noindex,nofollow"></head><body>'
    '<div id="challenge-form"><noscript>Enable JavaScript and cookies to continue</noscript>'
    "</div><script src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1'></script>"
    + "<!-- " + "x" * 6000 + " -->"
    + "</body></html>"
)  # fmt: skip


def challenge_page(request: Request, serve: Serve, phase: str) -> Response:
    """Every page of the host is a 6 KB JavaScript challenge answered with 200."""
    if phase == "on" and not request.path.endswith("robots.txt"):
        return Response(200, HTML, CHALLENGE.encode())
    return serve(request)


def page_two_fails(request: Request, serve: Serve, phase: str) -> Response:
    """The second page of MOFCOM's listing API answers 500 (switched on for a baseline)."""
    if phase == "on" and request.path == MOFCOM_API and "pageNo" in request.query:
        return Response(500, HTML, b"<html><body>500</body></html>")
    return serve(request)


def one_404(request: Request, serve: Serve, phase: str) -> Response:
    """The newest MOFA release is taken down (404); recovered: it is served again."""
    if phase == "on" and request.path == first_mofa_detail(serve):
        return Response(404, HTML, b"<html><body>Not Found</body></html>")
    return serve(request)


METI_PAGE = "/policy/anpo/law09-2.html"


def meti_page_missing(request: Request, serve: Serve, phase: str) -> Response:
    """One watched METI page answers 404 (it moved), from the first crawl on."""
    if phase == "on" and request.path == METI_PAGE:
        return Response(404, HTML, b"<html><body>Not Found</body></html>")
    return serve(request)


def oldest_mofcom_detail() -> str:
    """The path of the oldest notice MOFCOM's 政策发布 lists at state 1."""
    from tests.replica.content import mofcom as content

    listed = [n for n in content.notices(0) if n.listed_at(1)]
    return min(listed, key=lambda n: n.published).path


def revise_oldest(request: Request, serve: Serve, phase: str) -> Response:
    """MOFCOM corrects its oldest listed notice (a sentence added), long after publication."""
    if phase != "on" or request.path != oldest_mofcom_detail():
        return serve(request)
    response = serve(unconditional(request))
    if response.status != 200:
        return response
    body = '<div class="art-con" ergodic="article">'
    correction = "<p>（更正：本通知附件已更新。）</p>"
    html = response.body.decode("utf-8").replace(body, body + correction, 1)
    return replace_body(response, html.encode("utf-8"))


def short_list(request: Request, serve: Serve, phase: str) -> Response:
    """exportcontrol's 2026 No. 11 (20 entities stated) loses its last row: a list the parser
    cannot account for (loud: the run is not ok, however the page is otherwise fine)."""
    from tests.replica.content.exportcontrol import CONTROL_LIST_ENTITIES

    response = serve(unconditional(request) if phase == "on" else request)
    last = f"{len(CONTROL_LIST_ENTITIES)}. {CONTROL_LIST_ENTITIES[-1]}"
    text = response.body.decode("utf-8", errors="replace") if response.status == 200 else ""
    if phase != "on" or last not in text:
        return response
    return replace_body(response, text.replace(last, "", 1).encode("utf-8"))


LISTING_ITEM = re.compile(r"<li><a href=\\\"(/zwgk/[^\\]+)\\\".*?</li>\\n")


def unlist_fifth(request: Request, serve: Serve, phase: str) -> Response:
    """MOFCOM's listing API stops showing its fifth notice, whose page stays served."""
    response = serve(unconditional(request) if phase == "on" else request)
    if phase != "on" or request.path != MOFCOM_API or "pageNo" in request.query:
        return response
    text = response.body.decode("utf-8")
    items = list(LISTING_ITEM.finditer(text))
    if len(items) < 5:
        return response
    fifth = items[4]
    return replace_body(response, (text[: fifth.start()] + text[fifth.end() :]).encode("utf-8"))


def unlist_deep(request: Request, serve: Serve, phase: str) -> Response:
    """MOFCOM's listing API page 2 stops showing its middle notice, whose page stays served."""
    response = serve(unconditional(request) if phase == "on" else request)
    query = unquote_plus(request.query).replace(" ", "")
    if phase != "on" or request.path != MOFCOM_API or '"pageNo":2' not in query:
        return response
    text = response.body.decode("utf-8")
    items = list(LISTING_ITEM.finditer(text))
    if len(items) < 3:
        return response
    middle = items[len(items) // 2]
    return replace_body(response, (text[: middle.start()] + text[middle.end() :]).encode("utf-8"))


VARIATIONS: dict[str, Variation] = {
    v.name: v
    for v in (
        Variation("redirect-loop-listing", MOFCOM_HOST, "listing API 302 to itself",
                  redirect_loop_listing),
        Variation("meta-refresh-loop", MOFA_HOST, "index is a meta refresh to itself",
                  meta_refresh_loop),
        Variation("offsite-redirect", MOFA_HOST, "index 301 to another host", offsite_redirect),
        Variation("detail-redirect-self", MOFA_HOST, "release pages 302 to themselves",
                  detail_redirect_self),
        Variation("overflow-effective-date", MOFA_HOST, "absurd effective-date clause",
                  overflow_effective_date),
        Variation("file-entry", MOFA_HOST, "listing entry links a PDF", file_entry),
        Variation("short-list", ECL_HOST, "a list announcement loses a row", short_list),
        Variation("offhost-entry", MOFA_HOST, "listing entry on another host", offhost_entry),
        Variation("dead-attachment", MOFA_HOST, "new release with a 404 attachment",
                  dead_attachment),
        Variation("many-links", MOFA_HOST, "40 more entries at once", many_links),
        Variation("mass-404", MOFA_HOST, "every release page answers 404", mass_404),
        Variation("wrong-charset", MOFA_HOST, "Shift_JIS bytes labelled UTF-8", wrong_charset),
        Variation("missing-title-attribute", MOFCOM_HOST, "listing links without title",
                  missing_title_attribute),
        Variation("empty-mofa-index", MOFA_HOST, "index with no entry (month start)",
                  empty_mofa_index),
        Variation("challenge-page", MOFA_HOST, "6 KB 'Just a moment...' page", challenge_page),
        Variation("page-two-fails", MOFCOM_HOST, "listing page 2 answers 500", page_two_fails),
        Variation("one-404", MOFA_HOST, "one release taken down, then back", one_404),
        Variation("revise-oldest", MOFCOM_HOST, "the oldest notice corrected", revise_oldest),
        Variation("unlist-fifth", MOFCOM_HOST, "fifth notice unlisted, page kept",
                  unlist_fifth),
        Variation("unlist-deep", MOFCOM_HOST, "a notice on page 2 unlisted, page kept",
                  unlist_deep),
        Variation("meti-page-missing", "www.meti.go.jp", "law09-2.html answers 404",
                  meti_page_missing),
    )
}  # fmt: skip


def check_variation(name: str | None) -> None:
    """Raise ValueError unless ``name`` is a known variation or None."""
    if name is not None and name not in VARIATIONS:
        raise ValueError(f"unknown variation {name!r}; known: {', '.join(VARIATIONS)}")
