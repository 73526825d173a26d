"""Schema of the dualwatch store as numbered sqlite-utils migrations.

Released migrations are never edited: a schema change is a new function below.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("dualwatch")


@migrations()
def m001_initial(db: Database) -> None:
    """Sources, runs, notices, versions, changes and the delivery ledger."""
    db.table("sources").create(
        {"name": str, "title": str, "spider": str, "created_at": str},
        pk="name",
    )
    db.table("runs").create(
        {
            "id": int,
            "source": str,
            "batch": str,
            "started_at": str,
            "finished_at": str,
            "baseline": int,
            "outcome": str,
            "pages": int,
            "requests": int,
            "notices": int,
            "new": int,
            "modified": int,
            "removed": int,
            "unchanged": int,
            "errors": int,
            "error_log": str,
            "message": str,
        },
        pk="id",
        foreign_keys=[("source", "sources", "name")],
    )
    db.table("runs").create_index(["source", "started_at"])
    db.table("runs").create_index(["batch"])
    db.table("notices").create(
        {
            "id": int,
            "source": str,
            "url": str,
            "doc_number": str,
            "doc_key": str,
            "title": str,
            "issuer": str,
            "published": str,
            "listed_date": str,
            "status": str,
            "current_version_id": int,
            "etag": str,
            "last_modified": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "last_checked_at": str,
        },
        pk="id",
        foreign_keys=[("source", "sources", "name")],
    )
    db.table("notices").create_index(["source", "url"], unique=True)
    db.table("notices").create_index(["doc_key"])
    db.table("versions").create(
        {
            "id": int,
            "notice_id": int,
            "run_id": int,
            "content_hash": str,
            "title": str,
            "text": str,
            "attachments": str,
            "metadata": str,
            "raw_html": bytes,
            "http_status": int,
            "etag": str,
            "last_modified": str,
            "fetched_at": str,
        },
        pk="id",
        foreign_keys=[("notice_id", "notices", "id"), ("run_id", "runs", "id")],
    )
    db.table("versions").create_index(["notice_id", "content_hash"])
    db.table("changes").create(
        {
            "id": int,
            "notice_id": int,
            "run_id": int,
            "kind": str,
            "version_id": int,
            "previous_version_id": int,
            "source": str,
            "url": str,
            "title": str,
            "detected_at": str,
            "diff": str,
        },
        pk="id",
        foreign_keys=[("notice_id", "notices", "id"), ("run_id", "runs", "id")],
    )
    db.table("changes").create_index(["detected_at"])
    db.table("changes").create_index(["notice_id"])
    db.table("deliveries").create(
        {
            "id": int,
            "change_id": int,
            "recipient": str,
            "transport": str,
            "status": str,
            "message_id": str,
            "location": str,
            "attempts": int,
            "last_error": str,
            "created_at": str,
            "delivered_at": str,
        },
        pk="id",
        foreign_keys=[("change_id", "changes", "id")],
    )
    db.table("deliveries").create_index(["change_id", "recipient", "transport"], unique=True)


@migrations()
def m002_documents(db: Database) -> None:
    """Documents: one per announcement, however many URLs and languages carry it."""
    db.table("documents").create(
        {
            "id": int,
            "doc_key": str,
            "doc_number": str,
            "title": str,
            "issuer": str,
            "published": str,
            "first_seen_at": str,
        },
        pk="id",
    )
    db.table("documents").create_index(["doc_key"], unique=True)
    db.table("notices").add_column("document_id", int)
    db.table("notices").create_index(["document_id"])
    db.table("changes").add_column("document_id", int)
    for notice in list(db.query("SELECT * FROM notices ORDER BY id")):
        document_id = (
            db.table("documents")
            .insert(
                {
                    "doc_key": None,
                    "doc_number": notice["doc_number"],
                    "title": notice["title"],
                    "issuer": notice["issuer"],
                    "published": notice["published"],
                    "first_seen_at": notice["first_seen_at"],
                }
            )
            .last_pk
        )
        db.execute("UPDATE notices SET document_id = ? WHERE id = ?", [document_id, notice["id"]])
        db.execute(
            "UPDATE changes SET document_id = ? WHERE notice_id = ?", [document_id, notice["id"]]
        )


@migrations()
def m003_files(db: Database) -> None:
    """Downloaded attachments (by content hash) and the latest state of each attachment URL."""
    db.table("files").create(
        {
            "sha256": str,
            "size": int,
            "content_type": str,
            "text": str,
            "extractor": str,
            "error": str,
            "raw": bytes,
            "first_seen_at": str,
        },
        pk="sha256",
    )
    db.table("file_urls").create(
        {"url": str, "sha256": str, "etag": str, "last_modified": str, "fetched_at": str},
        pk="url",
    )


@migrations()
def m004_alerts(db: Database) -> None:
    """Rule matches per change, and the ledgers of immediate alerts and digests."""
    db.table("changes").add_column("classified_at", str)
    db.table("change_matches").create(
        {
            "id": int,
            "change_id": int,
            "topic": str,
            "topic_title": str,
            "priority": int,
            "term": str,
            "field": str,
            "snippet": str,
        },
        pk="id",
        foreign_keys=[("change_id", "changes", "id")],
    )
    db.table("change_matches").create_index(["change_id"])
    db.table("subscribers").create({"name": str, "email": str, "first_seen_at": str}, pk="name")
    db.table("alerts").create(
        {
            "id": int,
            "change_id": int,
            "subscription": str,
            "recipient": str,
            "message_id": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "transport": str,
            "location": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("change_id", "changes", "id")],
    )
    db.table("alerts").create_index(["change_id", "recipient"], unique=True)
    db.table("alerts").create_index(["status", "next_attempt_at"])
    db.table("digests").create(
        {
            "id": int,
            "subscription": str,
            "recipient": str,
            "period": str,
            "period_start": str,
            "period_end": str,
            "change_count": int,
            "message_id": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "transport": str,
            "location": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
    )
    db.table("digests").create_index(["subscription", "period", "period_start"], unique=True)


@migrations()
def m005_health(db: Database) -> None:
    """Source health: each source's state (ok / failing) and the ledger of operator notices."""
    db.table("source_health").create(
        {
            "source": str,
            "state": str,
            "since": str,
            "consecutive_failures": int,
            "last_run_id": int,
            "episode_run_id": int,
            "last_failure_run_id": int,
            "last_failure_kind": str,
            "last_failure_url": str,
            "last_failure_message": str,
            "alerted_at": str,
            "alert_id": int,
            "last_ok_run_id": int,
            "last_ok_at": str,
            "last_recovery_at": str,
            "last_recovery_id": int,
            "updated_at": str,
        },
        pk="source",
        foreign_keys=[("source", "sources", "name")],
    )
    db.table("health_messages").create(
        {
            "id": int,
            "source": str,
            "kind": str,
            "run_id": int,
            "message_id": str,
            "thread": str,
            "payload": str,
            "recipient": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "transport": str,
            "location": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("source", "sources", "name"), ("run_id", "runs", "id")],
    )
    db.table("health_messages").create_index(["source", "kind", "run_id"], unique=True)
    db.table("health_messages").create_index(["status", "next_attempt_at"])


