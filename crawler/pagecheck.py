"""Is a 200 response really the page we asked for? Empty bodies, block pages, bot challenges
(Cloudflare "Just a moment...", Incapsula, Aliyun WAF) and login walls are not content.

A pure function of the body, so it is tested without a crawl. The signals are chosen so real
government pages do not carry them: the page ``<title>`` (a notice page's title is the
notice's or the site's name, never "Just a moment..." or "登录"), challenge markup the
anti-bot services put only on their challenge pages, a password form that is the page's only
form on a page with little text, and, on pages with very little visible text, wording such
as "请登录" or "Checking your browser". A bare "登录" link in a real page's header matches none
of them.
"""

from __future__ import annotations

import html
import re

from monitors.core.errors import ParseError, SourceBlockedError

# Statuses that carry no content to check: not modified, gone.
NO_CONTENT_STATUSES = frozenset({304, 404, 410})

# Small pages (up to BLOCK_PAGE_MAX_BYTES, stripped) matching these anywhere are block pages.
BLOCK_PAGE_MARKERS = re.compile(
    r"403 Forbidden|Access Denied|Request blocked|captcha|验证码|访问受限|安全验证|"
    r"アクセスが制限|メンテナンス中|系统维护",
    re.IGNORECASE,
)
BLOCK_PAGE_MAX_BYTES = 4096

# A page title, or one segment of it ("Access denied | example.com used Cloudflare..."),
# that is wholly one of these marks a challenge, block or login page, whatever its size.
CHALLENGE_TITLES = re.compile(
    r"just a moment(?:\.{3}|…)?|attention required!?|access denied|"
    r"access to this page has been denied\.?|request (?:blocked|rejected|unsuccessful)\.?|"
    r"403 forbidden|forbidden|checking your browser.*|one more step|security check|"
    r"(?:please )?verify(?:ing)? (?:that )?you are (?:a )?human.*|are you a robot\??|"
    r"ddos-guard|pardon our interruption\.*|captcha|"
    r"(?:please )?(?:log ?in|sign ?in)(?: required| to continue)?|login required|"
    r"(?:用户|会员|统一身份认证|单点)?登录(?:页面?)?|请(?:先)?登录|"
    r"ログイン(?:ページ|画面)?|ログインしてください|"
    r"安全验证|人机验证|访问验证|滑动验证|验证码|请输入验证码|访问受限|访问被拒绝|"
    r"アクセスが制限されています|アクセスできません",
    re.IGNORECASE,
)
TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
BODY_TAG = re.compile(r"<body\b", re.IGNORECASE)
# Without a <body> tag, the title is looked for this far into the page.
TITLE_SCAN_CHARS = 65536
TITLE_SEPARATORS = re.compile(r"\s*(?:[|｜_–—:：·•«»]|\s-\s)\s*")

# Markup that anti-bot services put on their challenge / block pages only. Cloudflare's
# "JavaScript detections" script (/cdn-cgi/challenge-platform/.../jsd/...) is injected into
# ordinary pages too, so that path does not count; Incapsula's resource script likewise.
CHALLENGE_MARKUP = re.compile(
    r"""(?-i:cf[-_]chl)|id\s*=\s*["']?challenge-form\b|cf-browser-verification|"""
    r"""challenge-platform(?!/(?:h/\w+/)?(?:scripts/)?jsd/)|Incapsula incident ID|"""
    r"""captcha-delivery\.com|(?-i:acw_sc__v2)""",
    re.IGNORECASE,
)

# Pages with less visible text than LITTLE_TEXT_CHARS are judged on challenge wording, and
# pages with less than TINY_TEXT_CHARS on block / login wording and captcha widgets too. Both
# stay below the text of a real notice page (header, navigation, notice, footer) and the
# wording is not what a notice says: "请登录…平台填报" does, so it only counts on tiny pages.
LITTLE_TEXT_CHARS = 1000
CHALLENGE_PHRASES = re.compile(
    r"Just a moment\.\.\.|Checking (?:your browser|if the site connection is secure)|"
    r"enable JavaScript and cookies|verify(?:ing)? (?:that )?you are (?:a )?human|"
    r"人机验证|滑动验证|请完成安全验证",
    re.IGNORECASE,
)
TINY_TEXT_CHARS = 200
TINY_PAGE_MARKERS = re.compile(
    BLOCK_PAGE_MARKERS.pattern + r"|please (?:log|sign) ?in|请(?:先)?登录|ログインしてください|"
    r"ログインが必要|_Incapsula_Resource|g-recaptcha|h-captcha|cf-turnstile",
    re.IGNORECASE,
)
# Visible text is measured on pages up to this size only (challenge pages are far smaller).
LITTLE_TEXT_SCAN_CHARS = 2_000_000

