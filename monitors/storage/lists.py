"""Control lists in the store (the only SQL about them): the rows each list announcement
states, what could not be read from one, and each list's membership rebuilt from the rows.

Rows are kept per stored version of a notice; only a notice's current version counts, and of
the copies of one document (the same announcement on several sites) only the first copy
that states rows, so a revision replaces its rows and a copy never counts twice.

Except for a list revised in place (METI's End User List): each version of its page is an
announcement of its own, whose events are what changed since the version before (origin
:data:`REVISION_ORIGIN`), so the events of *every* version up to the current one count, in
version order. (A page that flips back to an earlier version counts only the versions up to
that one again.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from monitors.storage.models import ListEventRow, ListMember
from monitors.storage.store import Store, utcnow

#: The ``origin`` of the events of a list revised in place: the difference a version makes
#: to the one before (its first version: every row added). All versions' events count.
REVISION_ORIGIN = "revision"

#: The events that count (one parameter: :data:`REVISION_ORIGIN`): each current version's,
#: and every earlier version's revision events; of the copies of each document, only the
#: first copy (lowest notice id) that has events that count.
_CURRENT_EVENTS = (
    "WITH counted AS (SELECT e.* FROM list_events e JOIN notices n ON n.id = e.notice_id "
    "WHERE e.version_id = n.current_version_id "
    "OR (e.origin = ? AND e.version_id < n.current_version_id)), "
    "firsts AS (SELECT coalesce(document_id, -notice_id) AS document_key, "
    "min(notice_id) AS notice_id FROM counted GROUP BY document_key) "
    "SELECT c.* FROM counted c JOIN firsts f "
    "ON f.document_key = coalesce(c.document_id, -c.notice_id) AND f.notice_id = c.notice_id"
)


class ListStore:
    """Typed access to the list tables of a :class:`~monitors.storage.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def record_extraction(
        self,
        notice_id: int,
        version_id: int,
        document_id: int | None,
        events: Sequence[dict[str, Any]],
        problems: Sequence[str],
    ) -> None:
        """Replace what was read from one version: its rows (``events``: column values) and
        its problems, atomically."""
        now = utcnow()
        with self.store.atomic():
            self.db.execute("DELETE FROM list_events WHERE version_id = ?", [version_id])
            self.db.execute("DELETE FROM list_problems WHERE version_id = ?", [version_id])
            for event in events:
                values = {
                    **event,
                    "notice_id": notice_id,
                    "version_id": version_id,
                    "document_id": document_id,
                    "other_names": json.dumps(
                        list(event.get("other_names", ())), ensure_ascii=False
                    ),
                    "recorded_at": now,
                }
                columns = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                self.db.execute(
                    f"INSERT INTO list_events ({columns}) VALUES ({marks})", list(values.values())
                )
            for problem in problems:
                self.db.execute(
                    "INSERT INTO list_problems (notice_id, version_id, problem, recorded_at) "
                    "VALUES (?, ?, ?, ?)",
                    [notice_id, version_id, problem, now],
                )

    def current_events(self) -> list[ListEventRow]:
        """Every row that counts, in the order the lists changed: effective (else published)
        date, then announcement, then version (of a list revised in place), then row."""
        rows = self.store.rows(
            f"{_CURRENT_EVENTS} ORDER BY coalesce(c.effective, c.published), c.published, "
            "c.document, c.version_id, c.row_number, c.id",
            [REVISION_ORIGIN],
        )
        return [_event(r) for r in rows]

    def events_of_version(self, version_id: int) -> list[ListEventRow]:
        """The rows one stored version states, in row order."""
        rows = self.store.rows(
            "SELECT * FROM list_events WHERE version_id = ? ORDER BY row_number, id", [version_id]
        )
        return [_event(r) for r in rows]

    def recorded(self, version_id: int) -> tuple[str, ...] | None:
        """What was recorded for one version: its problems (empty when its rows were read
        cleanly), or None when it was never read."""
        problems = self.store.rows(
            "SELECT problem FROM list_problems WHERE version_id = ? ORDER BY id", [version_id]
        )
        if problems:
            return tuple(str(r["problem"]) for r in problems)
        read = self.store.row(
            "SELECT 1 FROM list_events WHERE version_id = ? LIMIT 1", [version_id]
        )
        return () if read else None

    def current_problems(self) -> list[dict[str, Any]]:
        """The problems of the notices' current versions (notice URL, problem)."""
        return self.store.rows(
            "SELECT n.url, n.source, p.problem FROM list_problems p JOIN notices n "
            "ON n.id = p.notice_id AND n.current_version_id = p.version_id ORDER BY p.id"
        )

    def replace_members(self, members: Sequence[ListMember]) -> None:
        """Store the rebuilt membership of every list (replacing the previous one)."""
        with self.store.atomic():
            self.db.execute("DELETE FROM list_members")
            for m in members:
                self.db.execute(
                    "INSERT INTO list_members (list_name, entity_key, name, other_names, country, "
                    "address, status, since, last_action, last_event_id, events) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        m.list_name,
                        m.entity_key,
                        m.name,
                        json.dumps(list(m.other_names), ensure_ascii=False),
                        m.country,
                        m.address,
                        m.status,
                        m.since,
                        m.last_action,
                        m.last_event_id,
                        m.events,
                    ],
                )

    def members(self) -> list[ListMember]:
        """Every entity of every list, by list and name."""
        rows = self.store.rows("SELECT * FROM list_members ORDER BY list_name, name")
        return [
            ListMember(
                list_name=r["list_name"],
                entity_key=r["entity_key"],
                name=r["name"],
                other_names=tuple(json.loads(r["other_names"] or "[]")),
                country=r["country"],
                address=r["address"],
                status=r["status"],
                since=r["since"],
                last_action=r["last_action"],
                last_event_id=r["last_event_id"],
                events=r["events"],
            )
            for r in rows
        ]


def _event(row: dict[str, Any]) -> ListEventRow:
    return ListEventRow(
        id=row["id"],
        notice_id=row["notice_id"],
        version_id=row["version_id"],
        list_name=row["list_name"],
        action=row["action"],
        row_number=row["row_number"],
        entity_key=row["entity_key"],
        name=row["name"],
        other_names=tuple(json.loads(row["other_names"] or "[]")),
        country=row["country"],
        address=row["address"],
        effective=row["effective"],
        published=row["published"],
        document=row["document"],
        url=row["url"],
    )
