"""What the bulletin's pages show (:mod:`monitors.publish.site` renders them): frozen views
built from the store.

Every change is shown through the alert's own view (:func:`monitors.mail.alertview.alert_view`:
metadata, matches, title/body/attachment diffs), so the bulletin and the email say the same
thing. Strings here are plain text as scraped: the templates escape them, and the renderer
cleans them of invisible characters (:func:`monitors.mail.safetext.clean_view`) first. Page
paths are relative to the site's root (:mod:`monitors.publish.pages`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from monitors.core.config import Config
from monitors.lists.models import ListSpec
from monitors.mail.alertview import alert_view, source_title
from monitors.mail.emailviews import AlertView
from monitors.publish.pages import document_page, list_page
from monitors.storage.ledger import Ledger
from monitors.storage.lists import ListStore
from monitors.storage.models import Change, ListEventRow, ListMember, Notice, Version
from monitors.storage.store import Store

log = logging.getLogger(__name__)

#: Changes listed on one timeline page (the index, a topic's, a source's): the newest.
TIMELINE_LIMIT = 500
#: Topic, source and list names that may name a file (configuration keys always do).
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
LIST_STATUSES = ("listed", "suspended", "removed")


@dataclass(frozen=True)
class NavLink:
    """A filter page (``topics/dual-use.html``) and its Atom feed, when one was written."""

    name: str
    title: str
    page: str
    feed: str | None = None


@dataclass(frozen=True)
class TimelineItem:
    """One change on a timeline, with the page of its document."""

    view: AlertView
    page: str

    @property
    def topics(self) -> tuple[tuple[str, str], ...]:
        """The matched topics as (name, title), most relevant first."""
        return tuple((g.topic, g.topic_title) for g in self.view.topic_groups)


@dataclass(frozen=True)
class VersionRow:
    """One stored version of a copy; ``change_id`` is the change that recorded it."""

    number: int
    fetched_at: str
    title: str
    language: str | None
    http_status: int
    current: bool
    change_id: int | None
    change_kind: str | None


@dataclass(frozen=True)
class CopySection:
    """One copy (URL) of a document: where, in which language, and its versions."""

    notice_id: int
    source: str
    source_title: str
    url: str
    title: str
    language: str | None
    status: str
    versions: tuple[VersionRow, ...]


@dataclass(frozen=True)
class DocumentView:
    """A document's page: its metadata, every copy and language, every change (newest
    first)."""

    page: str
    title: str
    language: str | None
    doc_number: str | None
    issuer: str | None
    published: str | None
    status: str
    copies: tuple[CopySection, ...]
    changes: tuple[AlertView, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        """The copies' languages, in copy order, each once."""
        return tuple(dict.fromkeys(c.language for c in self.copies if c.language))


@dataclass(frozen=True)
class MemberRow:
    """An entity of a list and the announcement that last changed it (when known)."""

    name: str
    other_names: tuple[str, ...]
    country: str | None
    status: str
    since: str | None
    last_action: str
    announcement: str | None
    announcement_page: str | None


@dataclass(frozen=True)
class ListView:
    """A control list's page: its titles and its members (listed, suspended, removed)."""

    name: str
    page: str
    title: str
    titles: tuple[tuple[str, str], ...]
    issuer: str
    language: str | None
    members: tuple[MemberRow, ...]

    def count(self, status: str) -> int:
        """How many members have ``status``."""
        return sum(m.status == status for m in self.members)


@dataclass(frozen=True)
class SiteContent:
    """Everything the bulletin shows."""

    timeline: tuple[TimelineItem, ...]
    documents: tuple[DocumentView, ...]
    topics: tuple[NavLink, ...]
    sources: tuple[NavLink, ...]
    lists: tuple[ListView, ...]

    def by_topic(self, topic: str) -> tuple[TimelineItem, ...]:
        """The timeline items that matched ``topic``."""
        return tuple(i for i in self.timeline if any(t == topic for t, _ in i.topics))

    def by_source(self, source: str) -> tuple[TimelineItem, ...]:
        """The timeline items of ``source``."""
        return tuple(i for i in self.timeline if i.view.source == source)


def site_content(store: Store, config: Config, feeds: Iterable[str] = ()) -> SiteContent:
    """Read the store into the bulletin's views; ``feeds`` names the Atom feeds written
    (``all``, ``topic-dual-use``…) so that filter pages link only feeds that exist."""
    changes = store.list_changes()  # first: a change listed has its notice listed too
    notices = [n for n in map(store.find_notice, map(str, store.notice_ids())) if n]
    pages = {n.id: document_page(n.document_id, n.id) for n in notices}
    ledger = Ledger(store)
    views = {c.id: alert_view(store, config, c, ledger.matches_of(c.id)) for c in changes}
    timeline = tuple(
        TimelineItem(views[c.id], pages.get(c.notice_id, document_page(None, c.notice_id)))
        for c in reversed(changes)
    )
    written = set(feeds)
    return SiteContent(
        timeline=timeline,
        documents=_documents(store, config, notices, changes, views),
        topics=_topic_links(timeline, written),
        sources=_source_links(config, changes, written),
        lists=list_views(store, config.lists, pages),
    )


def _documents(
    store: Store,
    config: Config,
    notices: Sequence[Notice],
    changes: Sequence[Change],
    views: dict[int, AlertView],
) -> tuple[DocumentView, ...]:
    """One view per document (its copies grouped), newest published first."""
    groups: dict[str, list[Notice]] = {}
    for notice in notices:
        groups.setdefault(document_page(notice.document_id, notice.id), []).append(notice)
    by_notice: dict[int, list[Change]] = {}
    for change in changes:
        by_notice.setdefault(change.notice_id, []).append(change)
    documents = [
        document_view(store, config, page, copies, by_notice, views)
        for page, copies in groups.items()
    ]
    return tuple(sorted(documents, key=lambda d: (d.published or "", d.page), reverse=True))