# A login page: a password field in the page's only form, on a page with little text.
PASSWORD_INPUT = re.compile(r"""<input\b[^>]*\btype\s*=\s*["']?password\b""", re.IGNORECASE)
FORM = re.compile(r"<form\b", re.IGNORECASE)
LOGIN_PAGE_MAX_TEXT_CHARS = 1500

INVISIBLE = re.compile(
    r"<(script|style|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
TAG = re.compile(r"<[^>]*>")


def check_body(body: bytes, text: str | None, status: int, encoding_error: str | None) -> None:
    """Raise when a response is not usable content.

    ``text`` is the decoded body (None: decoded here as UTF-8), ``encoding_error`` the flag
    the encoding middleware left in the request meta. Raises :class:`ParseError` for an
    encoding error and :class:`SourceBlockedError` for an empty body or a block, challenge
    or login page; 304/404/410 responses are not checked.
    """
    if status in NO_CONTENT_STATUSES:
        return
    if encoding_error:
        raise ParseError(encoding_error)
    stripped = body.strip()
    if not stripped:
        raise SourceBlockedError(f"empty {status} response")
    if text is None:
        text = body.decode("utf-8", "replace")
    if reason := block_reason(text, len(stripped)):
        raise SourceBlockedError(f"block or challenge page instead of content: {reason}")


def block_reason(text: str, size: int | None = None) -> str | None:
    """What marks ``text`` as a block, challenge or login page, or None for content.

    ``size`` is the stripped body's length in bytes (default: the text's UTF-8 length).
    """
    if size is None:
        size = len(text.strip().encode("utf-8"))
    if size <= BLOCK_PAGE_MAX_BYTES and (match := BLOCK_PAGE_MARKERS.search(text)):
        return f"marker {match.group(0)!r} on a small page"
    if title := challenge_title(text):
        return f"title {title!r}"
    if match := CHALLENGE_MARKUP.search(text):
        return f"challenge markup {match.group(0)!r}"
    if len(text) > LITTLE_TEXT_SCAN_CHARS:
        return None
    visible = visible_text(text)
    if len(visible) < LITTLE_TEXT_CHARS and (match := CHALLENGE_PHRASES.search(visible)):
        return f"{match.group(0)!r} on a page with {len(visible)} characters of text"
    if len(visible) < TINY_TEXT_CHARS and (match := TINY_PAGE_MARKERS.search(text)):
        return f"{match.group(0)!r} on a page with {len(visible)} characters of text"
    if is_login_page(text, visible):
        return "a password login form is the page's only form"
    return None


def page_title(text: str) -> str | None:
    """The document's ``<title>`` (before ``<body>``: an inline SVG's title is not one),
    unescaped and with whitespace collapsed."""
    body = BODY_TAG.search(text)
    match = TITLE.search(text, 0, body.start() if body else TITLE_SCAN_CHARS)
    if match is None:
        return None
    return " ".join(html.unescape(TAG.sub(" ", match.group(1))).split())


def challenge_title(text: str) -> str | None:
    """The page title when it (or one of its segments) is a challenge / login title."""
    title = page_title(text)
    if not title:
        return None
    segments = [title, *TITLE_SEPARATORS.split(title)]
    if any(CHALLENGE_TITLES.fullmatch(segment.strip()) for segment in segments):
        return title
    return None


def visible_text(text: str) -> str:
    """The text a reader would see: no scripts, styles, comments or tags; spaces collapsed."""
    return " ".join(html.unescape(TAG.sub(" ", INVISIBLE.sub(" ", text))).split())


def is_login_page(text: str, visible: str) -> bool:
    """A password field in the page's only form, on a page with little text."""
    return (
        len(visible) < LOGIN_PAGE_MAX_TEXT_CHARS
        and PASSWORD_INPUT.search(text) is not None
        and len(FORM.findall(text)) <= 1
    )
