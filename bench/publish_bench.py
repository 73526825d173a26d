"""Publishing cost on a large store: the bulletin, the Atom feeds and full-text search
(``.venv/bin/python bench/publish_bench.py [--bulk 1000] [--revise 2000] [--keep]``).

What runs
    The offline replica with ``--bulk`` extra notices per site (``tests.replica.Replica``),
    crawled by the real CLI with ``bench/bench.toml`` (as ``bench/crawl_bench.py`` does): the
    baseline at state 1, then state 2 (new and revised notices, alerts to the Maildir outbox);
    with ``--revise N``, N stored notices then get a revision recorded as a crawl records
    one (a long history of modifications with diffs, which the bulletin renders).
    Then, each as the real CLI in a subprocess, as users and crawls run them:

    * ``dualwatch site OUTDIR`` twice (a first write, then a rewrite replacing it: what every
      crawl does with ``[publish] site``);
    * ``dualwatch feeds``;
    * ``dualwatch search`` for a Chinese phrase, a Japanese phrase, an English word and a
      two-character query (the substring scan, not the index).

What is measured
    Wall time of each command, the peak RSS of its process (``ru_maxrss`` of the finished
    child), and for the site the pages written and their total size; the store's notices,
    versions and changes. No timed assertion: the figures are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitors.storage.store import Store  # noqa: E402
from tests.replica import Replica  # noqa: E402

CONFIG = ROOT / "bench" / "bench.toml"
SEARCHES = ("两用物项", "輸出管理", "export control", "稀土")


def run(home: Path, replica: Replica, *args: str) -> tuple[float, float, str]:
    """Run one CLI command; its wall seconds, its own peak RSS (MiB) and output."""
    command = [sys.executable, "-m", "monitors", "--config", str(CONFIG), "--home", str(home)]
    command += ["--connect-to", replica.connect_to, *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout


def revise(home: Path, count: int) -> None:
    """Record a revision of ``count`` stored notices (one added line each), the way a crawl
    records a modified page: a history of many changes, for the bulletin's cost."""
    from monitors.changes.detect import record_fetch
    from monitors.storage.models import FetchedNotice

    with Store.open(home / "dualwatch.db") as store:
        for number, notice_id in enumerate(store.notice_ids()[:count]):
            notice = store.find_notice(str(notice_id))
            if notice is None or notice.current_version_id is None:
                continue
            version = store.get_version(notice.current_version_id)
            if version is None:
                continue
            text = f"{version.text}\n（修订 {number}）第二条 本公告自发布之日起施行。"
            fetched = FetchedNotice(
                notice.source, notice.url, version.title, text, b"", metadata=version.metadata
            )
            record_fetch(store, fetched, run_id=None, baseline=False)


def show(wall: float, rss: float, label: str, result: str) -> None:
    """One line of the table (the command last: CJK queries are wider than they count)."""
    print(f"{wall:>7.2f}  {rss:>12.0f}  {label}: {result}")


def size_of(directory: Path) -> tuple[int, int]:
    """(HTML pages, total bytes) under ``directory``."""
    files = [p for p in directory.rglob("*") if p.is_file()]
    return sum(p.suffix == ".html" for p in files), sum(p.stat().st_size for p in files)


def main() -> int:
    """Build the store, run the publishing commands, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bulk", type=int, default=1000, help="extra notices per site")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument(
        "--revise", type=int, default=0, help="then record a revision of this many notices"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dualwatch-publish-bench-"))
    home = work / "home"
    replica = Replica(port=0, state=1, bulk=args.bulk)
    replica.start()
    try:
        print(f"store: replica with {args.bulk} bulk notices per site, states 1 and 2")
        wall, _, _ = run(home, replica, "crawl")
        replica.set_state(2)
        wall2, _, _ = run(home, replica, "crawl")
        print(f"  crawls: baseline {wall:.1f} s, state 2 {wall2:.1f} s")
        if args.revise:
            revise(home, args.revise)
            print(f"  then {args.revise:,} notices revised in the store (as a crawl records it)")
        with Store.open(home / "dualwatch.db") as store:
            counts = {
                table: store.row(f"SELECT count(*) AS n FROM {table}")["n"]  # type: ignore[index]
                for table in ("notices", "versions", "changes")
            }
        print("  " + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
        site = work / "site"
        print("\n wall s  peak RSS MiB  command: result")
        for label in ("site (first write)", "site (rewrite)"):
            wall, rss, _ = run(home, replica, "site", str(site))
            pages, size = size_of(site)
            show(wall, rss, label, f"{pages:,} pages, {size / 2**20:.1f} MiB")
        wall, rss, out = run(home, replica, "feeds")
        show(wall, rss, "feeds", out.strip().split(" to ")[0])
        for query in SEARCHES:
            wall, rss, out = run(home, replica, "search", query)
            hits = max(len(out.strip().splitlines()) - 2, 0)
            show(wall, rss, f"search {query}", f"{hits:,} notices")
    finally:
        replica.stop()
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n(on {os.cpu_count()} CPUs; each figure is one run of the real CLI)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
