"""Crawl benchmark: the real `dualwatch crawl` (every enabled source) against the offline
replica with 1,000 extra notices per site (`make bench`, or
`.venv/bin/python bench/crawl_bench.py [--keep]`).

What runs
    The replica (``tests.replica.Replica(bulk=1000)``) serves every site in this process on
    127.0.0.1; every crawl is the real CLI in a subprocess, exactly as users run it, with no
    source named (so every enabled source is crawled)::

        python -m monitors --config bench/bench.toml --home TMP --connect-to ... crawl

    ``bench/bench.toml`` extends the replica configuration with ``download_delay = 0`` (so the
    figures measure dualwatch, not the politeness pause) and baselines deep enough to walk
    every page of the paged listings (mofcom, mofcom-bis, mofcom-ecl, mofcom-en), so each of
    those stores its site's ~1,000 bulk notices. mofa-ja, mofa-en and meti read single rolling
    pages without paging (MOFA's indexes, METI's Atom feed): their sites' bulk, if any, is only
    in archives those spiders do not read, by design; the report says what each stores. Four
    crawls follow each other on one data directory:

    1. baseline (state 1): walks every listing page and stores every reachable notice, alerts
       on nothing; every paged source must store every notice its sites hold at state 1;
    2. steady state (state 1 again): nothing changed, so it must detect nothing and use
       conditional requests (304) for the recent notices it re-checks;
    3. publish (state 2): the sites publish and revise notices; what is detected must equal the
       replica's :func:`~tests.replica.expected_changes` for the sites of the enabled sources,
       compared like ``tests/test_all_sources.py::check_state``: modified and removed per URL,
       new per *document* (the copies of one announcement on several sites alert once), not
       counting documents known before the crawl;
    4. noise only (state 3): only counters, tokens, stamps and box order change since state 2,
       so it must detect nothing (and the same comparison must hold; state 3 builds on state
       2, hence crawl 3 before it).

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
    about one second, which shows up as a stall in "fetching". Per source: the ``runs`` row
    of every crawl, and what the baseline stored against what the site holds and what the
    steady-state crawl costs.

Timings on a shared machine vary from run to run (the preamble prints the load average);
request counts, store counts and detection results are deterministic.

Exit status 1 when a crawl fails (non-zero exit or a run that is not ``ok``), when a paged
source's baseline misses a notice its sites hold, when the steady-state or noise-only crawl
detects anything, when a crawl detects other changes than expected (per URL / per document),
or when the replica saw a different number of requests than the crawler counted (traffic that
did not go to 127.0.0.1).
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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.replica` importable
    sys.path.insert(0, str(ROOT))

from monitors.core.config import SourceConfig, load_config  # noqa: E402
from monitors.storage.store import Store  # noqa: E402
from tests.replica import Replica, expected_changes  # noqa: E402
from tests.replica.sites import Site, make_all_sites, route  # noqa: E402

CONFIG = ROOT / "bench" / "bench.toml"
BULK = 1000
BUDGET_SECONDS = 270.0
POLL_SECONDS = 0.02
MIB = 1024 * 1024
KINDS = ("new", "modified", "removed")
SCRAPY_PROCESS = "-m crawler.run"  # the CLI's child that runs Scrapy
CLI_PROCESS = "-m monitors"
SAMPLES = 3  # URLs shown per mismatch

#: Sources whose spiders read single rolling pages without paging: the baseline cannot reach
#: notices older than those pages (the replica's bulk), by design. Every other enabled source
#: must store every notice its sites hold at state 1.
ROLLING: dict[str, str] = {
    "mofa-ja": "rolling 報道発表 index (this month) + 談話/記者会見 indexes; "
    "bulk releases are only in the monthly archives",
    "mofa-en": "rolling English index (this month); archives not read",
    "meti": "Atom feed (newest ~20 entries, no paging) + 3 anpo pages",
}


@dataclass(frozen=True)
class Step:
    """One crawl of the benchmark: the replica state it sees and what it must detect."""

    name: str
    state: int
    baseline: bool = False  # the first crawl: stores everything reachable, alerts on nothing
    transition: bool = False  # detection must equal expected_changes(state), per document
    quiet: bool = False  # must detect nothing


STEPS = (
    Step("baseline", 1, baseline=True, quiet=True),
    Step("steady state", 1, quiet=True),
    Step("publish", 2, transition=True),
    Step("noise only", 3, transition=True, quiet=True),
)


@dataclass(frozen=True)
class SourceSites:
    """What the replica holds for one enabled source (URLs are canonical ``https://`` ones)."""

    name: str
    modules: tuple[str, ...]  # the modules of tests.replica.sites serving its listings
    existing: frozenset[str]  # notices its sites hold at state 1
    bulk: frozenset[str]  # the bulk notices among those sites' notices
    rolling: str | None  # why its listing cannot reach old notices (None: paged, must)


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
class Change:
    """One change a crawl recorded."""

    kind: str
    source: str
    url: str
    document_id: int | None


@dataclass(frozen=True)
class Expected:
    """What a crawl should detect."""

    modified: tuple[str, ...]  # URLs
    removed: tuple[str, ...]  # URLs
    new_documents: dict[int, str]  # document id -> an expected URL of it (not counting the
    # documents known before the crawl)
    new_urls: int  # the URLs (copies) the replica publishes, grouped into those documents
    unstored: tuple[str, ...]  # expected new URLs the crawl did not store (so no document)


@dataclass(frozen=True)
class StoreCounts:
    """Totals in the store after a crawl."""

    notices: dict[str, int]
    versions: int
    changes: int
    documents: int
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
    stages: Stages
    crawl_cpu: float
    overflows: int
    replica_cpu: float
    peak_mib: float
    scrapy_peak_mib: float
    cli_peak_mib: float
    runs: list[SourceRun]
    detected: list[Change]
    known_documents: frozenset[int]  # documents stored before this crawl
    counts: StoreCounts
    stored: dict[str, frozenset[str]]  # source -> stored notice URLs after this crawl
    expected: Expected = field(default_factory=lambda: Expected((), (), {}, 0, ()))
    problems: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """HTTP requests the replica served during this crawl."""
        return sum(self.statuses.values())

    @property
    def changes(self) -> int:
        """Changes this crawl detected."""
        return len(self.detected)

    def kinds(self) -> Counter[str]:
        """Changes this crawl detected, per kind."""
        return Counter(change.kind for change in self.detected)

    def new_documents(self) -> list[int]:
        """The documents of the ``new`` changes this crawl detected (with repeats), sorted."""
        return sorted(c.document_id or 0 for c in self.detected if c.kind == "new")

    def run_of(self, source: str) -> SourceRun | None:
        """This crawl's run of ``source``."""
        return next((r for r in self.runs if r.source == source), None)


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


# -- what the replica holds per source ---------------------------------------------------------


def module_of(site: Site) -> str:
    """The name of the tests.replica.sites module a site comes from (``mofa_press``)."""
    return type(site).__module__.rsplit(".", 1)[-1]


def config_urls(value: Any) -> Iterator[str]:
    """Every absolute http(s) URL in a source's configuration values (nested tables too)."""
    if isinstance(value, str):
        if value.startswith(("http://", "https://")):
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from config_urls(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from config_urls(item)


def source_modules(source: SourceConfig, sites: Sequence[Site]) -> tuple[str, ...]:
    """The replica site modules answering the URLs a source is configured with (its listing
    URL, sections, columns, pages, API URLs), on the source's own hosts."""
    found: dict[str, None] = {}
    for url in config_urls([source.listing_url, dict(source.options)]):
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        site = route(sites, host, parts.path or "/") if host in source.hosts else None
        if site is not None:
            found[module_of(site)] = None
    return tuple(found)


def monitored_urls(sites: Sequence[Site], modules: Sequence[str]) -> set[str]:
    """Canonical URLs of every notice the sites of ``modules`` hold (in any state)."""
    return {
        f"https://{site.host}{notice.path}"
        for site in sites
        if module_of(site) in modules
        for notice in site.monitored_notices()
    }


def plan_sources(sources: Sequence[SourceConfig]) -> list[SourceSites]:
    """For each enabled source: its replica sites, what they hold at state 1, their bulk."""
    bulky, plain = make_all_sites(BULK), make_all_sites(0)
    planned = []
    for source in sources:
        modules = source_modules(source, bulky)
        existing = expected_changes(1, BULK, sites=modules) if modules else {}
        planned.append(
            SourceSites(
                name=source.name,
                modules=modules,
                existing=frozenset(url for c in existing.values() for url in c["new"]),
                bulk=frozenset(monitored_urls(bulky, modules) - monitored_urls(plain, modules)),
                rolling=ROLLING.get(source.name),
            )
        )
    return planned


def crawled_modules(plan: Sequence[SourceSites]) -> tuple[str, ...]:
    """The site modules of every enabled source (what expected changes are limited to)."""
    return tuple(dict.fromkeys(module for source in plan for module in source.modules))


# -- store helpers -----------------------------------------------------------------------------


def open_store(home: Path) -> Store:
    """The bench's data directory's store."""
    return Store.open(home / "dualwatch.db")


def store_counts(home: Path) -> StoreCounts:
    """Notices per source, versions, changes, documents and the database size (with WAL)."""
    with open_store(home) as store:
        notices = {
            row["source"]: row["n"]
            for row in store.db.query("SELECT source, count(*) AS n FROM notices GROUP BY source")
        }
        versions = store.db.execute("SELECT count(*) FROM versions").fetchone()[0]
        changes = store.db.execute("SELECT count(*) FROM changes").fetchone()[0]
        documents = store.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    size = sum(p.stat().st_size for p in home.glob("dualwatch.db*") if p.is_file())
    return StoreCounts(notices, versions, changes, documents, size)


def stored_urls(home: Path) -> dict[str, frozenset[str]]:
    """The stored notice URLs of every source."""
    found: dict[str, set[str]] = {}
    with open_store(home) as store:
        for row in store.db.query("SELECT source, url FROM notices"):
            found.setdefault(row["source"], set()).add(row["url"])
    return {source: frozenset(urls) for source, urls in found.items()}


def known_documents(home: Path) -> frozenset[int]:
    """Ids of the documents stored so far (none before the first crawl)."""
    if not (home / "dualwatch.db").exists():
        return frozenset()
    with open_store(home) as store:
        return frozenset(row["id"] for row in store.db.query("SELECT id FROM documents"))


def documents_of(home: Path, urls: Sequence[str]) -> dict[str, int | None]:
    """The document each stored URL belongs to (None when the URL was never stored)."""
    with open_store(home) as store:
        found = {
            url: store.db.execute(
                "SELECT document_id FROM notices WHERE url = ? ORDER BY id LIMIT 1", [url]
            ).fetchone()
            for url in urls
        }
    return {url: row[0] if row else None for url, row in found.items()}


def last_run_id(home: Path) -> int:
    """The highest run id so far (0 before the first crawl)."""
    if not (home / "dualwatch.db").exists():
        return 0
    with open_store(home) as store:
        return store.db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]


def runs_after(home: Path, run_id: int) -> list[SourceRun]:
    """The per-source runs a crawl recorded (those with an id above ``run_id``)."""
    with open_store(home) as store:
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


def changes_after(home: Path, run_id: int) -> list[Change]:
    """Changes recorded by runs above ``run_id``."""
    with open_store(home) as store:
        rows = store.db.query(
            "SELECT kind, source, url, document_id FROM changes WHERE run_id > ? ORDER BY id",
            [run_id],
        )
        return [Change(r["kind"], r["source"], r["url"], r["document_id"]) for r in rows]


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
    known = known_documents(home)
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
        stages=Stages.of(watch, wall),
        crawl_cpu=cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_children,
        overflows=listen_overflows() - overflows,
        replica_cpu=cpu_seconds(resource.RUSAGE_SELF) - cpu_self,
        peak_mib=watch.peak_mib,
        scrapy_peak_mib=watch.peak_of(SCRAPY_PROCESS),
        cli_peak_mib=watch.peak_of(CLI_PROCESS),
        runs=runs_after(home, before_run),
        detected=changes_after(home, before_run),
        known_documents=known,
        counts=store_counts(home),
        stored=stored_urls(home),
    )


