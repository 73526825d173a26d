"""Read the list rows of stored notices and keep each list's state (the store side of
:mod:`monitors.lists.extract`): called for every version a crawl stores."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from monitors.lists.extract import extract_list_events
from monitors.lists.models import Announcement, ListEvent, ListSpec
from monitors.lists.specs import DEFAULT_LISTS
from monitors.lists.state import entity_key, rebuild
from monitors.storage.lists import ListStore
from monitors.storage.models import Notice, Version
from monitors.storage.store import Store

log = logging.getLogger(__name__)


def record_list_rows(
    store: Store, notice_id: int, specs: Sequence[ListSpec] = DEFAULT_LISTS
) -> tuple[str, ...]:
    """Extract the rows the current version of notice ``notice_id`` states, store them (and
    its problems) and rebuild the lists when it is a list announcement; return the problems
    (a list announcement whose rows cannot all be read: the crawl is not ok)."""
    notice = store.find_notice(str(notice_id))
    if notice is None or notice.current_version_id is None:
        return ()
    version = store.get_version(notice.current_version_id)
    if version is None:
        return ()
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


def _announcement(store: Store, notice: Notice, version: Version) -> Announcement:
    annexes = []
    for attachment in version.attachments:
        info = store.file_info(attachment.sha256) if attachment.sha256 else None
        if info and info.get("text"):
            annexes.append(str(info["text"]))
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
        found = record_list_rows(store, notice_id, specs)
        if found:
            notice = store.find_notice(str(notice_id))
            problems[notice.url if notice else str(notice_id)] = found
    return problems
