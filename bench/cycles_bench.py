"""Multi-cycle benchmark of bounded re-verification: the real `dualwatch crawl --no-send SOURCE`,
cycle after cycle, against a bulk replica whose sites revise notices of every age and withdraw
one each cycle (``.venv/bin/python bench/cycles_bench.py [--bulk 1000] [--cycles 30]``).

What runs
    The replica (``tests.replica.Replica``, state 1) serves every site in this process on
    127.0.0.1; the sites of the crawled source(s) hold ``N`` bulk notices (``--bulk``; the
    others none, so sizes past the replica-wide limit of MOFA's archives work) and have the
    replica's opt-in churn (:mod:`tests.replica.content.churn`) switched on: www.mofcom.gov.cn
    for ``mofcom`` (the 政策发布 jpaas listing, N+20 notices), exportcontrol.mofcom.gov.cn for
    ``mofcom-ecl`` (column 1, 国内动态, N+16 rows; its columns 9 and 10 do not churn).
    Each churn cycle ``k`` revises three notices the listing shows, one among the newest 5 %
    (at most 50), one in the middle, one among the oldest 5 % (one sentence of the body
    changes; new ETag and Last-Modified), and withdraws one: odd cycles *removed* (gone from
    the listing, page 404), even cycles *delisted* (gone from the listing, page still served),
    in the bands old, mid, recent in turn. Nothing else changes: every other page answers 304
    to a conditional request.

    The configuration is written to the work directory: it extends ``bench/bench.toml`` (no
    politeness delay) and sets, for each crawled source, ``every = "1h"`` and
    ``reverify_days = P / 24`` so one re-verification period is ``P`` cycles (``--period``,
    default 24; hourly crawls with the default 7 days would be 168 cycles, too many to run),
    plus baselines deep enough for the bulk. Crawls, each a CLI subprocess on one data directory:

    1. baseline (no churn): stores every notice of the listing, detects nothing;
    2. ``--cycles`` churn cycles (default 30): advance the churn one cycle, then crawl;
    3. ``--drain`` cycles without churn (default P): so that every event's re-verification
       period has ended and each is either detected or missed;
    4. probes on a copy of the data directory (never counted as cycles), two crawls each:
       the production setting (``every = "1h"``, ``reverify_days = 7``) for the request
       share; re-verification and recent re-checks almost off (``reverify_days = 3650``,
       ``revisit_days = 1``: ~5 requests) for the fixed CPU of a crawl; and one crawl per
       period (``reverify_days = 1/24``: every stored notice re-checked, 304s) for the CPU of
       a re-checked page.

What is measured, per crawl
    wall time; CPU seconds of the CLI process tree (``RUSAGE_CHILDREN`` deltas; the Scrapy
    process is the CLI's child); the requests the replica served, by status and as listing
    (API/column/shell), detail (notice pages and attachments) and robots.txt; the runs row(s)
    (outcome, listing pages); the stored notices; the changes recorded, matched against the
    churn's ground truth: a change is *detected* when its URL and kind (modified, removed,
    delisted) match an event of the same or an earlier cycle not yet detected; anything else
    (a URL no event touched, another kind, a second change for one event, a ``new``) is a
    *false change*.

Figures
    Detection delay of an event of cycle ``k`` detected by the crawl of cycle ``d`` is
    ``d - k + 1`` cycles (1 = the first crawl after the change saw it); it must be <= P for
    every event. An event whose period ended (``k + P - 1 <= last cycle``) without detection
    is *missed*; one still inside its period at the end is *pending*. Requests per cycle and
    their share of the stored notices are averaged over the churn cycles after the first.
    CPU per re-checked page = (CPU of the "all" probe - CPU of the "fixed" probe) / (their
    difference in requests), medians of two crawls each; fixed CPU per crawl = the "fixed"
    probe's CPU minus its few requests at that cost (the intercept of CPU against requests
    through those two points). The baseline's CPU per request beyond the fixed cost (full
    fetches, parses and inserts) is shown for contrast, as is the mean CPU per churn cycle.

Acceptance (exit status 1 otherwise): every crawl ran and its runs are ``ok``, the baseline
stored every listed notice and detected nothing, every event was detected within P cycles
(none missed, none pending when ``--drain`` >= P), no false change, and the production-setting
probe used at most 5 % of the stored notices in requests.

``--bulk 1000 5000`` runs the whole bench once per size (fresh replica and data directory
each) and ends with a comparison, to show how the cost grows. One size of 1,000 takes one to
two minutes on two CPUs, 5,000 about two and a half.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.replica` importable
    sys.path.insert(0, str(ROOT))

from monitors.core.config import SourceConfig, load_config  # noqa: E402
from monitors.storage.store import Store  # noqa: E402
from tests.replica import Replica  # noqa: E402
from tests.replica.content.churn import (  # noqa: E402
    BANDS,
    KINDS,
    ChurnEvent,
    ChurnSet,
    start_churn,
)

BASE_CONFIG = ROOT / "bench" / "bench.toml"
DEFAULT_SOURCES = ("mofcom",)
#: Production figures the issue asks about: hourly crawls, every notice re-checked weekly.
PRODUCTION_EVERY_HOURS = 1
PRODUCTION_REVERIFY_DAYS = 7
TARGET_SHARE = 0.05
PROBES = 2
SAMPLES = 5
MIN_PAGE_SIZE = 15  # the smallest listing page of the churn-capable sites (jpaas: 15, ECL: 20)


@dataclass
class Crawl:
    """One `dualwatch crawl` and everything measured about it."""

    label: str  # "baseline", "cycle", "drain", "probe 7d", "probe fixed", "probe all"
    cycle: int  # 0 for the baseline and the probes
    events: list[ChurnEvent]  # churn applied just before this crawl
    returncode: int
    wall: float
    cpu: float
    statuses: Counter[int]
    kinds: Counter[str]  # listing / detail / robots
    runs: list[dict[str, object]]
    changes: list[tuple[str, str, str]]  # (kind, source, url)
    stored: int  # notices of the crawled sources in the store after the crawl
    live: int  # of which not removed
    detected: list[tuple[ChurnEvent, int]] = field(default_factory=list)  # (event, delay)
    false: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, url, why)

    @property
    def requests(self) -> int:
        """HTTP requests the replica served during the crawl."""
        return sum(self.statuses.values())

    @property
    def pages(self) -> int:
        """Listing pages the runs parsed (runs.pages)."""
        return sum(int(r.get("pages") or 0) for r in self.runs)

    @property
    def ok(self) -> bool:
        """The CLI exited 0 and every run is ok."""
        return (
            self.returncode == 0
            and bool(self.runs)
            and all(r.get("outcome") == "ok" for r in self.runs)
        )


@dataclass
class Outcome:
    """One bulk size's whole run."""

    bulk: int
    period: int
    sources: list[str]
    hosts: tuple[str, ...]
    listed: int  # notices the crawled listings showed at the start
    crawls: list[Crawl]
    events: list[ChurnEvent]
    last_cycle: int
    support: dict[str, bool]
    elapsed: float
    problems: list[str] = field(default_factory=list)

    def of(self, label: str) -> list[Crawl]:
        """The crawls with ``label``."""
        return [c for c in self.crawls if c.label == label]

    @property
    def cycles(self) -> list[Crawl]:
        """Churn and drain cycles, in order."""
        return [c for c in self.crawls if c.cycle > 0]

    def detection(self) -> dict[str, tuple[ChurnEvent, int]]:
        """URL -> (event, delay) of every detected event."""
        return {e.url: (e, d) for c in self.crawls for e, d in c.detected}

    def status(self, event: ChurnEvent) -> str:
        """ "detected", "missed" (its period ended undetected) or "pending"."""
        if event.url in self.detection():
            return "detected"
        return "missed" if event.cycle + self.period - 1 <= self.last_cycle else "pending"


