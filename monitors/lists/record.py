"""Read the list rows of stored notices and keep each list's state (the store side of
:mod:`monitors.lists.extract`): called for every version a crawl stores.

METI's End User List page (:func:`~monitors.lists.enduser.is_end_user_list_page`) is a list
revised in place: its file (Excel or PDF) holds the whole table. Each version of the page is
read as a revision: its first version adds every row, each later one the rows added, removed
and amended since the version before (:func:`~monitors.lists.enduser.diff_end_user_list`,
keyed by name and country, so renumbering is no event). These events are stored per version
with the origin :data:`~monitors.storage.lists.REVISION_ORIGIN`, and every version's count.
The page is strict: a version whose files hold no clean table is a problem (and no events;
the next clean version is compared with the last clean one).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from monitors.lists.enduser import (
    END_USER_LIST,
    END_USER_LIST_TITLE,
    best_end_user_list,
    diff_end_user_list,
    end_user_list_problems,
    is_end_user_list_page,
)
from monitors.lists.extract import extract_list_events
from monitors.lists.models import Announcement, EndUserRow, ListEvent, ListSpec, SourceRef
from monitors.lists.specs import DEFAULT_LISTS
from monitors.lists.state import entity_key, rebuild
from monitors.storage.lists import REVISION_ORIGIN, ListStore
from monitors.storage.models import Notice, Version
from monitors.storage.store import Store
from monitors.text.dates import find_date

log = logging.getLogger(__name__)


def record_list_rows(
    store: Store,
    notice_id: int,
    specs: Sequence[ListSpec] = DEFAULT_LISTS,
    *,
    again: bool = False,
) -> tuple[str, ...]:
    """Extract the rows the current version of notice ``notice_id`` states, store them (and
    its problems) and rebuild the lists when it is a list announcement; return the problems
    (a list announcement whose rows cannot all be read: the crawl is not ok). A version
    read before is not read again (its recorded problems are returned) unless ``again``."""
    notice = store.find_notice(str(notice_id))
    if notice is None or notice.current_version_id is None:
        return ()
    if not again:
        recorded = ListStore(store).recorded(notice.current_version_id)
        if recorded is not None:
            return recorded
    version = store.get_version(notice.current_version_id)
    if version is None:
        return ()
    if is_end_user_list_page(version.title, version.metadata):
        if not any(spec.name == END_USER_LIST for spec in specs):
            return ()
        return _record_end_user_list(store, notice, version)
    extraction = extract_list_events(_announcement(store, notice, version), specs)
    if not extraction.is_list_announcement:
        return ()
    rows = [_columns(event, notice.url) for event in extraction.events]
    lists = ListStore(store)
    lists.record_extraction(notice_id, version.id, notice.document_id, rows, extraction.problems)
    lists.replace_members(rebuild(lists.current_events()))
    log.info(
        "%s: %d row(s) on %s (%s)", notice.url, len(rows), extraction.list_name, extraction.action
    )
    return extraction.problems


def _record_end_user_list(store: Store, notice: Notice, current: Version) -> tuple[str, ...]:
    """Read every version of the End User List page up to ``current`` as a revision of the
    one before, store each version's events and problems, rebuild the lists; return the
    problems of ``current``."""
    lists = ListStore(store)
    previous: list[EndUserRow] | None = None
    problems: tuple[str, ...] = ()
    added = removed = amended = 0
    for version in (v for v in store.versions_of(notice.id) if v.id <= current.id):
        texts, names = _file_texts(store, version)
        index, rows = best_end_user_list(texts)
        problems = tuple(end_user_list_problems(rows))
        if index is None:
            files = ", ".join(a.name for a in version.attachments) or "none"
            problems = (f"End User List: no file of the page holds the list (files: {files})",)
        revised = _revised(version, notice, names[index] if index is not None else "")
        source = SourceRef(
            document=f"{END_USER_LIST_TITLE}/{revised.isoformat() if revised else version.id}",
            document_number="",
            published=revised,
            url=notice.url,
            version_id=version.id,
            origin=REVISION_ORIGIN,
        )
        events = [] if problems else diff_end_user_list(previous or [], rows, source=source)
        columns = [_columns(event, notice.url) for event in events]
        lists.record_extraction(notice.id, version.id, notice.document_id, columns, problems)
        if not problems:
            previous = rows
        actions = [event.action for event in events]
        added, removed, amended = (actions.count(a) for a in ("add", "remove", "amend"))
    lists.replace_members(rebuild(lists.current_events()))
    log.info(
        "%s: End User List: +%d -%d ~%d row(s)%s",
        notice.url,
        added,
        removed,
        amended,
        f" ({'; '.join(problems)})" if problems else "",
    )
    return problems


def _revised(version: Version, notice: Notice, file_name: str) -> date | None:
    """When a version of the End User List was revised: the date in its file's link text
    (``外国ユーザーリスト（令和8年2月20日改正）``), else in any file's, else the page's
    effective or published date."""
    names = " ".join(a.name for a in version.attachments)
    for text in (file_name, names, str(version.metadata.get("effective") or "")):
        found = find_date(text) if text else None
        if found is not None:
            return found
    return date.fromisoformat(notice.published[:10]) if notice.published else None


def _file_texts(store: Store, version: Version) -> tuple[list[str], list[str]]:
    """The extracted texts of a version's files, and the files' link texts, in order."""
    texts, names = [], []
    for attachment in version.attachments:
        info = store.file_info(attachment.sha256) if attachment.sha256 else None
        if info and info.get("text"):
            texts.append(str(info["text"]))
            names.append(attachment.name)
    return texts, names


def _announcement(store: Store, notice: Notice, version: Version) -> Announcement:
    annexes, _ = _file_texts(store, version)
    return Announcement(
        title=version.title,
        text=version.text,
        published=date.fromisoformat(notice.published[:10]) if notice.published else None,
        url=notice.url,
        version_id=version.id,
        doc_number=notice.doc_number,
        annexes=tuple(annexes),
    )


def _columns(event: ListEvent, url: str) -> dict[str, Any]:
    source = event.source
    return {
        "list_name": event.list_name,
        "action": event.action,
        "row_number": event.row_number,
        "entity_key": entity_key(event.list_name, event.name, event.country),
        "name": event.name,
        "other_names": event.other_names,
        "country": event.country,
        "address": event.address,
        "postcode": event.postcode,
        "effective": event.effective.isoformat() if event.effective else None,
        "published": source.published.isoformat() if source and source.published else None,
        "document": source.document if source else None,
        "url": url,
        "origin": source.origin if source else "body",
        "row_text": event.row_text,
    }


def reread_all(
    store: Store, specs: Sequence[ListSpec] = DEFAULT_LISTS
) -> dict[str, tuple[str, ...]]:
    """Read the list rows of every stored notice's current version again (after an upgrade,
    or with new list specs); the problems by notice URL."""
    problems: dict[str, tuple[str, ...]] = {}
    for notice_id in store.notice_ids():
        found = record_list_rows(store, notice_id, specs, again=True)
        if found:
            notice = store.find_notice(str(notice_id))
            problems[notice.url if notice else str(notice_id)] = found
    return problems
