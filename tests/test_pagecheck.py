"""Pages that are not content (crawler.pagecheck) and bodies in another encoding than the one
declared (crawler.middlewares.ForcedEncodingMiddleware)."""

from __future__ import annotations

import gzip
import logging
import random
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from scrapy import Spider
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.test import get_crawler

from crawler.middlewares import ENCODING_ERROR_META, ForcedEncodingMiddleware
from crawler.pagecheck import block_reason, check_body, page_title
from monitors.core.config import load_config
from monitors.core.errors import ParseError, SourceBlockedError
from tests.conftest import REPLICA_CONFIG
from tests.replica.app import ReplicaApp
from tests.replica.protocol import Request as ReplicaRequest
from tests.replica.render import render

REFERENCE_PAGES = Path(__file__).resolve().parents[2] / "shared" / "reference-pages"

NOTICE_ZH = (
    "商务部公告2025年第61号 关于加强相关两用物项出口管制的公告。根据《中华人民共和国出口管制法》"
    "等法律法规的有关规定，为维护国家安全和利益，履行防扩散等国际义务，决定对相关两用物项实施"
    "出口管制。现将有关事项公告如下：一、出口经营者应当依法向商务部申请许可。二、本公告自公布之日起正式实施。"
)
NOTICE_JA = (
    "北朝鮮による弾道ミサイルの発射について。本日、北朝鮮は弾道ミサイルを発射しました。"
    "日本政府としては、北朝鮮に対して厳重に抗議し、強く非難しました。外務省は、関係各国と"
    "緊密に連携し、引き続き情報の収集・分析に努めてまいります。令和8年1月5日"
)


def blocked(body: str | bytes, status: int = 200) -> str:
    """The SourceBlockedError message check_body raises for ``body``."""
    raw = body.encode() if isinstance(body, str) else body
    with pytest.raises(SourceBlockedError) as info:
        check_body(raw, raw.decode("utf-8", "replace"), status, None)
    return str(info.value)


def passes(body: str | bytes, status: int = 200) -> None:
    raw = body.encode() if isinstance(body, str) else body
    check_body(raw, raw.decode("utf-8", "replace"), status, None)


