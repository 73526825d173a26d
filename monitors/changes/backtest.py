"""Backtest: what the current relevance rules and counterparty files would have alerted, and
to whom, over the stored history — a dry run that writes nothing (`dualwatch rules
backtest`). Followed revisions are not replayed: they depend on alerts sent at the time."""

from __future__ import annotations

from dataclasses import dataclass

from monitors.changes.alerts import matchable_parts, wants_alert
from monitors.changes.parties import party_hits
from monitors.core.config import Config
from monitors.rules.ruleset import RuleSet
from monitors.rules.subscriptions import Subscription
from monitors.storage.models import Change
from monitors.storage.store import Store


@dataclass(frozen=True)
class BacktestRow:
    """One stored change: the topics it matches now and who would be alerted (a name, with
    `` (party)`` when only a watched counterparty earns the alert)."""

    change: Change
    topics: tuple[str, ...]
    recipients: tuple[str, ...]


def backtest(
    store: Store, config: Config, rules: RuleSet, since: str | None = None
) -> list[BacktestRow]:
    """Every change detected since ``since`` (all when None), oldest first, classified anew."""
    rows = []
    for change in store.list_changes(since=since):
        title, text, source, doc_type = matchable_parts(store, change)
        matches = rules.match(title=title, text=text, source=source, doc_type=doc_type)
        topics = tuple(dict.fromkeys(m.topic for m in matches))
        who = tuple(
            label
            for s in config.subscriptions
            if (label := _would_alert(store, config, s, change, topics)) is not None
        )
        rows.append(BacktestRow(change, topics, who))
    return rows


def _would_alert(
    store: Store,
    config: Config,
    subscription: Subscription,
    change: Change,
    topics: tuple[str, ...],
) -> str | None:
    if wants_alert(subscription, change.source, change.kind, topics, following=False):
        return subscription.name
    reachable = subscription.immediate and subscription.wants_source(change.source)
    if reachable and party_hits(store, change, subscription, config.screening):
        return f"{subscription.name} (party)"
    return None
