"""The daemon end to end on the replica: a real `run_daemon` process crawling every 2 s.

A notice published on the replica reaches the Maildir outbox within two crawl cycles; SIGTERM
and SIGINT stop the daemon with exit status 0 within seconds, even in the middle of a crawl
(the crawl process is stopped and its run recorded as unfinished, never left `running`).
Also: retention prunes the raw HTML of old superseded versions only.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest

from monitors.core.config import load_config
from monitors.ops.daemon import EMPTY_RAW_HTML, next_stop_signal, prune_raw_html
from monitors.ops.locks import source_lock
from monitors.storage.models import FetchedNotice
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, ROOT, write_config
from tests.replica import MOFCOM_HOST, Replica

RUN_DAEMON = (
    "import sys\n"
    "from monitors.core.config import load_config\n"
    "from monitors.ops.daemon import run_daemon\n"
    "config = load_config(sys.argv[1], home=sys.argv[2], connect_to=sys.argv[3])\n"
    "sys.exit(run_daemon(config))\n"
)


class Daemon:
    """`run_daemon` in a child process against the replica, crawling mofcom every 2 s."""

    def __init__(self, tmp_path: Path, replica: Replica) -> None:
        self.tmp_path = tmp_path
        self.home = tmp_path / "home"
        others = load_config(REPLICA_CONFIG, home=self.home, connect_to="").sources
        tables = {f"sources.{name}": {"enabled": False} for name in others if name != "mofcom"}
        tables["sources.mofcom"] = {"every": "2s", "jitter": "0s"}
        tables["daemon"] = {"deliver_every": "2s", "log_file": "daemon.log"}
        self.tables = tables
        self.config_path = write_config(tmp_path / "daemon.toml", tables)
        self.stderr_path = tmp_path / "daemon.stderr"
        self.replica = replica
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, **daemon_settings: str) -> None:
        """Start the daemon, with these [daemon] settings added."""
        self.tables["daemon"] |= daemon_settings
        write_config(self.config_path, self.tables)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
        command = [sys.executable, "-c", RUN_DAEMON, str(self.config_path), str(self.home),
                   self.replica.connect_to]  # fmt: skip
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 90.0) -> tuple[int, float]:
        """Send ``signum``; return the exit status and how long the daemon took to exit."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signum)
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"daemon still running {timeout} s after {signum}") from None
        return status, time.monotonic() - started

    @property
    def log(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def runs(self) -> list[dict]:
        if not (self.home / "dualwatch.db").exists():
            return []
        with Store.open(self.home / "dualwatch.db") as store:
            return list(store.db.query("SELECT * FROM runs WHERE source = 'mofcom' ORDER BY id"))

    def outbox(self) -> list[Path]:
        new = self.home / "outbox" / "new"
        return sorted(new.iterdir()) if new.is_dir() else []

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process is not None and self.process.poll() is None, (
                f"daemon exited ({self.process.returncode}) while waiting for {what}\n{self.log}"
            )
            assert time.monotonic() < deadline, f"timed out waiting for {what}\n{self.log}"
            time.sleep(0.1)


@pytest.fixture
def daemon(tmp_path: Path, replica: Replica) -> Iterator[Daemon]:
    runner = Daemon(tmp_path, replica)
    try:
        yield runner
    finally:
        if runner.process is not None and runner.process.poll() is None:
            runner.process.kill()
            runner.process.wait()
        replica.set_fault(None)


def test_published_notice_reaches_the_outbox_within_two_cycles(daemon: Daemon) -> None:
    daemon.start()
    daemon.wait_for(
        lambda: any(r["outcome"] == "ok" for r in daemon.runs()), 90, "the baseline crawl"
    )
    assert daemon.outbox() == [], "a baseline alerts on nothing"
    published_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    daemon.replica.set_state(2)
    daemon.wait_for(lambda: daemon.outbox() != [], 90, "an alert in the outbox")
    # Detected by the first crawl that started after the publication (that crawl may have
    # been under way already: then the next one), however long crawls take on this machine.
    crawls_since = sorted(r["id"] for r in daemon.runs() if r["started_at"] >= published_at)
    with Store.open(daemon.home / "dualwatch.db") as store:
        detected_by = {c.run_id for c in store.list_changes(limit=100) if c.kind == "new"}
    assert detected_by and detected_by <= set(crawls_since[:2]), (detected_by, crawls_since)

    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in daemon.outbox()]  # fmt: skip
    assert all(m["Subject"].startswith("[dualwatch]") for m in messages)
    assert not any("digest" in m["Subject"].lower() for m in messages)
    assert {m["To"] for m in messages} == {"analyst@localhost"}

    status, seconds = daemon.stop(signal.SIGTERM)
    assert status == 0, daemon.log
    assert seconds < 30, seconds  # only a hang takes this long (see stop's own bound)
    assert "daemon stopped" in daemon.log
    assert "crawl:mofcom: ok (baseline)" in daemon.log
    file_log = (daemon.home / "daemon.log").read_text(encoding="utf-8")
    assert "crawl:mofcom: ok (baseline)" in file_log and "daemon stopping (SIGTERM)" in file_log
    ids = [m["Message-ID"] for m in messages]
    assert len(ids) == len(set(ids))
    with Store.open(daemon.home / "dualwatch.db") as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_during_a_crawl_exits_zero_quickly(daemon: Daemon, signum: int) -> None:
    daemon.replica.set_fault("slow", host=MOFCOM_HOST)  # each answer takes 5 s
    daemon.start()
    daemon.wait_for(
        lambda: any(r["outcome"] == "running" for r in daemon.runs()), 90, "a running crawl"
    )
    time.sleep(0.3)  # in the middle of a request
    status, seconds = daemon.stop(signum)
    assert status == 0, daemon.log
    # finishing the crawl (5 s per answer, many requests) would take minutes
    assert seconds < 30, f"took {seconds:.1f} s\n{daemon.log}"
    assert "asking crawl process" in daemon.log
    runs = daemon.runs()
    assert runs and all(r["outcome"] in ("failed", "aborted") for r in runs), runs
    assert all(r["finished_at"] for r in runs)
    with Store.open(daemon.home / "dualwatch.db") as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_crawl_of_a_busy_source_waits_then_skips_and_the_next_run_crawls(
    daemon: Daemon,
) -> None:
    with source_lock(daemon.home, "mofcom"):  # a manual `dualwatch crawl mofcom`, say
        daemon.start(lock_wait="1s")
        daemon.wait_for(lambda: "crawl:mofcom skipped" in daemon.log, 90, "a skipped crawl")
        assert "another process is crawling mofcom; waiting up to 1s" in daemon.log
        assert daemon.runs() == []
    daemon.wait_for(lambda: any(r["outcome"] == "ok" for r in daemon.runs()), 90, "a crawl")
    assert daemon.stop()[0] == 0


