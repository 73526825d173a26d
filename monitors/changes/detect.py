"""Compare a freshly fetched notice with its stored history and record what changed.

The rules (urlwatch-style: retrieve → normalise → compare with history → classify):

* a notice never seen before is ``new`` — except during a source's baseline crawl, which
  records everything and reports nothing, and except when it is another copy (another site,
  another language) of a document already known by its number: copies join that document
  silently, so one announcement alerts once;
* a notice whose normalised title, body or attachment list differs from its current version
  is ``modified``, with a stored diff; content identical to *any* earlier version is a
  flip-back, which re-points the notice at that version and is not news again;
* a notice is ``removed`` only when its own detail page answers 404/410, never because a
  listing stopped showing it (and not when many answer at once: an outage, settled by the
  crawler before anything is recorded here);
* a notice still served but missing from the part of its listing that should show it is
  ``delisted`` (a withdrawal that leaves the page up);
* a removed notice whose page is served again, or a delisted one listed again, is
  ``restored`` (with a diff when its content differs from the version it had before).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from monitors.storage.models import (
    Attachment,
    AttachmentChange,
    AttachmentsDiff,
    ChangeDiff,
    FetchedNotice,
    ListedAttachment,
    Version,
)
from monitors.storage.store import Store, utcnow
from monitors.text.diff import diff_texts, render_unified
from monitors.text.docnumber import parse_doc_number
from monitors.text.normalize import content_hash, normalize_text, only_separators_differ

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What recording one fetch did."""

    kind: str  # new | modified | removed | restored | delisted | unchanged | reverted
    #            | baseline | copy | not_modified
    notice_id: int
    change_id: int | None = None


def document_identity(fetched: FetchedNotice) -> str | None:
    """The identity shared by every copy of one document: its number's identity; for an
    unnumbered page, the copy key its spider gave it (``doc_key``: e.g. one spokesperson
    Q&A on two MOFCOM sites, or MOFA's Japanese and English pages of one release); else
    None (a document of its own)."""
    number = parse_doc_number(fetched.doc_number) if fetched.doc_number else None
    if number is not None:
        return number.identity
    return fetched.doc_key or None


def fingerprint(fetched: FetchedNotice) -> str:
    """Hash of the parts of a notice that matter: title, body text and attachments."""
    title = normalize_text(fetched.title)
    return content_hash(title, fetched.text, *(a.canonical() for a in fetched.attachments))


def record_fetch(
    store: Store,
    fetched: FetchedNotice,
    *,
    run_id: int | None,
    baseline: bool,
    section: str | None = None,
) -> Outcome:
    """Store a fetched detail page and classify it against the notice's history.

    ``section`` is the listing section the page was listed in this time (None when it was
    fetched without a listing, e.g. a re-verification): a removed notice is restored when
    served again, a delisted one only when it is listed again.
    """
    now = utcnow()
    digest = fingerprint(fetched)
    with store.atomic():
        for file in fetched.files:
            store.save_file(file, now)
        row = store.notice_row(fetched.source, fetched.url)
        if row is None:
            return _record_new(
                store, fetched, digest, run_id=run_id, baseline=baseline, now=now, section=section
            )
        notice_id = int(row["id"])
        back = row["status"] == "removed" or (row["status"] == "delisted" and section)
        status = row["status"] if row["status"] == "delisted" and not back else "active"
        store.refresh_notice(notice_id, fetched, now, status=status, section=section)
        hashes = store.version_ids_by_hash(notice_id)
        current_id = row["current_version_id"]
        if back:
            return _record_restored(store, fetched, digest, row, hashes, run_id, now)
        if hashes.get(digest) == current_id:
            return Outcome("unchanged", notice_id)
        if digest in hashes:
            store.set_current_version(notice_id, hashes[digest])
            log.info("%s: content flipped back to version %s", fetched.url, hashes[digest])
            return Outcome("reverted", notice_id)
        current = store.get_version(current_id) if current_id else None
        if current is not None and is_reextraction(current, fetched):
            store.set_current_version(
                notice_id, store.insert_version(notice_id, run_id, fetched, digest, now)
            )
            log.info("%s: re-extracted with table separators, content unchanged", fetched.url)
            return Outcome("unchanged", notice_id)
        return _record_modified(store, fetched, digest, notice_id, current_id, run_id, now)