def padding(size: int) -> str:
    """Inline CSS/JS of about ``size`` bytes, as challenge pages carry (no visible text)."""
    rule = ".c{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0}\n"
    return "<style>" + rule * (size // len(rule) + 1) + "</style>"


def cloudflare_challenge(title: str = "Just a moment...", size: int = 6500) -> str:
    return (
        f'<!DOCTYPE html><html lang="en-US"><head><title>{title}</title>'
        '<meta http-equiv="refresh" content="360">'
        f'{padding(size - 800)}</head><body><div class="main-wrapper" role="main">'
        '<div class="main-content"><noscript><div class="h2"><span id="challenge-error-text">'
        "Enable JavaScript and cookies to continue</span></div></noscript></div></div>"
        "<script>(function(){window._cf_chl_opt={cvId: '3',cZone: 'www.example.gov',"
        "cType: 'managed',cRay: '8c4efbf95d309077',cH: 'x',cUPMDTk: "
        "'/?__cf_chl_tk=abc',cFPWv: 'b'};var cpo = document.createElement('script');"
        "cpo.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8c4efbf95d309077';"
        "document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"
    )


def content_page(title: str, text: str, extra: str = "") -> str:
    """A government notice page: header with a 登录 link, navigation, notice, footer."""
    nav = "".join(
        f'<li><a href="/{n}/index.html">{label}</a></li>'
        for n, label in [
            ("zwgk", "政务公开"),
            ("xwfb", "新闻发布"),
            ("zcfb", "政策发布"),
            ("bsfw", "办事服务"),
            ("hdjl", "互动交流"),
        ]
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
        f'{padding(3000)}</head><body><div class="header"><a href="/">首页</a> | '
        '<a href="https://ids.mofcom.gov.cn/login">登录</a> | <a href="/reg">注册</a> | '
        '<a href="https://english.mofcom.gov.cn/">English</a></div>'
        f'<ul class="nav">{nav}</ul><form action="/search" method="get"><input name="q">'
        f'</form><div class="art-con"><h1>{title}</h1><p>{text}</p></div>{extra}'
        '<div class="footer">主办单位：中华人民共和国商务部 版权所有 网站标识码bm22000001 '
        "京ICP备05004348号 京公网安备11040102700091号</div></body></html>"
    )


# -- check_body: what is not content ------------------------------------------------------


def test_encoding_error_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not valid utf-8"):
        check_body(b"<html>x</html>", None, 200, "body is not valid utf-8: ...")


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_empty_body_is_blocked(body: bytes) -> None:
    with pytest.raises(SourceBlockedError, match=r"^empty 202 response$"):
        check_body(body, None, 202, None)


@pytest.mark.parametrize("status", [304, 404, 410])
def test_not_modified_and_gone_responses_are_not_checked(status: int) -> None:
    check_body(b"", None, status, None)
    check_body(b"<title>Just a moment...</title>", None, status, "undecodable")


def test_small_page_markers_block_as_before() -> None:
    message = blocked(render("fault_403.html", host="www.mofcom.gov.cn", reference="abc"))
    assert message.startswith("block or challenge page instead of content: ")
    assert "403 Forbidden" in message
    assert "Access Denied" in blocked("<html><body><h1>Access Denied</h1></body></html>")
    assert "系统维护" in blocked("<html><body><p>系统维护中，请稍后访问</p></body></html>")


def test_small_cloudflare_challenge_is_blocked() -> None:
    page = cloudflare_challenge(size=1500)
    assert len(page.encode()) <= 4096
    assert "Just a moment..." in blocked(page)


def test_large_cloudflare_challenge_is_blocked() -> None:
    page = cloudflare_challenge(size=6500)
    assert 6000 < len(page.encode()) < 7000
    assert "title 'Just a moment...'" in blocked(page)
    # Without a telling title, the challenge markup gives it away.
    assert "challenge markup" in blocked(cloudflare_challenge(title="www.example.gov"))


@pytest.mark.parametrize(
    "title",
    [
        "Attention Required! | Cloudflare",
        "Access denied | www.mofcom.gov.cn used Cloudflare to restrict access",
        "Just a moment…",
        "403 Forbidden",
        "Pardon Our Interruption",
        "安全验证",
        "验证码_中华人民共和国商务部",
        "DDoS-Guard",
    ],
)
def test_challenge_titles_block_pages_of_any_size(title: str) -> None:
    page = f"<html><head><title>{title}</title>{padding(8000)}</head><body><p>…</p></body></html>"
    assert f"title {title!r}" in blocked(page)


def test_other_challenge_markup_is_blocked() -> None:
    incapsula = (
        '<html><head><META NAME="robots" CONTENT="noindex,nofollow"></head><body>'
        '<iframe id="main-iframe" src="/_Incapsula_Resource?SWUDNSAI=31&xinfo=1&incident_id=1'
        '&edet=12" frameborder=0>Request unsuccessful. Incapsula incident ID: 1-2</iframe>'
        f"{padding(6000)}</body></html>"
    )
    assert "Incapsula incident ID" in blocked(incapsula)
    aliyun = (
        f"<html><head>{padding(5000)}</head><body><script>var arg1='3F2B1A';"
        "document.cookie='acw_sc__v2='+x;location.reload();</script></body></html>"
    )
    assert "acw_sc__v2" in blocked(aliyun)
    form = f'<html><body>{padding(5000)}<form id="challenge-form" action="/x"></form></body></html>'
    assert "challenge-form" in blocked(form)


def test_large_challenge_without_title_or_markup_is_blocked_by_its_wording() -> None:
    page = (
        f"<html><head>{padding(7000)}</head><body><h1>www.mofa.go.jp</h1>"
        "<p>Checking your browser before accessing www.mofa.go.jp.</p>"
        "<p>This process is automatic.</p></body></html>"
    )
    assert "Checking your browser" in blocked(page)


@pytest.mark.parametrize(
    "title",
    ["Please log in", "Sign in", "用户登录_统一身份认证平台", "登录", "ログイン｜外務省"],
)
def test_login_pages_are_blocked(title: str) -> None:
    page = (
        f"<html><head><title>{title}</title>{padding(6000)}</head><body>"
        '<form method="post" action="/login"><input name="user">'
        '<input type="password" name="pw"><button>OK</button></form></body></html>'
    )
    assert len(page.encode()) > 6000
    assert f"title {title!r}" in blocked(page)


def test_login_page_without_telling_title_is_blocked_by_its_only_form() -> None:
    page = (
        f"<html><head><title>Portal</title>{padding(6000)}</head><body><h1>Portal</h1>"
        '<form method="post"><label>User <input name="u"></label>'
        "<label>Password <input type=password name=p></label><button>Submit</button></form>"
        "</body></html>"
    )
    assert "password login form" in blocked(page)


def test_tiny_please_log_in_page_is_blocked() -> None:
    page = (
        f"<html><head>{padding(6000)}</head><body><p>Please log in to continue.</p></body></html>"
    )
    assert "Please log in" in blocked(page)


def test_real_notice_pages_with_login_words_pass() -> None:
    # The header's 登录 link, a title that merely contains 登录, "请登录…平台" in the text.
    passes(content_page("商务部公告2025年第61号", NOTICE_ZH))
    passes(
        content_page(
            "关于做好对外贸易经营者备案登记网上登录工作的通知",
            "请登录商务部业务系统统一平台填报。" + NOTICE_ZH,
        )
    )
    # A sidebar login box next to the search form, and an inline SVG titled "Log in".
    sidebar = (
        '<div class="side"><svg><title>Log in</title></svg><form action="/login" method="post">'
        '<input name="u"><input type="password" name="p"></form></div>'
    )
    passes(content_page("商务部公告2025年第62号", NOTICE_ZH, sidebar))


def test_cloudflare_javascript_detections_on_a_real_page_pass() -> None:
    injected = (
        "<script>(function(){function c(){var b=a.contentDocument||a.contentWindow.document;"
        "if(b){var d=b.createElement('script');d.innerHTML=\"window.__CF$cv$params={r:'9a5576',"
        "t:'MTc2'};var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/"
        "h/b/scripts/jsd/13c98df4ef2d/main.js';\";}}})();</script>"
    )
    passes(content_page("商务部公告2025年第61号", NOTICE_ZH, injected))
    passes(content_page("商务部公告", NOTICE_ZH, injected.replace("h/b/scripts/", "scripts/")))


def test_page_title_ignores_titles_inside_the_body() -> None:
    assert page_title("<html><head><title> A &amp;\n B </title></head></html>") == "A & B"
    assert page_title("<html><body><svg><title>Log in</title></svg></body></html>") is None


def test_json_and_feed_responses_pass() -> None:
    passes('{"success":true,"data":{"html":"<ul class=\\"txtList_01\\"></ul>"}}')
    passes(render("meti_feed.xml", entries=[], updated="2026-01-05T00:00:00+09:00"))


# -- real and replica pages pass ----------------------------------------------------------


def reference_pages() -> list[Path]:
    if not REFERENCE_PAGES.is_dir():
        pytest.skip("../shared/reference-pages absent")
    pages = sorted(REFERENCE_PAGES.rglob("*.html"))
    assert pages
    return pages


def test_real_reference_pages_pass() -> None:
    for path in reference_pages():  # read in place, never copied into the repository
        body = path.read_bytes()
        check_body(body, body.decode("utf-8"), 200, None)
        assert block_reason(body.decode("utf-8")) is None, path.name


HREF = re.compile(r'href="([^"#]+)"')
TEXT_TYPES = ("text/", "application/json", "application/atom+xml", "application/rss+xml")


def replica_pages(state: int) -> Iterator[tuple[str, bytes]]:
    """Every text page of the replica reachable from the configured listings and notices."""
    app = ReplicaApp(state=state)
    queue = [source.listing_url for source in load_config(REPLICA_CONFIG).sources.values()]
    for site in app.sites:
        queue += [f"https://{site.host}{notice.path}" for notice in site.monitored_notices()]
    seen = set(queue)
    while queue:
        url = queue.pop()
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        response = app.handle(ReplicaRequest("GET", parts.hostname or "", target))
        content_type = dict(response.headers).get("Content-Type", "")
        if response.status != 200 or not content_type.startswith(TEXT_TYPES):
            continue
        yield url, response.body
        for href in HREF.findall(response.body.decode("utf-8")):
            link = urljoin(url, href.replace("&amp;", "&"))
            if urlsplit(link).hostname in app.hosts and link not in seen and len(seen) < 3000:
                seen.add(link)
                queue.append(link)


@pytest.mark.parametrize("state", [1, 2, 4])
def test_every_replica_page_passes(state: int) -> None:
    checked = 0
    for url, body in replica_pages(state):
        text = body.decode("utf-8")
        assert block_reason(text, len(body.strip())) is None, url
        check_body(body, text, 200, None)
        checked += 1
    assert checked > 200


# -- the encoding middleware --------------------------------------------------------------


def middleware(forced: str | None = None) -> ForcedEncodingMiddleware:
    crawler = get_crawler(Spider)
    crawler.spider = type("S", (), {"forced_encoding": forced})()
    return ForcedEncodingMiddleware(crawler)


def html_page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>公告</title></head><body><p>{text}</p></body></html>"


def fetch(
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    forced: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> tuple[HtmlResponse, Request]:
    request = Request("https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_1.html")
    response = HtmlResponse(
        request.url,
        status=status,
        body=body,
        headers={"Content-Type": content_type, **(headers or {})},
        request=request,
    )
    return middleware(forced).process_response(request, response), request


def test_gbk_body_declared_utf8_is_decoded_as_gbk(caplog: pytest.LogCaptureFixture) -> None:
    page = html_page(NOTICE_ZH)
    with caplog.at_level(logging.INFO, logger="crawler.middlewares"):
        response, request = fetch(page.encode("gbk"))
    assert response.text == page
    assert response.encoding == "gb18030"
    assert ENCODING_ERROR_META not in request.meta
    assert "does not decode as utf-8 (Content-Type charset utf-8): decoded as gb18030" in (
        caplog.text
    )


def test_shift_jis_body_declared_utf8_is_decoded_as_shift_jis() -> None:
    page = html_page(NOTICE_JA)
    response, request = fetch(page.encode("shift_jis"))
    assert response.text == page
    assert response.encoding == "cp932"
    assert ENCODING_ERROR_META not in request.meta


def test_meta_charset_wins_over_a_wrong_header(caplog: pytest.LogCaptureFixture) -> None:
    page = html_page(NOTICE_ZH, '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    with caplog.at_level(logging.INFO, logger="crawler.middlewares"):
        response, request = fetch(page.encode("gbk"))
    assert response.text == page
    assert ENCODING_ERROR_META not in request.meta
    assert "decoded as gb18030 (<meta> charset)" in caplog.text


def test_wrong_meta_charset_falls_back_to_detection() -> None:
    page = html_page(NOTICE_ZH, '<meta charset="shift_jis">')
    response, request = fetch(page.encode("gbk"))
    assert response.text == page
    assert ENCODING_ERROR_META not in request.meta


def test_binary_garbage_is_an_encoding_error() -> None:
    garbage = random.Random(20260105).randbytes(6000)
    response, request = fetch(garbage)
    error = request.meta[ENCODING_ERROR_META]
    assert "does not decode cleanly as utf-8" in error and "Content-Type charset: utf-8" in error
    with pytest.raises(ParseError, match="does not decode cleanly"):
        check_body(response.body, response.text, response.status, error)


def test_too_short_to_tell_gbk_from_big5_is_an_encoding_error() -> None:
    _response, request = fetch("商务部".encode("gbk"))
    assert ENCODING_ERROR_META in request.meta


def test_replacement_characters_are_an_encoding_error() -> None:
    _response, request = fetch(html_page(NOTICE_ZH + "\ufffd" * 5).encode())
    assert "5 U+FFFD" in request.meta[ENCODING_ERROR_META]
    _response, request = fetch(html_page(NOTICE_ZH * 20 + "\ufffd").encode())
    assert ENCODING_ERROR_META not in request.meta  # one stray U+FFFD on a long page is fine


def test_correct_utf8_is_untouched() -> None:
    body = html_page(NOTICE_ZH).encode()
    request = Request("https://www.mofa.go.jp/a.html")
    response = HtmlResponse(
        request.url, body=body, headers={"Content-Type": "text/html; charset=UTF-8"}
    )
    assert middleware().process_response(request, response) is response
    assert ENCODING_ERROR_META not in request.meta


def test_forced_encoding_path_is_unchanged() -> None:
    # The configured encoding decides; no detection even when the header says otherwise.
    response, request = fetch(html_page(NOTICE_ZH).encode("gbk"), "text/html", forced="utf-8")
    assert "not valid utf-8" in request.meta[ENCODING_ERROR_META]
    response, request = fetch(html_page(NOTICE_ZH).encode(), "text/html; charset=gbk", "utf-8")
    assert response.encoding == "utf-8" and response.text == html_page(NOTICE_ZH)
    assert ENCODING_ERROR_META not in request.meta


def test_stale_flag_of_an_earlier_attempt_is_cleared() -> None:
    request = Request("https://www.mofa.go.jp/a.html", meta={ENCODING_ERROR_META: "old"})
    response = HtmlResponse(request.url, body=html_page(NOTICE_JA).encode(), encoding="utf-8")
    middleware().process_response(request, response)
    assert ENCODING_ERROR_META not in request.meta


def test_error_and_redirect_responses_are_not_checked() -> None:
    garbage = random.Random(1).randbytes(3000)
    for status in (301, 404, 503):
        _response, request = fetch(garbage, status=status)
        assert ENCODING_ERROR_META not in request.meta


def test_still_compressed_body_is_left_alone() -> None:
    body = gzip.compress(html_page(NOTICE_ZH).encode("gbk"))
    response, request = fetch(body, headers={"Content-Encoding": "gzip"})
    assert response.body == body and ENCODING_ERROR_META not in request.meta


def test_gzipped_mislabelled_page_is_decoded_after_decompression() -> None:
    page = html_page(NOTICE_ZH)
    request = Request("https://www.mofcom.gov.cn/a.html")
    response = HtmlResponse(
        request.url,
        body=gzip.compress(page.encode("gbk")),
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        request=request,
    )
    crawler = get_crawler(Spider)
    response = HttpCompressionMiddleware.from_crawler(crawler).process_response(request, response)
    response = middleware().process_response(request, response)
    assert response.text == page and ENCODING_ERROR_META not in request.meta


def test_encoding_is_checked_after_decompression() -> None:
    """process_response runs from the highest order down: the encoding middleware must sit
    below HttpCompressionMiddleware, or it sees gzip bytes and its choice is dropped."""
    settings = Settings()
    settings.setmodule("crawler.settings")
    order = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    names = [c if isinstance(c, str) else f"{c.__module__}.{c.__qualname__}" for c in order]
    ours = names.index("crawler.middlewares.ForcedEncodingMiddleware")
    decompression = names.index(
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"
    )
    assert ours < decompression
