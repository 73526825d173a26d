"""The daemon's schedule (APScheduler 3), rebuilt from the configuration at every start.

Jobs, with stable ids: ``crawl:<source>`` for each enabled source (every ``every`` or on its
``cron``, plus up to ``jitter``), ``digest:<subscription>`` for each digest subscription (at
``digest_hour`` in its time zone, daily or on ``weekly_day``), ``deliver`` (pending alerts and
retries, every ``[daemon] deliver_every``) and ``retention`` (daily). The job store is the
memory one: nothing is pickled, run history lives in our store.

Interval schedules sit on fixed slots — a stable per-source offset from the Unix epoch plus
multiples of the interval — so a restart keeps them, ``dualwatch status`` can compute them in
another process (:func:`next_run_times`), and sources with the same interval do not all start
at once. Source ``cron`` expressions are standard crontab (Sunday is 0 or 7) evaluated in UTC.
"""

from __future__ import annotations

import logging
import random
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from math import floor

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitors.core.config import Config, SourceConfig
from monitors.core.durations import parse_duration
from monitors.core.errors import ConfigError
from monitors.rules.subscriptions import Subscription

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CRAWL_EXECUTOR = "crawls"
#: Crawl processes running at once (each is a Scrapy process); further due crawls queue.
CRAWL_WORKERS = 2
#: Digests, delivery and retention run one at a time (two delivery passes at once could send
#: a due message twice).
OTHER_WORKERS = 1
#: The daily retention job runs at this UTC time (hour, minute).
RETENTION_AT = (3, 17)
_CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class JobFunctions:
    """What each kind of job calls (the daemon's real work, or recorders in tests)."""

    crawl: Callable[[str], object]
    digest: Callable[[str], object]
    deliver: Callable[[], object]
    retention: Callable[[], object]


class SlotIntervalTrigger(IntervalTrigger):
    """An interval trigger whose runs stay on their slots (start + k × interval, plus jitter).

    APScheduler's own adds the interval to the previous *jittered* time, so with jitter the
    runs drift later and later; here each run is the slot after the previous one, re-jittered.
    Requires ``jitter < interval`` (checked by :func:`crawl_trigger`).
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The first slot at or after ``now`` (first run), else the slot after the previous."""
        if previous_fire_time is None:
            return super().get_next_fire_time(None, now)
        start = self.start_date.timestamp()
        elapsed = previous_fire_time.timestamp() - start
        slot = start + (floor(elapsed / self.interval_length) + 1) * self.interval_length
        if self.jitter:
            slot += random.uniform(0, self.jitter)
        return datetime.fromtimestamp(slot, tz=self.timezone)


def build_scheduler(
    config: Config,
    jobs: JobFunctions,
    *,
    scheduler_cls: type[BaseScheduler] = BackgroundScheduler,
    now: datetime | None = None,
    overdue: Collection[str] = (),
) -> BaseScheduler:
    """A scheduler (not started) holding every job of the configuration.

    Each job's first run is computed from ``now`` (default: the current time); the crawls of
    the sources named in ``overdue`` (see :func:`overdue_sources`) run at ``now`` instead.
    """
    now = now or datetime.now(UTC)
    grace = parse_duration(config.daemon.misfire_grace, "[daemon] misfire_grace")
    if grace < 1:
        raise ConfigError("[daemon] misfire_grace: must be at least one second")
    scheduler = scheduler_cls(
        jobstores={"default": MemoryJobStore()},
        executors={
            "default": ThreadPoolExecutor(OTHER_WORKERS),
            CRAWL_EXECUTOR: ThreadPoolExecutor(CRAWL_WORKERS),
        },
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(grace)},
        timezone=UTC,
    )
    for source in enabled_sources(config):
        trigger = crawl_trigger(source)
        first = now if source.name in overdue else trigger.get_next_fire_time(None, now)
        scheduler.add_job(
            jobs.crawl,
            trigger,
            args=[source.name],
            id=f"crawl:{source.name}",
            name=f"crawl {source.name}",
            executor=CRAWL_EXECUTOR,
            next_run_time=first,
        )
    for subscription in config.subscriptions:
        if subscription.digest == "none":
            continue
        trigger = digest_trigger(subscription)
        scheduler.add_job(
            jobs.digest,
            trigger,
            args=[subscription.name],
            id=f"digest:{subscription.name}",
            name=f"{subscription.digest} digest {subscription.name}",
            next_run_time=trigger.get_next_fire_time(None, now),
        )
    for job_id, func, trigger in (
        ("deliver", jobs.deliver, deliver_trigger(config)),
        ("retention", jobs.retention, retention_trigger()),
    ):
        first = trigger.get_next_fire_time(None, now)
        scheduler.add_job(func, trigger, id=job_id, name=job_id, next_run_time=first)
    watch_job_events(scheduler, grace)
    return scheduler


def enabled_sources(config: Config) -> list[SourceConfig]:
    """The sources the daemon crawls."""
    return [source for source in config.sources.values() if source.enabled]


