"""The delivery ledger: rule matches per change, and the three kinds of rows delivered by
:func:`monitors.mail.dispatch.deliver_due` — immediate alerts, digests and the operator's
health notices (the only SQL about delivery). Rows are written before anything is sent, so a
crash can at worst send a message again (with the same Message-ID), never lose one.

Every kind of row is created the same way (:meth:`Ledger._open`): inserted ``pending``,
unless its unique key exists, and given its Message-ID in the same transaction; and every
attempt is recorded the same way (:meth:`Ledger.mark`). A Message-ID names the kind of row,
its id, what it is about and the installation (:meth:`Store.installation_id
<monitors.storage.store.Store.installation_id>`), e.g.
``<dualwatch.alert-12.change-34.9f0c…e1@dualwatch.local>``, so it is unique across data
directories and stays the same when the row is sent again. Rows queued before installation
ids existed keep the Message-ID they were given.

A message answers (In-Reply-To/References) the row :meth:`Ledger.parent_of` names, and only
when that row was sent to the same recipient (:func:`monitors.mail.messages.reply_headers`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from monitors.core.errors import StoreError
from monitors.storage.models import Change
from monitors.storage.store import Store, change_from_row, utcnow

PENDING_STATUSES = ("pending", "retry")
ALERTS, DIGESTS, HEALTH = "alerts", "digests", "health_messages"
#: The ledger's tables, in delivery order, and what one row of each is called.
TABLES = {ALERTS: "alert", DIGESTS: "digest", HEALTH: "health notice"}
#: The kind of row a Message-ID names (``<dualwatch.alert-12.…>``).
MESSAGE_ID_KINDS = {ALERTS: "alert", DIGESTS: "digest", HEALTH: "health"}


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
    """One ledger row: an immediate alert, a digest or a health notice for one recipient.

    A health notice has no subscription; its recipient is the operator configured when it
    was queued ('' when none was) and then the one it was last sent to."""

    id: int
    table: str  # one of TABLES
    subscription: str | None
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
    #: Health notices: the source, ``failing`` or ``recovered``, the run that caused it, the
    #: Message-ID it answers (an episode's first alert) and what the email shows.
    source: str | None = None
    kind: str | None = None
    run_id: int | None = None
    thread: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    #: Alerts: the alert that carries this change (status ``merged``: another copy or
    #: language of the same document changed in the same crawl), else None.
    merged_into: int | None = None

    @property
    def label(self) -> str:
        """What the row is called in logs: alert, digest or health notice."""
        return TABLES[self.table]


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
            for m in matches:
                self.db.execute(
                    "INSERT INTO change_matches (change_id, topic, topic_title, priority, term, "
                    "field, snippet) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [change_id, m.topic, m.topic_title, m.priority, m.term, m.field, m.snippet],
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

    def matched_topics(self) -> list[str]:
        """Every topic some change matched, by name."""
        rows = self.store.rows("SELECT DISTINCT topic FROM change_matches ORDER BY topic")
        return [str(row["topic"]) for row in rows]

    def newest_changes_about(self, topic: str, limit: int) -> list[Change]:
        """The ``limit`` newest changes that matched ``topic``, oldest first."""
        rows = self.store.rows(
            "SELECT * FROM changes WHERE id IN (SELECT change_id FROM change_matches "
            "WHERE topic = ?) ORDER BY id DESC LIMIT ?",
            [topic, limit],
        )
        return [change_from_row(r) for r in reversed(rows)]

    # -- subscribers ----------------------------------------------------------------------

    def subscriber_since(self, name: str, email: str) -> str:
        """When a subscription was first seen (it is alerted about changes from then on)."""
        row = self.store.row("SELECT first_seen_at FROM subscribers WHERE name = ?", [name])
        if row:
            return str(row["first_seen_at"])
        with self.store.atomic():  # another process may register it meanwhile: first wins
            self.db.execute(
                "INSERT OR IGNORE INTO subscribers (name, email, first_seen_at) VALUES (?, ?, ?)",
                [name, email, utcnow()],
            )
            row = self.store.row("SELECT first_seen_at FROM subscribers WHERE name = ?", [name])
        if row is None:
            raise StoreError(f"subscriber {name!r} vanished while being registered")
        return str(row["first_seen_at"])

    def forget_subscribers(self, prefix: str, keep: Sequence[str]) -> int:
        """Forget when the subscribers named ``prefix…`` were first seen, but those in
        ``keep`` (targets no longer configured: one added again starts afresh); how many."""
        rows = self.store.rows(
            "SELECT name FROM subscribers WHERE substr(name, 1, ?) = ?", [len(prefix), prefix]
        )
        gone = [row["name"] for row in rows if row["name"] not in keep]
        with self.store.atomic():
            for name in gone:
                self.db.execute("DELETE FROM subscribers WHERE name = ?", [name])
        return len(gone)

    # -- immediate alerts -----------------------------------------------------------------

    def queue_alert(
        self,
        change_id: int,
        subscription: str,
        recipient: str,
        domain: str,
        merged: Sequence[int] = (),
    ) -> bool:
        """Queue one alert about change ``change_id`` unless this recipient already has one
        for it; ``merged``: the other changes it carries (other copies or languages of the
        same document changed in the same crawl), each recorded as a ``merged`` row naming
        the alert, in the same transaction. False when nothing was queued."""
        with self.store.atomic():
            row_id = self._open(
                ALERTS,
                {"change_id": change_id, "subscription": subscription, "recipient": recipient},
                about=f"change-{change_id}",
                domain=domain,
            )
            if row_id is None:
                return False
            for other in merged:
                self.db.execute(
                    "INSERT OR IGNORE INTO alerts (change_id, subscription, recipient, status, "
                    "attempts, created_at, merged_into) VALUES (?, ?, ?, 'merged', 0, ?, ?)",
                    [other, subscription, recipient, utcnow(), row_id],
                )
        return True

    def merged_changes(self, alert_id: int) -> list[Change]:
        """The other changes alert ``alert_id`` carries (its ``merged`` rows), oldest first."""
        rows = self.store.rows(
            "SELECT c.* FROM alerts a JOIN changes c ON c.id = a.change_id "
            "WHERE a.merged_into = ? ORDER BY c.id",
            [alert_id],
        )
        return [change_from_row(r) for r in rows]

    def batches_of(self, changes: Sequence[Change]) -> dict[int, str | None]:
        """The crawl batch (one ``dualwatch crawl`` or daemon crawl) each change was detected
        in, by change id (None: no run)."""
        run_ids = sorted({c.run_id for c in changes if c.run_id is not None})
        batches: dict[int, str | None] = {}
        for start in range(0, len(run_ids), 500):
            chunk = run_ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.store.rows(f"SELECT id, batch FROM runs WHERE id IN ({marks})", chunk)
            batches.update({int(r["id"]): r["batch"] for r in rows})
        return {c.id: batches.get(c.run_id) if c.run_id is not None else None for c in changes}

    def first_alert_about_document(self, change_id: int, recipient: str) -> Delivery | None:
        """The first alert queued for ``recipient`` (sent yet or not) about an earlier change
        of the same document as change ``change_id`` (or notice, without one): the recipient
        follows that document (:func:`monitors.changes.alerts.queue_immediate`)."""
        row = self.store.row(
            "SELECT a.* FROM alerts a JOIN changes c ON c.id = a.change_id "
            "JOIN changes mine ON mine.id = ? "
            "WHERE c.id < mine.id AND lower(a.recipient) = lower(?) "
            "AND (c.document_id = mine.document_id OR (mine.document_id IS NULL "
            "AND c.notice_id = mine.notice_id)) ORDER BY a.created_at, a.id LIMIT 1",
            [change_id, recipient],
        )
        return _delivery(ALERTS, row) if row else None

    def changes_without_alert(self, recipient: str, since: str) -> list[Change]:
        """Classified changes detected since ``since`` that ``recipient`` has no alert for."""
        rows = self.store.rows(
            "SELECT c.* FROM changes c WHERE c.classified_at IS NOT NULL AND c.detected_at >= ? "
            "AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.change_id = c.id "
            "AND a.recipient = ?) ORDER BY c.id",
            [since, recipient],
        )
        return [change_from_row(r) for r in rows]

    # -- every kind -----------------------------------------------------------------------

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

    def get(self, table: str, row_id: int) -> Delivery | None:
        """One row of ``table`` by id."""
        row = self.store.row(f"SELECT * FROM {_checked(table)} WHERE id = ?", [row_id])
        return _delivery(table, row) if row else None

    def mark(self, table: str, row_id: int, status: str, **fields: Any) -> None:
        """Record the outcome of an attempt (status plus attempts, errors, times)."""
        assignments = ", ".join(f"{key} = ?" for key in ("status", *fields))
        with self.store.atomic():
            self.db.execute(
                f"UPDATE {_checked(table)} SET {assignments} WHERE id = ?",
                [status, *fields.values(), row_id],
            )

    def _open(self, table: str, values: dict[str, Any], *, about: str, domain: str) -> int | None:
        """Insert a ``pending`` row (ignored when its unique key exists) and give it its
        Message-ID, in one transaction; the new row's id, or None.

        The one place Message-IDs are made: ``<dualwatch.{kind}-{row id}.{about}.
        {installation id}@{domain}>`` (see the module docstring)."""
        values = {"created_at": utcnow(), **values, "status": "pending", "attempts": 0}
        columns, marks = ", ".join(values), ", ".join("?" for _ in values)
        kind = MESSAGE_ID_KINDS[_checked(table)]
        installation = self.store.installation_id()
        with self.store.atomic():
            cursor = self.db.execute(
                f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})",
                list(values.values()),
            )
            if cursor.rowcount != 1 or cursor.lastrowid is None:
                return None
            row_id = int(cursor.lastrowid)
            message_id = f"<dualwatch.{kind}-{row_id}.{about}.{installation}@{domain}>"
            self.db.execute(f"UPDATE {table} SET message_id = ? WHERE id = ?", [message_id, row_id])
        return row_id

    def parent_of(self, delivery: Delivery) -> Delivery | None:
        """The row ``delivery``'s message answers, if any — whether it may name it in its
        In-Reply-To/References (it must have been sent to the same recipient) is decided by
        :func:`monitors.mail.messages.reply_headers`.

        * an alert: the first alert about the same document (or notice, without one) that
          was sent to its recipient, so all alerts about a document thread under it;
        * a health notice: the episode's first alert (its ``thread``);
        * a digest: none.
        """
        if delivery.table == HEALTH and delivery.thread:
            row = self.store.row(
                "SELECT * FROM health_messages WHERE message_id = ? AND id != ?",
                [delivery.thread, delivery.id],
            )
            return _delivery(HEALTH, row) if row else None
        if delivery.table != ALERTS or delivery.change_id is None:
            return None
        row = self.store.row(
            "SELECT a.* FROM alerts a JOIN changes c ON c.id = a.change_id "
            "JOIN changes mine ON mine.id = ? "
            "WHERE a.id != ? AND a.status = 'sent' AND lower(a.recipient) = lower(?) "
            "AND (c.document_id = mine.document_id OR (mine.document_id IS NULL "
            "AND c.notice_id = mine.notice_id)) ORDER BY a.sent_at, a.id LIMIT 1",
            [delivery.change_id, delivery.id, delivery.recipient],
        )
        return _delivery(ALERTS, row) if row else None

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
        values = {
            "subscription": subscription,
            "recipient": recipient,
            "period": period,
            "period_start": start,
            "period_end": end,
            "change_count": count,
        }
        row_id = self._open(DIGESTS, values, about=period, domain=domain)
        return None if row_id is None else self.get(DIGESTS, row_id)

    def changes_between(self, start: str, end: str) -> list[Change]:
        """Changes detected in [start, end), oldest first."""
        rows = self.store.rows(
            "SELECT * FROM changes WHERE detected_at >= ? AND detected_at < ? ORDER BY id",
            [start, end],
        )
        return [change_from_row(r) for r in rows]

    # -- health notices -------------------------------------------------------------------

    def queue_health(
        self,
        source: str,
        kind: str,
        run_id: int,
        *,
        thread: str | None,
        payload: dict[str, Any],
        recipient: str,
        domain: str,
        now: str,
    ) -> int:
        """Queue the operator's notice ``kind`` (failing / recovered) about ``run_id`` of
        ``source``; the id of the row (the existing one when it was queued before)."""
        values = {
            "source": source,
            "kind": kind,
            "run_id": run_id,
            "thread": thread,
            "payload": json.dumps(payload, ensure_ascii=False),
            "recipient": recipient or None,
            "created_at": now,
        }
        row_id = self._open(HEALTH, values, about=kind, domain=domain)
        if row_id is not None:
            return row_id
        row = self.store.row(
            "SELECT id FROM health_messages WHERE source = ? AND kind = ? AND run_id = ?",
            [source, kind, run_id],
        )
        return int(row["id"]) if row else 0

    def health_alerts(self, source: str, from_run_id: int) -> list[Delivery]:
        """The ``failing`` notices of ``source`` about runs from ``from_run_id`` on, oldest
        first (an episode's alerts)."""
        rows = self.store.rows(
            "SELECT * FROM health_messages WHERE source = ? AND kind = 'failing' "
            "AND run_id >= ? ORDER BY id",
            [source, from_run_id],
        )
        return [_delivery(HEALTH, r) for r in rows]

    def thread_statuses(self, source: str, thread: str) -> set[str]:
        """The delivery statuses of the ``failing`` notices of one thread (an episode's first
        alert, whose Message-ID is ``thread``, and the alerts answering it)."""
        rows = self.store.rows(
            "SELECT status FROM health_messages WHERE source = ? AND kind = 'failing' "
            "AND (message_id = ? OR thread = ?)",
            [source, thread, thread],
        )
        return {str(row["status"]) for row in rows}


def _checked(table: str) -> str:
    if table not in TABLES:
        raise ValueError(f"not a ledger table: {table}")
    return table


def _delivery(table: str, row: dict[str, Any]) -> Delivery:
    return Delivery(
        id=row["id"],
        table=table,
        subscription=row.get("subscription"),
        recipient=row["recipient"] or "",
        message_id=row["message_id"] or "",
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
        source=row.get("source"),
        kind=row.get("kind"),
        run_id=row.get("run_id"),
        thread=row.get("thread"),
        payload=json.loads(row.get("payload") or "{}"),
        merged_into=row.get("merged_into"),
    )
