"""Atom feeds (RFC 4287, written with feedgen) of the latest changes: one for all changes,
one per topic and one per source, in ``<home>/feeds/``.

Each entry is one change: its title in the original language prefixed by the kind; the
change kind, number, dates, matched topics and one line of what changed in its summary; a
link to the official page, and one to the document's bulletin page
(:mod:`monitors.publish.site`) when it is published.
Entry ids are stable across regenerations (``tag:`` URIs naming the installation and the
change id), ``updated`` is when the change was detected, newest entry first.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from lxml import etree

from monitors.core.config import Config
from monitors.mail.alertview import alert_view
from monitors.mail.emailrender import change_summary
from monitors.mail.safetext import clean_line
from monitors.publish.pages import document_page, page_url
from monitors.storage.ledger import Ledger
from monitors.storage.models import Change
from monitors.storage.store import Store

ATOM = "{http://www.w3.org/2005/Atom}"
_NOT_XML = re.compile("[\ufffe\uffff]")
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
    #: The document's bulletin page (absolute, or relative to the feed), if published.
    page: str | None = None
    effective: str | None = None
    #: What a modification changed, in one line (:func:`~monitors.mail.emailrender.change_summary`).
    changed: str | None = None


def write_feeds(
    store: Store, config: Config, directory: Path | None = None, *, pages_at: str | None = None
) -> list[Path]:
    """Write ``all.xml``, ``topic-<topic>.xml`` and ``source-<source>.xml``; the paths.

    Entries link the document's bulletin page under ``pages_at`` (by default the bulletin's
    ``[publish] base_url``, else the ``file:`` address of ``[publish] site``; none when
    neither is configured). The bulletin passes ``../`` for the copies it carries."""
    directory = directory or config.home / "feeds"
    directory.mkdir(parents=True, exist_ok=True)
    if pages_at is None:
        pages_at = bulletin_base(config)
    ledger = Ledger(store)
    feeds: dict[str, tuple[str, list[Change]]] = {
        "all": ("All changes", store.list_changes(limit=FEED_ENTRIES))
    }
    for source in config.sources:
        chosen = store.list_changes(source=source, limit=FEED_ENTRIES)
        feeds[f"source-{source}"] = (f"Source {source}", chosen)
    for topic in ledger.matched_topics():
        chosen = ledger.newest_changes_about(topic, FEED_ENTRIES)
        feeds[f"topic-{topic}"] = (f"Topic {topic}", chosen)
    changes = {c.id: c for _, chosen in feeds.values() for c in chosen}
    items = {i: _item(store, config, ledger, c, pages_at) for i, c in changes.items()}
    installation = store.installation_id()
    written = []
    for name, (title, chosen) in feeds.items():
        path = directory / f"{name}.xml"
        shown = [items[c.id] for c in reversed(chosen)]  # newest first
        _write_atomically(path, _with_links(_feed(installation, name, title, shown), shown))
        written.append(path)
    return written


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file of its own, renamed over it: a reader never
    sees half a feed, and two writers never share a temporary file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _with_links(feed: FeedGenerator, items: Sequence[FeedItem]) -> bytes:
    """The feed's XML with each entry's links and their relations: feedgen 1.0 writes an
    entry's links without ``rel`` (which then all mean ``alternate``), so they are added
    here — the official page as ``alternate``, the bulletin page as ``related``."""
    root = etree.fromstring(feed.atom_str())
    by_id = {f"change-{item.change.id}": item for item in items}
    for element in root.iter(f"{ATOM}entry"):
        item = by_id[(element.findtext(f"{ATOM}id") or "").rpartition(":")[2]]
        for old in element.findall(f"{ATOM}link"):
            element.remove(old)
        link = etree.SubElement(element, f"{ATOM}link", href=item.change.url, rel="alternate")
        if item.page:
            etree.SubElement(
                element, f"{ATOM}link", href=item.page, rel="related", title="History and diffs"
            )
        element.insert(3, link)
    etree.indent(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _item(
    store: Store, config: Config, ledger: Ledger, change: Change, pages_at: str | None
) -> FeedItem:
    """What the entry of ``change`` shows: its topics, document number and dates, bulletin
    page, and for a modification or restoration one line of what changed (as in a digest)."""
    notice = store.find_notice(str(change.notice_id))
    view = alert_view(store, config, change, ())
    return FeedItem(
        change,
        tuple(dict.fromkeys(m.topic for m in ledger.matches_of(change.id))),
        notice.doc_number if notice else None,
        notice.published if notice else None,
        _page(pages_at, change),
        effective=view.effective,
        changed=change_summary(view) if change.kind in ("modified", "restored") else None,
    )


def bulletin_base(config: Config) -> str | None:
    """Where the bulletin's pages are for readers of ``<home>/feeds``: its published
    ``base_url``, else the ``file:`` address of the folder crawls write it to, else None."""
    if config.publish.base_url:
        return config.publish.base_url
    site = config.site_path
    return site.resolve().as_uri() + "/" if site else None


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
    entry.title(xml_line(f"{KIND_LABELS.get(change.kind, change.kind)}: {change.title}"))
    entry.updated(_moment(change.detected_at))
    entry.link(href=change.url, rel="alternate")  # with its relation: _with_links
    for topic in item.topics:
        entry.category(term=xml_line(topic))
    facts = [f"kind: {change.kind}", f"source: {change.source}"]
    if item.doc_number:
        facts.append(f"number: {item.doc_number}")
    if item.published:
        facts.append(f"published: {item.published}")
    if item.effective:
        facts.append(f"effective: {item.effective}")
    facts.append("topics: " + (", ".join(item.topics) or "none"))
    if item.changed:
        facts.append(f"changed: {item.changed}")
    entry.summary(xml_line("; ".join(facts)))


def xml_line(text: str) -> str:
    """Scraped text as one line XML 1.0 can hold: control, bidi and other invisible
    characters removed (:func:`~monitors.mail.safetext.clean_line`), as in email; a single
    such character would otherwise stop every feed from being written."""
    return _NOT_XML.sub("", clean_line(text))


def _page(pages_at: str | None, change: Change) -> str | None:
    if pages_at is None:
        return None
    page = document_page(change.document_id, change.notice_id)
    return page_url(pages_at, page) if "://" in pages_at else pages_at + page


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