# -- checks ------------------------------------------------------------------------------------


def check(result: CrawlResult, plan: Sequence[SourceSites]) -> list[str]:
    """What is wrong with a crawl's result (empty when it behaved)."""
    problems = []
    name = result.step.name
    if result.returncode != 0:
        problems.append(f"{name}: dualwatch crawl exited with status {result.returncode}")
    problems += [f"{name}: {r.source} run {r.outcome}" for r in result.runs if r.outcome != "ok"]
    ran = {r.source for r in result.runs}
    problems += [f"{name}: no run of {s.name}" for s in plan if s.name not in ran]
    counted = sum(r.requests for r in result.runs)
    if counted != result.requests:
        problems.append(
            f"{name}: Scrapy counted {counted} requests but the replica served {result.requests}"
        )
    if result.step.quiet and result.changes:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(result.kinds().items()))
        problems.append(f"{name}: detected {result.changes} change(s) ({kinds}), expected none")
    if result.step.transition:
        problems += check_detection(result)
    if result.step.baseline:
        problems += check_reach(result, plan)
    return problems


def expectation(result: CrawlResult, plan: Sequence[SourceSites], home: Path) -> Expected:
    """What ``result``'s crawl should detect: nothing for a quiet step without a transition,
    else the replica's expected changes for the sites of the enabled sources, as
    tests/test_all_sources.py::check_state reads them (new ones as documents, not counting
    the documents known before the crawl)."""
    if not result.step.transition:
        return Expected((), (), {}, 0, ())
    expected = expected_changes(result.step.state, BULK, sites=crawled_modules(plan))
    modified, removed, new_urls = (
        tuple(sorted(url for changes in expected.values() for url in changes[kind]))
        for kind in ("modified", "removed", "new")
    )
    documents = documents_of(home, new_urls)
    new_documents = {
        d: url for url, d in documents.items() if d is not None and d not in result.known_documents
    }
    unstored = tuple(url for url, d in documents.items() if d is None)
    return Expected(modified, removed, new_documents, len(new_urls), unstored)


