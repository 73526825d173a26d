"""One writer per source: advisory file locks under ``<home>/locks/``.

A crawl holds the lock of every source it crawls, from before the crawl process starts until
its alerts are delivered, so a manual `dualwatch crawl` and the daemon never crawl one source
at once (and never alert twice). Locks are ``flock`` locks: the kernel releases them when the
holding process dies, so a killed crawl never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from monitors.core.errors import SourceBusyError

POLL_SECONDS = 0.2


@contextmanager
def source_lock(home: Path, source: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock of ``source``; wait up to ``wait`` seconds, then raise SourceBusyError."""
    directory = home / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{source}.lock"
    with open(path, "a+", encoding="utf-8") as handle:
        _acquire(handle, source, path, wait)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def source_locks(home: Path, sources: Sequence[str], wait: float = 0.0) -> Iterator[None]:
    """Hold the locks of several sources (taken in sorted order, so two callers never
    deadlock); all or none."""
    with ExitStack() as stack:
        deadline = time.monotonic() + wait
        for source in sorted(set(sources)):
            remaining = max(deadline - time.monotonic(), 0.0)
            stack.enter_context(source_lock(home, source, remaining))
        yield


@contextmanager
def delivery_lock(home: Path, wait: float = 120.0) -> Iterator[None]:
    """Held while delivering, so two processes (or daemon threads: flock is per open file)
    never send one ledger row twice."""
    with source_lock(home, ".delivery", wait):
        yield


@contextmanager
def publish_lock(home: Path, wait: float = 300.0) -> Iterator[None]:
    """Held while rewriting the feeds and the bulletin, so two crawls finishing together
    (daemon threads, or a manual crawl beside the daemon) never write them at once."""
    with source_lock(home, ".publish", wait):
        yield


def _acquire(handle, source: str, path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = path.read_text(encoding="utf-8").strip() or "?"
                raise SourceBusyError(
                    f"source {source!r} is being crawled by another dualwatch process "
                    f"(pid {holder}); try again later or use --wait"
                ) from None
            time.sleep(POLL_SECONDS)
