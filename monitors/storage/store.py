"""The SQLite store (through sqlite-utils): the only module that writes SQL.

One file, ``<home>/dualwatch.db``, in WAL mode so the CLI can read while a crawl writes.
Every multi-row write goes through :meth:`Store.atomic`.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitors.core.errors import StoreError
from monitors.storage.migrations import migrations
from monitors.storage.models import (
    Attachment,
    Change,
    ChangeDiff,
    FetchedFile,
    FetchedNotice,
    KnownNotice,
    Notice,
    PublishState,
    Run,
    RunStats,
    SearchHit,
    Version,
)


def utcnow() -> str:
    """Current time as an ISO 8601 UTC string with seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@contextmanager
def immediate(db: Database) -> Iterator[None]:
    """One transaction holding the write lock from its start: ``BEGIN IMMEDIATE``, committed
    at the end, rolled back on any exception (the one helper of the store and migrations).

    ``BEGIN IMMEDIATE`` waits (up to the busy timeout) for another process's write to finish.
    A deferred ``BEGIN`` would read first and then fail at once with "database is locked"
    when it upgrades to a write after another connection committed.
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    conn.commit()


class Store:
    """Typed access to the dualwatch database."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) the database at ``path`` and apply pending migrations."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = Database(path)
            db.execute("PRAGMA busy_timeout = 15000")
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            _migrate(db)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        return cls(db, path)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def installation_id(self) -> str:
        """This data directory's random id (uuid4 hex), created once by migration m009 and
        never changed; Message-IDs carry it, so they are unique across installations."""
        row = self._one("SELECT installation_id FROM installation WHERE id = 1")
        if row is None:
            raise StoreError(f"{self.path or 'the store'} has no installation id")
        return str(row["installation_id"])

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Run the enclosed writes in one transaction that holds the write lock from its start.

        SQLite errors (a full disk, a read-only file) become :class:`StoreError`. The
        transaction is :func:`immediate` (``BEGIN IMMEDIATE``); nested blocks become
        savepoints.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        try:
            with immediate(self.db):
                yield
        except sqlite3.Error as exc:  # locked past the busy timeout, disk full, read-only…
            raise StoreError(f"write to {self.path or 'the store'} failed: {exc}") from exc

    # -- sources and runs ---------------------------------------------------------------

    def ensure_source(self, name: str, title: str, spider: str) -> None:
        """Create or refresh the row describing a configured source."""
        existing = self._one("SELECT created_at FROM sources WHERE name = ?", [name])
        created = existing["created_at"] if existing else utcnow()
        with self.atomic():
            self.db.table("sources").upsert(
                {"name": name, "title": title, "spider": spider, "created_at": created},
                pk="name",
            )

    def start_run(self, source: str, batch: str | None, baseline: bool) -> int:
        """Record that a crawl of ``source`` started; return the run id."""
        with self.atomic():
            cursor = self.db.execute(
                "INSERT INTO runs (source, batch, started_at, baseline, outcome) "
                "VALUES (?, ?, ?, ?, 'running')",
                [source, batch, utcnow(), int(baseline)],
            )
        return _inserted_id(cursor.lastrowid, "a run")

    def finish_run(self, run_id: int, outcome: str, stats: RunStats, message: str | None) -> None:
        """Record the end of a crawl with its counters and outcome."""
        fields = {
            "finished_at": utcnow(),
            "outcome": outcome,
            "pages": stats.pages,
            "requests": stats.requests,
            "notices": stats.notices,
            "new": stats.new,
            "modified": stats.modified,
            "removed": stats.removed,
            "unchanged": stats.unchanged,
            "errors": len(stats.errors),
            "error_log": json.dumps(list(stats.errors), ensure_ascii=False),
            "message": message,
            "listed": stats.listed,
            "accounted": stats.accounted,
            "unaccounted": json.dumps(list(stats.unaccounted), ensure_ascii=False),
        }
        assignments = ", ".join(f"{column} = ?" for column in fields)
        with self.atomic():
            self.db.execute(
                f"UPDATE runs SET {assignments} WHERE id = ?", [*fields.values(), run_id]
            )

    def abort_stale_runs(self, source: str) -> int:
        """Mark runs left ``running`` by a killed crawl as ``aborted``; return how many."""
        with self.atomic():
            cursor = self.db.execute(
                "UPDATE runs SET outcome = 'aborted', finished_at = ?, "
                "message = 'crawl process ended without finishing' "
                "WHERE source = ? AND outcome = 'running'",
                [utcnow(), source],
            )
        return cursor.rowcount

    def has_successful_run(self, source: str) -> bool:
        """True once a source has had a complete crawl (so later runs are not a baseline)."""
        row = self._one(
            "SELECT 1 AS x FROM runs WHERE source = ? AND outcome = 'ok' LIMIT 1", [source]
        )
        return row is not None

    def last_run(self, source: str) -> Run | None:
        """The most recent run of ``source``."""
        row = self._one("SELECT * FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1", [source])
        return _run(row) if row else None

    def recent_runs(self, source: str | None = None, limit: int = 20) -> list[Run]:
        """The latest runs (of one source, or of all), newest first."""
        where, params = ("WHERE source = ?", [source]) if source else ("", [])
        rows = self._all(f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT ?", [*params, limit])
        return [_run(r) for r in rows]

    def get_run(self, run_id: int) -> Run | None:
        """One run by id."""
        row = self._one("SELECT * FROM runs WHERE id = ?", [run_id])
        return _run(row) if row else None

    # -- listing sections and entries ------------------------------------------------------

    def established_sections(self, source: str) -> set[str]:
        """The listing sections of ``source`` that were once read completely."""
        rows = self._all("SELECT section FROM listing_sections WHERE source = ?", [source])
        return {r["section"] for r in rows}

    def establish_sections(self, source: str, sections: set[str], run_id: int | None) -> None:
        """Mark listing sections as read completely: entries appearing later are news."""
        now = utcnow()
        with self.atomic():
            for section in sorted(sections):
                self.db.execute(
                    "INSERT OR IGNORE INTO listing_sections "
                    "(source, section, established_at, established_run_id) VALUES (?, ?, ?, ?)",
                    [source, section, now, run_id],
                )

    def listing_entries(self, source: str) -> dict[str, dict[str, Any]]:
        """Entries listed earlier that are not (yet) notices, keyed by URL."""
        rows = self._all(
            "SELECT url, section, baseline, status, reason FROM listing_entries e "
            "WHERE source = ? AND NOT EXISTS "
            "(SELECT 1 FROM notices n WHERE n.source = e.source AND n.url = e.url)",
            [source],
        )
        return {r["url"]: r for r in rows}

    def record_listing_entries(
        self, source: str, entries: list[dict[str, Any]], run_id: int | None
    ) -> None:
        """Remember entries seen in a listing for the first time (ignored when known)."""
        now = utcnow()
        with self.atomic():
            for entry in entries:
                self.db.execute(
                    "INSERT OR IGNORE INTO listing_entries (source, url, section, title, "
                    "listed_date, baseline, status, reason, first_listed_at, first_run_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        source,
                        entry["url"],
                        entry["section"],
                        entry.get("title"),
                        entry.get("listed_date"),
                        int(entry["baseline"]),
                        entry.get("status", "listed"),
                        entry.get("reason"),
                        now,
                        run_id,
                    ],
                )

    def mark_filtered(self, source: str, url: str, reason: str) -> None:
        """Record that a listed entry is deliberately not a notice (and why)."""
        with self.atomic():
            self.db.execute(
                "UPDATE listing_entries SET status = 'filtered', reason = ? "
                "WHERE source = ? AND url = ?",
                [reason, source, url],
            )

    # -- per-source state --------------------------------------------------------------

    def source_state(self, source: str, key: str) -> str | None:
        """A remembered per-source value (e.g. the site IDs in use), or None."""
        row = self._one(
            "SELECT value FROM source_state WHERE source = ? AND key = ?", [source, key]
        )
        return row["value"] if row else None

    def set_source_state(self, source: str, key: str, value: str) -> None:
        """Remember a per-source value."""
        with self.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO source_state (source, key, value, updated_at) "
                "VALUES (?, ?, ?, ?)",
                [source, key, value, utcnow()],
            )

    def record_publish(self, output: str, location: str, error: str | None) -> PublishState:
        """Record an attempt to write ``output`` (``feeds``, ``bulletin``) to ``location``:
        written (``error`` None), or failed — since the first failure in a row."""
        now = utcnow()
        with self.atomic():
            before = self._one("SELECT * FROM publish_state WHERE output = ?", [output])
            failing_since = None
            failures = 0
            if error is not None:
                failing_since = (before or {}).get("failing_since") or now
                failures = int((before or {}).get("failures") or 0) + 1
            values = {
                "output": output,
                "location": location,
                "ok": int(error is None),
                "attempted_at": now,
                "written_at": now if error is None else (before or {}).get("written_at"),
                "failing_since": failing_since,
                "failures": failures,
                "error": error,
            }
            self.db.table("publish_state").insert(values, replace=True)
        return _publish_state(values)

    def publish_states(self) -> list[PublishState]:
        """The last attempt to write each published output, by name."""
        rows = self._all("SELECT * FROM publish_state ORDER BY output")
        return [_publish_state(r) for r in rows]

    def runs_for_batch(self, batch: str) -> list[Run]:
        """All runs started by one `dualwatch crawl` invocation."""
        return [
            _run(r) for r in self._all("SELECT * FROM runs WHERE batch = ? ORDER BY id", [batch])
        ]

    # -- notices ------------------------------------------------------------------------

    def known_notices(self, source: str) -> dict[str, KnownNotice]:
        """Every stored notice of ``source`` keyed by URL (for incremental crawling)."""
        rows = self._all(
            "SELECT id, url, status, listed_date, etag, last_modified, needs_recheck, section, "
            "title FROM notices WHERE source = ?",
            [source],
        )
        return {
            r["url"]: KnownNotice(
                id=r["id"],
                url=r["url"],
                status=r["status"],
                listed_date=date.fromisoformat(r["listed_date"]) if r["listed_date"] else None,
                etag=r["etag"],
                last_modified=r["last_modified"],
                needs_recheck=bool(r["needs_recheck"]),
                section=r["section"],
                title=r["title"] or "",
            )
            for r in rows
        }

    def notice_row(self, source: str, url: str) -> dict[str, Any] | None:
        """The raw notice row for (source, url), if stored."""
        return self._one("SELECT * FROM notices WHERE source = ? AND url = ?", [source, url])

    def find_notice(self, ref: str) -> Notice | None:
        """Look a notice up by numeric id or by URL."""
        if ref.isdigit():
            row = self._one("SELECT * FROM notices WHERE id = ?", [int(ref)])
        else:
            row = self._one("SELECT * FROM notices WHERE url = ? ORDER BY id LIMIT 1", [ref])
        return _notice(row) if row else None

    def search(
        self, query: str, *, source: str | None = None, since: str | None = None
    ) -> list[SearchHit]:
        """Notices whose title or text matches ``query`` in any version (FTS5 trigram index:
        3+ characters; shorter queries are a plain substring scan), newest notice first."""
        where, params = [], []
        if len(query) >= 3:
            phrase = '"' + query.replace('"', '""') + '"'
            found = "SELECT rowid AS id, snippet(version_search, -1, '[', ']', '…', 16) AS snippet "
            found += "FROM version_search WHERE version_search MATCH ?"
            params.append(phrase)
        else:
            found = "SELECT id, substr(text, max(instr(text, ?) - 20, 1), 60) AS snippet "
            found += "FROM versions WHERE instr(title, ?) > 0 OR instr(text, ?) > 0"
            params += [query, query, query]
        if source:
            where.append("n.source = ?")
            params.append(source)
        if since:
            where.append("v.fetched_at >= ?")
            params.append(since)
        condition = "WHERE " + " AND ".join(where) if where else ""
        rows = self._all(
            f"SELECT f.id AS version_id, f.snippet, v.notice_id, n.source, n.url, n.title, "
            f"n.current_version_id FROM ({found}) f JOIN versions v ON v.id = f.id "
            f"JOIN notices n ON n.id = v.notice_id {condition} ORDER BY v.notice_id DESC, v.id",
            params,
        )
        return self._search_hits(rows)

    def _search_hits(self, rows: list[dict[str, Any]]) -> list[SearchHit]:
        by_notice: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_notice.setdefault(int(row["notice_id"]), []).append(row)
        hits = []
        for notice_id, matched in by_notice.items():
            ids = [int(r["id"]) for r in self._all(
                "SELECT id FROM versions WHERE notice_id = ? ORDER BY id", [notice_id]
            )]  # fmt: skip
            numbers = tuple(ids.index(int(r["version_id"])) + 1 for r in matched)
            first = matched[0]
            current = first["current_version_id"] in {r["version_id"] for r in matched}
            last = max(numbers)
            hits.append(
                SearchHit(
                    notice_id=notice_id,
                    source=first["source"],
                    url=first["url"],
                    title=first["title"] or "",
                    snippet=matched[-1]["snippet"] or "",
                    versions=len(ids),
                    matching=numbers,
                    in_current=current,
                    gone_in=None if current or last >= len(ids) else last + 1,
                )
            )
        return hits

    def notice_ids(self) -> list[int]:
        """The id of every stored notice, oldest first."""
        return [int(r["id"]) for r in self._all("SELECT id FROM notices ORDER BY id")]

    def count_notices(self, source: str) -> int:
        """How many notices of ``source`` are stored."""
        row = self._one("SELECT count(*) AS n FROM notices WHERE source = ?", [source])
        return int(row["n"]) if row else 0

    def insert_notice(
        self,
        fetched: FetchedNotice,
        now: str,
        document_id: int | None = None,
        section: str | None = None,
    ) -> int:
        """Store a notice (one URL) seen for the first time; return its id."""
        table = self.db.table("notices").insert(
            {
                "source": fetched.source,
                "url": fetched.url,
                "status": "active",
                "first_seen_at": now,
                "document_id": document_id,
                "section": section,
                **_notice_fields(fetched, now),
            }
        )
        return _inserted_id(table.last_pk, "a notice")

    def ensure_document(
        self, identity: str | None, fetched: FetchedNotice, now: str
    ) -> tuple[int, bool]:
        """The document ``identity`` names (created if new); returns (id, created).

        Without an identity (no document number) every notice is a document of its own.
        """
        if identity is not None:
            row = self._one("SELECT id FROM documents WHERE doc_key = ?", [identity])
            if row:
                return int(row["id"]), False
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO documents "
            "(doc_key, doc_number, title, issuer, published, first_seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                identity,
                fetched.doc_number,
                fetched.title,
                fetched.issuer,
                fetched.published.isoformat() if fetched.published else None,
                now,
            ],
        )
        if cursor.rowcount == 1:
            return _inserted_id(cursor.lastrowid, "a document"), True
        row = self._one("SELECT id FROM documents WHERE doc_key = ?", [identity])
        if row is None:
            raise StoreError(f"document {identity!r} vanished while being created")
        return int(row["id"]), False

    def copies_of(self, document_id: int) -> list[Notice]:
        """Every notice (URL) that carries one document, oldest first."""
        rows = self._all("SELECT * FROM notices WHERE document_id = ? ORDER BY id", [document_id])
        return [_notice(r) for r in rows]

    def refresh_notice(
        self,
        notice_id: int,
        fetched: FetchedNotice,
        now: str,
        *,
        status: str = "active",
        section: str | None = None,
    ) -> None:
        """Update a notice's descriptive fields and validators after a successful fetch
        (and the listing section it was listed in, when it came from a listing)."""
        fields = {"status": status, **_notice_fields(fetched, now)}
        if section is not None:
            fields["section"] = section
        self._update_notice(notice_id, fields)

    def mark_delisted(self, notice_id: int, now: str) -> None:
        """Flag a notice still served but no longer listed where it should be."""
        self._update_notice(notice_id, {"status": "delisted", "last_checked_at": now})

    def reverify_due(
        self, source: str, limit: int, overdue_before: str, skip: set[str]
    ) -> list[dict[str, Any]]:
        """Stored notices to re-check now: the ``limit`` checked longest ago, plus every one
        whose last check is older than ``overdue_before``; never those in ``skip``."""
        rows = self._all(
            "SELECT url, title, listed_date, last_checked_at FROM notices "
            "WHERE source = ? AND status IN ('active', 'delisted') "
            "ORDER BY last_checked_at IS NOT NULL, last_checked_at, id LIMIT ?",
            [source, limit + len(skip)],
        )
        due = [r for r in rows if r["url"] not in skip][:limit]
        overdue = self._all(
            "SELECT url, title, listed_date, last_checked_at FROM notices "
            "WHERE source = ? AND status IN ('active', 'delisted') AND last_checked_at < ?",
            [source, overdue_before],
        )
        chosen = {r["url"] for r in due}
        return due + [r for r in overdue if r["url"] not in skip and r["url"] not in chosen]

    def verification_summary(self, source: str) -> dict[str, Any]:
        """How many notices are watched and when the one checked longest ago was checked."""
        row = self._one(
            "SELECT count(*) AS watched, min(last_checked_at) AS oldest FROM notices "
            "WHERE source = ? AND status IN ('active', 'delisted')",
            [source],
        )
        return row or {"watched": 0, "oldest": None}

    def set_current_version(self, notice_id: int, version_id: int) -> None:
        """Point a notice at the version that is live now."""
        self._update_notice(notice_id, {"current_version_id": version_id})

    def touch_notice(self, notice_id: int, now: str, listed: date | None = None) -> None:
        """Record a check that found no change (e.g. HTTP 304)."""
        fields: dict[str, Any] = {"last_checked_at": now, "last_seen_at": now}
        if listed:
            fields["listed_date"] = listed.isoformat()
        self._update_notice(notice_id, fields)

    def mark_removed(self, notice_id: int, now: str) -> None:
        """Flag a notice whose detail page answered 404/410."""
        self._update_notice(notice_id, {"status": "removed", "last_checked_at": now})

    def _update_notice(self, notice_id: int, fields: dict[str, Any]) -> None:
        # Plain SQL on the crawl's hot path: Table.update re-reads the schema on every call.
        assignments = ", ".join(f"{column} = ?" for column in fields)
        with self.atomic():
            self.db.execute(
                f"UPDATE notices SET {assignments} WHERE id = ?", [*fields.values(), notice_id]
            )

    # -- versions -----------------------------------------------------------------------

    def version_ids_by_hash(self, notice_id: int) -> dict[str, int]:
        """Every stored content hash of a notice mapped to its version id."""
        rows = self._all("SELECT id, content_hash FROM versions WHERE notice_id = ?", [notice_id])
        return {r["content_hash"]: r["id"] for r in rows}

    def insert_version(
        self,
        notice_id: int,
        run_id: int | None,
        fetched: FetchedNotice,
        content_hash: str,
        now: str,
    ) -> int:
        """Store a new distinct content of a notice; return the version id."""
        table = self.db.table("versions").insert(
            {
                "notice_id": notice_id,
                "run_id": run_id,
                "content_hash": content_hash,
                "title": fetched.title,
                "text": fetched.text,
                "attachments": fetched.attachments_json(),
                "metadata": json.dumps(fetched.metadata, ensure_ascii=False, default=str),
                "raw_html": zlib.compress(fetched.raw_html, 6),
                "http_status": fetched.http_status,
                "etag": fetched.etag,
                "last_modified": fetched.last_modified,
                "fetched_at": now,
            }
        )
        return _inserted_id(table.last_pk, "a version")

    def get_version(self, version_id: int) -> Version | None:
        """Load one version (without its raw HTML)."""
        row = self._one("SELECT * FROM versions WHERE id = ?", [version_id])
        return _version(row) if row else None

    def versions_of(self, notice_id: int) -> list[Version]:
        """All versions of a notice, oldest first."""
        rows = self._all("SELECT * FROM versions WHERE notice_id = ? ORDER BY id", [notice_id])
        return [_version(r) for r in rows]

    def first_run_of(self, notice_id: int) -> int | None:
        """The run that stored a notice's first version (None: none, or stored outside a run)."""
        row = self._one(
            "SELECT run_id FROM versions WHERE notice_id = ? ORDER BY id LIMIT 1", [notice_id]
        )
        return int(row["run_id"]) if row and row["run_id"] is not None else None

    def raw_html(self, version_id: int) -> bytes:
        """The decompressed raw HTML of a version."""
        row = self._one("SELECT raw_html FROM versions WHERE id = ?", [version_id])
        if row is None:
            raise StoreError(f"no version {version_id}")
        return zlib.decompress(row["raw_html"])

    # -- attachment files ---------------------------------------------------------------

    def save_file(self, fetched: FetchedFile, now: str) -> None:
        """Store a downloaded attachment (once per content) and its URL's latest state."""
        self.db.execute(
            "INSERT OR IGNORE INTO files "
            "(sha256, size, content_type, text, extractor, error, raw, first_seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                fetched.sha256,
                fetched.size,
                fetched.content_type,
                fetched.text,
                fetched.extractor,
                fetched.error,
                zlib.compress(fetched.data, 6),
                now,
            ],
        )
        self.db.execute(
            "INSERT OR REPLACE INTO file_urls (url, sha256, etag, last_modified, fetched_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [fetched.url, fetched.sha256, fetched.etag, fetched.last_modified, now],
        )

    def file_for_url(self, url: str) -> dict[str, Any] | None:
        """The latest known file behind an attachment URL (hash, size, type, validators)."""
        return self._one(
            "SELECT u.url, u.sha256, u.etag, u.last_modified, f.size, f.content_type "
            "FROM file_urls u JOIN files f ON f.sha256 = u.sha256 WHERE u.url = ?",
            [url],
        )

    def file_info(self, sha256: str) -> dict[str, Any] | None:
        """Size, type, extracted text and extraction error of a stored file."""
        return self._one(
            "SELECT sha256, size, content_type, text, extractor, error FROM files WHERE sha256 = ?",
            [sha256],
        )

    # -- changes ------------------------------------------------------------------------

    def insert_change(self, **fields: Any) -> int:
        """Record a detected change; return its id."""
        return _inserted_id(self.db.table("changes").insert(fields).last_pk, "a change")

    def get_change(self, change_id: int) -> Change | None:
        """Load one change."""
        row = self._one("SELECT * FROM changes WHERE id = ?", [change_id])
        return _change(row) if row else None

    def list_changes(
        self, *, since: str | None = None, source: str | None = None, limit: int | None = None
    ) -> list[Change]:
        """Changes, oldest first, filtered by detection time and source."""
        where, params = ["1 = 1"], []
        if since:
            where.append("detected_at >= ?")
            params.append(since)
        if source:
            where.append("source = ?")
            params.append(source)
        sql = f"SELECT * FROM changes WHERE {' AND '.join(where)} ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"  # the newest: a long history is not read in full
        rows = self._all(sql, params)
        return [_change(r) for r in reversed(rows)]

    def changes_of_document(self, document_id: int) -> list[Change]:
        """All changes of every copy of one document, oldest first."""
        rows = self._all("SELECT * FROM changes WHERE document_id = ? ORDER BY id", [document_id])
        return [_change(r) for r in rows]

    def changes_of(self, notice_id: int) -> list[Change]:
        """All changes of one notice, oldest first."""
        rows = self._all("SELECT * FROM changes WHERE notice_id = ? ORDER BY id", [notice_id])
        return [_change(r) for r in rows]

    # -- source health (monitors.ops.health) ------------------------------------------

    def has_unevaluated_runs(self, source: str) -> bool:
        """Has ``source`` finished runs after the last one its health evaluation saw?"""
        row = self._one(
            "SELECT coalesce(max(r.id), 0) AS newest, "
            "coalesce((SELECT last_run_id FROM source_health WHERE source = ?), 0) AS seen "
            "FROM runs r WHERE r.source = ? AND r.outcome != 'running'",
            [source, source],
        )
        return row is not None and row["newest"] > row["seen"]

    def last_ok_run(self, source: str) -> Run | None:
        """The latest run of ``source`` whose outcome is ``ok``."""
        row = self._one(
            "SELECT * FROM runs WHERE source = ? AND outcome = 'ok' ORDER BY id DESC LIMIT 1",
            [source],
        )
        return _run(row) if row else None

    def finished_runs_after(self, source: str, run_id: int) -> list[Run]:
        """Runs of ``source`` after ``run_id`` in order, up to the first one still running."""
        rows = self._all(
            "SELECT * FROM runs WHERE source = ? AND id > ? ORDER BY id", [source, run_id]
        )
        runs: list[Run] = []
        for row in rows:
            if row["outcome"] == "running":
                break
            runs.append(_run(row))
        return runs

    def runs_between(self, source: str, first: int, last: int, limit: int) -> list[Run]:
        """Up to ``limit`` runs of ``source`` with ids in [first, last], newest first."""
        rows = self._all(
            "SELECT * FROM runs WHERE source = ? AND id >= ? AND id <= ? ORDER BY id DESC LIMIT ?",
            [source, first, last, limit],
        )
        return [_run(r) for r in rows]

    def failure_streak(self, source: str, failed: Sequence[str]) -> dict[str, Any]:
        """Runs with a ``failed`` outcome since the last ok one: count (n), first id
        (first_id), first start (since) and the latest failed run's message (message)."""
        outcome_in = f"outcome IN ({', '.join('?' for _ in failed)})"
        row = self._one(
            f"SELECT count(*) AS n, min(id) AS first_id, min(started_at) AS since, "
            f"(SELECT message FROM runs WHERE source = ? AND {outcome_in} ORDER BY id DESC "
            f"LIMIT 1) AS message FROM runs WHERE source = ? AND {outcome_in} AND id > "
            "coalesce((SELECT max(id) FROM runs WHERE source = ? AND outcome = 'ok'), 0)",
            [source, *failed, source, *failed, source],
        )
        return row or {"n": 0, "first_id": None, "since": None, "message": None}

    def last_change_at(self, source: str) -> str | None:
        """When a change of one of ``source``'s notices was last detected."""
        row = self._one("SELECT max(detected_at) AS at FROM changes WHERE source = ?", [source])
        return row["at"] if row else None

    def source_health(self, source: str) -> dict[str, Any] | None:
        """The ``source_health`` row of ``source`` (its health state), if evaluated yet."""
        return self._one("SELECT * FROM source_health WHERE source = ?", [source])

    def save_source_health(self, values: dict[str, Any]) -> None:
        """Write a source's whole ``source_health`` row (``values`` names its columns)."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self.atomic():
            self.db.execute(
                f"INSERT OR REPLACE INTO source_health ({columns}) VALUES ({marks})",
                list(values.values()),
            )

    # -- retention ----------------------------------------------------------------------

    def prune_raw_html(self, cutoff: str, empty: bytes, batch: int) -> int:
        """Replace the raw HTML of up to ``batch`` versions fetched before ``cutoff`` by
        ``empty``, except each notice's current version and pages already pruned; one
        short transaction. Returns how many versions were pruned."""
        with self.atomic():
            cursor = self.db.execute(
                "UPDATE versions SET raw_html = :empty WHERE id IN (SELECT id FROM versions "
                "WHERE fetched_at < :cutoff AND length(raw_html) > :empty_length "
                "AND id NOT IN (SELECT current_version_id FROM notices "
                "WHERE current_version_id IS NOT NULL) LIMIT :batch)",
                {"empty": empty, "empty_length": len(empty), "cutoff": cutoff, "batch": batch},
            )
        return cursor.rowcount

    # -- helpers ------------------------------------------------------------------------

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read query; StoreError on failure (for sibling modules such as the ledger)."""
        return self._all(sql, params)

    def row(self, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
        """The first row of a read query, or None."""
        return self._one(sql, params)

    def _all(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params or []))
        except sqlite3.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def _one(self, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None


def _migrate(db: Database) -> None:
    """Apply pending migrations under an immediate write lock.

    Two processes opening a new store at once (the CLI and a crawl) must not both start a
    deferred transaction and then collide upgrading it to a write (SQLite answers "database
    is locked" at once, without waiting); BEGIN IMMEDIATE makes the second one wait.
    """
    if not migrations.pending(db):
        return
    with immediate(db):
        migrations.apply(db)


def _inserted_id(value: Any, what: str) -> int:
    """The id SQLite gave the row just inserted (``cursor.lastrowid``, ``table.last_pk``)."""
    if value is None:
        raise StoreError(f"inserting {what} returned no row id")
    return int(value)


def _notice_fields(fetched: FetchedNotice, now: str) -> dict[str, Any]:
    return {
        "title": fetched.title,
        "doc_number": fetched.doc_number,
        "doc_key": fetched.doc_key,
        "issuer": fetched.issuer,
        "published": fetched.published.isoformat() if fetched.published else None,
        "listed_date": fetched.listed_date.isoformat() if fetched.listed_date else None,
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "last_seen_at": now,
        "last_checked_at": now,
        "needs_recheck": int(bool(fetched.metadata.get("attachments_unavailable"))),
    }


def _notice(row: dict[str, Any]) -> Notice:
    return Notice(
        id=row["id"],
        document_id=row.get("document_id"),
        source=row["source"],
        url=row["url"],
        title=row["title"],
        doc_number=row["doc_number"],
        issuer=row["issuer"],
        published=row["published"],
        listed_date=row["listed_date"],
        status=row["status"],
        current_version_id=row["current_version_id"],
        first_seen_at=row["first_seen_at"],
        last_seen_at=row["last_seen_at"],
        last_checked_at=row["last_checked_at"],
    )


def _version(row: dict[str, Any]) -> Version:
    return Version(
        id=row["id"],
        notice_id=row["notice_id"],
        content_hash=row["content_hash"],
        title=row["title"],
        text=row["text"],
        attachments=tuple(Attachment(**a) for a in json.loads(row["attachments"] or "[]")),
        metadata=json.loads(row["metadata"] or "{}"),
        fetched_at=row["fetched_at"],
        http_status=row["http_status"],
        etag=row["etag"],
        last_modified=row["last_modified"],
    )


def _change(row: dict[str, Any]) -> Change:
    return Change(
        id=row["id"],
        notice_id=row["notice_id"],
        run_id=row["run_id"],
        kind=row["kind"],
        source=row["source"],
        url=row["url"],
        title=row["title"],
        detected_at=row["detected_at"],
        version_id=row["version_id"],
        previous_version_id=row["previous_version_id"],
        diff=_change_diff(row),
        document_id=row.get("document_id"),
    )


def _change_diff(row: dict[str, Any]) -> ChangeDiff | None:
    """The stored diff of a change row, parsed; a corrupt one is a StoreError naming the row."""
    if not row["diff"]:
        return None
    try:
        return ChangeDiff.from_json(row["diff"])
    except ValueError as exc:
        raise StoreError(f"change {row['id']}: its stored diff is unreadable: {exc}") from exc


def _run(row: dict[str, Any]) -> Run:
    return Run(
        id=row["id"],
        source=row["source"],
        batch=row["batch"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        baseline=bool(row["baseline"]),
        outcome=row["outcome"],
        pages=row["pages"] or 0,
        requests=row["requests"] or 0,
        notices=row["notices"] or 0,
        new=row["new"] or 0,
        modified=row["modified"] or 0,
        removed=row["removed"] or 0,
        unchanged=row["unchanged"] or 0,
        errors=row["errors"] or 0,
        error_log=tuple(json.loads(row["error_log"] or "[]")),
        message=row["message"],
        listed=row.get("listed") or 0,
        accounted=row.get("accounted") or 0,
        unaccounted=tuple(json.loads(row.get("unaccounted") or "[]")),
    )


def _publish_state(row: dict[str, Any]) -> PublishState:
    return PublishState(
        output=row["output"],
        location=row["location"],
        ok=bool(row["ok"]),
        attempted_at=row["attempted_at"],
        written_at=row["written_at"],
        failing_since=row["failing_since"],
        error=row["error"],
        failures=int(row.get("failures") or 0),
    )


def change_from_row(row: dict[str, Any]) -> Change:
    """A :class:`Change` from a ``changes`` row."""
    return _change(row)