@migrations()
def m006_accounting(db: Database) -> None:
    """Run accounting, listing sections, listing entries and per-source state.

    * ``runs`` gain ``listed``/``accounted`` counters and the list of unaccounted entries;
      the outcome ``error`` becomes ``failed`` (``partial`` is new).
    * ``listing_sections``: a section (one listing walk of a source) is *established* once
      it was read completely; entries first listed after that are news.
    * ``listing_entries``: every entry seen in a listing before it became a notice, with
      whether it was first seen during its section's baseline, or why it is not fetched
      (``filtered`` with a reason).
    * ``source_state``: small per-source facts worth keeping (e.g. the site IDs in use).
    * ``notices.needs_recheck``: fetch again next run (an attachment was unavailable).
    """
    runs = db.table("runs")
    runs.add_column("listed", int)
    runs.add_column("accounted", int)
    runs.add_column("unaccounted", str)
    db.execute("UPDATE runs SET outcome = 'failed' WHERE outcome = 'error'")
    db.table("listing_sections").create(
        {"source": str, "section": str, "established_at": str, "established_run_id": int},
        pk=("source", "section"),
        foreign_keys=[("source", "sources", "name")],
    )
    db.table("listing_entries").create(
        {
            "source": str,
            "url": str,
            "section": str,
            "title": str,
            "listed_date": str,
            "baseline": int,
            "status": str,
            "reason": str,
            "first_listed_at": str,
            "first_run_id": int,
        },
        pk=("source", "url"),
        foreign_keys=[("source", "sources", "name")],
    )
    db.table("source_state").create(
        {"source": str, "key": str, "value": str, "updated_at": str},
        pk=("source", "key"),
        foreign_keys=[("source", "sources", "name")],
    )
    db.table("notices").add_column("needs_recheck", int, not_null_default=0)


@migrations()
def m007_notice_section(db: Database) -> None:
    """``notices.section``: the listing section a notice was last listed in (for withdrawal
    checks: a notice missing from the part of its section a crawl read is checked at once).
    Notice status gains ``delisted`` (still served, no longer listed)."""
    db.table("notices").add_column("section", str)
    db.table("notices").create_index(["source", "last_checked_at"])


