"""Who receives what: subscriptions from the configuration's ``[[subscriptions]]`` tables.

A subscription gets an immediate alert for each change that matches one of its topics (every
topic when it names none) from one of its sources (every source when it names none), and/or
a daily or weekly digest of every change of its sources — relevant or not — grouped by topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitors.core.errors import ConfigError

DIGEST_PERIODS = ("none", "daily", "weekly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")


@dataclass(frozen=True)
class Subscription:
    """One recipient's choice of topics, sources and delivery."""

    name: str
    email: str
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    immediate: bool = True
    digest: str = "none"
    timezone: str = "UTC"
    digest_hour: int = 8
    weekly_day: str = "monday"

    @property
    def zone(self) -> ZoneInfo:
        """The subscription's time zone (digest periods are days in this zone)."""
        return ZoneInfo(self.timezone)

    def wants_source(self, source: str) -> bool:
        """True when changes of ``source`` concern this subscription."""
        return not self.sources or source in self.sources

    def wants_topics(self, topics: Iterable[str]) -> bool:
        """True when a change matching ``topics`` is relevant (immediate-worthy) here."""
        found = set(topics)
        return bool(found) and (not self.topics or bool(found & set(self.topics)))


def parse_subscriptions(raw: Any, source_names: Sequence[str]) -> tuple[Subscription, ...]:
    """Validate the ``[[subscriptions]]`` array; raise ConfigError naming the bad entry."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError("subscriptions must be an array of tables ([[subscriptions]])")
    subscriptions = tuple(_subscription(i, entry, source_names) for i, entry in enumerate(raw))
    names = [s.name for s in subscriptions]
    if len(set(names)) != len(names):
        raise ConfigError("subscriptions: names must be unique")
    return subscriptions


_FIELDS = set(Subscription.__dataclass_fields__)


def _subscription(index: int, entry: Any, source_names: Sequence[str]) -> Subscription:
    where = f"subscriptions[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where} must be a table")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    values = dict(entry)
    values.setdefault("name", values.get("email", f"subscription-{index}"))
    values["topics"] = tuple(values.get("topics", ()))
    values["sources"] = tuple(values.get("sources", ()))
    try:
        subscription = Subscription(**values)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    _check(subscription, where, source_names)
    return subscription


def _check(subscription: Subscription, where: str, source_names: Sequence[str]) -> None:
    if not _EMAIL.match(subscription.email):
        raise ConfigError(f"{where}: email {subscription.email!r} is not an address")
    if subscription.digest not in DIGEST_PERIODS:
        raise ConfigError(f"{where}: digest must be one of {', '.join(DIGEST_PERIODS)}")
    if subscription.weekly_day not in WEEKDAYS:
        raise ConfigError(f"{where}: weekly_day must be one of {', '.join(WEEKDAYS)}")
    if not 0 <= subscription.digest_hour <= 23:
        raise ConfigError(f"{where}: digest_hour must be 0-23")
    unknown = sorted(set(subscription.sources) - set(source_names))
    if unknown:
        raise ConfigError(f"{where}: unknown source(s) {', '.join(unknown)}")
    try:
        ZoneInfo(subscription.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown time zone {subscription.timezone!r}") from None
