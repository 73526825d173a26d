"""Parallel crawls of different sources into one store: nothing may be lost.

`.venv/bin/python bench/parallel_bench.py [--bulk 300] [--trials 2]`

The reliability review (2026-12-04) measured, with the bulk replica and seven concurrent
`crawl --no-send` baselines at full speed, 327 notices lost to "database is locked" and every
run `ok`. This script repeats that experiment: the replica with ``--bulk`` extra notices per
site serves in this process; seven CLI processes (one per source, `bench/bench.toml`: no
politeness delay) crawl into one fresh data directory at once; one CLI process crawling the
same seven sources into another directory is the reference. It prints, per trial, the
notices stored by each, the "database is locked" lines in the crawl logs, the run outcomes
and the wall time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitors.storage.store import Store  # noqa: E402
from tests.replica import Replica  # noqa: E402

CONFIG = ROOT / "bench" / "bench.toml"
SOURCES = ("mofcom", "mofcom-bis", "mofcom-ecl", "mofcom-en", "mofa-ja", "mofa-en", "meti")


def crawl(home: Path, connect_to: str, *sources: str) -> str:
    """Run `dualwatch crawl --no-send SOURCES`; return its stderr."""
    command = [sys.executable, "-m", "monitors", "--config", str(CONFIG), "--home", str(home),
               "--connect-to", connect_to, "crawl", "--no-send", *sources]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stderr


def summary(home: Path) -> tuple[int, dict[str, int]]:
    """Stored notices and run outcomes of a data directory."""
    with Store.open(home / "dualwatch.db") as store:
        notices = store.row("SELECT count(*) AS n FROM notices")["n"]
        rows = store.rows("SELECT outcome, count(*) AS n FROM runs GROUP BY outcome")
    return int(notices), {r["outcome"]: r["n"] for r in rows}


def trial(replica: Replica, scratch: Path, number: int) -> None:
    """One parallel crawl and its one-process reference."""
    parallel, reference = scratch / f"parallel-{number}", scratch / f"reference-{number}"
    started = time.perf_counter()
    with ThreadPoolExecutor(len(SOURCES)) as pool:
        logs = list(pool.map(lambda s: crawl(parallel, replica.connect_to, s), SOURCES))
    parallel_seconds = time.perf_counter() - started
    crawl(reference, replica.connect_to, *SOURCES)
    locked = sum(log.count("database is locked") for log in logs)
    stored, outcomes = summary(parallel)
    expected, _ = summary(reference)
    print(
        f"trial {number}: {len(SOURCES)} parallel crawls stored {stored} notices "
        f"(one process: {expected}; lost {expected - stored}), "
        f"'database is locked' lines: {locked}, outcomes {outcomes}, "
        f"{parallel_seconds:.1f} s"
    )


def main() -> None:
    """Run the trials and print one line each."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bulk", type=int, default=300)
    parser.add_argument("--trials", type=int, default=2)
    args = parser.parse_args()
    with Replica(port=0, state=1, bulk=args.bulk) as replica, tempfile.TemporaryDirectory() as tmp:
        for number in range(1, args.trials + 1):
            trial(replica, Path(tmp), number)


if __name__ == "__main__":
    main()