def check_detection(result: CrawlResult) -> list[str]:
    """Detection against :attr:`CrawlResult.expected`: modified and removed per URL, new per
    document."""
    name, want = result.step.name, result.expected
    problems = [f"{name}: expected notice never stored: {url}" for url in want.unstored]
    for kind, wanted in (("modified", want.modified), ("removed", want.removed)):
        got = sorted(c.url for c in result.detected if c.kind == kind)
        if got != list(wanted):
            problems.append(f"{name}: {kind} URLs differ: {differences(got, wanted)}")
    got_documents = result.new_documents()
    if got_documents != sorted(want.new_documents):
        urls = {**want.new_documents, **{c.document_id: c.url for c in result.detected}}

        def label(document: int) -> str:
            return f"document {document} ({urls.get(document, '?')})"

        problems.append(
            f"{name}: new documents differ ({result.kinds()['new']} new changes): "
            + differences(
                [label(d) for d in got_documents], [label(d) for d in sorted(want.new_documents)]
            )
        )
    return problems


def differences(got: Sequence[str], want: Sequence[str]) -> str:
    """What is missing from and extra in ``got`` (a few examples of each)."""
    missing = sorted((Counter(want) - Counter(got)).elements())
    extra = sorted((Counter(got) - Counter(want)).elements())
    return f"{len(missing)} missing {missing[:SAMPLES]}, {len(extra)} unexpected {extra[:SAMPLES]}"


