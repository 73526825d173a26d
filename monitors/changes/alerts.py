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
* Delivery failures are retried with exponential backoff across restarts; a permanent
  refusal (5xx) is recorded as failed and shown by `dualwatch alerts`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitors.core.config import Config
from monitors.mail.mailer import DeliveryResult
from monitors.rules.ruleset import RuleSet
from monitors.storage.ledger import Delivery, Ledger, StoredMatch
from monitors.storage.models import Change
from monitors.storage.store import Store, utcnow
from monitors.text.diff import TextDiff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendReport:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __add__(self, other: SendReport) -> SendReport:
        return SendReport(
            self.sent + other.sent, self.retrying + other.retrying, self.failed + other.failed
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


def added_parts(change_diff: str) -> tuple[str, str]:
    """The added or changed title and text of a stored modification diff."""
    payload = json.loads(change_diff)
    title = _added(payload.get("title"))
    parts = [_added(payload.get("body"))]
    for changed in (payload.get("attachments") or {}).get("changed", []):
        parts.append(_added(changed.get("text")))
    parts.extend(
        line.split("\t", 1)[0] for line in (payload.get("attachments") or {}).get("added", [])
    )
    return title, "\n".join(p for p in parts if p)


def arrived_texts(store: Store, change_diff: str) -> list[str]:
    """The extracted texts of attachments a modification made available (hash None → set):
    all of such a file is new, there was no earlier text to diff it against."""
    texts = []
    for changed in (json.loads(change_diff).get("attachments") or {}).get("changed", []):
        old_hash, new_hash = (changed.get("sha256") or [None, None])[:2]
        if old_hash is None and new_hash:
            info = store.file_info(new_hash)
            if info and info["text"]:
                texts.append(info["text"])
    return texts


def queue_immediate(store: Store, config: Config) -> int:
    """Queue an alert for every relevant change each immediate subscription has not had."""
    ledger = Ledger(store)
    queued = 0
    for subscription in config.subscriptions:
        if not subscription.immediate:
            continue
        since = ledger.subscriber_since(subscription.name, subscription.email)
        for change in ledger.changes_without_alert(subscription.email, since):
            topics = [m.topic for m in ledger.matches_of(change.id)]
            if subscription.wants_source(change.source) and subscription.wants_topics(topics):
                queued += ledger.queue_alert(
                    change.id, subscription.name, subscription.email, config.mail.message_id_domain
                )
    return queued


def record_attempt(
    ledger: Ledger, delivery: Delivery, result: DeliveryResult, config: Config, transport: str
) -> SendReport:
    """Write the outcome of one send attempt into the ledger."""
    attempts = delivery.attempts + 1
    if result.status == "sent":
        ledger.mark(
            delivery.table,
            delivery.id,
            "sent",
            attempts=attempts,
            sent_at=utcnow(),
            last_error=None,
            transport=transport,
            location=result.detail,
        )
        return SendReport(sent=1)
    if result.status == "retry":
        wait = backoff(attempts, config.mail.retry_base_seconds, config.mail.retry_max_seconds)
        next_at = (datetime.now(UTC) + wait).replace(microsecond=0).isoformat()
        ledger.mark(
            delivery.table,
            delivery.id,
            "retry",
            attempts=attempts,
            next_attempt_at=next_at,
            last_error=result.detail,
            transport=transport,
        )
        log.warning(
            "%s %s to %s: will retry at %s: %s",
            delivery.table[:-1],
            delivery.id,
            delivery.recipient,
            next_at,
            result.detail,
        )
        return SendReport(retrying=1)
    ledger.mark(
        delivery.table,
        delivery.id,
        "failed",
        attempts=attempts,
        last_error=result.detail,
        transport=transport,
    )
    log.error(
        "%s %s to %s failed permanently: %s",
        delivery.table[:-1],
        delivery.id,
        delivery.recipient,
        result.detail,
    )
    return SendReport(failed=1)


def backoff(attempts: int, base: float, maximum: float) -> timedelta:
    """The wait before attempt ``attempts + 1``: base * 2**(attempts-1), capped."""
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), maximum))


def _added(diff_json: dict | None) -> str:
    if not diff_json:
        return ""
    return TextDiff.from_json(json.dumps(diff_json, ensure_ascii=False)).added_text()


def _stored(match: object) -> StoredMatch:
    return StoredMatch(
        topic=match.topic,
        topic_title=match.topic_title,
        priority=match.priority,
        term=match.term,
        field=match.field,
        snippet=match.snippet,
    )
