"""Run a crawl in a child process (`python -m crawler.run`), with a timeout.

A fresh process per crawl sidesteps Twisted's non-restartable reactor, keeps Scrapy out of
the caller's memory, and means a crash or hang in a spider cannot take the caller down.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from monitors.core.config import PROJECT_ROOT, Config

log = logging.getLogger(__name__)
TERMINATE_GRACE_SECONDS = 15
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ProcessResult:
    """How the crawl process ended."""

    returncode: int
    timed_out: bool
    seconds: float


def crawl_command(
    config: Config, sources: Sequence[str], *, batch: str, full: bool, verbosity: int
) -> list[str]:
    """The command line of a crawl process."""
    command = [
        sys.executable,
        "-m",
        "crawler.run",
        *sources,
        "--config",
        str(config.path.resolve()),
        "--home",
        str(config.home),
        "--connect-to",
        config.connect_to,
        "--batch",
        batch,
    ]
    if full:
        command.append("--full")
    return command + ["-v"] * verbosity


def run_crawl_process(
    config: Config, sources: Sequence[str], *, batch: str, full: bool = False, verbosity: int = 0
) -> ProcessResult:
    """Run one crawl process to completion (or until ``crawl.crawl_timeout``)."""
    command = crawl_command(config, sources, batch=batch, full=full, verbosity=verbosity)
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent()
    )
    try:
        returncode = process.wait(timeout=config.crawl.crawl_timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        log.error(
            "crawl of %s exceeded %ss; stopping it", ", ".join(sources), config.crawl.crawl_timeout
        )
        process.terminate()
        try:
            returncode = process.wait(timeout=TERMINATE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            returncode = process.wait()
        timed_out = True
    return ProcessResult(returncode, timed_out, time.monotonic() - started)


@functools.cache
def _die_with_parent() -> Callable[[], None] | None:
    """The ``preexec_fn`` that makes a crawl child get SIGTERM when its parent dies (Linux),
    so a crawl never outlives a killed daemon and crawls a source a restarted one is
    crawling too; None elsewhere.

    libc is looked up here, once, in the parent (``find_library`` runs ``ldconfig``: not
    something to do in a child forked from a threaded daemon); the child only makes the
    one ``prctl`` call.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl

    def set_parent_death_signal() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_parent_death_signal
