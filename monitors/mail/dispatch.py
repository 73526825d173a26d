"""Deliver what the ledger says is due: immediate alerts and opened digests.

Each due row is rendered, sent through the configured transport (SMTP, or the Maildir outbox
when no SMTP host is configured) and its outcome recorded. Rows are only ever created by
:mod:`monitors.changes.alerts` and :func:`open_due_digests`, so sending twice is impossible
unless the process dies between sending and recording — then the same message (same Message-ID) goes
again, which mail clients collapse.
"""

from __future__ import annotations

from datetime import UTC, datetime

from monitors.changes.alerts import SendReport, record_attempt
from monitors.changes.digest import Period, digest_view, due_period
from monitors.core.config import Config
from monitors.mail.alertview import alert_view
from monitors.mail.emailrender import render_alert, render_digest
from monitors.mail.mailer import DeliveryResult, Transport, transport_for
from monitors.mail.messages import build_email, thread_id
from monitors.storage.ledger import Delivery, Ledger
from monitors.storage.store import Store


def make_transport(config: Config) -> Transport:
    """SMTP when ``[mail.smtp]`` names a host, otherwise the Maildir outbox."""
    return transport_for(config.mail.smtp, config.outbox_path)


def open_due_digests(store: Store, config: Config, now: datetime | None = None) -> int:
    """Open (record) every digest whose period is complete and due; return how many."""
    now = now or datetime.now(UTC)
    ledger = Ledger(store)
    opened = 0
    for subscription in config.subscriptions:
        if subscription.digest == "none":
            continue
        since = ledger.subscriber_since(subscription.name, subscription.email)
        period = due_period(subscription, subscription.digest, now)
        if period.end_iso <= since:
            continue  # the subscription did not exist during that period
        count = digest_view(store, config, subscription, period).total
        row = ledger.open_digest(
            subscription.name,
            subscription.email,
            period.kind,
            period.start_iso,
            period.end_iso,
            count,
            config.mail.message_id_domain,
        )
        opened += row is not None
    return opened


def deliver_due(
    store: Store, config: Config, transport: Transport, now: datetime | None = None
) -> SendReport:
    """Send every alert and digest that is due; record each outcome."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    ledger = Ledger(store)
    name = transport.name
    report = SendReport()
    for delivery in ledger.due("alerts", moment):
        result = transport.send(_alert_message(store, config, ledger, delivery))
        report += record_attempt(ledger, delivery, result, config, name)
    for delivery in ledger.due("digests", moment):
        result = _send_digest(store, config, delivery, transport)
        report += record_attempt(ledger, delivery, result, config, name)
    return report


def _alert_message(store: Store, config: Config, ledger: Ledger, delivery: Delivery):
    change = store.get_change(delivery.change_id)
    view = alert_view(store, config, change, ledger.matches_of(change.id))
    return build_email(
        render_alert(view),
        sender=config.mail.sender,
        recipient=delivery.recipient,
        message_id=delivery.message_id,
        thread=thread_id(config.mail.message_id_domain, change.document_id, change.notice_id),
    )


def _send_digest(
    store: Store, config: Config, delivery: Delivery, transport: Transport
) -> DeliveryResult:
    subscription = next((s for s in config.subscriptions if s.name == delivery.subscription), None)
    if subscription is None:
        return DeliveryResult("failed", f"subscription {delivery.subscription!r} was removed")
    period = Period(
        delivery.period,
        datetime.fromisoformat(delivery.period_start).astimezone(subscription.zone),
        datetime.fromisoformat(delivery.period_end).astimezone(subscription.zone),
        "",
    )
    message = build_email(
        render_digest(digest_view(store, config, subscription, period)),
        sender=config.mail.sender,
        recipient=delivery.recipient,
        message_id=delivery.message_id,
    )
    return transport.send(message)
