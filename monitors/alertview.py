"""Build the views the email templates render (monitors.emailviews) from the store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from monitors.config import Config
from monitors.diff import TextDiff
from monitors.emailviews import AlertView, AttachmentView, CopyView, MatchView
from monitors.ledger import StoredMatch
from monitors.models import Change, Version
from monitors.store import Store

EXCERPT_CHARS = 1500


def alert_view(
    store: Store, config: Config, change: Change, matches: Sequence[StoredMatch]
) -> AlertView:
    """Everything an alert about ``change`` shows: metadata, copies, matches, diff."""
    notice = store.find_notice(str(change.notice_id))
    version = _version_shown(store, change)
    metadata = version.metadata if version else {}
    payload = json.loads(change.diff) if change.diff else {}
    return AlertView(
        change_id=change.id,
        kind=change.kind,
        source=change.source,
        source_title=_source_title(config, change.source),
        url=change.url,
        title=change.title,
        detected_at=change.detected_at,
        doc_number=notice.doc_number if notice else None,
        issuer=notice.issuer if notice else None,
        published=notice.published if notice else None,
        effective=metadata.get("effective"),
        doc_type=metadata.get("doc_type"),
        language=metadata.get("language"),
        copies=_copies(store, notice),
        matches=tuple(_match_view(m) for m in matches),
        excerpt=(version.text[:EXCERPT_CHARS] if version and change.kind == "new" else ""),
        remaining_chars=(
            max(len(version.text) - EXCERPT_CHARS, 0) if version and change.kind == "new" else 0
        ),
        title_diff=_diff(payload.get("title")),
        body_diff=_diff(payload.get("body")),
        attachments=_attachments(version, payload.get("attachments") or {}),
        http_status=payload.get("http_status"),
    )


def _version_shown(store: Store, change: Change) -> Version | None:
    version_id = change.previous_version_id if change.kind == "removed" else change.version_id
    return store.get_version(version_id) if version_id else None


def _source_title(config: Config, source: str) -> str:
    return config.sources[source].title if source in config.sources else source


def _copies(store: Store, notice: Any) -> tuple[CopyView, ...]:
    if notice is None or notice.document_id is None:
        return ()
    views = []
    for copy in store.copies_of(notice.document_id):
        if copy.id == notice.id:
            continue
        version = store.get_version(copy.current_version_id) if copy.current_version_id else None
        language = version.metadata.get("language") if version else None
        views.append(CopyView(source=copy.source, language=language, url=copy.url))
    return tuple(views)


def _match_view(match: StoredMatch) -> MatchView:
    return MatchView(
        topic=match.topic,
        topic_title=match.topic_title,
        term=match.term,
        snippet=match.snippet,
        field=match.field,
    )


def _diff(diff_json: dict | None) -> TextDiff | None:
    if not diff_json:
        return None
    diff = TextDiff.from_json(json.dumps(diff_json, ensure_ascii=False))
    return None if diff.is_empty else diff


def _attachments(version: Version | None, changes: dict) -> tuple[AttachmentView, ...]:
    changed = {c["url"]: c for c in changes.get("changed", [])}
    added = {line.split("\t")[1] for line in changes.get("added", [])}
    views = [
        AttachmentView(
            name=a.name,
            url=a.url,
            size=a.size,
            change="changed" if a.url in changed else ("added" if a.url in added else None),
            diff=_diff(changed[a.url].get("text")) if a.url in changed else None,
        )
        for a in (version.attachments if version else ())
    ]
    for line in changes.get("removed", []):
        name, url = line.split("\t")[:2]
        views.append(AttachmentView(name=name, url=url, size=None, change="removed", diff=None))
    return tuple(views)
