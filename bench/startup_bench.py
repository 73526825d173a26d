"""Fixed CPU cost of a crawl: `.venv/bin/python bench/startup_bench.py [--runs 5] [--importtime]`.

What runs
    The offline replica (``tests.replica.Replica(port=0, state=1)``) serves every site in this
    process on 127.0.0.1. Every crawl is the real CLI in a subprocess, as users run it::

        python -m monitors --config tests/replica/dualwatch.toml --home TMP --connect-to ...
            crawl --no-send [SOURCE]

    (the CLI runs ``python -m crawler.run``, the Scrapy process, as its child). One baseline
    crawl of every enabled source fills a fresh data directory; then ``--runs`` steady-state
    (quiet: the replica stays at state 1) crawls of ``mofcom`` alone, of every enabled source,
    and of every enabled source without ``--no-send`` (the CLI then classifies pending changes
    with the relevance rules and delivers, as a cron ``dualwatch crawl`` does).

What is measured
    CPU seconds (user + system) of each process tree: ``resource.getrusage(RUSAGE_CHILDREN)``
    deltas around ``subprocess.run`` (the CLI waits for its crawl child, so the child counts),
    and wall time. A split, each figure one fresh interpreter per run:

    * ``python -c pass``: the interpreter itself (every other figure includes it);
    * ``import monitors.cli.commands`` and ``python -m monitors --help``: CLI start;
    * ``import crawler.run``: what the crawl child imports before Scrapy starts crawling;
      ``import scrapy`` and ``from scrapy.crawler import CrawlerProcess`` for comparison;
    * ``import monitors.text.extract`` and ``import pypdf, docx, openpyxl``: the attachment readers;
    * rules: CPU (``time.process_time``, imports excluded) of ``load_rules`` on the shipped
      ``config/rules.toml`` with an empty cache directory (cold) and with the cache the cold
      run wrote (cached), and of matching one Chinese and one English notice after a load
      (terms are compiled when first needed, so this is where compilation cost shows up).
      Code without the cache has no cold/cached difference.

    Medians over ``--runs``; min and max in brackets. ``--importtime`` adds the heaviest
    imports (``-X importtime``, cumulative) of the CLI and the crawl child.

Timings on a shared machine vary (the load average is printed); compare medians.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.replica` importable
    sys.path.insert(0, str(ROOT))

from tests.replica import Replica  # noqa: E402

CONFIG = ROOT / "tests" / "replica" / "dualwatch.toml"
RULES = ROOT / "config" / "rules.toml"
PY = sys.executable
TIMEOUT = 240.0

#: Measures rules loading in a fresh interpreter: prints "load match_zh match_en" CPU seconds.
RULES_SNIPPET = """
import inspect, sys, time
from pathlib import Path
from monitors.rules.load import load_rules
path, cache = Path(sys.argv[1]), sys.argv[2]
kwargs = {}
if "cache_dir" in inspect.signature(load_rules).parameters:
    kwargs["cache_dir"] = Path(cache)
zh = ("商务部公告2025年第57号 关于加强部分两用物项对美国出口管制的公告",
      "根据《中华人民共和国出口管制法》等法律法规有关规定，为维护国家安全和利益，"
      "决定对稀土相关物项实施出口管制，并将有关实体列入不可靠实体清单。" * 20)
en = ("MOFCOM Announcement No. 57 of 2025 on export controls of dual-use items",
      "In accordance with the Export Control Law, the Ministry of Commerce decided to "
      "implement export controls on rare earth items, lithium batteries and graphite "
      "anode materials, and added entities to the unreliable entity list. " * 20)
t0 = time.process_time()
rules = load_rules(path, **kwargs)
t1 = time.process_time()
rules.match(title=zh[0], text=zh[1], source="mofcom")
t2 = time.process_time()
rules.match(title=en[0], text=en[1], source="mofcom-en")
t3 = time.process_time()
print(t1 - t0, t2 - t1, t3 - t2)
"""


@dataclass
class Sample:
    cpu: float
    wall: float


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_env() -> dict[str, str]:
    """This environment without DUALWATCH_* (the command line says everything)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}


def timed(command: Sequence[str], *, check: bool = True) -> tuple[Sample, str]:
    """Run ``command``; its process tree's CPU seconds, wall seconds and stdout."""
    cpu, wall = children_cpu(), time.perf_counter()
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    sample = Sample(children_cpu() - cpu, time.perf_counter() - wall)
    if check and done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}")
    return sample, done.stdout


def fmt(values: Sequence[float]) -> str:
    """``median [min–max]``, seconds."""
    return f"{statistics.median(values):6.3f} [{min(values):.3f}–{max(values):.3f}]"


def repeat(runs: int, command: Sequence[str]) -> list[Sample]:
    return [timed(command)[0] for _ in range(runs)]


