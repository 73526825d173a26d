"""Transport-neutral request/response objects and HTTP validator logic (ETag, 304)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from tests.replica.model import Page


@dataclass(frozen=True)
class Request:
    """What the app needs from an HTTP request."""

    method: str
    host: str
    target: str
    if_none_match: str | None = None
    if_modified_since: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def path(self) -> str:
        """The path without the query string."""
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        """The raw query string (may be empty)."""
        return self.target.partition("?")[2]


@dataclass(frozen=True)
class Response:
    """Status, headers and body; the server drops the body for HEAD and 304."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def json_response(status: int, payload: Any) -> Response:
    """A JSON response (control endpoints)."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, (("Content-Type", "application/json; charset=utf-8"),), body)


def text_response(status: int, text: str) -> Response:
    """A plain-text response."""
    return Response(status, (("Content-Type", "text/plain; charset=utf-8"),), text.encode("utf-8"))


def page_response(page: Page, request: Request) -> Response:
    """Turn a page into a response, answering 304 when the request's validators match."""
    if page.etag is None or page.last_modified is None:
        return Response(page.status, (("Content-Type", page.content_type),), page.body)
    validators = (("ETag", page.etag), ("Last-Modified", http_date(page.last_modified)))
    if not_modified(page, request):
        return Response(304, validators, b"")
    return Response(page.status, (("Content-Type", page.content_type), *validators), page.body)


def http_date(moment: datetime) -> str:
    """An IMF-fixdate (``Tue, 06 Jan 2026 09:30:00 GMT``)."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def not_modified(page: Page, request: Request) -> bool:
    """RFC 9110 conditional GET: If-None-Match wins over If-Modified-Since."""
    if request.if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in request.if_none_match.split(",")}
        return "*" in tags or page.etag in tags
    if request.if_modified_since and page.last_modified is not None:
        try:
            since = parsedate_to_datetime(request.if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return page.last_modified.replace(microsecond=0) <= since
    return False