def is_reextraction(current: Version, fetched: FetchedNotice) -> bool:
    """True when ``fetched`` is ``current`` extracted again by the table rule that joins cells
    with `` | `` (text stored before it ran a row's cells together, or put a cell's lines on
    lines of their own): same title and attachments, text differing only in the separators
    (:func:`~monitors.text.normalize.only_separators_differ`).

    :func:`record_fetch` then stores the fetched text as a new current version without a
    change (no diff, no alert; the outcome is ``unchanged``), so the next real change is
    diffed against text with separators and later fetches match its hash. A new version
    rather than an edit in place: versions are never rewritten, and the old one stays in
    the history as it was stored.
    """
    return (
        normalize_text(current.title) == normalize_text(fetched.title)
        and [a.canonical() for a in current.attachments]
        == [a.canonical() for a in fetched.attachments]
        and only_separators_differ(current.text, fetched.text)
    )


def record_not_modified(store: Store, source: str, url: str, *, listed: date | None) -> Outcome:
    """Record a conditional request that answered 304 Not Modified."""
    row = store.notice_row(source, url)
    if row is None:
        raise LookupError(f"304 for a notice we never stored: {url}")
    store.touch_notice(int(row["id"]), utcnow(), listed)
    return Outcome("not_modified", int(row["id"]))


def record_delisted(store: Store, source: str, url: str, *, run_id: int | None) -> Outcome:
    """Record that a stored notice is still served but gone from the listing that should
    show it (a withdrawal that leaves the page up): a ``delisted`` change, once."""
    now = utcnow()
    with store.atomic():
        row = store.notice_row(source, url)
        if row is None:
            raise LookupError(f"delisting check of a notice we never stored: {url}")
        notice_id = int(row["id"])
        if row["status"] != "active":
            return Outcome("unchanged", notice_id)
        store.mark_delisted(notice_id, now)
        current = row["current_version_id"]
        where = (row["document_id"], notice_id, run_id)
        change_id = _insert_change(
            store, "delisted", (source, url, row["title"]), where, (current, current), None, now
        )
    return Outcome("delisted", notice_id, change_id)


def record_gone(store: Store, source: str, url: str, *, run_id: int | None, status: int) -> Outcome:
    """Record that a stored notice's detail page answered 404/410."""
    now = utcnow()
    with store.atomic():
        row = store.notice_row(source, url)
        if row is None:
            raise LookupError(f"HTTP {status} for a notice we never stored: {url}")
        notice_id = int(row["id"])
        if row["status"] == "removed":
            store.touch_notice(notice_id, now)
            return Outcome("unchanged", notice_id)
        store.mark_removed(notice_id, now)
        where = (row["document_id"], notice_id, run_id)
        versions = (None, row["current_version_id"])
        diff = ChangeDiff.removal(status)
        change_id = _insert_change(
            store, "removed", (source, url, row["title"]), where, versions, diff, now
        )
    return Outcome("removed", notice_id, change_id)


def _record_new(
    store: Store,
    fetched: FetchedNotice,
    digest: str,
    *,
    run_id: int | None,
    baseline: bool,
    now: str,
    section: str | None,
) -> Outcome:
    document_id, created = store.ensure_document(document_identity(fetched), fetched, now)
    notice_id = store.insert_notice(fetched, now, document_id, section)
    version_id = store.insert_version(notice_id, run_id, fetched, digest, now)
    store.set_current_version(notice_id, version_id)
    if baseline:
        return Outcome("baseline", notice_id)
    if not created:
        log.info("%s is another copy of document %s", fetched.url, document_id)
        return Outcome("copy", notice_id)
    where = (document_id, notice_id, run_id)
    change_id = _insert_change(store, "new", _about(fetched), where, (version_id, None), None, now)
    return Outcome("new", notice_id, change_id)


def _record_restored(
    store: Store,
    fetched: FetchedNotice,
    digest: str,
    row: dict,
    hashes: dict[str, int],
    run_id: int | None,
    now: str,
) -> Outcome:
    """A removed notice is served again: a ``restored`` change (diffed when it changed)."""
    notice_id, previous_id = int(row["id"]), row["current_version_id"]
    version_id = hashes.get(digest) or store.insert_version(notice_id, run_id, fetched, digest, now)
    store.set_current_version(notice_id, version_id)
    previous = store.get_version(previous_id) if previous_id else None
    changed = previous is not None and version_id != previous_id
    diff = change_diff(store, previous, fetched) if changed and previous else None
    where = (row["document_id"], notice_id, run_id)
    change_id = _insert_change(
        store, "restored", _about(fetched), where, (version_id, previous_id), diff, now
    )
    return Outcome("restored", notice_id, change_id)


