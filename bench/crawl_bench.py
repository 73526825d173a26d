"""Crawl benchmark: the real `dualwatch crawl` against the offline replica with 1,000 extra
notices per site (`make bench`, or `.venv/bin/python bench/crawl_bench.py [--keep]`).

What runs
    The replica (``tests.replica.Replica(bulk=1000)``) serves both sites in this process on
    127.0.0.1; every crawl is the real CLI in a subprocess, exactly as users run it::

        python -m monitors --config bench/bench.toml --home TMP --connect-to ... crawl

    ``bench/bench.toml`` extends the replica configuration with ``download_delay = 0`` (so the
    figures measure dualwatch, not the politeness pause) and a MOFCOM baseline deep enough to
    walk all 68 listing pages. Four crawls follow each other on one data directory:

    1. baseline (state 1): walks every listing page and stores every notice, alerts on nothing;
    2. steady state (state 1 again): nothing changed, so it must detect nothing and use
       conditional requests (304) for the recent notices it re-checks;
    3. publish (state 2): the sites publish and revise notices; what is detected must equal
       the replica's :func:`~tests.replica.expected_changes`;
    4. noise only (state 3): only counters, tokens, stamps and box order change since state 2,
       so it must detect nothing (state 3 builds on state 2, hence crawl 3 before it).

What is measured, per crawl
    wall time (``time.perf_counter`` around the CLI process); the HTTP requests the replica
    served (its request log, split by status) and requests per second; stored notices,
    versions and changes (read from the store); changes detected by this crawl; the peak RSS
    (max ``VmHWM`` polled from ``/proc`` over the CLI and every descendant: the CLI runs
    ``python -m crawler.run``, the Scrapy process, as its child); CPU seconds of that process
    tree (``RUSAGE_CHILDREN`` deltas) and of this process (which serves the replica); the
    database size; and a stage split from the polled process lifetimes and request log: CLI
    start-up (to the Scrapy process being spawned), Scrapy start-up (to the first request),
    fetching (first to last request), Scrapy shut-down (to the Scrapy process exiting) and CLI
    wrap-up (reading the runs, writing alert messages, exiting). It also counts the kernel's
    TCP listen-queue overflows during the crawl (``ListenOverflows`` in /proc/net/netstat,
    machine-wide): each one is a dropped connection attempt that the client retries after
    about one second, which shows up as a stall in "fetching".

Timings on a shared machine vary from run to run (the preamble prints the load average);
request counts, store counts and detection results are deterministic.

Exit status 1 when a crawl fails (non-zero exit or a run that is not ``ok``), when the baseline
stores fewer MOFCOM notices than the replica lists, when the steady-state or noise-only crawl
detects anything, when the publish crawl detects other changes than expected, or when the
replica saw a different number of requests than the crawler counted (traffic that did not go
to 127.0.0.1).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.replica` importable
    sys.path.insert(0, str(ROOT))

from monitors.store import Store  # noqa: E402
from tests.replica import MOFA_HOST, MOFCOM_HOST, Replica, expected_changes  # noqa: E402

CONFIG = ROOT / "bench" / "bench.toml"
BULK = 1000
BUDGET_SECONDS = 270.0
POLL_SECONDS = 0.02
MIB = 1024 * 1024
KINDS = ("new", "modified", "removed")
SCRAPY_PROCESS = "-m crawler.run"  # the CLI's child that runs Scrapy
CLI_PROCESS = "-m monitors"


@dataclass(frozen=True)
class Step:
    """One crawl of the benchmark: the replica state it sees and what it must detect."""

    name: str
    state: int
    expect: str  # "baseline" (nothing, everything stored) | "nothing" | "expected"


STEPS = (
    Step("baseline", 1, "baseline"),
    Step("steady state", 1, "nothing"),
    Step("publish", 2, "expected"),
    Step("noise only", 3, "nothing"),
)


@dataclass
class ProcInfo:
    """What polling saw of one process of the crawl tree."""

    command: str
    first_seen: float
    last_alive: float
    peak_kb: int = 0


@dataclass
class TreeWatch:
    """Peak memory and lifetimes of a process tree, and the timing of the replica's request
    log, by polling every :data:`POLL_SECONDS`.

    ``/proc/<pid>/task/*/children`` is not available on every kernel, so descendants are
    found by reading the parent pid of every process in ``/proc``.
    """

    root_pid: int
    replica: Replica
    started: float
    procs: dict[int, ProcInfo] = field(default_factory=dict)
    first_request: float | None = None
    last_request: float | None = None
    _seen_requests: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeWatch:
        """Poll in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._run, name="tree-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop polling and take a last look at the request log."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._observe_requests(time.perf_counter())

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            now = time.perf_counter()
            for pid in descendants(self.root_pid) | {self.root_pid}:
                self._observe(pid, now)
            self._observe_requests(now)

    def _observe(self, pid: int, now: float) -> None:
        hwm = read_vmhwm_kb(pid)
        if hwm is None:  # gone, or a zombie whose memory is already released
            return
        command = read_cmdline(pid)
        info = self.procs.get(pid)
        if info is None or info.command != command:  # new, or exec'd since the fork
            info = self.procs[pid] = ProcInfo(command, info.first_seen if info else now, now)
        info.last_alive = now
        info.peak_kb = max(info.peak_kb, hwm)

    def _observe_requests(self, now: float) -> None:
        count = len(self.replica.requests())
        if count > self._seen_requests:
            self._seen_requests = count
            self.first_request = self.first_request or now
            self.last_request = now

    @property
    def peak_mib(self) -> float:
        """The largest VmHWM of any process of the tree, in MiB."""
        return max((p.peak_kb for p in self.procs.values()), default=0) / 1024

    def process(self, needle: str) -> ProcInfo | None:
        """The (largest) process whose command line contains ``needle``."""
        found = [p for p in self.procs.values() if needle in p.command]
        return max(found, key=lambda p: p.peak_kb, default=None)

    def peak_of(self, needle: str) -> float:
        """The VmHWM (MiB) of the process whose command line contains ``needle`` (0 if unseen)."""
        info = self.process(needle)
        return info.peak_kb / 1024 if info else 0.0


@dataclass(frozen=True)
class Stages:
    """Where a crawl's wall time went, in seconds (resolution: the polling interval)."""

    cli_startup: float  # CLI start to the Scrapy process being spawned
    scrapy_startup: float  # Scrapy process spawned to the first HTTP request
    fetching: float  # first to last HTTP request
    scrapy_shutdown: float  # last HTTP request to the Scrapy process exiting
    cli_wrapup: float  # Scrapy process gone to the CLI exiting

    @classmethod
    def of(cls, watch: TreeWatch, wall: float) -> Stages:
        """Split ``wall`` using the polled process lifetimes and request times."""
        first = (watch.first_request or watch.started) - watch.started
        last = (watch.last_request or watch.started) - watch.started
        crawler = watch.process(SCRAPY_PROCESS)
        spawned = crawler.first_seen - watch.started if crawler else first
        exited = crawler.last_alive - watch.started if crawler else last
        return cls(spawned, first - spawned, last - first, exited - last, wall - exited)


@dataclass(frozen=True)
class SourceRun:
    """One source's row in the ``runs`` table."""

    source: str
    outcome: str
    baseline: bool
    pages: int
    requests: int
    notices: int
    new: int
    modified: int
    removed: int
    errors: int


@dataclass(frozen=True)
class StoreCounts:
    """Totals in the store after a crawl."""

    notices: dict[str, int]
    versions: int
    changes: int
    db_bytes: int

    @property
    def all_notices(self) -> int:
        """Stored notices of every source."""
        return sum(self.notices.values())


@dataclass
class CrawlResult:
    """Everything measured for one crawl."""

    step: Step
    returncode: int
    wall: float
    statuses: Counter[int]
    hosts: Counter[str]
    stages: Stages
    crawl_cpu: float
    overflows: int
    replica_cpu: float
    peak_mib: float
    scrapy_peak_mib: float
    cli_peak_mib: float
    runs: list[SourceRun]
    detected: dict[str, dict[str, list[str]]]
    counts: StoreCounts
    problems: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """HTTP requests the replica served during this crawl."""
        return sum(self.statuses.values())

    @property
    def changes(self) -> int:
        """Changes this crawl detected."""
        return sum(len(urls) for kinds in self.detected.values() for urls in kinds.values())


# -- /proc helpers ---------------------------------------------------------------------------


def descendants(root: int) -> set[int]:
    """Pids of every live descendant of ``root`` (from the ppid field of /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            ppid = read_ppid(int(entry.name))
            if ppid is not None:
                children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def read_ppid(pid: int) -> int | None:
    """The parent pid of ``pid``, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])  # after "pid (comm) state"


def read_vmhwm_kb(pid: int) -> int | None:
    """``VmHWM`` (peak resident set) of ``pid`` in kB, or None (gone, zombie, kernel thread)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def listen_overflows() -> int:
    """The machine-wide count of TCP listen-queue overflows (0 when /proc does not say)."""
    try:
        lines = [line.split() for line in Path("/proc/net/netstat").read_text().splitlines()]
    except OSError:
        return 0
    tcp_ext = [line for line in lines if line and line[0] == "TcpExt:"]
    if len(tcp_ext) < 2 or "ListenOverflows" not in tcp_ext[0]:
        return 0
    return int(tcp_ext[1][tcp_ext[0].index("ListenOverflows")])


def read_cmdline(pid: int) -> str:
    """The command line of ``pid`` ('' when gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# -- store helpers -----------------------------------------------------------------------------


def store_counts(home: Path) -> StoreCounts:
    """Notices per source, versions, changes and the database size (with WAL) after a crawl."""
    db_path = home / "dualwatch.db"
    with Store.open(db_path) as store:
        notices = {
            row["source"]: row["n"]
            for row in store.db.query("SELECT source, count(*) AS n FROM notices GROUP BY source")
        }
        versions = store.db.execute("SELECT count(*) FROM versions").fetchone()[0]
        changes = store.db.execute("SELECT count(*) FROM changes").fetchone()[0]
    size = sum(p.stat().st_size for p in home.glob("dualwatch.db*") if p.is_file())
    return StoreCounts(notices, versions, changes, size)


def last_run_id(home: Path) -> int:
    """The highest run id so far (0 before the first crawl)."""
    if not (home / "dualwatch.db").exists():
        return 0
    with Store.open(home / "dualwatch.db") as store:
        return store.db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]


def runs_after(home: Path, run_id: int) -> list[SourceRun]:
    """The per-source runs a crawl recorded (those with an id above ``run_id``)."""
    with Store.open(home / "dualwatch.db") as store:
        rows = store.db.query("SELECT * FROM runs WHERE id > ? ORDER BY id", [run_id])
        return [
            SourceRun(
                source=r["source"],
                outcome=r["outcome"],
                baseline=bool(r["baseline"]),
                **{k: r[k] or 0 for k in ("pages", "requests", "notices", *KINDS, "errors")},
            )
            for r in rows
        ]


def changes_after(home: Path, run_id: int) -> dict[str, dict[str, list[str]]]:
    """Changes recorded by runs above ``run_id`` as ``{host: {kind: sorted urls}}``."""
    found: dict[str, dict[str, list[str]]] = {
        host: {kind: [] for kind in KINDS} for host in (MOFCOM_HOST, MOFA_HOST)
    }
    with Store.open(home / "dualwatch.db") as store:
        for row in store.db.query("SELECT kind, url FROM changes WHERE run_id > ?", [run_id]):
            host = row["url"].split("/")[2]
            found.setdefault(host, {kind: [] for kind in KINDS})[row["kind"]].append(row["url"])
    return {host: {k: sorted(v) for k, v in kinds.items()} for host, kinds in found.items()}


# -- running a crawl ---------------------------------------------------------------------------


def crawl_command(home: Path, connect_to: str) -> list[str]:
    """The CLI invocation users type, with the bench config and data directory."""
    return [
        sys.executable,
        "-m",
        "monitors",
        "--config",
        str(CONFIG),
        "--home",
        str(home),
        "--connect-to",
        connect_to,
        "crawl",
    ]


def cpu_seconds(who: int) -> float:
    """User + system CPU seconds of ``resource.RUSAGE_SELF`` or ``RUSAGE_CHILDREN``."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_cli(
    replica: Replica, home: Path, logs: Path, step: Step, timeout: float
) -> tuple[int, float, TreeWatch]:
    """Run one `dualwatch crawl`; return (returncode, wall seconds, finished TreeWatch)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
    slug = step.name.replace(" ", "-")
    with (logs / f"{slug}.out").open("wb") as out, (logs / f"{slug}.err").open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            crawl_command(home, replica.connect_to),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        watch = TreeWatch(process.pid, replica, started).start()
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)
            returncode = process.wait()
        wall = time.perf_counter() - started
        watch.stop()
    return returncode, wall, watch


def kill_tree(pid: int) -> None:
    """Kill the CLI and its descendants (only the processes this bench started)."""
    for target in [*descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)


def measure(replica: Replica, home: Path, logs: Path, step: Step, timeout: float) -> CrawlResult:
    """Step the replica, run one crawl and collect every figure about it."""
    replica.set_state(step.state)
    replica.reset_log()
    before_run = last_run_id(home)
    overflows = listen_overflows()
    cpu_children, cpu_self = (
        cpu_seconds(resource.RUSAGE_CHILDREN),
        cpu_seconds(resource.RUSAGE_SELF),
    )
    returncode, wall, watch = run_cli(replica, home, logs, step, timeout)
    log = replica.requests()
    return CrawlResult(
        step=step,
        returncode=returncode,
        wall=wall,
        statuses=Counter(status for _, _, _, status in log),
        hosts=Counter(host for _, host, _, _ in log),
        stages=Stages.of(watch, wall),
        crawl_cpu=cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_children,
        overflows=listen_overflows() - overflows,
        replica_cpu=cpu_seconds(resource.RUSAGE_SELF) - cpu_self,
        peak_mib=watch.peak_mib,
        scrapy_peak_mib=watch.peak_of(SCRAPY_PROCESS),
        cli_peak_mib=watch.peak_of(CLI_PROCESS),
        runs=runs_after(home, before_run),
        detected=changes_after(home, before_run),
        counts=store_counts(home),
    )


# -- checks ------------------------------------------------------------------------------------


def check(result: CrawlResult, replica: Replica) -> list[str]:
    """What is wrong with a crawl's result (empty when it behaved)."""
    problems = []
    name = result.step.name
    if result.returncode != 0:
        problems.append(f"{name}: dualwatch crawl exited with status {result.returncode}")
    problems += [f"{name}: {r.source} run {r.outcome}" for r in result.runs if r.outcome != "ok"]
    counted = sum(r.requests for r in result.runs)
    if counted != result.requests:
        problems.append(
            f"{name}: Scrapy counted {counted} requests but the replica served {result.requests}"
        )
    problems += check_detection(result, replica)
    return problems


def check_detection(result: CrawlResult, replica: Replica) -> list[str]:
    """Compare what a crawl detected (and stored) with what its step expects."""
    name, expect = result.step.name, result.step.expect
    if expect == "expected":
        wanted = expected_changes(result.step.state, BULK)
        return [
            f"{name}: {host} {kind}: detected {len(got[kind])}, expected {len(wanted[host][kind])}"
            for host, got in result.detected.items()
            for kind in KINDS
            if got[kind] != wanted[host][kind]
        ]
    problems = []
    if result.changes:
        problems.append(f"{name}: detected {result.changes} change(s), expected none")
    if expect == "baseline":
        listed = len(replica.app.sites[MOFCOM_HOST].listed(result.step.state))
        stored = result.counts.notices.get("mofcom", 0)
        if stored < listed:
            problems.append(f"{name}: stored {stored} MOFCOM notices, the replica lists {listed}")
    return problems


# -- report ------------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A right-aligned text table (first column left-aligned)."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}"
        rest = (f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def crawl_table(results: Sequence[CrawlResult]) -> str:
    """The main table: one row per crawl."""
    headers = (
        "crawl", "state", "wall s", "requests", "200", "304", "404", "req/s",
        "notices", "versions", "changes", "peak RSS MiB", "db MiB",
    )  # fmt: skip
    rows = [
        (
            r.step.name,
            str(r.step.state),
            f"{r.wall:.2f}",
            str(r.requests),
            str(r.statuses[200]),
            str(r.statuses[304]),
            str(r.statuses[404]),
            f"{r.requests / r.wall:.1f}",
            str(r.counts.all_notices),
            str(r.counts.versions),
            str(r.changes),
            f"{r.peak_mib:.1f}",
            f"{r.counts.db_bytes / MIB:.2f}",
        )
        for r in results
    ]
    return table(headers, rows)


def stage_table(results: Sequence[CrawlResult]) -> str:
    """Where each crawl's wall time goes, CPU used, and peak RSS per process."""
    headers = (
        "crawl", "CLI start s", "Scrapy start s", "fetching s", "Scrapy stop s", "CLI end s",
        "fetch req/s", "listen overflows", "crawl CPU s", "replica CPU s",
        "CLI RSS MiB", "Scrapy RSS MiB",
    )  # fmt: skip
    rows = [
        (
            r.step.name,
            f"{r.stages.cli_startup:.2f}",
            f"{r.stages.scrapy_startup:.2f}",
            f"{r.stages.fetching:.2f}",
            f"{r.stages.scrapy_shutdown:.2f}",
            f"{r.stages.cli_wrapup:.2f}",
            f"{r.requests / r.stages.fetching:.1f}" if r.stages.fetching > 0 else "-",
            str(r.overflows),
            f"{r.crawl_cpu:.2f}",
            f"{r.replica_cpu:.2f}",
            f"{r.cli_peak_mib:.1f}",
            f"{r.scrapy_peak_mib:.1f}",
        )
        for r in results
    ]
    return table(headers, rows)


def source_table(results: Sequence[CrawlResult]) -> str:
    """The per-source ``runs`` rows of every crawl, with the stored notices per source."""
    headers = (
        "crawl", "source", "outcome", "pages", "requests", "notices",
        "new", "modified", "removed", "stored",
    )  # fmt: skip
    rows = [
        (
            r.step.name,
            run.source,
            run.outcome + (" (baseline)" if run.baseline else ""),
            str(run.pages),
            str(run.requests),
            str(run.notices),
            str(run.new),
            str(run.modified),
            str(run.removed),
            str(r.counts.notices.get(run.source, 0)),
        )
        for r in results
        for run in r.runs
    ]
    return table(headers, rows)


def preamble(replica: Replica) -> str:
    """What was benchmarked, on what."""
    mofcom = len(replica.app.sites[MOFCOM_HOST].listed(1))
    mofa = replica.app.sites[MOFA_HOST]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(
        [
            f"dualwatch crawl benchmark: replica with bulk={BULK} extra notices per site, "
            f"config {CONFIG.relative_to(ROOT)}",
            f"  Python {platform.python_version()}, Scrapy {version('scrapy')}, "
            f"{os.cpu_count()} CPU(s), load average {load}; replica served from this process "
            "on 127.0.0.1",
            "  download_delay = 0 (politeness pause off: figures measure dualwatch itself), "
            "concurrent_per_host = 2",
            f"  MOFCOM lists {mofcom} notices at state 1 "
            f"({-(-mofcom // 15)} API pages of 15); MOFA holds {len(mofa.releases)} releases, "
            f"{len(mofa.index_releases(1))} on its rolling index",
        ]
    )


def notes(results: Sequence[CrawlResult]) -> str:
    """The acceptance figures and the caveats, in words."""
    baseline, steady = results[0], results[1]
    stored = steady.counts.all_notices
    mofa = steady.counts.notices.get("mofa-ja", 0)
    share = steady.requests / stored if stored else 0.0
    return "\n".join(
        [
            f"stored notices after steady state: {stored}; steady-state requests: "
            f"{steady.requests} ({steady.statuses[304]} answered 304) = {share:.1%} of stored "
            f"notices; steady-state changes: {steady.changes}",
            f"baseline: {baseline.requests} requests in {baseline.wall:.2f}s "
            f"({baseline.requests / baseline.wall:.1f} req/s overall, "
            f"{baseline.requests / max(baseline.stages.fetching, 1e-9):.1f} req/s while fetching)",
            f"MOFA: the mofa-ja spider reads only the rolling index, so it stores {mofa} "
            f"releases; the {BULK} bulk releases exist only in the monthly archives it does "
            "not crawl.",
            "peak RSS = max VmHWM over the CLI process and its descendants (the Scrapy process "
            "`python -m crawler.run`), polled from /proc every "
            f"{POLL_SECONDS * 1000:.0f} ms; crawl CPU = user+sys of that tree.",
        ]
    )


def report(replica: Replica, results: Sequence[CrawlResult], elapsed: float) -> str:
    """The whole printed report."""
    cross = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return "\n\n".join(
        [
            preamble(replica),
            crawl_table(results),
            stage_table(results),
            source_table(results),
            notes(results),
            f"cross-check: getrusage(RUSAGE_CHILDREN).ru_maxrss over all crawls = {cross:.1f} "
            f"MiB; bench finished in {elapsed:.1f}s",
        ]
    )


# -- main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    return parser.parse_args(argv)


def run_steps(replica: Replica, home: Path, logs: Path, deadline: float) -> list[CrawlResult]:
    """Run every step in order; stop early when one crawl fails to run."""
    results = []
    for step in STEPS:
        remaining = deadline - time.perf_counter()
        print(
            f"crawl {len(results) + 1}/{len(STEPS)}: {step.name} (state {step.state})…", flush=True
        )
        result = measure(replica, home, logs, step, timeout=max(remaining, 1.0))
        result.problems = check(result, replica)
        results.append(result)
        if result.returncode != 0:
            err = (logs / f"{step.name.replace(' ', '-')}.err").read_text(errors="replace")
            print(f"crawl failed; end of its stderr:\n{err[-3000:]}", file=sys.stderr)
            break
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the report; return 0 when every check passed."""
    args = parse_args(argv)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="dualwatch-bench-"))
    home, logs = workdir / "home", workdir / "logs"
    logs.mkdir()
    replica = Replica(port=0, state=1, bulk=BULK).start()
    try:
        results = run_steps(replica, home, logs, started + BUDGET_SECONDS)
        print()
        print(report(replica, results, time.perf_counter() - started))
    finally:
        replica.stop()
        if args.keep:
            print(f"\ndata directory and crawl logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    problems = [p for r in results for p in r.problems]
    if len(results) < len(STEPS):
        problems.append(f"only {len(results)} of {len(STEPS)} crawls ran")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    print("\nresult: " + ("FAIL" if problems else "OK (all checks passed)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
