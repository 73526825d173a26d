"""`dualwatch daemon`: run the schedule of monitors.ops.scheduler until SIGTERM or SIGINT.

Each crawl is `monitors.tasks.crawl` — one child process per crawl, with a timeout, under the
source's lock, delivering its alerts (and health notices) before it lets go — so a crash,
hang or leak in a spider never takes the daemon down. A scheduled crawl waits up to
``[daemon] lock_wait`` for a manual crawl of the same source, then skips that run. An error
inside any job is logged with the job's id and the daemon carries on. On SIGTERM or SIGINT no
new job starts, running crawl processes are asked to stop (SIGTERM, again, then SIGKILL if
they linger), running jobs are awaited up to a bound, and :func:`run_daemon` returns 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from logging.handlers import WatchedFileHandler
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler

from monitors import tasks
from monitors.changes.alerts import SendReport
from monitors.core.config import Config
from monitors.core.durations import parse_duration
from monitors.core.errors import ConfigError, DualwatchError, SourceBusyError
from monitors.core.logsetup import configure_logging
from monitors.ops.scheduler import JobFunctions, build_scheduler, enabled_sources, overdue_sources
from monitors.storage.store import Store

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
#: A crawl waiting for a source's lock retries in slices this long (stopping is not held up).
LOCK_SLICE_SECONDS = 1.0
#: A crawl process asked to stop (SIGTERM) gets this long to finish its requests in flight,
ASK_SECONDS = 4.0
#: and this long after a second SIGTERM (Scrapy's "stop now") before it is killed.
INSIST_SECONDS = 4.0
#: Stopping waits at most this long for running jobs.
STOP_DEADLINE_SECONDS = 30.0
KILLED = 3  # CrawlStopper's count for a process sent SIGKILL
#: What pruned raw HTML becomes: an empty page, still a valid zlib stream (8 bytes).
EMPTY_RAW_HTML = zlib.compress(b"")
PRUNE_BATCH = 500


def prune_raw_html(store: Store, older_than_days: int, *, now: datetime | None = None) -> int:
    """Drop the raw HTML of superseded versions fetched more than ``older_than_days`` ago.

    A notice's current version keeps its page; text, hashes, metadata and diffs are never
    touched. Pruned pages become :data:`EMPTY_RAW_HTML`, so ``Store.raw_html`` returns
    ``b""``. Works in batches (one short transaction each) so a crawl writing at the same
    time is not blocked for long. Returns how many versions were pruned; 0 days keeps all.
    """
    if older_than_days <= 0:
        return 0
    moment = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    cutoff = moment.replace(microsecond=0).isoformat()
    pruned = 0
    while True:
        count = store.prune_raw_html(cutoff, EMPTY_RAW_HTML, PRUNE_BATCH)
        pruned += count
        if count < PRUNE_BATCH:
            return pruned


@contextmanager
def reported(job: str) -> Iterator[None]:
    """Log a DualwatchError raised inside a job (naming the job) instead of raising it."""
    try:
        yield
    except DualwatchError as exc:
        log.error("%s failed: %s; the daemon carries on", job, exc)


class DaemonJobs:
    """The work behind each scheduled job, over the same verbs as the CLI.

    The jobs that deliver without crawling (``deliver``, digests, ``catch-up``) share the
    scheduler's one-thread default executor, so they never run at once.
    """

    def __init__(self, config: Config, stopping: threading.Event, verbosity: int = 0) -> None:
        self.config = config
        self.stopping = stopping
        self.verbosity = verbosity
        self.lock_wait = parse_duration(config.daemon.lock_wait, "[daemon] lock_wait")

    def functions(self) -> JobFunctions:
        """The callables the scheduler runs."""
        return JobFunctions(
            crawl=self.crawl, digest=self.digest, deliver=self.deliver, retention=self.retention
        )

    def crawl(self, source: str) -> None:
        """Crawl one source in a child process and deliver what it found."""
        job = f"crawl:{source}"
        if self._stopped(job):
            return
        try:
            report = self._crawl_when_free(job, source)
        except SourceBusyError as exc:
            log.warning("%s skipped: %s; the next run will come", job, exc)
            return
        except DualwatchError as exc:
            log.error("%s failed: %s; the daemon carries on", job, exc)
            return
        for run in report.runs:
            if run.succeeded:
                log.info(
                    "%s: ok%s, %d new, %d modified, %d removed, %d errors",
                    job,
                    " (baseline)" if run.baseline else "",
                    run.new,
                    run.modified,
                    run.removed,
                    run.errors,
                )
            else:
                log.warning("%s: %s: %s", job, run.outcome, run.message)
        if report.delivery is not None:
            log_delivery(job, report.delivery)

    def _crawl_when_free(self, job: str, source: str) -> tasks.CrawlReport:
        """`tasks.crawl`, waiting up to ``lock_wait`` for another process crawling the source,
        in short slices so that a stop request is not held up by the wait."""
        deadline = time.monotonic() + self.lock_wait
        wait = 0.0
        while True:
            try:
                return tasks.crawl(
                    self.config, [source], send=True, verbosity=self.verbosity, wait=wait
                )
            except SourceBusyError:
                remaining = deadline - time.monotonic()
                if self.stopping.is_set() or remaining <= 0:
                    raise
                if not wait:
                    log.info(
                        "%s: another process is crawling %s; waiting up to %s",
                        job,
                        source,
                        self.config.daemon.lock_wait,
                    )
                wait = min(LOCK_SLICE_SECONDS, remaining)

    def digest(self, subscription: str) -> None:
        """Record (once per period) and send one subscription's due digest."""
        job = f"digest:{subscription}"
        if self._stopped(job):
            return
        with reported(job), Store.open(self.config.db_path) as store:
            log_delivery(job, tasks.send_digests(store, self.config, subscription))

    def deliver(self) -> None:
        """Deliver pending alerts, health notices and retries whose backoff has passed."""
        if not self._stopped("deliver"):
            self._deliver("deliver", digests=False)

    def catch_up(self) -> None:
        """At start: deliver what waited while the daemon was down, open digests it missed."""
        if not self._stopped("catch-up"):
            self._deliver("catch-up", digests=True)

    def retention(self) -> None:
        """Prune old raw HTML (``[daemon] retention_days``)."""
        if self._stopped("retention"):
            return
        days = self.config.daemon.retention_days
        with reported("retention"), Store.open(self.config.db_path) as store:
            pruned = prune_raw_html(store, days)
            log.info("retention: dropped the raw HTML of %d old version(s)", pruned)

    def _deliver(self, job: str, *, digests: bool) -> None:
        with reported(job), Store.open(self.config.db_path) as store:
            log_delivery(job, tasks.send_pending(store, self.config, digests=digests))

    def _stopped(self, job: str) -> bool:
        if self.stopping.is_set():
            log.info("%s not started: the daemon is stopping", job)
            return True
        return False