def _record_modified(
    store: Store,
    fetched: FetchedNotice,
    digest: str,
    notice_id: int,
    previous_id: int | None,
    run_id: int | None,
    now: str,
) -> Outcome:
    previous = store.get_version(previous_id) if previous_id else None
    version_id = store.insert_version(notice_id, run_id, fetched, digest, now)
    store.set_current_version(notice_id, version_id)
    diff = change_diff(store, previous, fetched) if previous else None
    row = store.notice_row(fetched.source, fetched.url)
    where = (row["document_id"] if row else None, notice_id, run_id)
    change_id = _insert_change(
        store, "modified", _about(fetched), where, (version_id, previous_id), diff, now
    )
    return Outcome("modified", notice_id, change_id)


def _insert_change(
    store: Store,
    kind: str,
    about: tuple[str, str, str],
    where: tuple[int | None, int, int | None],
    versions: tuple[int | None, int | None],
    diff: ChangeDiff | None,
    now: str,
) -> int:
    """Record a change of ``kind``: ``about`` is (source, URL, title), ``where`` is
    (document, notice, run), ``versions`` is (the version now current, the one before)."""
    source, url, title = about
    document_id, notice_id, run_id = where
    version_id, previous_id = versions
    return store.insert_change(
        document_id=document_id,
        notice_id=notice_id,
        run_id=run_id,
        kind=kind,
        version_id=version_id,
        previous_version_id=previous_id,
        source=source,
        url=url,
        title=title,
        detected_at=now,
        diff=diff.to_json() if diff is not None else None,
    )


def _about(fetched: FetchedNotice) -> tuple[str, str, str]:
    return fetched.source, fetched.url, fetched.title


def change_diff(store: Store, previous: Version, new: FetchedNotice) -> ChangeDiff:
    """What a modification changed: title and body diffs plus attachment changes."""
    old_urls = {a.url: a for a in previous.attachments}
    new_urls = {a.url: a for a in new.attachments}
    title_changed = normalize_text(previous.title) != normalize_text(new.title)
    return ChangeDiff(
        title=diff_texts(previous.title, new.title) if title_changed else None,
        body=diff_texts(previous.text, new.text),
        attachments=AttachmentsDiff(
            added=_listed(a for u, a in new_urls.items() if u not in old_urls),
            removed=_listed(a for u, a in old_urls.items() if u not in new_urls),
            changed=tuple(
                _attachment_change(store, old_urls[url], attachment)
                for url, attachment in new_urls.items()
                if url in old_urls and old_urls[url].canonical() != attachment.canonical()
            ),
        ),
    )


def _listed(attachments: Iterable[Attachment]) -> tuple[ListedAttachment, ...]:
    """Added or removed attachments in their stored order (by canonical line)."""
    return tuple(sorted((ListedAttachment.of(a) for a in attachments), key=lambda a: a.line))


def _attachment_change(store: Store, old: Attachment, new: Attachment) -> AttachmentChange:
    """How one attachment changed: name, hash and size, and a diff of its extracted text."""
    old_file = store.file_info(old.sha256) if old.sha256 else None
    new_file = store.file_info(new.sha256) if new.sha256 else None
    text_diff = None
    if old_file and new_file and (old_file["text"] or new_file["text"]):
        text_diff = diff_texts(old_file["text"] or "", new_file["text"] or "")
    return AttachmentChange(
        url=new.url,
        old_name=old.name,
        new_name=new.name,
        old_sha256=old.sha256,
        new_sha256=new.sha256,
        old_size=old.size,
        new_size=new.size,
        text=text_diff,
    )


def format_change_diff(diff: ChangeDiff | None) -> str:
    """Plain-text rendering of a change's diff (title, body, attachments)."""
    if diff is None:
        return "(no diff: the notice is new, or served again unchanged)"
    if diff.http_status is not None:
        return f"(the detail page answered HTTP {diff.http_status})"
    parts = []
    if diff.title is not None:
        parts.append("Title:\n" + render_unified(diff.title))
    if not diff.body.is_empty:
        parts.append("Text:\n" + render_unified(diff.body))
    for label, listed in (("+", diff.attachments.added), ("-", diff.attachments.removed)):
        parts.extend(f"Attachment {label} {a.line}" for a in listed)
    for changed in diff.attachments.changed:
        parts.append(_format_attachment_change(changed))
    return "\n\n".join(parts) if parts else "(no visible difference)"


def _format_attachment_change(changed: AttachmentChange) -> str:
    if changed.old_sha256 is None:
        return (
            f"Attachment now available: {changed.new_name} <{changed.url}> "
            f"({changed.new_size} bytes)"
        )
    header = (
        f"Attachment changed: {changed.new_name} <{changed.url}> "
        f"({changed.old_size} → {changed.new_size} bytes)"
    )
    if changed.text is None:
        return header + "\n  (no extractable text to compare)"
    text = changed.text
    return header + "\n" + (render_unified(text) if not text.is_empty else "  (same text)")