def check_reach(result: CrawlResult, plan: Sequence[SourceSites]) -> list[str]:
    """Every paged source stored every notice its sites hold at state 1."""
    problems = []
    for source in plan:
        if source.rolling is not None:
            continue
        missing = sorted(source.existing - result.stored.get(source.name, frozenset()))
        if missing:
            problems.append(
                f"{result.step.name}: {source.name} stored {len(source.existing) - len(missing)} "
                f"of the {len(source.existing)} notices its sites hold at state 1; missing "
                f"{missing[:SAMPLES]}"
            )
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
        "crawl", "state", "wall s", "requests", "200", "304", "404", "other", "req/s",
        "notices", "versions", "documents", "changes", "peak RSS MiB", "db MiB",
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
            str(r.requests - r.statuses[200] - r.statuses[304] - r.statuses[404]),
            f"{r.requests / r.wall:.1f}",
            str(r.counts.all_notices),
            str(r.counts.versions),
            str(r.counts.documents),
            str(r.changes),
            f"{r.peak_mib:.1f}",
            f"{r.counts.db_bytes / MIB:.2f}",
        )
        for r in results
    ]
    return table(headers, rows)


def detection_table(results: Sequence[CrawlResult]) -> str:
    """What each crawl detected against what it should (new ones counted as documents)."""
    headers = (
        "crawl", "must", "new changes", "new documents", "expected", "modified", "expected",
        "removed", "expected", "check",
    )  # fmt: skip
    rows = []
    for r in results:
        kinds, want = r.kinds(), r.expected
        must = "nothing" if r.step.quiet else f"expected_changes({r.step.state})"
        if r.step.quiet and r.step.transition:
            must += f" = expected_changes({r.step.state})"
        rows.append(
            (
                r.step.name,
                must,
                str(kinds["new"]),
                str(len(set(r.new_documents()))),
                f"{len(want.new_documents)} (of {want.new_urls} URLs)",
                str(kinds["modified"]),
                str(len(want.modified)),
                str(kinds["removed"]),
                str(len(want.removed)),
                "FAIL" if r.problems else "ok",
            )
        )
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
        "new", "modified", "removed", "errors", "stored",
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
            str(run.errors),
            str(r.counts.notices.get(run.source, 0)),
        )
        for r in results
        for run in r.runs
    ]
    return table(headers, rows)


