"""A crawl process killed with SIGKILL loses nothing and leaves a consistent store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT, Dualwatch
from tests.replica import MOFCOM_HOST


def wait_for_running_run(dw: Dualwatch, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (dw.home / "dualwatch.db").exists():
            with dw.store() as store:
                run = store.last_run("mofcom")
                if run and run.outcome == "running" and store.count_notices("mofcom") > 0:
                    return
        time.sleep(0.1)
    raise AssertionError("the crawl never got going")


def test_kill_9_mid_crawl_then_recrawl(dualwatch: Dualwatch) -> None:
    command = [
        sys.executable, "-m", "crawler.run", "mofcom",
        "--config", str(dualwatch.config_path),
        "--home", str(dualwatch.home),
        "--connect-to", dualwatch.replica.connect_to,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        wait_for_running_run(dualwatch)
        dualwatch.replica.set_fault("slow", host=MOFCOM_HOST)
        time.sleep(0.3)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    dualwatch.replica.set_fault(None, host=MOFCOM_HOST)

    result = dualwatch.run("crawl", "mofcom")
    assert "ok (baseline)" in result.stdout  # the killed run never completed a baseline
    with dualwatch.store() as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        outcomes = [
            row["outcome"] for row in store.db.query("SELECT outcome FROM runs ORDER BY id")
        ]
        assert outcomes == ["aborted", "ok"]
        versions = store.db.execute(
            "SELECT count(*) FROM versions GROUP BY notice_id HAVING count(*) > 1"
        ).fetchall()
        assert versions == []  # the re-crawl did not duplicate what the killed one stored
        assert store.count_notices("mofcom") == 20
    assert '"kind"' not in dualwatch.run("changes", "--json").stdout  # baseline: no alerts
