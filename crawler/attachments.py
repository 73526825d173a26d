"""Download a notice's attachments (under a size cap) and extract their text.

Used by :meth:`crawler.spiders.base.DualwatchSpider.parse_detail` before a notice is stored,
so a changed annex changes the notice's fingerprint. A file is re-requested conditionally
(ETag / Last-Modified of its last download); when a download fails the last known hash is
kept, so a network error never looks like a changed (or removed) attachment.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from twisted.internet.error import ConnectError, TimeoutError

from monitors.extract import extract_text
from monitors.models import Attachment, FetchedFile, FetchedNotice

if TYPE_CHECKING:
    from crawler.spiders.base import DualwatchSpider

DOWNLOAD_ERRORS = (
    IgnoreRequest,
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    ConnectError,
    TimeoutError,
)


class AttachmentsIncomplete(Exception):
    """An attachment never downloaded before could not be downloaded now.

    The notice is then not stored in this run (the failure is recorded, so the run is not
    ``ok``): stored without the file's content it would change again, and alert again, once
    the file comes through. Unknown, it is fetched again by the next crawl.
    """


async def with_attachment_files(spider: DualwatchSpider, notice: FetchedNotice) -> FetchedNotice:
    """``notice`` with each on-site attachment downloaded, hashed and its text extracted.

    Raises AttachmentsIncomplete when an attachment has neither a fresh nor a known hash.
    """
    if not spider.config.crawl.download_attachments or not notice.attachments:
        return notice
    attachments, files = [], []
    for attachment in notice.attachments:
        described, file = await _download(spider, attachment)
        if described.sha256 is None and spider.on_configured_host(attachment.url):
            raise AttachmentsIncomplete(attachment.url)
        attachments.append(described)
        if file is not None:
            files.append(file)
    return replace(notice, attachments=tuple(attachments), files=tuple(files))


async def _download(
    spider: DualwatchSpider, attachment: Attachment
) -> tuple[Attachment, FetchedFile | None]:
    known = spider.store.file_for_url(attachment.url)
    remembered = _with_known(attachment, known)
    if not spider.on_configured_host(attachment.url):
        return attachment, None  # listed, never fetched off the configured hosts
    try:
        response = await spider.crawler.engine.download_async(_request(spider, attachment, known))
    except DOWNLOAD_ERRORS as exc:
        spider.fail("attachment", attachment.url, f"{type(exc).__name__}: {exc}")
        return remembered, None
    if response.status == 304 and known:
        return remembered, None
    if response.status != 200:
        kind = "blocked" if response.status in (401, 403, 429, 451) else "attachment"
        spider.fail(kind, attachment.url, f"HTTP {response.status}")
        return remembered, None
    if not response.body.strip():  # WAFs answer automated clients with empty 200s
        spider.fail("blocked", attachment.url, f"empty {response.status} response")
        return remembered, None
    file = _fetched_file(attachment.url, response)
    return replace(attachment, sha256=file.sha256, size=file.size,
                   content_type=file.content_type), file  # fmt: skip


def _request(spider: DualwatchSpider, attachment: Attachment, known: dict[str, Any] | None):
    headers = {}
    if known and known["etag"]:
        headers["If-None-Match"] = known["etag"]
    if known and known["last_modified"]:
        headers["If-Modified-Since"] = known["last_modified"]
    return Request(
        attachment.url,
        headers=headers,
        dont_filter=True,
        meta={
            "download_maxsize": spider.config.crawl.max_attachment_bytes,
            "handle_httpstatus_list": [304, 401, 403, 404, 410, 429, 451],
        },
    )


def _fetched_file(url: str, response: Response) -> FetchedFile:
    data = response.body
    extracted = extract_text(data, url)
    header = response.headers.get
    return FetchedFile(
        url=url,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=_decoded(header("Content-Type")),
        data=data,
        text=extracted.text,
        extractor=extracted.extractor,
        error=extracted.error,
        etag=_decoded(header("ETag")),
        last_modified=_decoded(header("Last-Modified")),
    )


def _with_known(attachment: Attachment, known: dict[str, Any] | None) -> Attachment:
    if not known:
        return attachment
    return replace(attachment, sha256=known["sha256"], size=known["size"],
                   content_type=known["content_type"])  # fmt: skip


def _decoded(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None