def reach_table(results: Sequence[CrawlResult], plan: Sequence[SourceSites]) -> str:
    """Per source: what its replica sites hold, what the baseline stored (bulk included) and
    what the steady-state crawl cost."""
    headers = (
        "source", "replica sites", "listing", "on site (state 1)", "bulk on site", "stored",
        "bulk stored", "baseline requests", "steady requests", "steady pages", "steady req/stored",
    )  # fmt: skip
    baseline = results[0]
    steady = results[1] if len(results) > 1 else None
    rows = []
    for source in plan:
        stored = baseline.stored.get(source.name, frozenset())
        base_run = baseline.run_of(source.name)
        steady_run = steady.run_of(source.name) if steady else None
        rows.append(
            (
                source.name,
                ",".join(source.modules),
                "rolling page" if source.rolling else "paged",
                str(len(source.existing)),
                str(len(source.bulk)),
                str(len(stored)),
                str(len(stored & source.bulk)),
                str(base_run.requests) if base_run else "-",
                str(steady_run.requests) if steady_run else "-",
                str(steady_run.pages) if steady_run else "-",
                f"{steady_run.requests / len(stored):.1%}" if steady_run and stored else "-",
            )
        )
    return table(headers, rows)


def preamble(sources: Sequence[SourceConfig], disabled: Sequence[str]) -> str:
    """What was benchmarked, on what."""
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
            f"  `dualwatch crawl` (no source named) crawls {len(sources)} enabled sources: "
            + ", ".join(s.name for s in sources)
            + (f" (disabled: {', '.join(disabled)})" if disabled else ""),
        ]
    )


