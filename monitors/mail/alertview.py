"""Build the views the email templates render (monitors.mail.emailviews) from the store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from monitors.core.config import Config
from monitors.lists.changes import rows_of_change
from monitors.lists.models import ListSpec
from monitors.lists.specs import DEFAULT_LISTS
from monitors.mail.emailviews import (
    AlertView,
    AttachmentView,
    CopyView,
    ListChangeView,
    ListRowView,
    MatchView,
    PartyMatchView,
)
from monitors.publish.pages import document_page, page_url
from monitors.storage.ledger import StoredMatch
from monitors.storage.models import AttachmentsDiff, Change, ListEventRow, Version
from monitors.storage.store import Store
from monitors.text.diff import TextDiff

if TYPE_CHECKING:
    from monitors.lists.screen import ScreenHit

EXCERPT_CHARS = 1500

#: Short names of the file types a listing entry may link directly (``doc_type`` "file").
FILE_FORMATS = {
    "application/pdf": "PDF",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}


def alert_view(
    store: Store,
    config: Config,
    change: Change,
    matches: Sequence[StoredMatch],
    *,
    followed_since: str | None = None,
    also: Sequence[Change] = (),
) -> AlertView:
    """Everything an alert about ``change`` shows: metadata, copies, matches, diff;
    ``followed_since``: when the recipient was first alerted about a followed document;
    ``also``: the changes of the document's other copies in the same crawl (shown after)."""
    notice = store.find_notice(str(change.notice_id))
    version = _version_shown(store, change)
    metadata = version.metadata if version else {}
    diff = change.diff
    is_file = metadata.get("doc_type") == "file"
    return AlertView(
        change_id=change.id,
        kind=change.kind,
        source=change.source,
        source_title=source_title(config, change.source),
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
        title_diff=_shown(diff.title) if diff else None,
        body_diff=_shown(diff.body) if diff else None,
        attachments=_attachments(version, diff.attachments if diff else AttachmentsDiff()),
        http_status=diff.http_status if diff else None,
        removed_at=_removed_at(store, change) if change.kind == "restored" else None,
        listing_host=_listing_host(change, metadata),
        file_format=_file_format(change.url, metadata) if is_file else None,
        file_text_error=metadata.get("extraction_error") if is_file else None,
        followed_since=followed_since,
        also=tuple(alert_view(store, config, other, ()) for other in also),
        lists=list_changes(store, change, config.lists),
        page_url=page_url(
            config.publish.base_url, document_page(change.document_id, change.notice_id)
        ),
    )


def list_changes(
    store: Store, change: Change, specs: Sequence[ListSpec] = DEFAULT_LISTS
) -> tuple[ListChangeView, ...]:
    """The list rows a change of a list announcement brings (:func:`rows_of_change`), one
    view per list and action; a version of METI's End User List (a list revised in place)
    as one :class:`EndUserListChangeView` per list (``+2 -1 ~1 on 外国ユーザーリスト``)."""
    brought = rows_of_change(store, change)
    groups: dict[tuple[str, str], list[tuple[str, ListEventRow]]] = {}
    for sign, event in brought.rows:
        action = "amend" if brought.revision else event.action
        groups.setdefault((event.list_name, action), []).append((sign, event))
    view = EndUserListChangeView if brought.revision else ListChangeView
    return tuple(
        _list_change(view, _list_title(specs, name), name, action, items)
        for (name, action), items in groups.items()
    )


@dataclass(frozen=True)
class EndUserListChangeView(ListChangeView):
    """A revision of a list published in place: its rows added (``+``), removed (``-``)
    and amended (``~``: the row as it now reads)."""

    @property
    def summary(self) -> str:
        """``+2 -1 ~1 on 外国ユーザーリスト``."""
        counts = Counter(row.change for row in self.rows)
        parts = [f"{sign}{counts[sign]}" for sign in "+-~" if counts[sign]]
        return f"{' '.join(parts) or 'no rows changed'} on {self.list_title}"