def crawl_trigger(source: SourceConfig, *, jitter: bool = True) -> BaseTrigger:
    """The trigger of a source's crawls: its ``cron`` when set, else every ``every``.

    ``jitter=False`` gives the bare slots (for status and catch-up decisions).
    """
    where = f"[sources.{source.name}]"
    spread = parse_duration(source.jitter, f"{where} jitter") if jitter else 0.0
    if source.cron:
        return crontab_trigger(source.cron, UTC, spread or None, where=f"{where} cron")
    every = parse_duration(source.every, f"{where} every")
    if every < 1:
        raise ConfigError(f"{where} every: {source.every!r} is shorter than one second")
    if spread >= every:
        raise ConfigError(
            f"{where}: jitter ({source.jitter}) must be shorter than every ({source.every})"
        )
    offset = zlib.crc32(source.name.encode("utf-8")) % int(every)
    return SlotIntervalTrigger(
        seconds=every,
        start_date=EPOCH + timedelta(seconds=offset),
        timezone=UTC,
        jitter=spread or None,
    )


def crontab_trigger(
    expr: str, timezone: tzinfo, jitter: float | None = None, *, where: str = "cron"
) -> CronTrigger:
    """A CronTrigger for a standard 5-field crontab line (day of week 0 or 7 = Sunday).

    ``CronTrigger.from_crontab`` in APScheduler 3 reads 0 as Monday and takes no jitter.
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(f"{where}: {expr!r} must have 5 fields (minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_weekdays(weekday),
            timezone=timezone,
            jitter=jitter,
        )
    except ValueError as exc:
        raise ConfigError(f"{where}: {expr!r}: {exc}") from None


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field in APScheduler 3's terms: numbers become day names.

    ``1-5`` → ``mon,tue,wed,thu,fri``; ``0``/``7`` → ``sun``; ``*/2`` → ``sun,tue,thu,sat``.
    Parts already written with names are kept as they are.
    """
    if field == "*":
        return field
    names: list[str] = []
    for part in field.split(","):
        if any(ch.isalpha() for ch in part):
            names.append(part)
            continue
        base, _, step = part.partition("/")
        first, _, last = ("0-6" if base == "*" else base).partition("-")
        low, high = int(first), int(last or (6 if step else first))
        if not 0 <= low <= high <= 7:
            raise ValueError(f"day of week {part!r} is outside 0-7")
        names.extend(_CRONTAB_DAYS[n] for n in range(low, high + 1, int(step or 1)))
    return ",".join(dict.fromkeys(names))


def digest_trigger(subscription: Subscription) -> CronTrigger:
    """At ``digest_hour``:00 in the subscription's zone, daily or on its ``weekly_day``."""
    weekday = subscription.weekly_day[:3] if subscription.digest == "weekly" else "*"
    return CronTrigger(
        day_of_week=weekday, hour=subscription.digest_hour, minute=0, timezone=subscription.zone
    )


def deliver_trigger(config: Config) -> SlotIntervalTrigger:
    """Every ``[daemon] deliver_every``, on slots from the epoch."""
    every = parse_duration(config.daemon.deliver_every, "[daemon] deliver_every")
    if every < 1:
        raise ConfigError("[daemon] deliver_every: must be at least one second")
    return SlotIntervalTrigger(seconds=every, start_date=EPOCH, timezone=UTC)


def retention_trigger() -> CronTrigger:
    """Once a day at :data:`RETENTION_AT` UTC."""
    hour, minute = RETENTION_AT
    return CronTrigger(hour=hour, minute=minute, timezone=UTC)


def next_run_times(config: Config, now: datetime) -> dict[str, datetime | None]:
    """Each configured source's next scheduled crawl after ``now`` (None when disabled).

    This is the slot; the daemon starts the crawl up to the source's ``jitter`` later.
    """
    return {
        name: crawl_trigger(source, jitter=False).get_next_fire_time(None, now)
        if source.enabled
        else None
        for name, source in config.sources.items()
    }


def overdue_sources(
    config: Config, last_started: Mapping[str, datetime | None], now: datetime
) -> tuple[str, ...]:
    """Enabled sources never crawled, or whose next slot after their last crawl has passed
    (the daemon was down then): the daemon crawls them at start instead of waiting."""
    overdue = []
    for source in enabled_sources(config):
        last = last_started.get(source.name)
        trigger = crawl_trigger(source, jitter=False)
        if last is None or trigger.get_next_fire_time(last, now) <= now:
            overdue.append(source.name)
    return tuple(overdue)


def watch_job_events(scheduler: BaseScheduler, grace: float) -> None:
    """Log missed runs (a warning naming the job and how late it was) and job errors."""

    def missed(event: JobExecutionEvent) -> None:
        late = datetime.now(UTC) - event.scheduled_run_time
        log.warning(
            "job %s missed its run at %s: %.0f s late, beyond the misfire grace of %.0f s; "
            "it runs again at its next time",
            event.job_id,
            event.scheduled_run_time.astimezone(UTC).isoformat(timespec="seconds"),
            late.total_seconds(),
            grace,
        )

    def failed(event: JobExecutionEvent) -> None:
        log.error(
            "job %s failed: %s: %s (traceback above); the daemon carries on",
            event.job_id,
            type(event.exception).__name__,
            event.exception,
        )

    scheduler.add_listener(missed, EVENT_JOB_MISSED)
    scheduler.add_listener(failed, EVENT_JOB_ERROR)
