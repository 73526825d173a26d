"""Several writers at once lose nothing: every write transaction takes the write lock first
(``BEGIN IMMEDIATE``) and waits for it, so no process ever meets "database is locked"."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from monitors.storage.store import Store
from tests.conftest import ROOT, Dualwatch

SIX = ("mofcom", "mofcom-bis", "mofcom-ecl", "mofcom-en", "mofa-ja", "mofa-en")

WRITER = """
import sys
from pathlib import Path
from monitors.changes import detect
from monitors.storage.models import FetchedNotice
from monitors.storage.store import Store

path, worker = Path(sys.argv[1]), int(sys.argv[2])
store = Store.open(path)
store.ensure_source(f"s{worker}", "s", "x")
for i in range(40):
    notice = FetchedNotice(source=f"s{worker}", url=f"https://x.test/{worker}/{i}",
                           title=f"t{i}", text=f"text {i}", raw_html=b"<p>x</p>")
    detect.record_fetch(store, notice, run_id=None, baseline=False)
store.close()
"""


def test_processes_writing_at_once_store_everything(tmp_path: Path) -> None:
    db = tmp_path / "dualwatch.db"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(worker)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], errors
    with Store.open(db) as store:
        assert store.row("SELECT count(*) AS n FROM notices")["n"] == 160
        assert store.row("SELECT count(*) AS n FROM changes")["n"] == 160


def stored(cli: Dualwatch) -> tuple[set[tuple[str, str]], dict[str, int]]:
    """(source, url) of every notice, and the changes by kind."""
    with cli.store() as store:
        notices = {(r["source"], r["url"]) for r in store.rows("SELECT source, url FROM notices")}
        kinds = store.rows("SELECT kind, count(*) AS n FROM changes GROUP BY kind")
    return notices, {r["kind"]: r["n"] for r in kinds}


def test_six_parallel_crawls_store_what_six_sequential_crawls_store(
    tmp_path: Path, dualwatch: Dualwatch
) -> None:
    # The reference: the six crawls one after another.
    sequential = Dualwatch(home=tmp_path / "sequential", replica=dualwatch.replica)
    for source in SIX:
        sequential.run("crawl", "--no-send", source)

    def crawl(source: str) -> str:
        return dualwatch.run("crawl", "--no-send", source).stderr

    with ThreadPoolExecutor(len(SIX)) as pool:
        logs = list(pool.map(crawl, SIX))
    assert not any("database is locked" in log for log in logs), logs

    dualwatch.replica.set_state(2)
    for source in SIX:
        sequential.run("crawl", "--no-send", source)
    with ThreadPoolExecutor(len(SIX)) as pool:
        logs = list(pool.map(crawl, SIX))
    assert not any("database is locked" in log for log in logs), logs

    parallel_notices, parallel_changes = stored(dualwatch)
    sequential_notices, sequential_changes = stored(sequential)
    assert len(parallel_notices) > 100
    assert parallel_notices == sequential_notices
    assert parallel_changes == sequential_changes
    with dualwatch.store() as store:
        outcomes = {r["outcome"] for r in store.rows("SELECT outcome FROM runs")}
    assert outcomes == {"ok"}
