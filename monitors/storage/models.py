"""Frozen domain objects passed between the crawler, the store, detection and the CLI."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

#: ``ok``: every listing page read and every listed entry accounted for; ``partial``: the
#: listings were read but some entries or pages could not be handled (or a cap was hit);
#: ``failed``: the source could not be read (layout change, listing failure, store error,
#: unexpected exception, outage); ``blocked``: the site refused us; ``aborted``: stopped.
RUN_OUTCOMES = ("running", "ok", "partial", "failed", "blocked", "aborted")
CHANGE_KINDS = ("new", "modified", "removed", "restored", "delisted")


@dataclass(frozen=True)
class Attachment:
    """A file linked from a notice: name as shown, absolute URL and, once downloaded, its
    content hash, size and type."""

    name: str
    url: str
    sha256: str | None = None
    size: int | None = None
    content_type: str | None = None

    def canonical(self) -> str:
        """A stable one-line form used in content hashes (a changed file changes it)."""
        return f"{self.name}\t{self.url}\t{self.sha256 or ''}"


@dataclass(frozen=True)
class FetchedFile:
    """A downloaded attachment with its extracted text."""

    url: str
    sha256: str
    size: int
    content_type: str | None
    data: bytes = field(repr=False)
    text: str
    extractor: str | None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchedNotice:
    """One detail page as read by a spider, already reduced to its main content."""

    source: str
    url: str
    title: str
    text: str
    raw_html: bytes = field(repr=False)
    published: date | None = None
    doc_number: str | None = None
    doc_key: str | None = None
    issuer: str | None = None
    listed_date: date | None = None
    attachments: tuple[Attachment, ...] = ()
    files: tuple[FetchedFile, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    http_status: int = 200
    etag: str | None = None
    last_modified: str | None = None

    def attachments_json(self) -> str:
        """Attachments as JSON, for storage."""
        return json.dumps([asdict(a) for a in self.attachments], ensure_ascii=False)


@dataclass(frozen=True)
class KnownNotice:
    """What a spider needs to know about an already-stored notice."""

    id: int
    url: str
    status: str
    listed_date: date | None
    etag: str | None
    last_modified: str | None
    needs_recheck: bool = False
    section: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Notice:
    """A stored notice with its current state."""

    id: int
    source: str
    url: str
    title: str
    doc_number: str | None
    issuer: str | None
    published: str | None
    listed_date: str | None
    status: str
    current_version_id: int | None
    first_seen_at: str
    last_seen_at: str | None
    last_checked_at: str | None
    document_id: int | None = None


@dataclass(frozen=True)
class Version:
    """One distinct content of a notice."""

    id: int
    notice_id: int
    content_hash: str
    title: str
    text: str
    attachments: tuple[Attachment, ...]
    metadata: dict[str, Any]
    fetched_at: str
    http_status: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Change:
    """A detected change: a new, modified or removed notice."""

    id: int
    notice_id: int
    run_id: int | None
    kind: str
    source: str
    url: str
    title: str
    detected_at: str
    version_id: int | None
    previous_version_id: int | None
    diff: str | None
    document_id: int | None = None

    def as_json_dict(self) -> dict[str, Any]:
        """The fields `dualwatch changes --json` prints."""
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "url": self.url,
            "title": self.title,
            "detected_at": self.detected_at,
            "notice_id": self.notice_id,
            "document_id": self.document_id,
            "run_id": self.run_id,
        }


@dataclass(frozen=True)
class Run:
    """One crawl of one source."""

    id: int
    source: str
    batch: str | None
    started_at: str
    finished_at: str | None
    baseline: bool
    outcome: str
    pages: int
    requests: int
    notices: int
    new: int
    modified: int
    removed: int
    unchanged: int
    errors: int
    error_log: tuple[dict[str, str], ...]
    message: str | None
    listed: int = 0
    accounted: int = 0
    unaccounted: tuple[dict[str, str], ...] = ()

    @property
    def succeeded(self) -> bool:
        """True when the run finished with outcome ``ok``."""
        return self.outcome == "ok"


@dataclass(frozen=True)
class RunStats:
    """Counters a finished crawl reports back to the store."""

    pages: int = 0
    requests: int = 0
    notices: int = 0
    new: int = 0
    modified: int = 0
    removed: int = 0
    unchanged: int = 0
    errors: tuple[dict[str, str], ...] = ()
    listed: int = 0
    accounted: int = 0
    unaccounted: tuple[dict[str, str], ...] = ()