@migrations()
def m008_drop_deliveries(db: Database) -> None:
    """Drop the ``deliveries`` table of the first ledger design (never written since
    m004's alert ledger replaced it)."""
    if db["deliveries"].exists():
        db["deliveries"].drop()


@migrations()
def m009_installation(db: Database) -> None:
    """``installation``: one row naming this data directory with a random id, created once
    (here, for new and existing stores alike) and never changed. Message-IDs carry it, so two
    installations never give different messages the same id; rows queued before keep theirs."""
    db.execute(
        "CREATE TABLE installation (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "installation_id TEXT NOT NULL, created_at TEXT NOT NULL)"
    )
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    db.execute(
        "INSERT INTO installation (id, installation_id, created_at) VALUES (1, ?, ?)",
        [uuid.uuid4().hex, created],
    )


@migrations()
def m010_alert_groups(db: Database) -> None:
    """``alerts.merged_into``: copies and languages of one document changed in the same crawl
    are one alert. The alert row of the headline change is sent; every other change of the
    group gets a row with status ``merged`` naming that alert (never sent by itself, so each
    change still has exactly one alert row per recipient)."""
    db.table("alerts").add_column("merged_into", int)


@migrations()
def m011_lists(db: Database) -> None:
    """Control lists as data: ``list_events`` holds the rows each list announcement states
    (one set per stored version of its notice; a notice's current version counts),
    ``list_problems`` what could not be read from one, and ``list_members`` each list's
    membership rebuilt from the events in order."""
    db.table("list_events").create(
        {
            "id": int,
            "notice_id": int,
            "version_id": int,
            "document_id": int,
            "list_name": str,
            "action": str,
            "row_number": int,
            "entity_key": str,
            "name": str,
            "other_names": str,
            "country": str,
            "address": str,
            "postcode": str,
            "effective": str,
            "published": str,
            "document": str,
            "url": str,
            "origin": str,
            "row_text": str,
            "recorded_at": str,
        },
        pk="id",
        foreign_keys=[("notice_id", "notices", "id"), ("version_id", "versions", "id")],
    )
    db.table("list_events").create_index(["version_id"])
    db.table("list_events").create_index(["entity_key"])
    db.table("list_problems").create(
        {"id": int, "notice_id": int, "version_id": int, "problem": str, "recorded_at": str},
        pk="id",
        foreign_keys=[("notice_id", "notices", "id"), ("version_id", "versions", "id")],
    )
    db.table("list_problems").create_index(["version_id"])
    db.table("list_members").create(
        {
            "list_name": str,
            "entity_key": str,
            "name": str,
            "other_names": str,
            "country": str,
            "address": str,
            "status": str,
            "since": str,
            "last_action": str,
            "last_event_id": int,
            "events": int,
        },
        pk=("list_name", "entity_key"),
    )


@migrations()
def m012_search(db: Database) -> None:
    """``version_search``: full-text search over every version's title and text (FTS5 with the
    trigram tokenizer, so any Chinese or Japanese substring of 3+ characters is found without
    word segmentation), kept in step with ``versions`` by triggers and filled once here."""
    db.execute("CREATE VIRTUAL TABLE version_search USING fts5(title, text, tokenize = 'trigram')")
    db.execute(
        "INSERT INTO version_search (rowid, title, text) SELECT id, title, text FROM versions"
    )
    db.execute(
        "CREATE TRIGGER versions_search_insert AFTER INSERT ON versions BEGIN "
        "INSERT INTO version_search (rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )
    db.execute(
        "CREATE TRIGGER versions_search_delete AFTER DELETE ON versions BEGIN "
        "DELETE FROM version_search WHERE rowid = old.id; END"
    )
    db.execute(
        "CREATE TRIGGER versions_search_update AFTER UPDATE OF title, text ON versions BEGIN "
        "UPDATE version_search SET title = new.title, text = new.text WHERE rowid = new.id; END"
    )


@migrations()
def m013_publish_state(db: Database) -> None:
    """``publish_state``: the last attempt to write each published output (the Atom feeds,
    the bulletin) after a crawl — when, where, and the error when it failed (since when),
    so `dualwatch status` and the crawl's summary say when they are stale."""
    db.table("publish_state").create(
        {
            "output": str,
            "location": str,
            "ok": int,
            "attempted_at": str,
            "written_at": str,
            "failing_since": str,
            "failures": int,
            "error": str,
        },
        pk="output",
    )


@migrations()
def m014_health_about_outputs(db: Database) -> None:
    """``health_messages`` may be about a published output as well as a source: its
    ``source`` (``publish:bulletin``) and ``run_id`` (the failure episode's start) no longer
    have to name a configured source and a run (:mod:`monitors.ops.publish_health`)."""
    db.table("health_messages").transform(drop_foreign_keys=["source", "run_id"])