def log_delivery(job: str, report: SendReport) -> None:
    """One log line about a delivery pass, when it did anything."""
    if not (report.sent or report.retrying or report.failed):
        log.debug("%s: nothing to deliver", job)
        return
    level = logging.WARNING if report.failed or report.retrying else logging.INFO
    log.log(
        level,
        "%s: delivered %d message(s), %d to retry, %d failed permanently",
        job,
        report.sent,
        report.retrying,
        report.failed,
    )


def child_crawl_pids() -> list[int]:
    """Process ids of this process's crawl children (`python -m crawler.run`), from /proc."""
    me = os.getpid()
    pids = []
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text(encoding="ascii", errors="replace")
            command = Path(entry.path, "cmdline").read_bytes()
        except OSError:
            continue  # the process ended meanwhile
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 1 and int(fields[1]) == me and b"crawler.run" in command:
            pids.append(int(entry.name))
    return pids


class CrawlStopper:
    """Stops the daemon's crawl processes in steps, each sent once per process.

    SIGTERM asks Scrapy to stop gracefully (it closes the spider and records the run as
    ended early, but waits for requests in flight); after :data:`ASK_SECONDS` a second
    SIGTERM makes it stop at once (the run is then marked aborted); after a further
    :data:`INSIST_SECONDS`, or at once when ``forced``, SIGKILL.
    """

    def __init__(self) -> None:
        self._steps: dict[int, tuple[int, float]] = {}  # pid -> (signals sent, first at)

    def poll(self, *, forced: bool = False) -> None:
        """Send each crawl child the next signal it is due, if any."""
        now = time.monotonic()
        for pid in child_crawl_pids():
            sent, first = self._steps.get(pid, (0, now))
            signum = next_stop_signal(sent, now - first, forced=forced)
            if signum is None:
                continue
            if signum == signal.SIGKILL:
                log.warning("crawl process %d did not stop; killing it", pid)
                sent = KILLED
            else:
                log.info("asking crawl process %d to stop%s", pid, " at once" if sent else "")
                sent += 1
            self._steps[pid] = (sent, first)
            _signal(pid, signum)