# -- configuration ---------------------------------------------------------------------------


def crawler_support() -> dict[str, bool]:
    """Whether the crawler side of the issue is there yet (the bench runs either way)."""
    detect = (ROOT / "monitors" / "changes" / "detect.py").read_text(encoding="utf-8")
    return {
        "reverify_days": "reverify_days" in {f.name for f in fields(SourceConfig)},
        "delisted": "delisted" in detect,
    }


def write_config(
    path: Path,
    sources: Sequence[str],
    bulk: int,
    every_hours: float,
    reverify_days: float,
    revisit_days: int | None = None,
) -> Path:
    """A configuration extending bench/bench.toml for the crawled sources."""
    pages = max(100, math.ceil((bulk + 200) / MIN_PAGE_SIZE) + 5)
    lines = [
        "# Written by bench/cycles_bench.py.",
        f'extends = "{BASE_CONFIG.as_posix()}"',
        "",
        "[crawl]",
        f"crawl_timeout = {max(240, bulk // 10 + 120)}",
    ]
    for name in sources:
        lines += [
            "",
            f"[sources.{name}]",
            f'every = "{every_hours:g}h"',
            f"reverify_days = {reverify_days!r}",
            f"baseline_listing_pages = {pages}",
        ]
        if revisit_days is not None:
            lines.append(f"revisit_days = {revisit_days}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- running a crawl -------------------------------------------------------------------------


def cpu_children() -> float:
    """User + system CPU seconds of every waited-for descendant so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def request_kind(path: str) -> str:
    """``listing`` (API, column shells), ``robots`` or ``detail`` (pages and attachments)."""
    bare = path.partition("?")[0]
    if bare == "/robots.txt":
        return "robots"
    if "/api-gateway/" in bare or "getColumnList" in bare or bare.endswith(("/", "index.html")):
        return "listing"
    return "detail"


def store_figures(
    home: Path, sources: Sequence[str], run_id: int
) -> tuple[list[dict[str, object]], list[tuple[str, str, str]], int, int, int]:
    """Runs and changes above ``run_id``, stored and live notices, and the highest run id."""
    db = home / "dualwatch.db"
    if not db.exists():
        return [], [], 0, 0, 0
    marks = ",".join("?" * len(sources))
    with Store.open(db) as store:
        runs = [
            dict(r) for r in store.db.query("SELECT * FROM runs WHERE id > ? ORDER BY id", [run_id])
        ]
        changes = [
            (r["kind"], r["source"], r["url"])
            for r in store.db.query(
                "SELECT kind, source, url FROM changes WHERE run_id > ? ORDER BY id", [run_id]
            )
        ]
        stored, live = store.db.execute(
            f"SELECT count(*), coalesce(sum(coalesce(status, '') != 'removed'), 0) "
            f"FROM notices WHERE source IN ({marks})",
            list(sources),
        ).fetchone()
        last = store.db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]
    return runs, changes, stored, live, last


def run_crawl(
    replica: Replica,
    config: Path,
    home: Path,
    sources: Sequence[str],
    log: Path,
    timeout: float,
) -> tuple[int, float, float, Counter[int], Counter[str]]:
    """One `dualwatch crawl --no-send SOURCE...`: (returncode, wall, CPU, statuses, kinds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
    command = [
        sys.executable,
        "-m",
        "monitors",
        "--config",
        str(config),
        "--home",
        str(home),
        "--connect-to",
        replica.connect_to,
        "crawl",
        "--no-send",
        *sources,
    ]
    replica.reset_log()
    cpu = cpu_children()
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session this bench started
            returncode = process.wait()
    wall = time.perf_counter() - started
    served = replica.requests()
    statuses = Counter(status for _, _, _, status in served)
    kinds = Counter(request_kind(target) for _, _, target, _ in served)
    return returncode, wall, cpu_children() - cpu, statuses, kinds


class Bench:
    """One bulk size: replica, churn, data directory, crawls."""

    def __init__(self, args: argparse.Namespace, bulk: int, workdir: Path) -> None:
        self.args, self.bulk, self.period = args, bulk, args.period
        self.sources: list[str] = args.source
        self.workdir = workdir
        self.home = workdir / "home"
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True)
        every = 1.0
        self.config = write_config(
            workdir / "cycles.toml", self.sources, bulk, every, self.period * every / 24
        )
        # Only the crawled sites get the bulk (see bulk_sites); the others keep none.
        self.replica = Replica(port=0, state=1, bulk=0)
        self.churn: ChurnSet | None = None
        self.crawls: list[Crawl] = []
        self.truth: dict[str, ChurnEvent] = {}
        self.found: set[str] = set()

    def hosts(self) -> list[str]:
        """The churn-capable replica hosts of the crawled sources."""
        config = load_config(self.config)
        able = {s.host for s in self.replica.app.sites if hasattr(s, "enable_churn")}
        hosts = []
        for name in self.sources:
            if name not in config.sources:
                raise SystemExit(f"unknown source {name!r}; known: {', '.join(config.sources)}")
            mine = [h for h in config.sources[name].hosts if h in able]
            if not mine:
                raise SystemExit(
                    f"source {name!r} reads {', '.join(config.sources[name].hosts)}: no replica "
                    f"churn there (churn-capable hosts: {', '.join(sorted(able))})"
                )
            hosts += mine
        return hosts

    def bulk_sites(self, hosts: Sequence[str]) -> None:
        """Give the sites of ``hosts`` the bulk: a new instance built with ``bulk`` notices
        replaces the replica's (built with none). The replica-wide ``bulk`` cannot go past the
        MOFA archives' limit of 3,000, and only the crawled sites matter here."""
        sites = self.replica.app.sites
        for index, site in enumerate(sites):
            if site.host in hosts and hasattr(site, "enable_churn"):
                sites[index] = type(site)(self.bulk)  # type: ignore[call-arg]

    def crawl(
        self,
        label: str,
        cycle: int,
        events: list[ChurnEvent],
        deadline: float,
        *,
        config: Path | None = None,
        home: Path | None = None,
        match: bool = True,
    ) -> Crawl:
        """Run and measure one crawl; match its changes with the ground truth."""
        home = home or self.home
        slug = f"{len(self.crawls):03d}-{label.replace(' ', '-')}"
        timeout = max(deadline - time.perf_counter(), 30.0)
        since = store_figures(home, self.sources, 1 << 62)[4]  # the last run before this crawl
        returncode, wall, cpu, statuses, kinds = run_crawl(
            self.replica, config or self.config, home, self.sources, self.logs / slug, timeout
        )
        runs, changes, stored, live, _ = store_figures(home, self.sources, since)
        crawl = Crawl(
            label,
            cycle,
            events,
            returncode,
            wall,
            cpu,
            statuses,
            kinds,
            runs,
            changes,
            stored,
            live,
        )
        if match:
            self._match(crawl)
        self.crawls.append(crawl)
        return crawl

    def _match(self, crawl: Crawl) -> None:
        for kind, _source, url in crawl.changes:
            event = self.truth.get(url)
            if event is None:
                crawl.false.append((kind, url, "no churn event"))
            elif url in self.found:
                crawl.false.append((kind, url, f"again (event: {event.kind} at {event.cycle})"))
            elif kind != event.kind:
                crawl.false.append((kind, url, f"wrong kind (event: {event.kind})"))
            else:
                self.found.add(url)
                crawl.detected.append((event, crawl.cycle - event.cycle + 1))

    def run(self) -> Outcome:
        """Baseline, churn cycles, drain cycles, probes; the outcome."""
        started = time.perf_counter()
        deadline = started + self.args.budget
        hosts = self.hosts()
        self.bulk_sites(hosts)
        self.replica.start()
        try:
            self.churn = start_churn(self.replica.app.sites, seed=self.args.seed, hosts=hosts)
            listed = self.churn.listed(self.replica.state)
            say(
                f"bulk={self.bulk}: baseline crawl of {', '.join(self.sources)} "
                f"({listed} notices listed on {', '.join(hosts)})…"
            )
            base = self.crawl("baseline", 0, [], deadline)
            say(f"  {base.wall:.1f}s, {base.requests} requests, stored {base.stored}")
            last = self._cycles(deadline)
            self._probes(deadline)
        finally:
            self.replica.stop()
        return Outcome(
            self.bulk,
            self.period,
            self.sources,
            tuple(hosts),
            listed,
            self.crawls,
            self.churn.events,
            last,
            crawler_support(),
            time.perf_counter() - started,
        )

    def _cycles(self, deadline: float) -> int:
        assert self.churn is not None
        total = self.args.cycles + self.args.drain
        cycle = 0
        for cycle in range(1, total + 1):
            if time.perf_counter() > deadline - self._reserve():
                say(f"  time budget reached: stopping after cycle {cycle - 1} of {total}")
                return cycle - 1
            churning = cycle <= self.args.cycles
            events = self.churn.advance(self.replica.state) if churning else []
            for event in events:
                self.truth[event.url] = event
            crawl = self.crawl("cycle" if churning else "drain", cycle, events, deadline)
            pending = len(self.truth) - len(self.found)
            say(
                f"  cycle {cycle:>3}{'' if churning else ' (drain)'}: {crawl.wall:.1f}s, "
                f"{crawl.requests} requests, {len(crawl.detected)} detected, "
                f"{len(crawl.false)} false, {pending} undetected so far"
                + ("" if crawl.ok else f", NOT OK (exit {crawl.returncode})")
            )
        return cycle

    def _reserve(self) -> float:
        """Seconds kept for the probes."""
        cycles = [c.wall for c in self.crawls if c.cycle > 0] or [5.0]
        return 2 * PROBES * max(cycles) + 5 + PROBES * self.bulk / 300  # ~300 304s a second

    def _probes(self, deadline: float) -> None:
        probe_home = self.workdir / "probe-home"
        shutil.copytree(self.home, probe_home)  # no crawl runs now: the copy is consistent
        production = write_config(
            self.workdir / "production.toml",
            self.sources,
            self.bulk,
            PRODUCTION_EVERY_HOURS,
            PRODUCTION_REVERIFY_DAYS,
        )
        fixed = write_config(
            self.workdir / "fixed.toml", self.sources, self.bulk, 1, 3650, revisit_days=1
        )
        # One crawl per period: the crawl re-checks every stored notice (304s).
        everything = write_config(
            self.workdir / "all.toml", self.sources, self.bulk, 1, 1 / 24, revisit_days=1
        )
        probes = (("probe 7d", production), ("probe fixed", fixed), ("probe all", everything))
        for label, config in probes:
            for _ in range(PROBES):
                crawl = self.crawl(
                    label, 0, [], deadline, config=config, home=probe_home, match=False
                )
                say(
                    f"  {label}: {crawl.wall:.1f}s, {crawl.requests} requests, CPU {crawl.cpu:.2f}s"
                )


def say(text: str) -> None:
    """Progress on stdout, flushed."""
    print(text, flush=True)


# -- report ----------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A right-aligned text table (first column left-aligned)."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}"
        rest = (f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def share(part: float, whole: float) -> str:
    """``part / whole`` as a percentage."""
    return f"{part / whole:.1%}" if whole else "-"


def mean(values: Sequence[float]) -> float:
    """The mean (0 for nothing)."""
    return statistics.fmean(values) if values else 0.0


def median(values: Sequence[float]) -> float:
    """The median (0 for nothing)."""
    return statistics.median(values) if values else 0.0


def event_code(events: Sequence[ChurnEvent]) -> str:
    """``3m 1r`` etc."""
    counts = Counter(e.kind for e in events)
    return " ".join(f"{counts[k]}{k[0]}" for k in KINDS if counts[k]) or "-"


def cycle_table(out: Outcome) -> str:
    """One row per crawl of the main data directory."""
    headers = (
        "crawl", "churn", "outcome", "wall s", "CPU s", "requests", "200", "304", "404",
        "listing", "detail", "req/stored", "detected", "false", "undetected",
    )  # fmt: skip
    rows, found, made = [], 0, 0
    for c in out.crawls:
        if c.label.startswith("probe"):
            continue
        made += len(c.events)
        found += len(c.detected)
        outcome = ",".join(sorted({str(r.get("outcome")) for r in c.runs})) or "-"
        if c.returncode:
            outcome += f" (exit {c.returncode})"
        rows.append(
            (
                c.label if c.cycle == 0 else f"{c.label} {c.cycle}",
                event_code(c.events),
                outcome,
                f"{c.wall:.2f}",
                f"{c.cpu:.2f}",
                str(c.requests),
                str(c.statuses[200]),
                str(c.statuses[304]),
                str(c.statuses[404]),
                str(c.kinds["listing"]),
                str(c.kinds["detail"]),
                share(c.requests, c.live),
                event_code([e for e, _ in c.detected]),
                str(len(c.false)),
                str(made - found),
            )
        )
    return table(headers, rows)


def detection_table(out: Outcome) -> str:
    """Per kind and age band: events, detected, missed, pending, delays."""
    found = out.detection()
    headers = ("kind", "band", "events", "detected", "missed", "pending", "max delay",
               "mean delay", "ages (days)")  # fmt: skip
    rows = []
    for kind in KINDS:
        for band in BANDS:
            events = [e for e in out.events if e.kind == kind and e.band == band]
            if not events:
                continue
            delays = [found[e.url][1] for e in events if e.url in found]
            statuses = Counter(out.status(e) for e in events)
            ages = sorted(e.age_days for e in events)
            rows.append(
                (
                    kind,
                    band,
                    str(len(events)),
                    str(statuses["detected"]),
                    str(statuses["missed"]),
                    str(statuses["pending"]),
                    str(max(delays)) if delays else "-",
                    f"{mean(delays):.1f}" if delays else "-",
                    f"{ages[0]}-{ages[-1]}",
                )
            )
    return table(headers, rows)


@dataclass(frozen=True)
class Figures:
    """The summary figures of one bulk size."""

    bulk: int
    stored: int
    steady_requests: float
    steady_max: int
    steady_share: float
    steady_cpu: float
    production_requests: float
    production_share: float
    fixed_cpu: float
    per_page_ms: float
    baseline_per_page_ms: float
    baseline_requests: int
    baseline_wall: float
    detected: int
    events: int
    missed: int
    pending: int
    max_delay: int | None
    false: int


def figures(out: Outcome) -> Figures:
    """Steady-state, production-probe and CPU figures."""
    churned = [c for c in out.of("cycle") if c.cycle > 1] or out.of("cycle")
    stored = churned[-1].live if churned else 0
    steady_req = mean([c.requests for c in churned])
    steady_cpu = mean([c.cpu for c in churned])
    production = out.of("probe 7d")
    fixed_probes, full_probes = out.of("probe fixed"), out.of("probe all")
    prod_req = mean([c.requests for c in production])
    prod_stored = production[-1].live if production else 0
    probe_cpu = median([c.cpu for c in fixed_probes])
    probe_req = median([c.requests for c in fixed_probes])
    full_cpu = median([c.cpu for c in full_probes])
    full_req = median([c.requests for c in full_probes])
    per_page = (full_cpu - probe_cpu) / (full_req - probe_req) if full_req > probe_req else 0.0
    fixed = probe_cpu - probe_req * per_page
    base = out.of("baseline")[0]
    found = out.detection()
    delays = [d for _, d in found.values()]
    statuses = Counter(out.status(e) for e in out.events)
    return Figures(
        bulk=out.bulk,
        stored=stored,
        steady_requests=steady_req,
        steady_max=max((c.requests for c in churned), default=0),
        steady_share=steady_req / stored if stored else 0.0,
        steady_cpu=steady_cpu,
        production_requests=prod_req,
        production_share=prod_req / prod_stored if prod_stored else 0.0,
        fixed_cpu=fixed,
        per_page_ms=per_page * 1000,
        baseline_per_page_ms=(base.cpu - fixed) / base.requests * 1000 if base.requests else 0,
        baseline_requests=base.requests,
        baseline_wall=base.wall,
        detected=statuses["detected"],
        events=len(out.events),
        missed=statuses["missed"],
        pending=statuses["pending"],
        max_delay=max(delays) if delays else None,
        false=sum(len(c.false) for c in out.crawls if not c.label.startswith("probe")),
    )


def check(out: Outcome, fig: Figures, drain: int) -> list[str]:
    """What fails the acceptance."""
    problems = []
    tag = f"bulk={out.bulk}"
    for c in out.crawls:
        if not c.ok:
            what = ", ".join(f"{r.get('source')} {r.get('outcome')}" for r in c.runs) or "no run"
            problems.append(
                f"{tag}: {c.label} {c.cycle or ''} not ok (exit {c.returncode}; {what})"
            )
    base = out.of("baseline")[0]
    if base.stored < out.listed:
        problems.append(f"{tag}: baseline stored {base.stored} of the {out.listed} listed notices")
    if base.changes:
        problems.append(f"{tag}: baseline detected {len(base.changes)} change(s)")
    if fig.missed:
        problems.append(
            f"{tag}: {fig.missed} of {fig.events} churn events not detected within "
            f"the {out.period}-cycle re-verify period"
        )
    if fig.pending and drain >= out.period:
        problems.append(f"{tag}: {fig.pending} events still undetected")
    if fig.max_delay is not None and fig.max_delay > out.period:
        problems.append(f"{tag}: max detection delay {fig.max_delay} > period {out.period}")
    if fig.false:
        problems.append(f"{tag}: {fig.false} false change(s)")
    if fig.production_share > TARGET_SHARE:
        problems.append(
            f"{tag}: hourly + {PRODUCTION_REVERIFY_DAYS}-day crawls use "
            f"{fig.production_share:.1%} of stored notices in requests "
            f"(target <= {TARGET_SHARE:.0%})"
        )
    return problems


def undetected_list(out: Outcome) -> str:
    """The missed (and pending) events, a few of each kind."""
    lines = []
    for state in ("missed", "pending"):
        events = [e for e in out.events if out.status(e) == state]
        if not events:
            continue
        lines.append(
            f"{state} ({len(events)}): not detected within "
            + (
                f"the {out.period}-cycle period"
                if state == "missed"
                else f"the {out.last_cycle - min(e.cycle for e in events) + 1} cycles "
                "run since (period still open)"
            )
        )
        for kind in KINDS:
            some = [e for e in events if e.kind == kind]
            for e in some[:SAMPLES]:
                lines.append(
                    f"  {e.kind:<8} cycle {e.cycle:>3}  {e.band:<6} pos {e.position:>5}/"
                    f"{e.listed}  age {e.age_days:>4} d  {e.url}"
                )
            if len(some) > SAMPLES:
                lines.append(f"  … {len(some) - SAMPLES} more {kind}")
    return "\n".join(lines) or "every churn event was detected"


def false_list(out: Outcome) -> str:
    """False changes, a few."""
    found = [(c, f) for c in out.crawls for f in c.false]
    if not found:
        return "false changes: 0"
    lines = [f"false changes: {len(found)}"]
    for c, (kind, url, why) in found[: SAMPLES * 2]:
        lines.append(f"  {c.label} {c.cycle}: {kind} {url} ({why})")
    return "\n".join(lines)


def summary(out: Outcome, fig: Figures) -> str:
    """The acceptance figures in words."""
    hours = PRODUCTION_EVERY_HOURS * 24 * PRODUCTION_REVERIFY_DAYS
    base = out.of("baseline")[0]
    delay = "-" if fig.max_delay is None else str(fig.max_delay)
    delays = [d for _, d in out.detection().values()]
    return "\n".join(
        [
            f"detection: {fig.detected} of {fig.events} events detected "
            f"({fig.missed} missed, {fig.pending} pending); delay max {delay}, mean "
            f"{mean(delays):.1f} cycles (must be <= period = {out.period}); "
            f"false changes {fig.false}",
            f"steady state (churn cycles 2..{len(out.of('cycle'))}, period {out.period} cycles): "
            f"{fig.steady_requests:.1f} requests per cycle (max {fig.steady_max}) for "
            f"{fig.stored} stored notices = {fig.steady_share:.1%}",
            f"production setting (every 1h, reverify_days {PRODUCTION_REVERIFY_DAYS} = {hours} "
            f"cycles per period), measured by probe crawls: {fig.production_requests:.1f} "
            f"requests per cycle = {fig.production_share:.1%} of stored "
            f"(target <= {TARGET_SHARE:.0%}; the re-verify budget alone "
            f"≈ ceil({fig.stored}/{hours}) = "
            f"{math.ceil(fig.stored / hours) if fig.stored else 0})",
            f"CPU: {fig.steady_cpu:.2f}s per churn cycle; fixed CPU per crawl "
            f"{fig.fixed_cpu:.2f}s; {fig.per_page_ms:.2f} ms per re-checked page (304); "
            f"baseline {base.cpu:.2f}s for {base.requests} requests = "
            f"{fig.baseline_per_page_ms:.1f} ms per page beyond the fixed cost",
        ]
    )


def preamble(args: argparse.Namespace, support: dict[str, bool]) -> str:
    """What was benchmarked, on what."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    have = ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in support.items())
    lines = [
        f"dualwatch re-verification cycles benchmark: source(s) {', '.join(args.source)}, "
        f"bulk {' and '.join(map(str, args.bulk))}, {args.cycles} churn cycles + {args.drain} "
        f"drain cycles, period {args.period} cycles (every 1h, reverify_days "
        f"{args.period / 24:g}), churn seed {args.seed}",
        f"  Python {platform.python_version()}, Scrapy {version('scrapy')}, "
        f"{os.cpu_count()} CPU(s), load average {load}; replica served from this process",
        f"  crawler support: {have}",
    ]
    if not all(support.values()):
        lines.append(
            "  (without bounded re-verification in the crawler, revisions and withdrawals of "
            "notices older than the recent-revisit window are expected to be missed)"
        )
    return "\n".join(lines)


def report(out: Outcome, fig: Figures) -> str:
    """Everything printed for one bulk size."""
    probes = [c for c in out.crawls if c.label.startswith("probe")]
    probe_rows = [
        (
            c.label,
            f"{c.wall:.2f}",
            f"{c.cpu:.2f}",
            str(c.requests),
            str(c.statuses[200]),
            str(c.statuses[304]),
            str(c.statuses[404]),
            str(c.kinds["listing"]),
            str(c.kinds["detail"]),
            share(c.requests, c.live),
            str(len(c.changes)),
        )
        for c in probes
    ]
    probe_headers = ("probe", "wall s", "CPU s", "requests", "200", "304", "404", "listing",
                     "detail", "req/stored", "changes")  # fmt: skip
    return "\n\n".join(
        [
            f"=== bulk {out.bulk}: {out.listed} notices listed on {', '.join(out.hosts)}; "
            f"{len(out.events)} churn events over {len(out.of('cycle'))} cycles; "
            f"{out.elapsed:.0f}s ===",
            "Crawls (churn = events applied before the crawl: m modified, r removed (404, "
            "unlisted), d delisted (unlisted, served); req/stored = requests / live stored "
            "notices; undetected = events so far not yet detected)\n" + cycle_table(out),
            "Detection per kind and age band (delay in cycles; 1 = the first crawl after the "
            "change)\n" + detection_table(out),
            undetected_list(out),
            false_list(out),
            "Probes on a copy of the data directory (not cycles; changes they record are "
            "not counted)\n" + table(probe_headers, probe_rows),
            summary(out, fig),
        ]
    )


def comparison(figs: Sequence[Figures]) -> str:
    """How the figures grow with the bulk."""
    headers = ("bulk", "stored", "baseline req", "baseline s", "req/cycle", "share",
               "req/cycle 7d", "share 7d", "CPU/cycle s", "fixed CPU s", "ms/304 page",
               "baseline ms/page", "detected", "missed", "false")  # fmt: skip
    rows = [
        (
            str(f.bulk),
            str(f.stored),
            str(f.baseline_requests),
            f"{f.baseline_wall:.1f}",
            f"{f.steady_requests:.1f}",
            f"{f.steady_share:.1%}",
            f"{f.production_requests:.1f}",
            f"{f.production_share:.1%}",
            f"{f.steady_cpu:.2f}",
            f"{f.fixed_cpu:.2f}",
            f"{f.per_page_ms:.2f}",
            f"{f.baseline_per_page_ms:.1f}",
            f"{f.detected}/{f.events}",
            str(f.missed),
            str(f.false),
        )
        for f in figs
    ]
    return "How cost grows with the number of stored notices\n" + table(headers, rows)


# -- main ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bulk",
        type=int,
        nargs="+",
        default=[1000],
        help="bulk notices per site; several sizes run one after the other (default 1000)",
    )
    parser.add_argument("--cycles", type=int, default=30, help="churn cycles (default 30)")
    parser.add_argument(
        "--drain",
        type=int,
        default=None,
        help="cycles without churn after them (default: the period)",
    )
    parser.add_argument(
        "--period",
        type=int,
        default=24,
        help="cycles per re-verify period: every = 1h, reverify_days = period/24 (default 24)",
    )
    parser.add_argument(
        "--source",
        action="append",
        default=None,
        help="source to crawl (repeatable; default mofcom; mofcom-ecl too)",
    )
    parser.add_argument("--seed", type=int, default=1, help="churn seed (default 1)")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per bulk size before cycles stop early "
        "(default 290, or 600 above 2,000 bulk)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    args = parser.parse_args(argv)
    args.source = args.source or list(DEFAULT_SOURCES)
    if args.drain is None:
        args.drain = args.period
    if args.period < 1 or args.cycles < 1 or args.drain < 0:
        parser.error("--period and --cycles must be >= 1, --drain >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark for each bulk size; print the reports; 0 when everything passed."""
    args = parse_args(argv)
    support = crawler_support()
    print(preamble(args, support), flush=True)
    outcomes, figs, problems = [], [], []
    for bulk in args.bulk:
        workdir = Path(tempfile.mkdtemp(prefix=f"dualwatch-cycles-{bulk}-"))
        budget = args.budget
        bench_args = argparse.Namespace(**vars(args))
        bench_args.budget = budget if budget is not None else (600.0 if bulk > 2000 else 290.0)
        try:
            out = Bench(bench_args, bulk, workdir).run()
            fig = figures(out)
            out.problems = check(out, fig, args.drain)
            outcomes.append(out)
            figs.append(fig)
            problems += out.problems
            print()
            print(report(out, fig), flush=True)
        finally:
            if args.keep:
                print(f"\nwork directory (config, data, crawl logs) kept in {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    if len(figs) > 1:
        print()
        print(comparison(figs))
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    print("\nresult: " + ("FAIL" if problems else "OK (all checks passed)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
