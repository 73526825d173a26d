"""Downloader middlewares: retries with exponential backoff, and response encodings that
really fit the body (forced per source, or checked and detected)."""

from __future__ import annotations

import asyncio
import codecs
import logging
from typing import TYPE_CHECKING, Any

from charset_normalizer import from_bytes
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

log = logging.getLogger(__name__)

ENCODING_ERROR_META = "dualwatch_encoding_error"
# Where a <meta charset> / <meta http-equiv="Content-Type"> is looked for.
META_SCAN_BYTES = 4096
# A decoded page may hold up to this many U+FFFD (and at most one per 1000 characters).
MAX_REPLACEMENT_CHARS = 3
# charset-normalizer guesses with more "chaos" (0 = clean text, 1 = noise) are not trusted.
DETECT_MAX_CHAOS = 0.1
# A detected CJK multi-byte encoding is trusted only with this many non-ASCII bytes: a few
# characters are valid GBK, Big5 and Shift_JIS alike.
MIN_CJK_DETECT_BYTES = 32
HIGH_BYTES = bytes(range(0x80, 0x100))
REPLACEMENT = "\ufffd"


def codec_name(encoding: str) -> str:
    """Python's canonical name of ``encoding`` (or ``encoding`` itself when unknown)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


# Encodings able to carry Chinese or Japanese text: the only detector answers accepted for
# a body with many non-ASCII bytes (a GBK page "detected" as cp1252 is mojibake).
CJK_CODECS = frozenset(
    codec_name(name)
    for name in [
        "utf-8",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "gb18030",
        "gbk",
        "gb2312",
        "hz",
        "big5",
        "big5hkscs",
        "cp950",
        "cp932",
        "shift_jis",
        "shift_jis_2004",
        "shift_jisx0213",
        "euc_jp",
        "euc_jis_2004",
        "euc_jisx0213",
        "iso2022_jp",
        "iso2022_jp_2",
        "cp949",
        "euc_kr",
        "johab",
    ]
)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting base**attempt seconds (capped) before each retry."""

    backoff_base: float
    backoff_max: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Build from settings, reading the backoff base and cap."""
        middleware = super().from_crawler(crawler)
        middleware.backoff_base = crawler.settings.getfloat("DUALWATCH_RETRY_BACKOFF_BASE", 2.0)
        middleware.backoff_max = crawler.settings.getfloat("DUALWATCH_RETRY_BACKOFF_MAX", 60.0)
        return middleware

    # Scrapy calls coroutine middleware methods too; its sync base signature cannot say so.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        """Retry retryable statuses after a backoff pause."""
        result = super().process_response(request, response)
        await self._pause(result)
        return result

    # Scrapy calls coroutine middleware methods too; its sync base signature cannot say so.
    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        """Retry network errors after a backoff pause."""
        result = super().process_exception(request, exception)
        await self._pause(result)
        return result

    async def _pause(self, result: object) -> None:
        if not isinstance(result, Request):
            return
        attempt = int(result.meta.get("retry_times", 1))
        delay = min(self.backoff_base**attempt, self.backoff_max)
        log.info("retrying %s in %.1fs (attempt %d)", result.url, delay, attempt)
        await asyncio.sleep(delay)


class ForcedEncodingMiddleware:
    """Make sure a text response is decoded with an encoding its body is really in.

    With a source ``encoding`` configured (MOFCOM sends no charset) the body is decoded with
    it. Otherwise the encoding Scrapy resolved (Content-Type charset, BOM, ``<meta>``,
    detection) is checked with a strict decode; a body that is not valid in it (a GBK page
    served as ``charset=utf-8``) is decoded with its ``<meta>`` charset or, failing that,
    with a confident charset-normalizer guess. A body that no encoding fits, or whose
    decoding is full of U+FFFD replacement characters, is flagged in the request meta so the
    spider records an encoding error for the page instead of storing mojibake.

    Register it below ``HttpCompressionMiddleware`` (590): ``process_response`` runs from the
    highest order down, so above 590 it would see compressed bodies, and the decompressing
    middleware would drop the encoding chosen here anyway.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._warned_compressed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ForcedEncodingMiddleware:
        """Build the middleware for ``crawler``."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None):
        """Re-decode text responses with the configured encoding, or check the declared one."""
        # A flag left by an earlier attempt (copied into a retry or a redirect) is stale.
        request.meta.pop(ENCODING_ERROR_META, None)
        if not isinstance(response, TextResponse) or not response.body:
            return response
        if is_compressed(response):
            self._warn_compressed(response)
            return response
        encoding = getattr(self.crawler.spider, "forced_encoding", None)
        if encoding:
            try:
                response.body.decode(encoding)
            except UnicodeDecodeError as exc:
                request.meta[ENCODING_ERROR_META] = f"body is not valid {encoding}: {exc}"
                return response
            return response.replace(encoding=encoding)
        if not 200 <= response.status < 300:
            return response
        return self.check_declared(request, response)

    def check_declared(self, request: Request, response: TextResponse) -> TextResponse:
        """``response`` when its body decodes cleanly as ``response.encoding``; else a copy
        decoded with the detected encoding, or ``response`` with the error flag set."""
        body = response.body
        if body.isascii():
            return response
        declared = response.encoding
        problem = decode_problem(body, declared)
        if problem is None:
            return response
        header = header_charset(response)
        found = detect_encoding(body, tried=declared)
        if found is None:
            request.meta[ENCODING_ERROR_META] = (
                f"body does not decode cleanly as {declared} ({problem}; Content-Type charset: "
                f"{header or 'none'}) and no other encoding fits it "
                f"(<meta> charset: {meta_charset(body) or 'none'}; no confident detection)"
            )
            return response
        used, how = found
        log.info(
            "%s: body does not decode as %s (Content-Type charset %s): decoded as %s (%s)",
            response.url,
            declared,
            header or "none",
            used,
            how,
        )
        return response.replace(encoding=used)

    def _warn_compressed(self, response: Response) -> None:
        if not self._warned_compressed:
            self._warned_compressed = True
            log.warning(
                "%s: body still compressed when its encoding is checked: register "
                "ForcedEncodingMiddleware below HttpCompressionMiddleware (590)",
                response.url,
            )


def is_compressed(response: Response) -> bool:
    """True when the body still carries a content coding (gzip, br…) not yet undone."""
    codings = b",".join(response.headers.getlist("Content-Encoding")).lower().split(b",")
    return any(c.strip() not in (b"", b"identity") for c in codings)


def header_charset(response: Response) -> str | None:
    """The charset named in the Content-Type header (normalised), if any."""
    content_type = response.headers.get("Content-Type")
    return http_content_type_encoding(content_type.decode("latin-1")) if content_type else None


def meta_charset(body: bytes) -> str | None:
    """The encoding a ``<meta charset>`` / ``<meta http-equiv>`` in the first 4 KB declares."""
    return html_body_declared_encoding(body[:META_SCAN_BYTES])


def too_many_replacements(text: str) -> bool:
    """True when ``text`` holds more U+FFFD than a real page plausibly carries."""
    count = text.count(REPLACEMENT)
    return count > min(MAX_REPLACEMENT_CHARS, len(text) / 1000)


def decode_problem(body: bytes, encoding: str) -> str | None:
    """Why ``body`` is not cleanly ``encoding`` text, or None when it is."""
    try:
        text = body.decode(encoding)
    except LookupError:
        return f"unknown encoding {encoding!r}"
    except UnicodeDecodeError as exc:
        return str(exc)
    if too_many_replacements(text):
        return f"decodes to {text.count(REPLACEMENT)} U+FFFD replacement characters"
    return None


def detect_encoding(body: bytes, tried: str) -> tuple[str, str] | None:
    """``(encoding, how)`` for ``body`` from its ``<meta>`` charset or a confident
    charset-normalizer guess, or None when neither decodes it cleanly."""
    tried_codec = codec_name(tried)
    declared = meta_charset(body)
    if declared and codec_name(declared) != tried_codec and decode_problem(body, declared) is None:
        return declared, "<meta> charset"
    guess = from_bytes(body).best()
    if guess is None or guess.chaos > DETECT_MAX_CHAOS:
        return None
    encoding = resolve_encoding(guess.encoding) or guess.encoding
    codec = codec_name(encoding)
    if codec == tried_codec or decode_problem(body, encoding) is not None:
        return None
    high = high_byte_count(body)
    if codec in CJK_CODECS and not codec.startswith("utf") and high < MIN_CJK_DETECT_BYTES:
        return None  # too little text to tell GBK, Big5 and Shift_JIS apart
    if high > max(MIN_CJK_DETECT_BYTES, len(body) // 100) and codec not in CJK_CODECS:
        return None  # CJK-sized non-ASCII content "detected" as a Latin encoding: mojibake
    return encoding, f"detected, chaos {guess.chaos:.2f}"


def high_byte_count(body: bytes) -> int:
    """How many bytes of ``body`` are not ASCII."""
    return len(body) - len(body.translate(None, HIGH_BYTES))
