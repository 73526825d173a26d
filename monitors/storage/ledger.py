"""The delivery ledger: rule matches per change, immediate alerts and digests (the only SQL
about alerting). Rows are written before anything is sent, so a crash can at worst send a
message again (with the same Message-ID), never lose one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitors.core.errors import StoreError
from monitors.storage.models import Change
from monitors.storage.store import Store, change_from_row, utcnow

PENDING_STATUSES = ("pending", "retry")


@dataclass(frozen=True)
class StoredMatch:
    """A relevance-rule match recorded for a change."""

    topic: str
    topic_title: str
    priority: int
    term: str
    field: str
    snippet: str


@dataclass(frozen=True)
class Delivery:
    """One ledger row: an immediate alert or a digest for one recipient."""

    id: int
    table: str  # "alerts" or "digests"
    subscription: str
    recipient: str
    message_id: str
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    created_at: str
    sent_at: str | None
    change_id: int | None = None
    period: str | None = None
    period_start: str | None = None
    period_end: str | None = None


class Ledger:
    """Typed access to the alerting tables of a :class:`~monitors.storage.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # -- classification -------------------------------------------------------------------

    def unclassified_changes(self) -> list[Change]:
        """Changes whose relevance has not been computed yet, oldest first."""
        rows = self.store.rows("SELECT * FROM changes WHERE classified_at IS NULL ORDER BY id")
        return [change_from_row(r) for r in rows]

    def record_matches(self, change_id: int, matches: Sequence[StoredMatch]) -> None:
        """Store a change's matches and mark it classified (atomically)."""
        with self.store.atomic():
            self.db["change_matches"].insert_all(
                [{"change_id": change_id, **m.__dict__} for m in matches]
            )
            self.db.execute(
                "UPDATE changes SET classified_at = ? WHERE id = ?", [utcnow(), change_id]
            )

    def matches_of(self, change_id: int) -> list[StoredMatch]:
        """The recorded matches of one change, most important topic first."""
        rows = self.store.rows(
            "SELECT topic, topic_title, priority, term, field, snippet FROM change_matches "
            "WHERE change_id = ? ORDER BY priority DESC, id",
            [change_id],
        )
        return [StoredMatch(**row) for row in rows]

    # -- subscribers ----------------------------------------------------------------------

    def subscriber_since(self, name: str, email: str) -> str:
        """When a subscription was first seen (it is alerted about changes from then on)."""
        row = self.store.row("SELECT first_seen_at FROM subscribers WHERE name = ?", [name])
        if row:
            return row["first_seen_at"]
        with self.store.atomic():  # another process may register it meanwhile: first wins
            self.db.execute(
                "INSERT OR IGNORE INTO subscribers (name, email, first_seen_at) VALUES (?, ?, ?)",
                [name, email, utcnow()],
            )
            row = self.store.row("SELECT first_seen_at FROM subscribers WHERE name = ?", [name])
        if row is None:
            raise StoreError(f"subscriber {name!r} vanished while being registered")
        return str(row["first_seen_at"])

    # -- immediate alerts -----------------------------------------------------------------

    def queue_alert(self, change_id: int, subscription: str, recipient: str, domain: str) -> bool:
        """Queue one alert unless this recipient already has one for the change."""
        with self.store.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO alerts (change_id, subscription, recipient, status, "
                "attempts, created_at) VALUES (?, ?, ?, 'pending', 0, ?)",
                [change_id, subscription, recipient, utcnow()],
            )
            if cursor.rowcount != 1:
                return False
            alert_id = cursor.lastrowid
            self.db.execute(
                "UPDATE alerts SET message_id = ? WHERE id = ?",
                [f"<dualwatch.alert-{alert_id}.change-{change_id}@{domain}>", alert_id],
            )
        return True

    def changes_without_alert(self, recipient: str, since: str) -> list[Change]:
        """Classified changes detected since ``since`` that ``recipient`` has no alert for."""
        rows = self.store.rows(
            "SELECT c.* FROM changes c WHERE c.classified_at IS NOT NULL AND c.detected_at >= ? "
            "AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.change_id = c.id "
            "AND a.recipient = ?) ORDER BY c.id",
            [since, recipient],
        )
        return [change_from_row(r) for r in rows]

    # -- both kinds -----------------------------------------------------------------------

    def due(self, table: str, now: str) -> list[Delivery]:
        """Pending or retrying rows of ``table`` whose next attempt is due."""
        rows = self.store.rows(
            f"SELECT * FROM {_checked(table)} WHERE status IN ('pending', 'retry') "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id",
            [now],
        )
        return [_delivery(table, r) for r in rows]

    def listing(self, table: str, *, pending_only: bool = False) -> list[Delivery]:
        """Every row of ``table`` (or only those still to send), oldest first."""
        where = "WHERE status IN ('pending', 'retry')" if pending_only else ""
        rows = self.store.rows(f"SELECT * FROM {_checked(table)} {where} ORDER BY id")
        return [_delivery(table, r) for r in rows]

    def mark(self, table: str, row_id: int, status: str, **fields: Any) -> None:
        """Record the outcome of an attempt (status plus attempts, errors, times)."""
        assignments = ", ".join(f"{key} = ?" for key in ("status", *fields))
        with self.store.atomic():
            self.db.execute(
                f"UPDATE {_checked(table)} SET {assignments} WHERE id = ?",
                [status, *fields.values(), row_id],
            )

    # -- digests --------------------------------------------------------------------------

    def open_digest(
        self,
        subscription: str,
        recipient: str,
        period: str,
        start: str,
        end: str,
        count: int,
        domain: str,
    ) -> Delivery | None:
        """Record that a digest covers [start, end) before it is sent; None if it exists."""
        with self.store.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO digests (subscription, recipient, period, period_start, "
                "period_end, change_count, status, attempts, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
                [subscription, recipient, period, start, end, count, utcnow()],
            )
            if cursor.rowcount != 1:
                return None
            digest_id = cursor.lastrowid
            self.db.execute(
                "UPDATE digests SET message_id = ? WHERE id = ?",
                [f"<dualwatch.digest-{digest_id}.{period}@{domain}>", digest_id],
            )
        row = self.store.row("SELECT * FROM digests WHERE id = ?", [digest_id])
        return _delivery("digests", row) if row else None

    def changes_between(self, start: str, end: str) -> list[Change]:
        """Changes detected in [start, end), oldest first."""
        rows = self.store.rows(
            "SELECT * FROM changes WHERE detected_at >= ? AND detected_at < ? ORDER BY id",
            [start, end],
        )
        return [change_from_row(r) for r in rows]


def _checked(table: str) -> str:
    if table not in ("alerts", "digests"):
        raise ValueError(f"not a ledger table: {table}")
    return table


def _delivery(table: str, row: dict[str, Any]) -> Delivery:
    return Delivery(
        id=row["id"],
        table=table,
        subscription=row["subscription"],
        recipient=row["recipient"],
        message_id=row["message_id"],
        status=row["status"],
        attempts=row["attempts"] or 0,
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        change_id=row.get("change_id"),
        period=row.get("period"),
        period_start=row.get("period_start"),
        period_end=row.get("period_end"),
    )
