"""One writer per source: a second crawl of the same source waits or says it is busy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitors.core.errors import SourceBusyError
from monitors.ops.locks import source_lock, source_locks
from tests.conftest import ROOT, Dualwatch
from tests.replica import MOFCOM_HOST


def test_second_holder_is_refused_then_admitted(tmp_path: Path) -> None:
    with source_lock(tmp_path, "mofcom"):
        with (
            pytest.raises(SourceBusyError, match=rf"'mofcom'.*pid {os.getpid()}"),
            source_lock(tmp_path, "mofcom", wait=0.3),
        ):
            pass
        with source_lock(tmp_path, "meti"):  # other sources are independent
            pass
    with source_locks(tmp_path, ["meti", "mofcom"]):
        pass


def test_a_dead_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from monitors.ops.locks import source_lock\n"
        "with source_lock(Path(sys.argv[1]), 'mofcom'):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SourceBusyError), source_lock(tmp_path, "mofcom"):
            pass
        holder.kill()
        holder.wait(timeout=10)
        with source_lock(tmp_path, "mofcom", wait=2):
            pass
    finally:
        if holder.poll() is None:
            holder.kill()


def test_overlapping_manual_crawls(dualwatch: Dualwatch) -> None:
    dualwatch.replica.set_fault("slow", host=MOFCOM_HOST)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
    first = subprocess.Popen(
        [sys.executable, "-m", "monitors", "--config", str(dualwatch.config_path), "--home",
         str(dualwatch.home), "--connect-to", dualwatch.replica.connect_to, "crawl", "mofcom"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not (dualwatch.home / "locks" / "mofcom.lock").exists():
            assert time.monotonic() < deadline, "the first crawl never took its lock"
            time.sleep(0.1)
        time.sleep(0.5)
        busy = dualwatch.run("crawl", "mofcom", check=1)
        assert "being crawled by another dualwatch process" in busy.stderr
        dualwatch.replica.set_fault(None, host=MOFCOM_HOST)
        waited = dualwatch.run("crawl", "mofcom", "--wait", "60s")
        assert "mofcom" in waited.stdout
    finally:
        first.wait(timeout=120)
    with dualwatch.store() as store:
        runs = list(store.db.query("SELECT outcome FROM runs WHERE source = 'mofcom'"))
    assert len(runs) == 2  # the refused crawl never started a run
