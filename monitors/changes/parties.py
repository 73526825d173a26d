"""Watched parties: a subscription's counterparty file (``parties = "parties.csv"``) screened
against the rows a list announcement brings. A match earns that subscription an immediate
alert about the announcement whatever its topics (one per change and recipient, like every
alert), marked as a match and saying which counterparty matched which row and why."""

from __future__ import annotations

import functools
from pathlib import Path

from monitors.core.config import ScreeningSettings
from monitors.lists.changes import rows_of_change
from monitors.lists.parties import Party, read_parties
from monitors.lists.screen import Entity, ScreenHit, screen
from monitors.rules.subscriptions import Subscription
from monitors.storage.models import Change, ListEventRow
from monitors.storage.store import Store


def party_hits(
    store: Store, change: Change, subscription: Subscription, settings: ScreeningSettings
) -> list[ScreenHit[ListEventRow]]:
    """The subscription's counterparties matching a row ``change`` adds (``+`` rows)."""
    if not subscription.parties:
        return []
    rows = rows_of_change(store, change).added()
    if not rows:
        return []
    entities = [Entity(e.entity_key, (e.name, *e.other_names), e.country, e) for e in rows]
    parties = load_parties(Path(subscription.parties))
    return screen(parties, entities, settings.threshold, settings.country_penalty)


def load_parties(path: Path) -> tuple[Party, ...]:
    """The counterparties of ``path``, read again only when the file changed."""
    stat = path.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int, size: int) -> tuple[Party, ...]:
    return tuple(read_parties(path))
