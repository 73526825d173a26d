"""Frozen domain objects passed between the crawler, the store, detection and the CLI."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from monitors.text.diff import TextDiff

#: ``ok``: every listing page read and every listed entry accounted for; ``partial``: the
#: listings were read but some entries or pages could not be handled (or a cap was hit);
#: ``failed``: the source could not be read (layout change, listing failure, store error,
#: unexpected exception, outage); ``blocked``: the site refused us; ``aborted``: stopped.
RUN_OUTCOMES = ("running", "ok", "partial", "failed", "blocked", "aborted")
CHANGE_KINDS = ("new", "modified", "removed", "restored", "delisted")
#: The diff of identical texts (the body diff of a change that left the text alone).
NO_TEXT_CHANGE = TextDiff(lines=())


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
class ListedAttachment:
    """An attachment a modification added or removed, as stored: its canonical line
    (``name<TAB>url<TAB>sha256``, see :meth:`Attachment.canonical`; rows written before files
    were hashed have no third field). The line is kept whole, so it is stored back unchanged."""

    line: str

    @classmethod
    def of(cls, attachment: Attachment) -> ListedAttachment:
        """The stored line of ``attachment``."""
        return cls(attachment.canonical())

    @property
    def name(self) -> str:
        """The attachment's name as shown on the page."""
        return self.line.split("\t")[0]

    @property
    def url(self) -> str:
        """The attachment's absolute URL."""
        parts = self.line.split("\t")
        return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True)
class AttachmentChange:
    """An attachment kept at the same URL whose name, content hash or size changed.

    ``old_sha256`` is None when the file could not be downloaded before (it has now
    arrived: there is no earlier text to compare). ``text`` is the diff of the extracted
    texts, None when neither file had text or one of them was not stored.
    """

    url: str
    old_name: str
    new_name: str
    old_sha256: str | None
    new_sha256: str | None
    old_size: int | None
    new_size: int | None
    text: TextDiff | None = None


