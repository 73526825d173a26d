"""Bounded re-verification: how many stored notices a crawl re-checks so that every notice is
checked at least once per ``reverify_days``.

A source crawled every ``interval`` seconds runs ``period / interval`` crawls per period; each
re-checks ``ceil(stored / crawls)`` of its notices, oldest check first, plus every notice
whose last check is already older than the period (after downtime). Listing-driven re-checks
of recent notices count too: they refresh ``last_checked_at`` and so leave the queue.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from monitors.core.config import SourceConfig
from monitors.core.durations import parse_duration

DAY = 86_400.0


def crawl_interval(source: SourceConfig) -> float:
    """Seconds between two crawls of ``source``: its ``every``, or the mean gap of its
    ``cron`` schedule over one re-verification period."""
    if not source.cron:
        return parse_duration(source.every, f"[sources.{source.name}] every")
    from monitors.ops.scheduler import crontab_trigger  # APScheduler only for cron sources

    trigger = crontab_trigger(source.cron, UTC, where=f"[sources.{source.name}] cron")
    start = datetime.now(UTC)
    end = start + timedelta(seconds=period_seconds(source))
    fires, previous, moment = 0, None, start
    while (moment := trigger.get_next_fire_time(previous, moment)) and moment < end:
        fires, previous, moment = fires + 1, moment, moment + timedelta(seconds=1)
    return period_seconds(source) / max(fires, 1)


def period_seconds(source: SourceConfig) -> float:
    """The re-verification period of ``source`` in seconds."""
    return float(source.reverify_days) * DAY


def crawls_per_period(source: SourceConfig) -> int:
    """How many crawls of ``source`` fall in one re-verification period (at least 1)."""
    return max(1, math.floor(period_seconds(source) / crawl_interval(source)))


def budget(stored: int, source: SourceConfig) -> int:
    """How many stored notices one crawl re-checks so all are checked within the period."""
    return math.ceil(stored / crawls_per_period(source)) if stored else 0


def overdue_before(source: SourceConfig, now: datetime | None = None) -> str:
    """ISO time before which a last check is overdue (older than the period)."""
    moment = (now or datetime.now(UTC)) - timedelta(seconds=period_seconds(source))
    return moment.replace(microsecond=0).isoformat()
