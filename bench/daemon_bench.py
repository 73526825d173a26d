"""Run `dualwatch daemon` against the replica for many crawl cycles; watch for leaks.

Two sources (mofcom and meti) are crawled every second by the real daemon process (each crawl
in its own child process, as in production). The replica does not change, so every cycle
after the baseline is an unchanged cycle. Reported at cycle 10 and at the end: the daemon's
RSS and open file descriptors, and the size of the database (with its WAL) — from which the
growth per unchanged cycle.

    .venv/bin/python bench/daemon_bench.py [--cycles 200]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitors.core.config import load_config  # noqa: E402
from tests.replica import Replica  # noqa: E402

WATCHED = ("mofcom", "meti")
TIME_LIMIT = 900.0


@dataclass(frozen=True)
class Sample:
    """One observation of the daemon process."""

    cycles: int
    seconds: float
    rss_mib: float
    fds: int
    db_bytes: int


def write_config(path: Path) -> None:
    """The replica config with only WATCHED enabled, every second, no jitter."""
    base = ROOT / "tests" / "replica" / "dualwatch.toml"
    lines = [f'extends = "{base}"']
    for name in load_config(base).sources:
        lines.append(f'[sources."{name}"]')
        if name in WATCHED:
            lines += ['every = "1s"', 'jitter = "0s"']
        else:
            lines.append("enabled = false")
    lines += ["[daemon]", 'deliver_every = "10s"', "retention_days = 0"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cycles(home: Path) -> int:
    """Finished runs so far (one per crawl cycle of one source)."""
    db = home / "dualwatch.db"
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db, timeout=10)) as conn:
        query = "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"
        return conn.execute(query).fetchone()[0]


def sample(pid: int, home: Path, started: float, done: int) -> Sample:
    """RSS, file descriptors and database size now."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    with closing(sqlite3.connect(home / "dualwatch.db", timeout=10)) as conn:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # move the WAL into the file
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        db_bytes = (pages - free) * conn.execute("PRAGMA page_size").fetchone()[0]
    return Sample(done, time.monotonic() - started, rss_kib / 1024, fds, db_bytes)


def run(target: int) -> list[Sample]:
    """Run the daemon until ``target`` cycles; return the samples at 10 and at the end."""
    with tempfile.TemporaryDirectory() as tmp, Replica(port=0) as replica:
        home, config = Path(tmp) / "home", Path(tmp) / "daemon.toml"
        write_config(config)
        command = [sys.executable, "-m", "monitors", "--config", str(config), "--home",
                   str(home), "--connect-to", replica.connect_to, "daemon"]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
        daemon = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        started, samples = time.monotonic(), []
        try:
            while (done := cycles(home)) < target:
                if time.monotonic() - started > TIME_LIMIT or daemon.poll() is not None:
                    raise SystemExit(f"stopped early at {done} cycles")
                if done >= 10 and not samples:
                    samples.append(sample(daemon.pid, home, started, done))
                time.sleep(0.5)
            samples.append(sample(daemon.pid, home, started, cycles(home)))
        finally:
            daemon.send_signal(signal.SIGTERM)
            code = daemon.wait(timeout=60)
        print(f"daemon exit status after SIGTERM: {code}")
        return samples


def main() -> int:
    """Run and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=200)
    target = parser.parse_args().cycles
    first, last = run(target)
    print(f"daemon bench: {', '.join(WATCHED)} every 1 s against the replica (unchanged)")
    print(f"{'at cycle':>9} {'seconds':>8} {'RSS MiB':>8} {'fds':>4} {'DB bytes':>10}")
    for s in (first, last):
        print(f"{s.cycles:>9} {s.seconds:>8.1f} {s.rss_mib:>8.1f} {s.fds:>4} {s.db_bytes:>10}")
    per_cycle = (last.db_bytes - first.db_bytes) / max(last.cycles - first.cycles, 1)
    rss, fds = last.rss_mib - first.rss_mib, last.fds - first.fds
    print(f"RSS change {rss:+.1f} MiB, fds change {fds:+d}, DB growth {per_cycle:.0f} bytes")
    print("per unchanged cycle (used pages after a WAL checkpoint: run rows, ledger, state)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
