"""Downloader middlewares: retries with exponential backoff, and forced response encodings."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, TextResponse

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

log = logging.getLogger(__name__)

ENCODING_ERROR_META = "dualwatch_encoding_error"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting base**attempt seconds (capped) before each retry."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Build from settings, reading the backoff base and cap."""
        middleware = super().from_crawler(crawler)
        middleware.backoff_base = crawler.settings.getfloat("DUALWATCH_RETRY_BACKOFF_BASE", 2.0)
        middleware.backoff_max = crawler.settings.getfloat("DUALWATCH_RETRY_BACKOFF_MAX", 60.0)
        return middleware

    async def process_response(self, request: Request, response: Response, spider: Any = None):
        """Retry retryable statuses after a backoff pause."""
        result = super().process_response(request, response)
        await self._pause(result)
        return result

    async def process_exception(self, request: Request, exception: Exception, spider: Any = None):
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
    """Decode responses with the source's configured encoding (MOFCOM sends no charset).

    A body that is not valid in that encoding is flagged in the request meta so the spider
    records an encoding error for the page instead of storing mojibake.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ForcedEncodingMiddleware:
        """Build the middleware for ``crawler``."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None):
        """Re-decode text responses with the configured encoding."""
        encoding = getattr(self.crawler.spider, "forced_encoding", None)
        if not encoding or not isinstance(response, TextResponse) or not response.body:
            return response
        try:
            response.body.decode(encoding)
        except UnicodeDecodeError as exc:
            request.meta[ENCODING_ERROR_META] = f"body is not valid {encoding}: {exc}"
            return response
        return response.replace(encoding=encoding)
