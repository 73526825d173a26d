"""Download a notice's attachments (under a size cap) and extract their text.

Used by :meth:`crawler.sites.base.DualwatchSpider.parse_detail` before a notice is stored,
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

from monitors.storage.models import Attachment, FetchedFile, FetchedNotice
from monitors.text.extract import extract_text

if TYPE_CHECKING:
    from crawler.sites.base import DualwatchSpider

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


async def with_attachment_files(spider: DualwatchSpider, notice: FetchedNotice) -> FetchedNotice:
    """``notice`` with each on-site attachment downloaded, hashed and its text extracted.

    An attachment that has never been downloaded and fails now does not hold the notice
    back: it is stored without a hash, listed in ``metadata["attachments_unavailable"]``
    (the notice is fetched again on the next runs until it arrives) and its arrival is a
    modification, never a second "new". The failure itself is recorded for the run.
    """
    if not spider.config.crawl.download_attachments or not notice.attachments:
        return notice
    attachments, files, unavailable = [], [], []
    for attachment in notice.attachments:
        described, file = await _download(spider, attachment, notice.url)
        if described.sha256 is None and spider.on_configured_host(attachment.url):
            unavailable.append(attachment.url)
        attachments.append(described)
        if file is not None:
            files.append(file)
    metadata = dict(notice.metadata)
    if unavailable:
        metadata["attachments_unavailable"] = unavailable
    return replace(notice, attachments=tuple(attachments), files=tuple(files), metadata=metadata)


def file_notice(spider: DualwatchSpider, response: Response, entry: Any) -> FetchedNotice:
    """A listing entry that links a document file directly: a notice whose text is the
    file's extracted text (its hash and size when no text can be extracted)."""
    file = _fetched_file(entry.url, response)
    text = file.text or f"[{file.content_type or 'file'}, {file.size} bytes, sha256 {file.sha256}]"
    attachment = Attachment(
        name=entry.title or entry.url.rsplit("/", 1)[-1],
        url=entry.url,
        sha256=file.sha256,
        size=file.size,
        content_type=file.content_type,
    )
    return FetchedNotice(
        source=spider.source.name,
        url=entry.url,
        title=entry.title or attachment.name,
        text=text,
        raw_html=b"",
        published=entry.listed_date,
        listed_date=entry.listed_date,
        attachments=(attachment,),
        files=(file,),
        metadata={
            "doc_type": "file",
            "content_type": file.content_type,
            "extraction_error": file.error,
        },
        etag=file.etag,
        last_modified=file.last_modified,
    )


async def _download(
    spider: DualwatchSpider, attachment: Attachment, notice_url: str
) -> tuple[Attachment, FetchedFile | None]:
    known = spider.store.file_for_url(attachment.url)
    remembered = _with_known(attachment, known)
    if not spider.on_configured_host(attachment.url):
        return attachment, None  # listed, never fetched off the configured hosts
    try:
        response = await spider.crawler.engine.download_async(_request(spider, attachment, known))
    except DOWNLOAD_ERRORS as exc:
        message = f"{type(exc).__name__}: {exc}"
        spider.fail("attachment", attachment.url, message, entry_url=notice_url)
        return remembered, None
    if response.status == 304 and known:
        return remembered, None
    if response.status != 200:
        kind = "blocked" if response.status in (401, 403, 429, 451) else "attachment"
        spider.fail(kind, attachment.url, f"HTTP {response.status}", entry_url=notice_url)
        return remembered, None
    if not response.body.strip():  # WAFs answer automated clients with empty 200s
        message = f"empty {response.status} response"
        spider.fail("blocked", attachment.url, message, entry_url=notice_url)
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
