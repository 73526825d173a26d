"""The list rows one change of a list announcement brings (pure reading of the store)."""

from __future__ import annotations

from dataclasses import dataclass

from monitors.lists.enduser import REVISION_SIGNS, is_end_user_list_page
from monitors.storage.lists import ListStore
from monitors.storage.models import Change, ListEventRow
from monitors.storage.store import Store


@dataclass(frozen=True)
class ChangeRows:
    """``(sign, row)`` pairs a change brings. ``revision``: a list revised in place (METI's
    End User List), whose version states its rows added ``+``, removed ``-`` and amended
    ``~``; otherwise ``+`` rows stated now and ``-`` rows a revision no longer states."""

    revision: bool
    rows: tuple[tuple[str, ListEventRow], ...]

    def added(self) -> list[ListEventRow]:
        """The rows brought in (``+``)."""
        return [event for sign, event in self.rows if sign == "+"]


def rows_of_change(store: Store, change: Change) -> ChangeRows:
    """All rows of a new or restored announcement; for a revision, the rows it states that
    the earlier version did not and those it no longer states; for a version of a list
    revised in place, that revision's rows; none for other changes."""
    if change.kind not in ("new", "restored", "modified") or change.version_id is None:
        return ChangeRows(False, ())
    lists = ListStore(store)
    now = lists.events_of_version(change.version_id)
    version = store.get_version(change.version_id)
    if version is not None and is_end_user_list_page(version.title, version.metadata):
        same = change.kind == "restored" and change.previous_version_id == change.version_id
        rows = () if same else tuple((REVISION_SIGNS.get(e.action, "~"), e) for e in now)
        return ChangeRows(True, rows)
    before = (
        lists.events_of_version(change.previous_version_id)
        if change.kind == "modified" and change.previous_version_id
        else []
    )
    stated = {_row_key(e) for e in before}
    kept = {_row_key(e) for e in now}
    added = [("+", e) for e in now if _row_key(e) not in stated]
    dropped = [("-", e) for e in before if _row_key(e) not in kept]
    return ChangeRows(False, tuple(added + dropped))


def _row_key(event: ListEventRow) -> tuple[str, str, str]:
    return (event.list_name, event.action, event.entity_key)
