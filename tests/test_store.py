"""The SQLite store: migrations, WAL, raw HTML round trip, stale runs."""

from __future__ import annotations

from pathlib import Path

from monitors.storage.migrations import migrations
from monitors.storage.models import FetchedNotice, RunStats
from monitors.storage.store import Store


def test_open_creates_schema_in_wal_mode(tmp_path: Path) -> None:
    with Store.open(tmp_path / "d" / "dualwatch.db") as store:
        assert {"sources", "runs", "notices", "versions", "changes"} <= set(store.db.table_names())
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert migrations.pending(store.db) == []
        applied = [m.name for m in migrations.applied(store.db)]
    assert applied == [
        "m001_initial",
        "m002_documents",
        "m003_files",
        "m004_alerts",
        "m005_health",
        "m006_accounting",
        "m007_notice_section",
        "m008_drop_deliveries",
        "m009_installation",
        "m010_alert_groups",
        "m011_lists",
        "m012_search",
        "m013_publish_state",
        "m014_health_about_outputs",
    ]
    with Store.open(tmp_path / "d" / "dualwatch.db") as again:
        assert [m.name for m in migrations.applied(again.db)] == applied


def test_raw_html_is_compressed_and_restored(tmp_path: Path) -> None:
    html = ("<html>" + "两用物项出口管制" * 500 + "</html>").encode()
    with Store.open(tmp_path / "dualwatch.db") as store:
        store.ensure_source("s", "S", "mofcom")
        fetched = FetchedNotice(source="s", url="https://x/1", title="t", text="x", raw_html=html)
        notice_id = store.insert_notice(fetched, "2026-01-01T00:00:00+00:00")
        version_id = store.insert_version(
            notice_id, None, fetched, "h", "2026-01-01T00:00:00+00:00"
        )
        stored = store.db.execute("SELECT length(raw_html) FROM versions").fetchone()[0]
        assert stored < len(html) / 10
        assert store.raw_html(version_id) == html


def test_runs_left_running_are_marked_aborted(tmp_path: Path) -> None:
    with Store.open(tmp_path / "dualwatch.db") as store:
        store.ensure_source("s", "S", "mofcom")
        stale = store.start_run("s", "b1", baseline=True)
        assert store.abort_stale_runs("s") == 1
        assert store.last_run("s").outcome == "aborted"
        fresh = store.start_run("s", "b2", baseline=True)
        store.finish_run(fresh, "ok", RunStats(pages=2, errors=()), None)
        assert store.has_successful_run("s")
        assert [r.id for r in store.runs_for_batch("b1")] == [stale]


def test_single_updates_are_committed(tmp_path: Path) -> None:
    path = tmp_path / "dualwatch.db"
    with Store.open(path) as store:
        store.ensure_source("s", "S", "mofcom")
        fetched = FetchedNotice(source="s", url="https://x/1", title="t", text="x", raw_html=b"")
        notice_id = store.insert_notice(fetched, "2026-01-01T00:00:00+00:00")
        store.touch_notice(notice_id, "2026-02-02T00:00:00+00:00")
        store.mark_removed(notice_id, "2026-02-03T00:00:00+00:00")
        assert not store.db.conn.in_transaction
    with Store.open(path) as reopened:
        notice = reopened.find_notice(str(notice_id))
        assert (notice.status, notice.last_checked_at) == ("removed", "2026-02-03T00:00:00+00:00")