def document_view(
    store: Store,
    config: Config,
    page: str,
    copies: Sequence[Notice],
    changes: dict[int, list[Change]],
    views: dict[int, AlertView],
) -> DocumentView:
    """The page of one document from its copies (oldest first) and their changes."""
    copy_views = tuple(_copy_view(store, config, n, changes.get(n.id, [])) for n in copies)
    primary = next((c for c in copy_views if c.language not in (None, "en")), copy_views[0])
    notice = next(n for n in copies if n.id == primary.notice_id)
    own = sorted((c for n in copies for c in changes.get(n.id, [])), key=lambda c: -c.id)
    return DocumentView(
        page=page,
        title=primary.title,
        language=primary.language,
        doc_number=_first(notice.doc_number, *(n.doc_number for n in copies)),
        issuer=_first(notice.issuer, *(n.issuer for n in copies)),
        published=_first(notice.published, *(n.published for n in copies)),
        status="active" if any(n.status == "active" for n in copies) else notice.status,
        copies=copy_views,
        changes=tuple(views[c.id] for c in own),
    )


def _copy_view(store: Store, config: Config, notice: Notice, changes: list[Change]) -> CopySection:
    versions = store.versions_of(notice.id)
    recorded = {c.version_id: c for c in changes if c.version_id is not None}
    current = next((v for v in versions if v.id == notice.current_version_id), None)
    return CopySection(
        notice_id=notice.id,
        source=notice.source,
        source_title=source_title(config, notice.source),
        url=notice.url,
        title=current.title if current and current.title else notice.title,
        language=_language(current),
        status=notice.status,
        versions=tuple(
            _version_row(number, v, notice, recorded.get(v.id))
            for number, v in enumerate(versions, start=1)
        ),
    )


def _version_row(
    number: int, version: Version, notice: Notice, change: Change | None
) -> VersionRow:
    return VersionRow(
        number=number,
        fetched_at=version.fetched_at,
        title=version.title,
        language=_language(version),
        http_status=version.http_status,
        current=version.id == notice.current_version_id,
        change_id=change.id if change else None,
        change_kind=change.kind if change else None,
    )


def _language(version: Version | None) -> str | None:
    language = version.metadata.get("language") if version else None
    return language if isinstance(language, str) else None


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _topic_links(timeline: Sequence[TimelineItem], feeds: set[str]) -> tuple[NavLink, ...]:
    """The topics matched by some listed change, by title."""
    titles: dict[str, str] = {}
    for item in timeline:
        for topic, title in item.topics:
            titles.setdefault(topic, title)
    return tuple(
        _link("topics", name, title, f"topic-{name}", feeds)
        for name, title in sorted(titles.items(), key=lambda pair: pair[1])
        if _safe(name)
    )


def _source_links(
    config: Config, changes: Sequence[Change], feeds: set[str]
) -> tuple[NavLink, ...]:
    """Every configured source, then any other source with stored changes."""
    names = dict.fromkeys([*config.sources, *(c.source for c in changes)])
    return tuple(
        _link("sources", name, source_title(config, name), f"source-{name}", feeds)
        for name in names
        if _safe(name)
    )


def _link(folder: str, name: str, title: str, feed: str, feeds: set[str]) -> NavLink:
    return NavLink(
        name, title, f"{folder}/{name}.html", f"feeds/{feed}.xml" if feed in feeds else None
    )


def _safe(name: str) -> bool:
    """Whether ``name`` can name a page file (else it is left out, with a warning)."""
    if _SAFE_NAME.match(name):
        return True
    log.warning("bulletin: no page for %r (not a file name)", name)
    return False


def list_views(
    store: Store, specs: Sequence[ListSpec], pages: dict[int, str]
) -> tuple[ListView, ...]:
    """The control lists that have members, in configuration order (then by name);
    ``pages`` maps notice ids to their document pages (the announcements)."""
    lists = ListStore(store)
    members = lists.members()
    if not members:
        return ()
    events = {e.id: e for e in lists.current_events()}
    known = {spec.name: spec for spec in specs}
    names = [s.name for s in specs if any(m.list_name == s.name for m in members)]
    names += sorted({m.list_name for m in members} - set(names))
    views = []
    for name in filter(_safe, names):
        spec = known.get(name, ListSpec(name=name, title=name))
        rows = [_member_row(m, events, pages) for m in members if m.list_name == name]
        views.append(_list_view(spec, rows))
    return tuple(views)


def _member_row(
    member: ListMember, events: dict[int, ListEventRow], pages: dict[int, str]
) -> MemberRow:
    event = events.get(member.last_event_id)
    return MemberRow(
        name=member.name,
        other_names=member.other_names,
        country=member.country,
        status=member.status,
        since=member.since,
        last_action=member.last_action,
        announcement=event.document if event else None,
        announcement_page=pages.get(event.notice_id) if event else None,
    )


def _list_view(spec: ListSpec, rows: list[MemberRow]) -> ListView:
    order = {status: i for i, status in enumerate(LIST_STATUSES)}
    rows.sort(key=lambda r: (order.get(r.status, len(LIST_STATUSES)), r.name))
    language = next((lang for lang, _ in spec.titles if lang != "en"), None)
    return ListView(
        name=spec.name,
        page=list_page(spec.name),
        title=spec.title,
        titles=tuple((lang, t) for lang, t in spec.titles if t != spec.title),
        issuer=spec.issuer,
        language=language,
        members=tuple(rows),
    )