def next_stop_signal(sent: int, waited: float, *, forced: bool = False) -> int | None:
    """The signal a crawl process that got ``sent`` stop signals ``waited`` s ago is due."""
    if sent >= KILLED:
        return None
    if forced and sent:
        return signal.SIGKILL
    if sent == 0:
        return signal.SIGTERM
    if waited > ASK_SECONDS + INSIST_SECONDS:
        return signal.SIGKILL
    if sent == 1 and waited > ASK_SECONDS:
        return signal.SIGTERM
    return None


def _signal(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError):  # it ended on its own
        os.kill(pid, signum)


def configure_daemon_logging(config: Config, verbosity: int) -> logging.Handler | None:
    """Logging to stderr (monitors.core.logsetup) at ``[daemon] log_level``, and to ``log_file``.

    A relative ``log_file`` is relative to the data directory. The file handler reopens the
    file when logrotate moves it. Returns that handler (to remove on exit), if any.
    """
    configure_logging(verbosity)
    root = logging.getLogger()
    level = logging.getLevelName(config.daemon.log_level.upper())
    if not isinstance(level, int):
        raise ConfigError(f"[daemon] log_level: {config.daemon.log_level!r} is not a level")
    root.setLevel(logging.DEBUG if verbosity >= 2 else level)
    logging.getLogger("apscheduler").setLevel(logging.INFO if verbosity else logging.WARNING)
    if not config.daemon.log_file:
        return None
    path = config.home / Path(config.daemon.log_file).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = WatchedFileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"[daemon] log_file: cannot write {path}: {exc}") from None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    for existing in root.handlers:
        for log_filter in existing.filters:
            handler.addFilter(log_filter)  # the same third-party threshold as stderr
    root.addHandler(handler)
    return handler


def run_daemon(
    config: Config, *, verbosity: int = 0, stop_event: threading.Event | None = None
) -> int:
    """Run the scheduled jobs until SIGTERM/SIGINT (or ``stop_event``); return 0.

    Signal handlers are installed only when called from the main thread.
    """
    file_handler = configure_daemon_logging(config, verbosity)
    stop = stop_event or threading.Event()
    received: list[int] = []
    try:
        with _stop_on_signals(stop, received):
            jobs = DaemonJobs(config, stop, verbosity)
            overdue = _overdue(config)
            scheduler = build_scheduler(config, jobs.functions(), overdue=overdue)
            scheduler.add_job(jobs.catch_up, id="catch-up", name="catch-up")
            scheduler.start()
            _log_schedule(config, scheduler, overdue)
            while not stop.is_set():
                time.sleep(POLL_SECONDS)
            why = ", ".join(signal.Signals(s).name for s in received) or "stop requested"
            log.info("daemon stopping (%s)", why)
            _stop(scheduler, received)
        log.info("daemon stopped")
        return 0
    finally:
        if file_handler is not None:
            logging.getLogger().removeHandler(file_handler)
            file_handler.close()


@contextmanager
def _stop_on_signals(stop: threading.Event, received: list[int]) -> Iterator[None]:
    """Set ``stop`` on SIGTERM and SIGINT (main thread only); restore the handlers after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        received.append(signum)  # logged by the main loop, not here
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _overdue(config: Config) -> tuple[str, ...]:
    """Sources to crawl right at start (never crawled, or a slot passed while down)."""
    now = datetime.now(UTC)
    with Store.open(config.db_path) as store:
        last = {}
        for source in enabled_sources(config):
            run = store.last_run(source.name)
            last[source.name] = datetime.fromisoformat(run.started_at) if run else None
    return overdue_sources(config, last, now)


def _log_schedule(config: Config, scheduler: BaseScheduler, overdue: tuple[str, ...]) -> None:
    log.info("daemon started: data in %s", config.home)
    if overdue:
        log.info("crawling now (never crawled, or missed while down): %s", ", ".join(overdue))
    for job in scheduler.get_jobs():
        when = job.next_run_time.isoformat(timespec="seconds") if job.next_run_time else "never"
        log.info("  %-24s next %s  (%s)", job.id, when, job.trigger)


def _stop(scheduler: BaseScheduler, received: list[int]) -> None:
    """Shut the scheduler down, stopping crawl processes, within the deadline."""
    waiter = threading.Thread(target=scheduler.shutdown, name="scheduler-shutdown", daemon=True)
    waiter.start()
    stopper = CrawlStopper()
    deadline = time.monotonic() + STOP_DEADLINE_SECONDS
    while waiter.is_alive() and time.monotonic() < deadline:
        stopper.poll(forced=len(received) > 1)  # a second signal: kill at once
        waiter.join(POLL_SECONDS)
    if waiter.is_alive():
        log.warning(
            "jobs still running after %.0f s; they end on their own timeouts",
            STOP_DEADLINE_SECONDS,
        )