def _list_title(specs: Sequence[ListSpec], list_name: str) -> str:
    spec = next((s for s in specs if s.name == list_name), None)
    return spec.title if spec else list_name


def _list_change(
    view: type[ListChangeView],
    title: str,
    list_name: str,
    action: str,
    items: list[tuple[str, ListEventRow]],
) -> ListChangeView:
    if view is EndUserListChangeView:
        items = sorted(items, key=lambda item: "+-~".index(item[0]) if item[0] in "+-~" else 3)
    return view(
        list_name=list_name,
        list_title=title,
        action=action,
        effective=next((e.effective for _, e in items if e.effective), None),
        rows=tuple(
            ListRowView(sign, e.action, e.row_number, e.name, e.other_names, e.country)
            for sign, e in items
        ),
    )


def _version_shown(store: Store, change: Change) -> Version | None:
    version_id = change.previous_version_id if change.kind == "removed" else change.version_id
    return store.get_version(version_id) if version_id else None


def _removed_at(store: Store, change: Change) -> str | None:
    """When the removal or delisting that ``change`` (restored) undoes was detected."""
    removals = [
        c.detected_at
        for c in store.changes_of(change.notice_id)
        if c.kind in ("removed", "delisted") and c.id < change.id
    ]
    return removals[-1] if removals else None


def _listing_host(change: Change, metadata: dict[str, Any]) -> str | None:
    """The host of the page a notice recorded from its listing entry is on (else None)."""
    if not metadata.get("from_listing"):
        return None
    return metadata.get("host") or urlsplit(change.url).hostname or "another host"


def _file_format(url: str, metadata: dict[str, Any]) -> str | None:
    """PDF, DOCX…: from the stored content type, else from the URL's extension."""
    content_type = (metadata.get("content_type") or "").split(";")[0].strip().lower()
    if content_type in FILE_FORMATS:
        return FILE_FORMATS[content_type]
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    return extension.upper() if extension.isalnum() and len(extension) <= 5 else None


def source_title(config: Config, source: str) -> str:
    """The configured title of ``source`` (its name when it is no longer configured)."""
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


def _shown(diff: TextDiff | None) -> TextDiff | None:
    """``diff`` when it shows a change (None when there is none or it is empty)."""
    return None if diff is None or diff.is_empty else diff


def _attachments(version: Version | None, changes: AttachmentsDiff) -> tuple[AttachmentView, ...]:
    """The version's files marked with what the change did to them, then the removed ones.

    A changed file whose old hash is None could not be downloaded before: it is now
    ``available`` (there is no earlier text to diff). A file of the version listed in its
    ``attachments_unavailable`` metadata has not arrived yet.
    """
    changed = {c.url: c for c in changes.changed}
    added = {listed.url for listed in changes.added}
    unavailable = set(version.metadata.get("attachments_unavailable") or ()) if version else set()
    views = []
    for a in version.attachments if version else ():
        change = None
        if a.url in changed:
            arrived = changed[a.url].old_sha256 is None and a.sha256 is not None
            change = "available" if arrived else "changed"
        elif a.url in added:
            change = "added"
        views.append(
            AttachmentView(
                name=a.name,
                url=a.url,
                size=a.size,
                change=change,
                diff=_shown(changed[a.url].text) if change == "changed" else None,
                unavailable=a.sha256 is None and a.url in unavailable,
            )
        )
    for removed in changes.removed:
        views.append(
            AttachmentView(
                name=removed.name, url=removed.url, size=None, change="removed", diff=None
            )
        )
    return tuple(views)


def party_match_view(config: Config, hit: ScreenHit[ListEventRow]) -> PartyMatchView:
    """How an alert shows one watched-party match."""
    row = hit.entity.payload
    return PartyMatchView(
        party_id=hit.party.id,
        party_name=hit.party.name,
        entity_name=row.name,
        list_title=_list_title(config.lists, row.list_name),
        action=row.action,
        score=hit.score,
        reason=hit.reason,
    )
