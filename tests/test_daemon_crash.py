"""kill -9 of the daemon in the middle of a crawl, then a restart: nothing lost, nothing twice."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from monitors.core.config import load_config
from monitors.storage.ledger import Ledger
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, ROOT, Dualwatch, write_config
from tests.replica import MOFCOM_HOST

JAPAN_NO1 = (
    "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
)


def daemon_config(dw: Dualwatch) -> Path:
    """Only mofcom, every 2 seconds."""
    others = [s for s in load_config(REPLICA_CONFIG).sources if s != "mofcom"]
    tables = {f"sources.{name}": {"enabled": False} for name in others}
    tables["sources.mofcom"] = {"every": "2s", "jitter": "0s"}
    return write_config(dw.home.parent / "daemon.toml", tables)


def start_daemon(dw: Dualwatch) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
    command = [sys.executable, "-m", "monitors", "--config", str(dw.config_path), "--home",
               str(dw.home), "--connect-to", dw.replica.connect_to, "daemon"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def wait_until(condition, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def last_outcome(dw: Dualwatch) -> str | None:
    if not (dw.home / "dualwatch.db").exists():
        return None
    with Store.open(dw.home / "dualwatch.db") as store:
        run = store.last_run("mofcom")
        return run.outcome if run else None


def finished_runs(dw: Dualwatch) -> int:
    """How many crawls of mofcom have finished (any outcome)."""
    with Store.open(dw.home / "dualwatch.db") as store:
        return sum(1 for run in store.recent_runs("mofcom", limit=1000) if run.finished_at)


def outbox(dw: Dualwatch) -> list[email.message.EmailMessage]:
    folder = dw.home / "outbox" / "new"
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in (sorted(folder.iterdir()) if folder.exists() else [])
    ]


def test_kill_9_during_a_crawl_then_restart(dualwatch: Dualwatch) -> None:
    dualwatch.config_path = daemon_config(dualwatch)
    daemon = start_daemon(dualwatch)
    try:
        wait_until(lambda: last_outcome(dualwatch) == "ok")  # the baseline
        dualwatch.replica.set_state(2)
        dualwatch.replica.set_fault("slow", host=MOFCOM_HOST)
        wait_until(lambda: last_outcome(dualwatch) == "running")
        time.sleep(0.5)
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=10)
        dualwatch.replica.set_fault(None, host=MOFCOM_HOST)
        daemon = start_daemon(dualwatch)
        wait_until(lambda: any("对日本出口管制" in m["Subject"] for m in outbox(dualwatch)), 60)
        # Two more finished crawls, each followed by a delivery pass: nothing may be sent again.
        seen = finished_runs(dualwatch)
        wait_until(lambda: finished_runs(dualwatch) >= seen + 2, 90)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    with Store.open(dualwatch.home / "dualwatch.db") as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        alerts = Ledger(store).listing("alerts")
        per_change = Counter((a.change_id, a.recipient) for a in alerts)
        assert all(count == 1 for count in per_change.values())
        assert {a.status for a in alerts} == {"sent"}
        japan = store.find_notice(JAPAN_NO1)
        new = [c for c in store.changes_of(japan.id) if c.kind == "new"]
        assert len(new) == 1
        outcomes = [r["outcome"] for r in store.db.query("SELECT outcome FROM runs")]
        assert "running" not in outcomes
    ids = [m["Message-ID"] for m in outbox(dualwatch)]
    assert len(ids) == len(set(ids)) == len(alerts)