def test_stop_while_waiting_for_a_busy_source_is_quick(daemon: Daemon) -> None:
    with source_lock(daemon.home, "mofcom"):
        daemon.start(lock_wait="10m")
        daemon.wait_for(
            lambda: "another process is crawling mofcom; waiting" in daemon.log,
            90,
            "a crawl waiting for the lock",
        )
        status, seconds = daemon.stop(signal.SIGTERM)
    assert status == 0, daemon.log
    assert seconds < 60, f"took {seconds:.1f} s\n{daemon.log}"  # the lock wait is 10 min
    assert "crawl:mofcom skipped" in daemon.log, daemon.log
    assert daemon.runs() == []


def stored_version(store: Store, url: str, html: bytes, fetched_at: str) -> int:
    """Store a notice version of ``url`` fetched at ``fetched_at``; make it current."""
    store.ensure_source("s", "S", "generic")
    fetched = FetchedNotice(source="s", url=url, title="t", text=html.decode(), raw_html=html)
    row = store.notice_row("s", url)
    notice_id = row["id"] if row else store.insert_notice(fetched, fetched_at)
    version_id = store.insert_version(notice_id, None, fetched, html.hex(), fetched_at)
    store.set_current_version(notice_id, version_id)
    return version_id


def test_retention_prunes_old_superseded_raw_html_only(tmp_path: Path) -> None:
    now = datetime(2026, 3, 7, tzinfo=UTC)
    old = (now - timedelta(days=200)).isoformat()
    recent = (now - timedelta(days=10)).isoformat()
    with Store.open(tmp_path / "dualwatch.db") as store:
        pruned_ids = [stored_version(store, "https://x/1", b"<p>a1</p>", old),
                      stored_version(store, "https://x/2", b"<p>b1</p>", old)]  # fmt: skip
        kept = {
            stored_version(store, "https://x/1", b"<p>a2</p>", recent),  # current, recent
            stored_version(store, "https://x/2", b"<p>b2</p>", old),  # current, old
            stored_version(store, "https://x/3", b"<p>c1</p>", recent),  # superseded, recent
            stored_version(store, "https://x/3", b"<p>c2</p>", recent),
        }
        texts = {v: store.get_version(v).text for v in [*pruned_ids, *kept]}
        assert prune_raw_html(store, 180, now=now) == 2
        assert prune_raw_html(store, 180, now=now) == 0  # idempotent
        assert prune_raw_html(store, 0, now=now) == 0  # 0 days: keep everything
        for version_id in pruned_ids:
            assert store.raw_html(version_id) == b""
        for version_id in kept:
            assert store.raw_html(version_id).startswith(b"<p>")
        assert {v: store.get_version(v).text for v in texts} == texts
        blobs = store.db.execute("SELECT raw_html FROM versions WHERE id IN (?, ?)", pruned_ids)
        assert [zlib.decompress(b) for (b,) in blobs] == [b"", b""]
        assert zlib.compress(b"") == EMPTY_RAW_HTML


