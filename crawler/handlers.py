"""Download handler implementing ``connect_to`` (like ``curl --connect-to``).

For a host named in ``DUALWATCH_CONNECT_TO`` (``host=address:port,...``) the request is sent
over plain HTTP to that address with the original ``Host`` header; the response carries the
original URL again, so spiders, the store and the alerts only ever see the real site's URLs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from crawler.context import connect_to_from_settings

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class ConnectToDownloadHandler(HTTP11DownloadHandler):
    """HTTP(S) handler that reroutes configured hosts to a local address."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.routes = connect_to_from_settings(crawler.settings)

    async def download_request(self, request: Request) -> Response:
        """Download ``request``, through the configured address when its host is rerouted."""
        parts = urlsplit(request.url)
        target = self.routes.get((parts.hostname or "").lower())
        if target is None:
            return await super().download_request(request)
        rerouted = request.replace(
            url=urlunsplit(("http", target, parts.path or "/", parts.query, "")),
            headers={**request.headers.to_unicode_dict(), "Host": parts.netloc},
        )
        response = await super().download_request(rerouted)
        return response.replace(url=request.url, request=request)
