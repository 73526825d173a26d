"""Daily and weekly digests: which period is due for a subscription, and what it contains.

A period is a day (or a week starting on ``weekly_day``) in the subscription's time zone; the
digest for it is due from ``digest_hour`` (local) after it ends. Its ledger row — "this digest
covers [start, end)" — is written before it is sent, so a restart neither skips nor repeats it.
Every change of the period from the subscription's sources is listed, relevant or not, of
every kind (new, modified, removed, restored, delisted: counted in that order), grouped by
topic (most important first) and source, with a footer of failing sources.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from monitors.core.config import Config
from monitors.mail.alertview import alert_view
from monitors.mail.emailviews import AlertView, DigestGroup, DigestView, SourceHealthView
from monitors.rules.subscriptions import WEEKDAYS, Subscription
from monitors.storage.ledger import Ledger
from monitors.storage.store import Store

OTHER = "~other"  # sorts after every topic


@dataclass(frozen=True)
class Period:
    """A digest period in UTC, with its local label."""

    kind: str  # "daily" | "weekly"
    start: datetime
    end: datetime
    label: str

    @property
    def start_iso(self) -> str:
        """Start as stored (ISO UTC)."""
        return self.start.astimezone(UTC).isoformat()

    @property
    def end_iso(self) -> str:
        """End as stored (ISO UTC)."""
        return self.end.astimezone(UTC).isoformat()


def due_period(subscription: Subscription, kind: str, now: datetime) -> Period:
    """The latest complete period of ``kind`` whose digest is due at ``now``."""
    local = now.astimezone(subscription.zone)
    midnight = datetime.combine(local.date(), time(0), tzinfo=subscription.zone)
    if kind == "daily":
        end = midnight if local.hour >= subscription.digest_hour else midnight - timedelta(days=1)
        return period_between(kind, end - timedelta(days=1), end)
    weekday = WEEKDAYS.index(subscription.weekly_day)
    end = midnight - timedelta(days=(local.weekday() - weekday) % 7)
    if end == midnight and local.hour < subscription.digest_hour:
        end -= timedelta(days=7)
    return period_between(kind, end - timedelta(days=7), end)


def current_period(subscription: Subscription, kind: str, now: datetime) -> Period:
    """The period of ``kind`` that contains ``now``: still running, its digest not yet due."""
    local = now.astimezone(subscription.zone)
    start = datetime.combine(local.date(), time(0), tzinfo=subscription.zone)
    if kind == "daily":
        return period_between(kind, start, start + timedelta(days=1))
    start -= timedelta(days=(local.weekday() - WEEKDAYS.index(subscription.weekly_day)) % 7)
    return period_between(kind, start, start + timedelta(days=7))


def period_between(kind: str, start: datetime, end: datetime) -> Period:
    """The period [start, end), labelled by its local dates (the zone of ``start``)."""
    if kind == "daily":
        return Period(kind, start, end, f"{start:%Y-%m-%d}")
    last = (end.astimezone(start.tzinfo) - timedelta(days=1)).date()
    return Period(kind, start, end, f"{start:%Y-%m-%d} – {last:%Y-%m-%d}")


def digest_view(
    store: Store, config: Config, subscription: Subscription, period: Period
) -> DigestView:
    """Everything the digest of ``period`` lists for ``subscription``."""
    ledger = Ledger(store)
    grouped: dict[tuple[str, str], list[AlertView]] = defaultdict(list)
    titles: dict[str, str] = {}
    priorities: dict[str, int] = {}
    total = 0
    for change in ledger.changes_between(period.start_iso, period.end_iso):
        if not subscription.wants_source(change.source):
            continue
        matches = ledger.matches_of(change.id)
        topic = matches[0].topic if matches else OTHER
        if matches:
            titles[topic], priorities[topic] = matches[0].topic_title, matches[0].priority
        view = alert_view(store, config, change, matches)
        grouped[(topic, view.source_title)].append(view)
        total += 1
    groups = tuple(
        DigestGroup(
            topic_title=titles.get(topic),
            source_title=source,
            items=tuple(grouped[(topic, source)]),
        )
        for topic, source in sorted(
            grouped, key=lambda key: (-priorities.get(key[0], -1), key[0], key[1])
        )
    )
    return DigestView(
        recipient=subscription.email,
        period=period.kind,
        start=period.start.strftime("%Y-%m-%d %H:%M"),
        end=period.end.strftime("%Y-%m-%d %H:%M"),
        timezone=subscription.timezone,
        groups=groups,
        failing_sources=failing_sources(store, config),
        total=total,
        source_count=sum(1 for s in config.sources.values() if s.enabled),
    )


def failing_sources(store: Store, config: Config) -> tuple[SourceHealthView, ...]:
    """Enabled sources whose last run did not succeed (for the digest footer)."""
    failing = []
    for source in config.sources.values():
        run = store.last_run(source.name) if source.enabled else None
        if run is not None and run.outcome not in ("ok", "running"):
            failing.append(
                SourceHealthView(
                    source=source.name,
                    title=source.title,
                    outcome=run.outcome,
                    since=run.started_at,
                    message=run.message,
                )
            )
    return tuple(failing)
