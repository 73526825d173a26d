"""Immediate alerts: classify each change with the relevance rules, queue one alert per
interested recipient, and deliver what is due — each alert to each recipient once.

* A new notice is matched on its whole title and text; a modification only on what it added
  or changed (title, body, changed attachments, and the whole text of an attachment that
  could not be downloaded before and has now arrived); a removal on its last stored version.
* A restored notice (removed or delisted, then back) is matched like a new one, on the whole
  title and text of its current version: it is news again for whoever follows its topics
  ("Restored: …"), whether or not its content changed while it was gone. A delisted notice
  (still served, gone from its listing) is matched on its whole current version too.
* A change is queued for a subscription when it matches one of its topics (any topic when
  it names none) and comes from one of its sources; irrelevant changes go to digests only.
* Watched parties: a change of a list announcement adding a row that matches one of a
  subscription's counterparties (``parties``) is queued for it whatever its topics
  (:mod:`monitors.changes.parties`); the alert says which counterparty matched.
* Following: the rules decide who hears about a document first. Once an alert about a
  document (any copy of it; the notice when it has no document) was queued for a recipient,
  sent yet or not, every later change of it (:data:`FOLLOWED_KINDS`) is queued for that
  recipient's subscription too, whatever text changed — unless it sets
  ``follow_revisions = false``. Its sources and ``immediate`` still apply.
* One alert per document per crawl: the copies and languages of one document that changed
  in the same crawl (batch) are one alert, headlined by the copy in the subscription's
  ``language`` (default: the original), carrying each other copy's change (``merged``
  ledger rows); it is sent when any of them earns the subscription an alert.
* Chat and push: a subscription's ``notify`` targets (Apprise URLs) are recipients of
  their own beside its email address, each first seen when it was added (no replay of
  older changes), each alerted once per change (:mod:`monitors.mail.push`).
* Delivery failures are retried with exponential backoff across restarts; a permanent
  refusal (5xx) is recorded as failed and shown by `dualwatch alerts`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from monitors.core.config import Config
from monitors.mail.mailer import DeliveryResult
from monitors.mail.pushurls import target_key
from monitors.rules.ruleset import RuleMatch, RuleSet
from monitors.rules.subscriptions import Subscription
from monitors.storage.ledger import Delivery, Ledger, StoredMatch
from monitors.storage.models import Change, ChangeDiff
from monitors.storage.store import Store
from monitors.text.diff import TextDiff

log = logging.getLogger(__name__)

#: The kinds of change of a followed document that are alerted whatever text changed.
FOLLOWED_KINDS = ("modified", "delisted", "removed", "restored")


@dataclass(frozen=True)
class SendReport:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Of ``sent``: chat and push messages (``notify`` targets), not email.
    pushed: int = 0

    def __add__(self, other: SendReport) -> SendReport:
        return SendReport(
            self.sent + other.sent,
            self.retrying + other.retrying,
            self.failed + other.failed,
            self.pushed + other.pushed,
        )


def classify_pending(store: Store, rules: RuleSet) -> int:
    """Match every not yet classified change against the rules; return how many."""
    ledger = Ledger(store)
    pending = ledger.unclassified_changes()
    for change in pending:
        title, text, source, doc_type = matchable_parts(store, change)
        matches = rules.match(title=title, text=text, source=source, doc_type=doc_type)
        ledger.record_matches(change.id, [_stored(m) for m in matches])
    return len(pending)


def matchable_parts(store: Store, change: Change) -> tuple[str, str, str, str | None]:
    """(title, text, source, doc_type) a change is matched on (see module docstring)."""
    if change.kind == "removed":
        version = (
            store.get_version(change.previous_version_id) if change.previous_version_id else None
        )
    else:  # new, modified, restored, delisted: the version now current
        version = store.get_version(change.version_id) if change.version_id else None
    doc_type = version.metadata.get("doc_type") if version else None
    if change.kind == "modified" and change.diff:
        title, text = added_parts(change.diff)
        arrived = arrived_texts(store, change.diff)
        return title, "\n".join(p for p in (text, *arrived) if p), change.source, doc_type
    # new and restored: the whole current title and text; removed: the last stored ones
    return (
        (version.title if version else change.title),
        (version.text if version else ""),
        (change.source),
        doc_type,
    )


def added_parts(diff: ChangeDiff) -> tuple[str, str]:
    """The added or changed title and text of a modification's diff."""
    title = _added(diff.title)
    parts = [_added(diff.body)]
    parts.extend(_added(changed.text) for changed in diff.attachments.changed)
    parts.extend(added.name for added in diff.attachments.added)
    return title, "\n".join(p for p in parts if p)


