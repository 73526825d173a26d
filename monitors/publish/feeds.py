"""Atom feeds (RFC 4287, written with feedgen) of the latest changes: one for all changes,
one per topic and one per source, in ``<home>/feeds/``.

Each entry is one change: its title in the original language prefixed by the kind, the
change kind, number, dates and matched topics in its summary, and a link to the official
page. Entry ids are stable across regenerations (``tag:`` URIs naming the installation and
the change id), ``updated`` is when the change was detected, newest entry first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator

from monitors.core.config import Config
from monitors.storage.ledger import Ledger
from monitors.storage.models import Change
from monitors.storage.store import Store

#: Entries per feed (the newest changes).
FEED_ENTRIES = 100
KIND_LABELS = {
    "new": "New",
    "modified": "Modified",
    "removed": "Removed",
    "restored": "Restored",
    "delisted": "Delisted",
}


@dataclass(frozen=True)
class FeedItem:
    """One change with what its entry shows."""

    change: Change
    topics: tuple[str, ...]
    doc_number: str | None
    published: str | None


def write_feeds(store: Store, config: Config, directory: Path | None = None) -> list[Path]:
    """Write ``all.xml``, ``topic-<topic>.xml`` and ``source-<source>.xml``; the paths."""
    directory = directory or config.home / "feeds"
    directory.mkdir(parents=True, exist_ok=True)
    items = _items(store)
    installation = store.installation_id()
    feeds: dict[str, tuple[str, list[FeedItem]]] = {"all": ("All changes", items)}
    for source in config.sources:
        chosen = [i for i in items if i.change.source == source]
        feeds[f"source-{source}"] = (f"Source {source}", chosen)
    for topic in sorted({t for i in items for t in i.topics}):
        feeds[f"topic-{topic}"] = (f"Topic {topic}", [i for i in items if topic in i.topics])
    written = []
    for name, (title, chosen) in feeds.items():
        path = directory / f"{name}.xml"
        _feed(installation, name, title, chosen[:FEED_ENTRIES]).atom_file(str(path), pretty=True)
        written.append(path)
    return written


def _items(store: Store) -> list[FeedItem]:
    """The newest changes first, with their topics and document metadata."""
    ledger = Ledger(store)
    items = []
    for change in reversed(store.list_changes(limit=FEED_ENTRIES * 20)):
        notice = store.find_notice(str(change.notice_id))
        topics = tuple(dict.fromkeys(m.topic for m in ledger.matches_of(change.id)))
        items.append(
            FeedItem(
                change,
                topics,
                notice.doc_number if notice else None,
                notice.published if notice else None,
            )
        )
    return items


def _feed(installation: str, name: str, title: str, items: Sequence[FeedItem]) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(f"tag:dualwatch,2026:{installation}:feed:{name}")
    feed.title(f"dualwatch: {title}")
    feed.author({"name": "dualwatch"})
    feed.link(href=f"{name}.xml", rel="self")
    feed.updated(_moment(items[0].change.detected_at) if items else datetime.now(UTC))
    for item in reversed(items):  # feedgen prepends: the newest ends up first
        _entry(feed, installation, item)
    return feed


def _entry(feed: FeedGenerator, installation: str, item: FeedItem) -> None:
    change = item.change
    entry = feed.add_entry()
    entry.id(f"tag:dualwatch,2026:{installation}:change-{change.id}")
    entry.title(f"{KIND_LABELS.get(change.kind, change.kind)}: {change.title}")
    entry.updated(_moment(change.detected_at))
    entry.link(href=change.url, rel="alternate")
    for topic in item.topics:
        entry.category(term=topic)
    facts = [f"kind: {change.kind}", f"source: {change.source}"]
    if item.doc_number:
        facts.append(f"number: {item.doc_number}")
    if item.published:
        facts.append(f"published: {item.published}")
    facts.append("topics: " + (", ".join(item.topics) or "none"))
    entry.summary("; ".join(facts))


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