@dataclass(frozen=True)
class AttachmentsDiff:
    """What a modification did to the attachment list.

    ``compared`` is False only in rows written before attachment contents were compared:
    their stored JSON has no ``changed`` list (``changed`` is then empty), and it is kept so
    that such a row serialises back byte for byte.
    """

    added: tuple[ListedAttachment, ...] = ()
    removed: tuple[ListedAttachment, ...] = ()
    changed: tuple[AttachmentChange, ...] = ()
    compared: bool = True

    @property
    def is_empty(self) -> bool:
        """True when no attachment was added, removed or changed."""
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class ChangeDiff:
    """What a change changed, as stored in ``changes.diff`` (parsed once, when read).

    Two forms:

    * a removal: ``http_status`` is the answer (404/410) of the notice's detail page, every
      other part is empty;
    * a content diff (modified; restored with a content differing from the version it had):
      ``title`` is the title diff (None when the normalised title did not change), ``body``
      the text diff (empty when the text did not change), ``attachments`` the files added,
      removed and changed.

    New and delisted changes, and restorations of unchanged content, have no diff (None).
    :meth:`to_json` and :meth:`from_json` are the only writer and reader of the stored JSON.
    """

    title: TextDiff | None = None
    body: TextDiff = NO_TEXT_CHANGE
    attachments: AttachmentsDiff = AttachmentsDiff()
    http_status: int | None = None

    def __post_init__(self) -> None:
        if self.http_status is not None and (
            self.title is not None or self.body.lines or self.attachments != AttachmentsDiff()
        ):
            raise ValueError("a removal's diff holds only its HTTP status")

    @classmethod
    def removal(cls, http_status: int) -> ChangeDiff:
        """The diff of a notice whose detail page answered ``http_status`` (404/410)."""
        return cls(http_status=http_status)

    def to_json(self) -> str:
        """The stored form (byte for byte what every earlier version wrote)."""
        if self.http_status is not None:
            return json.dumps({"http_status": self.http_status})
        attachments: dict[str, Any] = {
            "added": [a.line for a in self.attachments.added],
            "removed": [a.line for a in self.attachments.removed],
        }
        if self.attachments.compared:
            attachments["changed"] = [
                {
                    "url": c.url,
                    "name": [c.old_name, c.new_name],
                    "sha256": [c.old_sha256, c.new_sha256],
                    "size": [c.old_size, c.new_size],
                    "text": _text_diff_object(c.text),
                }
                for c in self.attachments.changed
            ]
        payload = {
            "title": _text_diff_object(self.title),
            "body": _text_diff_object(self.body),
            "attachments": attachments,
        }
        return json.dumps(payload, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> ChangeDiff:
        """Inverse of :meth:`to_json` (also reads rows of earlier versions); raises
        ``ValueError`` on malformed input."""
        try:
            payload = json.loads(data)
            if "http_status" in payload:
                status = payload["http_status"]
                if not isinstance(status, int):
                    raise TypeError(f"HTTP status {status!r}")
                return cls.removal(status)
            body = _text_diff_from_object(payload["body"])
            if body is None:
                raise TypeError("no body diff")
            files = payload["attachments"]
            changed = files.get("changed")
            attachments = AttachmentsDiff(
                added=tuple(ListedAttachment(_str(line)) for line in files["added"]),
                removed=tuple(ListedAttachment(_str(line)) for line in files["removed"]),
                changed=tuple(_attachment_change(c) for c in changed or ()),
                compared=changed is not None,
            )
            return cls(_text_diff_from_object(payload["title"]), body, attachments)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise ValueError(f"malformed change diff JSON: {exc!r}") from exc


def _text_diff_object(diff: TextDiff | None) -> dict[str, Any] | None:
    """A text diff as the JSON object embedded in a stored change diff."""
    return json.loads(diff.to_json()) if diff is not None else None


def _text_diff_from_object(obj: Any) -> TextDiff | None:
    """Inverse of :func:`_text_diff_object`."""
    return TextDiff.from_json(json.dumps(obj, ensure_ascii=False)) if obj is not None else None


def _attachment_change(obj: dict[str, Any]) -> AttachmentChange:
    old_name, new_name = obj["name"]
    old_sha256, new_sha256 = obj["sha256"]
    old_size, new_size = obj["size"]
    return AttachmentChange(
        url=_str(obj["url"]),
        old_name=old_name,
        new_name=new_name,
        old_sha256=old_sha256,
        new_sha256=new_sha256,
        old_size=old_size,
        new_size=new_size,
        text=_text_diff_from_object(obj["text"]),
    )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


@dataclass(frozen=True)
class Change:
    """A detected change: a new, modified, removed, restored or delisted notice, with its
    parsed diff (None for new and delisted notices and for unchanged restorations)."""

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
    diff: ChangeDiff | None
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


@dataclass(frozen=True)
class ListEventRow:
    """One row a stored list announcement states (see monitors.storage.lists)."""

    id: int
    notice_id: int
    version_id: int
    list_name: str
    action: str  # add | remove | suspend | resume | amend
    row_number: int | None
    entity_key: str
    name: str
    other_names: tuple[str, ...]
    country: str | None
    address: str | None
    effective: str | None
    published: str | None
    document: str | None
    url: str


@dataclass(frozen=True)
class ListMember:
    """An entity of a list as its events leave it: ``status`` listed, suspended or removed."""

    list_name: str
    entity_key: str
    name: str
    other_names: tuple[str, ...]
    country: str | None
    address: str | None
    status: str
    since: str | None
    last_action: str
    last_event_id: int
    events: int


@dataclass(frozen=True)
class PublishState:
    """The last attempt to write a published output (``feeds``, ``bulletin``) after a crawl:
    ``ok`` or its ``error``, failing since ``failing_since``, last written ``written_at``."""

    output: str
    location: str
    ok: bool
    attempted_at: str
    written_at: str | None
    failing_since: str | None
    error: str | None
    #: Failed attempts in a row (0 when written).
    failures: int = 0


@dataclass(frozen=True)
class SearchHit:
    """A notice whose title or text (in some version) matches a search: ``in_current`` when
    its current version matches; else ``gone_in``, the number of the first version (1 = the
    first stored) that no longer matches after the last one that did."""

    notice_id: int
    source: str
    url: str
    title: str
    snippet: str
    versions: int
    matching: tuple[int, ...]  # numbers of the matching versions
    in_current: bool
    gone_in: int | None