def arrived_texts(store: Store, diff: ChangeDiff) -> list[str]:
    """The extracted texts of attachments a modification made available (hash None → set):
    all of such a file is new, there was no earlier text to diff it against."""
    texts = []
    for changed in diff.attachments.changed:
        old_hash, new_hash = changed.old_sha256, changed.new_sha256
        if old_hash is None and new_hash:
            info = store.file_info(new_hash)
            if info and info["text"]:
                texts.append(info["text"])
    return texts


def queue_immediate(store: Store, config: Config) -> int:
    """Queue an alert for every relevant change each immediate subscription has not had, and
    for every later change of a document it was alerted about (it follows it): one alert per
    document per crawl (:func:`crawl_groups`), headlined by :func:`headline_change`."""
    ledger = Ledger(store)
    queued = 0
    for subscription in config.subscriptions:
        if not subscription.immediate:
            continue
        for recipient, since in recipients(ledger, subscription):
            queued += _queue_for(store, config, ledger, subscription, recipient, since)
    return queued


def recipients(ledger: Ledger, subscription: Subscription) -> list[tuple[str, str]]:
    """Who a subscription's alerts go to, each with when it was first seen (it is alerted
    about changes from then on): its email address, then each ``notify`` target (a target
    added later, or removed and added again, does not replay the changes before it)."""
    found = [(subscription.email, ledger.subscriber_since(subscription.name, subscription.email))]
    names = {
        f"{subscription.name} {target_key(url)}": target_key(url) for url in subscription.notify
    }
    ledger.forget_subscribers(f"{subscription.name} {target_key('')}", keep=list(names))
    for name, target in names.items():
        found.append((target, ledger.subscriber_since(name, target)))
    return found


def _queue_for(
    store: Store,
    config: Config,
    ledger: Ledger,
    subscription: Subscription,
    recipient: str,
    since: str,
) -> int:
    """Queue the alerts ``recipient`` of ``subscription`` has not had; how many."""
    candidates = [
        change
        for change in ledger.changes_without_alert(recipient, since)
        if subscription.wants_source(change.source)
    ]
    queued = 0
    for group in crawl_groups(ledger, candidates):
        wanted = [
            c
            for c in group
            if _wanted(ledger, subscription, c, recipient)
            or _watched_party(store, config, subscription, c)
        ]
        if not wanted:
            continue
        headline = headline_change(store, group, wanted, subscription.language)
        queued += ledger.queue_alert(
            headline.id,
            subscription.name,
            recipient,
            config.mail.message_id_domain,
            merged=[c.id for c in group if c.id != headline.id],
        )
    return queued


def crawl_groups(ledger: Ledger, changes: Sequence[Change]) -> list[list[Change]]:
    """``changes`` grouped by document (the notice, without one) and crawl batch: every copy
    and language of one document that changed in one crawl is one group, in order of first
    change. A change detected outside a crawl is a group of its own."""
    batches = ledger.batches_of(changes)
    groups: dict[tuple[object, ...], list[Change]] = {}
    for change in changes:
        batch = batches.get(change.id)
        about = (
            ("document", change.document_id) if change.document_id else ("notice", change.notice_id)
        )
        key = (*about, batch) if batch else ("change", change.id)
        groups.setdefault(key, []).append(change)
    return list(groups.values())