def crawl_command(home: Path, connect_to: str, sources: Sequence[str], send: bool) -> list[str]:
    command = [PY, "-m", "monitors", "--config", str(CONFIG), "--home", str(home)]
    command += ["--connect-to", connect_to, "crawl", *sources]
    return command if send else [*command, "--no-send"]


def split(runs: int, row: Callable[[str, list[Sample]], None]) -> None:
    """CPU of imports and of rules loading, each in fresh interpreters."""
    imports = [
        ("python -c pass (interpreter)", "pass"),
        ("import monitors.cli.commands", "import monitors.cli.commands"),
        ("import crawler.run (crawl child)", "import crawler.run"),
        ("import scrapy", "import scrapy"),
        ("from scrapy.crawler import CrawlerProcess", "from scrapy.crawler import CrawlerProcess"),
        ("import monitors.text.extract", "import monitors.text.extract"),
        ("import crawler.attachments", "import crawler.attachments"),
        ("import pypdf, docx, openpyxl", "import pypdf, docx, openpyxl"),
    ]
    for label, code in imports:
        row(label, repeat(runs, [PY, "-c", code]))
    row("python -m monitors --help", repeat(runs, [PY, "-m", "monitors", "--help"]))


def rules_split(runs: int) -> None:
    """load_rules CPU: cold (empty cache directory) and cached (what the cold run wrote)."""
    with tempfile.TemporaryDirectory(prefix="dw-rules-") as tmp:
        cold: list[list[float]] = []
        warm: list[list[float]] = []
        for i in range(runs):
            cache = Path(tmp) / f"cache{i}"
            for into in (cold, warm):  # the first run writes the cache, the second reads it
                _, out = timed([PY, "-c", RULES_SNIPPET, str(RULES), str(cache)])
                into.append([float(x) for x in out.split()])
        leftovers = sorted({p.name for p in Path(tmp).rglob("*") if p.is_file()})
        for label, table in (("cold (no cache)", cold), ("cached", warm)):
            loads, zh, en = zip(*table, strict=True)
            print(f"  rules load, {label:<33} {fmt(loads)}")
            print(f"    then match a zh notice{'':<20} {fmt(zh)}")
            print(f"    then match an en notice{'':<19} {fmt(en)}")
        print(f"  cache files written: {', '.join(leftovers) or 'none'}")
        supports = "cache_dir" in inspect.signature(_load_rules()).parameters
        print(f"  (load_rules takes cache_dir: {'yes' if supports else 'no'})")


def _load_rules() -> Callable[..., object]:
    from monitors.rules.load import load_rules

    return load_rules


def importtime(code: str, top: int = 15) -> None:
    """The ``top`` heaviest imports of ``code`` by cumulative time (one run)."""
    done = subprocess.run(
        [PY, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, self_us, cumulative, name = (part.strip() for part in line.replace("|", ":").split(":"))
        rows.append((int(cumulative), int(self_us), name))
    print(f"\n-X importtime {code!r}: heaviest {top} (cumulative ms, self ms)")
    for cumulative, self_us, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative / 1000:7.1f} {self_us / 1000:6.1f}  {name}")


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' + uncommitted edits' if dirty else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--source", default="mofcom", help="the single source crawled")
    parser.add_argument("--importtime", action="store_true", help="list the heaviest imports")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args(argv)

    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, code {git_state()}"
    )
    print(f"runs per figure: {args.runs}; figures: CPU s median [min–max] (user+sys)\n")

    def row(label: str, samples: list[Sample]) -> None:
        cpu = fmt([s.cpu for s in samples])
        wall = fmt([s.wall for s in samples])
        print(f"  {label:<44} cpu {cpu}   wall {wall}")

    print("split (fresh interpreter each run):")
    split(args.runs, row)
    rules_split(args.runs)

    home = Path(tempfile.mkdtemp(prefix="dw-startup-"))
    replica = Replica(port=0, state=1).start()
    try:
        print(f"\nquiet crawls against the replica (state 1), data directory {home}:")
        baseline, _ = timed(crawl_command(home, replica.connect_to, [], send=False))
        print(
            f"  baseline crawl, every enabled source        cpu {baseline.cpu:6.3f}"
            f"   wall {baseline.wall:6.3f}  (once)"
        )
        cases = [
            (f"crawl --no-send {args.source}", [args.source], False),
            ("crawl --no-send (every enabled source)", [], False),
            ("crawl (every enabled source, sending)", [], True),
        ]
        for label, sources, send in cases:
            command = crawl_command(home, replica.connect_to, sources, send)
            row(label, repeat(args.runs, command))
    finally:
        replica.stop()
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)

    if args.importtime:
        importtime("import monitors.cli.commands")
        importtime("import crawler.run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