def notes(results: Sequence[CrawlResult], plan: Sequence[SourceSites]) -> str:
    """The acceptance figures and the caveats, in words."""
    baseline = results[0]
    lines = [
        f"baseline: {baseline.requests} requests in {baseline.wall:.2f}s "
        f"({baseline.requests / baseline.wall:.1f} req/s overall, "
        f"{baseline.requests / max(baseline.stages.fetching, 1e-9):.1f} req/s while fetching); "
        f"stored {baseline.counts.all_notices} notices "
        f"({sum(len(baseline.stored.get(s.name, frozenset()) & s.bulk) for s in plan)} bulk)",
    ]
    if len(results) > 1:
        steady = results[1]
        stored = steady.counts.all_notices
        share = steady.requests / stored if stored else 0.0
        lines.append(
            f"steady state: {steady.requests} requests ({steady.statuses[304]} answered 304) "
            f"for {stored} stored notices = {share:.1%}; {steady.changes} change(s) detected; "
            f"{steady.wall:.2f}s"
        )
    for source in plan:
        if source.rolling:
            stored = len(baseline.stored.get(source.name, frozenset()))
            held = f"{len(source.existing)} notices its sites hold at state 1"
            bulk = f"{len(source.bulk)} of them bulk" if source.bulk else "its sites have no bulk"
            gap = (
                "the rest are only in archives it does not read: unreachable by design, "
                "not a failure"
                if stored < len(source.existing)
                else "nothing is out of its reach"
            )
            lines.append(
                f"{source.name} ({source.rolling}): stores {stored} of the {held} ({bulk}); {gap}"
            )
    lines.append(
        "steady req/stored above 100% for the rolling sources: each crawl re-checks every "
        "notice on their pages (all within revisit_days of the newest date) plus the pages."
    )
    lines.append(
        "peak RSS = max VmHWM over the CLI process and its descendants (the Scrapy process "
        "`python -m crawler.run`), polled from /proc every "
        f"{POLL_SECONDS * 1000:.0f} ms; crawl CPU = user+sys of that tree."
    )
    return "\n".join(lines)


def report(
    sources: Sequence[SourceConfig],
    disabled: Sequence[str],
    plan: Sequence[SourceSites],
    results: Sequence[CrawlResult],
    elapsed: float,
) -> str:
    """The whole printed report."""
    cross = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return "\n\n".join(
        [
            preamble(sources, disabled),
            "Crawls (requests = served by the replica; notices/versions/documents = stored "
            "after the crawl; changes = detected by the crawl)\n" + crawl_table(results),
            "Detection (new compared per document, modified/removed per URL)\n"
            + detection_table(results),
            "Where the time goes\n" + stage_table(results),
            "Per source, per crawl (the runs table)\n" + source_table(results),
            "Stored notices per source (baseline) vs steady-state requests\n"
            + reach_table(results, plan),
            notes(results, plan),
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


def run_steps(
    replica: Replica, home: Path, logs: Path, plan: Sequence[SourceSites], deadline: float
) -> list[CrawlResult]:
    """Run every step in order; stop early when one crawl fails to run."""
    results = []
    for step in STEPS:
        remaining = deadline - time.perf_counter()
        print(
            f"crawl {len(results) + 1}/{len(STEPS)}: {step.name} (state {step.state})…", flush=True
        )
        result = measure(replica, home, logs, step, timeout=max(remaining, 1.0))
        result.expected = expectation(result, plan, home)
        result.problems = check(result, plan)
        results.append(result)
        print(
            f"  {result.wall:.1f}s, {result.requests} requests, {result.changes} change(s)",
            flush=True,
        )
        if result.returncode != 0:
            err = (logs / f"{step.name.replace(' ', '-')}.err").read_text(errors="replace")
            print(f"crawl failed; end of its stderr:\n{err[-3000:]}", file=sys.stderr)
            break
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the report; return 0 when every check passed."""
    args = parse_args(argv)
    started = time.perf_counter()
    config = load_config(CONFIG)
    sources = [s for s in config.sources.values() if s.enabled]
    disabled = [s.name for s in config.sources.values() if not s.enabled]
    plan = plan_sources(sources)
    workdir = Path(tempfile.mkdtemp(prefix="dualwatch-bench-"))
    home, logs = workdir / "home", workdir / "logs"
    logs.mkdir()
    replica = Replica(port=0, state=1, bulk=BULK).start()
    results: list[CrawlResult] = []
    try:
        results = run_steps(replica, home, logs, plan, started + BUDGET_SECONDS)
        print()
        print(report(sources, disabled, plan, results, time.perf_counter() - started))
    finally:
        replica.stop()
        if args.keep:
            print(f"\ndata directory and crawl logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    problems = [p for r in results for p in r.problems]
    problems += [
        f"{s.name}: no replica site answers its configured URLs" for s in plan if not s.modules
    ]
    if len(results) < len(STEPS):
        problems.append(f"only {len(results)} of {len(STEPS)} crawls ran")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    print("\nresult: " + ("FAIL" if problems else "OK (all checks passed)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