def headline_change(
    store: Store, group: Sequence[Change], wanted: Sequence[Change], language: str | None
) -> Change:
    """The change an alert about ``group`` is headlined by: a copy in the subscriber's
    ``language`` (None: the original — a copy not in English, since MOFCOM, MOFA and METI
    publish in Chinese or Japanese first), then one that matched (``wanted``), then the
    first."""
    wanted_ids = {c.id for c in wanted}

    def rank(change: Change) -> tuple[bool, bool, int]:
        preferred = is_preferred(change_language(store, change), language)
        return (not preferred, change.id not in wanted_ids, change.id)

    return min(group, key=rank)


def is_preferred(copy_language: str | None, language: str | None) -> bool:
    """Whether a copy in ``copy_language`` suits a subscriber preferring ``language`` (None:
    the original, i.e. not the English translation)."""
    return copy_language == language if language else copy_language != "en"


def alert_changes(
    store: Store, change: Change, merged: Sequence[Change], language: str | None
) -> tuple[Change, list[Change]]:
    """The change an alert shows first and the others it carries, for a subscriber preferring
    ``language``. The other copies of a new document found in the same crawl are no changes
    of their own (detection records them as copies): they are shown as new too, and the
    alert is headlined by the copy that suits the subscriber (:func:`is_preferred`)."""
    if change.kind != "new" or change.document_id is None:
        return change, list(merged)
    copies = [change, *_copies_found_with(store, change)]
    shown = next((c for c in copies if is_preferred(change_language(store, c), language)), change)
    return shown, [c for c in copies if c is not shown] + list(merged)


def _copies_found_with(store: Store, change: Change) -> list[Change]:
    """The other copies of a new change's document first stored in the same crawl, each as a
    ``new`` change of its own page (same id and time as ``change``)."""
    found = []
    for copy in store.copies_of(change.document_id) if change.document_id else ():
        if copy.id == change.notice_id or copy.current_version_id is None:
            continue
        found.append(
            replace(
                change,
                notice_id=copy.id,
                run_id=store.first_run_of(copy.id),
                source=copy.source,
                url=copy.url,
                title=copy.title,
                version_id=copy.current_version_id,
            )
        )
    batch = _batch(store, change.run_id)
    return [c for c in found if batch is not None and _batch(store, c.run_id) == batch]


def _batch(store: Store, run_id: int | None) -> str | None:
    run = store.get_run(run_id) if run_id is not None else None
    return run.batch if run else None


def change_language(store: Store, change: Change) -> str | None:
    """The language (zh, ja, en) of the version a change is about, if recorded."""
    version_id = change.previous_version_id if change.kind == "removed" else change.version_id
    version = store.get_version(version_id) if version_id else None
    language = version.metadata.get("language") if version else None
    return str(language) if language else None


def _watched_party(
    store: Store, config: Config, subscription: Subscription, change: Change
) -> bool:
    """Whether ``change`` adds a list row matching one of the subscription's counterparties
    (name folding is loaded only for subscriptions that watch parties)."""
    if not subscription.parties:
        return False
    from monitors.changes.parties import party_hits

    return bool(party_hits(store, change, subscription, config.screening))


def _wanted(ledger: Ledger, subscription: Subscription, change: Change, recipient: str) -> bool:
    """Whether ``change`` by itself earns ``recipient`` of ``subscription`` an alert
    (:func:`wants_alert`; it follows the documents it was alerted about)."""
    topics = [m.topic for m in ledger.matches_of(change.id)]
    following = not subscription.wants_topics(topics) and bool(
        followed_since(ledger, change, subscription, recipient)
    )
    return wants_alert(subscription, change.source, change.kind, topics, following)