@pytest.mark.parametrize(
    ("sent", "waited", "forced", "expected"),
    [
        (0, 0.0, False, signal.SIGTERM),  # ask: Scrapy finishes its requests in flight
        (1, 1.0, False, None),
        (1, 4.5, False, signal.SIGTERM),  # insist: Scrapy stops at once
        (2, 6.0, False, None),
        (2, 8.5, False, signal.SIGKILL),
        (1, 8.5, False, signal.SIGKILL),
        (1, 0.1, True, signal.SIGKILL),  # a second signal to the daemon: kill at once
        (3, 99.0, True, None),  # killed already
    ],
)
def test_stop_signal_steps(sent: int, waited: float, forced: bool, expected: int | None) -> None:
    assert next_stop_signal(sent, waited, forced=forced) == expected


def test_first_start_crawls_every_source_without_a_failed_job(
    tmp_path: Path, replica: Replica
) -> None:
    """On a fresh data directory every source is crawled at once, two at a time, while the
    daemon registers subscribers and delivers: no job may fail on a locked database."""
    runner = Daemon(tmp_path, replica)
    names = list(load_config(REPLICA_CONFIG, home=runner.home, connect_to="").sources)
    enabled = [n for n in names if n != "mofa-oshirase"]
    for name in enabled:
        runner.tables[f"sources.{name}"] = {"every": "1h", "jitter": "0s"}
    runner.start()
    try:

        def all_crawled() -> bool:
            if not (runner.home / "dualwatch.db").exists():
                return False
            with Store.open(runner.home / "dualwatch.db") as store:
                done = store.rows("SELECT DISTINCT source FROM runs WHERE outcome != 'running'")
            return {r["source"] for r in done} >= set(enabled)

        runner.wait_for(all_crawled, 120, "a first crawl of every source")
        status, _seconds = runner.stop(signal.SIGTERM)
    finally:
        if runner.process is not None and runner.process.poll() is None:
            runner.process.kill()
            runner.process.wait()
    assert status == 0, runner.log
    assert "database is locked" not in runner.log
    assert " failed: " not in runner.log and "Traceback" not in runner.log, runner.log[-3000:]
    with Store.open(runner.home / "dualwatch.db") as store:
        outcomes = {(r["source"], r["outcome"]) for r in store.rows("SELECT * FROM runs")}
    assert outcomes == {(name, "ok") for name in enabled}, outcomes