def wants_alert(
    subscription: Subscription, source: str, kind: str, topics: Iterable[str], following: bool
) -> bool:
    """Whether ``subscription`` gets an immediate alert about a ``kind`` change of ``source``
    that matched ``topics``. ``following``: its recipient was alerted about the change's
    document before. Always only for an immediate subscription and one of its sources; then
    when the change matches one of its topics (the rules decide who hears about a document
    first), or is a later change of a followed document (:data:`FOLLOWED_KINDS`) and the
    subscription follows revisions."""
    if not subscription.immediate or not subscription.wants_source(source):
        return False
    if subscription.wants_topics(topics):
        return True
    return following and subscription.follow_revisions and kind in FOLLOWED_KINDS


def followed_since(
    ledger: Ledger, change: Change, subscription: Subscription, recipient: str
) -> str | None:
    """When ``recipient`` was first alerted about ``change``'s document — the first alert
    queued for them about an earlier change of it, sent yet or not: its sent_at, else its
    created_at — if ``change`` reaches ``subscription`` as a revision of a followed document
    (one of :data:`FOLLOWED_KINDS`, ``follow_revisions`` on); else None."""
    if not subscription.follow_revisions or change.kind not in FOLLOWED_KINDS:
        return None
    first = ledger.first_alert_about_document(change.id, recipient)
    return (first.sent_at or first.created_at) if first else None


def alert_followed_since(store: Store, config: Config, delivery: Delivery) -> str | None:
    """For an alert row being rendered: when its recipient was first alerted about the
    change's document, if the change reaches them (also) as a followed revision; else None
    (the "Why this alert" part says so)."""
    subscription = config.subscription(delivery.subscription)
    change = store.get_change(delivery.change_id) if delivery.change_id is not None else None
    if subscription is None or change is None:
        return None
    return followed_since(Ledger(store), change, subscription, delivery.recipient)


def record_attempt(
    ledger: Ledger,
    delivery: Delivery,
    result: DeliveryResult,
    config: Config,
    transport: str,
    *,
    recipient: str | None = None,
    now: datetime | None = None,
) -> SendReport:
    """Write the outcome of one send attempt of any ledger row (alert, digest, health notice):
    ``sent``; ``retry`` after :func:`backoff`; or ``failed`` for good. ``recipient``: who it
    was sent to, when that is decided at sending (the operator of a health notice)."""
    attempts = delivery.attempts + 1
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    common = {"attempts": attempts, "transport": transport}
    if recipient is not None:
        common["recipient"] = recipient
    to = recipient or delivery.recipient
    if result.status == "sent":
        ledger.mark(
            delivery.table,
            delivery.id,
            "sent",
            sent_at=moment.isoformat(),
            last_error=None,
            location=result.detail,
            **common,
        )
        return SendReport(sent=1)
    if result.status == "retry":
        wait = backoff(attempts, config.mail.retry_base_seconds, config.mail.retry_max_seconds)
        next_at = (moment + wait).isoformat()
        ledger.mark(
            delivery.table,
            delivery.id,
            "retry",
            next_attempt_at=next_at,
            last_error=result.detail,
            **common,
        )
        log.warning(
            "%s %s to %s: will retry at %s: %s",
            delivery.label,
            delivery.id,
            to,
            next_at,
            result.detail,
        )
        return SendReport(retrying=1)
    ledger.mark(delivery.table, delivery.id, "failed", last_error=result.detail, **common)
    log.error("%s %s to %s failed permanently: %s", delivery.label, delivery.id, to, result.detail)
    return SendReport(failed=1)


def backoff(attempts: int, base: float, maximum: float) -> timedelta:
    """The wait before attempt ``attempts + 1``: base * 2**(attempts-1), capped."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), maximum))


def _added(diff: TextDiff | None) -> str:
    return diff.added_text() if diff is not None else ""


def _stored(match: RuleMatch) -> StoredMatch:
    return StoredMatch(
        topic=match.topic,
        topic_title=match.topic_title,
        priority=match.priority,
        term=match.term,
        field=match.field,
        snippet=match.snippet,
    )
