"""Deliver what the ledger says is due: immediate alerts, opened digests and health notices.

Each due row is rendered, sent through the configured transport (SMTP, or the Maildir outbox
when no SMTP host is configured; an alert for a subscription's ``notify`` target as a short
chat message through Apprise, :mod:`monitors.mail.push`) and its outcome recorded by the one
:func:`~monitors.changes.alerts.record_attempt` (retries with backoff across restarts). Rows
are only ever created by :mod:`monitors.changes.alerts`, :func:`open_due_digests` and
:mod:`monitors.ops.health`, so sending twice is impossible unless the process dies between
sending and recording — then the same message (same Message-ID) goes again, which mail
clients collapse.

Health notices go to ``[mail] operator``. Without one they are marked ``skipped`` (never sent
later) with one log line. A recovery notice waits while an alert of its episode is still
being retried, and is skipped when none of them was delivered.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage

from monitors.changes.alerts import (
    SendReport,
    alert_changes,
    alert_followed_since,
    record_attempt,
)
from monitors.changes.digest import Period, digest_view, due_period
from monitors.core.config import Config
from monitors.mail.alertview import alert_view, party_match_view
from monitors.mail.emailrender import (
    render_alert,
    render_digest,
    render_health,
    render_publish_notice,
)
from monitors.mail.emailviews import AlertView
from monitors.mail.healthview import publish_view_of, view_of
from monitors.mail.mailer import DeliveryResult, Transport, transport_for
from monitors.mail.messages import build_email
from monitors.mail.push import PushTransport, push_message
from monitors.mail.pushurls import is_push_target, target_key
from monitors.ops.publish_health import SOURCE_PREFIX as PUBLISHING
from monitors.storage.ledger import ALERTS, DIGESTS, HEALTH, PENDING_STATUSES, Delivery, Ledger
from monitors.storage.store import Store

log = logging.getLogger(__name__)


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
    store: Store,
    config: Config,
    transport: Transport,
    now: datetime | None = None,
    push: PushTransport | None = None,
) -> SendReport:
    """Send every alert, digest and health notice that is due; record each outcome. Alerts
    for ``notify`` targets go through ``push`` (by default Apprise, secrets from the
    environment), the rest through ``transport``."""
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    ledger = Ledger(store)
    report = SendReport()
    for delivery in ledger.due(ALERTS, moment):
        if is_push_target(delivery.recipient) and not _still_configured(config, delivery):
            why = "this notify target is no longer configured for the subscription"
            ledger.mark(ALERTS, delivery.id, "skipped", last_error=why)
            continue
        channel: Transport | PushTransport = transport
        if is_push_target(delivery.recipient):
            channel = push = push or PushTransport()
        result = _send_alert(store, config, ledger, delivery, channel)
        report += record_attempt(ledger, delivery, result, config, channel.name, now=now)
        report += SendReport(pushed=int(channel is push and result.status == "sent"))
    name = transport.name
    for delivery in ledger.due(DIGESTS, moment):
        result = _send_digest(store, config, delivery, transport)
        report += record_attempt(ledger, delivery, result, config, name, now=now)
    return report + _deliver_health(ledger, config, transport, moment, now)


def _deliver_health(
    ledger: Ledger, config: Config, transport: Transport, moment: str, now: datetime | None
) -> SendReport:
    """Send the due health notices to ``[mail] operator`` (see the module docstring)."""
    notices = ledger.due(HEALTH, moment)
    operator = (config.mail.operator or "").strip()
    if notices and not operator:
        log.warning(
            "no [mail] operator configured: %d health notice(s) not mailed "
            "(`dualwatch status` shows failing sources)",
            len(notices),
        )
    report = SendReport()
    for delivery in notices:
        if not operator:
            ledger.mark(HEALTH, delivery.id, "skipped", last_error="no [mail] operator configured")
            continue
        episode = _episode_delivery(ledger, delivery)
        if episode in PENDING_STATUSES:
            continue  # the recovery waits for its episode's alerts
        if episode in ("failed", "skipped"):
            why = "its failure alert was not delivered"
            ledger.mark(HEALTH, delivery.id, "skipped", last_error=why)
            continue
        result = transport.send(_health_message(config, ledger, delivery, operator))
        report += record_attempt(
            ledger, delivery, result, config, transport.name, recipient=operator, now=now
        )
    return report


def _alert_view(
    store: Store, config: Config, ledger: Ledger, delivery: Delivery
) -> AlertView | DeliveryResult:
    """What alert ``delivery`` shows, or why it cannot be sent."""
    change = store.get_change(delivery.change_id) if delivery.change_id is not None else None
    if change is None:
        return DeliveryResult("failed", f"change {delivery.change_id} no longer exists")
    followed = alert_followed_since(store, config, delivery)
    subscription = config.subscription(delivery.subscription)
    language = subscription.language if subscription else None
    merged = ledger.merged_changes(delivery.id)
    matches = [m for c in (change, *merged) for m in ledger.matches_of(c.id)]
    shown, also = alert_changes(store, change, merged, language)
    view = alert_view(store, config, shown, matches, followed_since=followed, also=also)
    if subscription is not None and subscription.parties:
        from monitors.changes.parties import party_hits

        hits = [
            hit
            for c in (change, *merged)
            for hit in party_hits(store, c, subscription, config.screening)
        ]
        view = replace(view, party_matches=tuple(party_match_view(config, h) for h in hits))
    return view


def _send_alert(
    store: Store,
    config: Config,
    ledger: Ledger,
    delivery: Delivery,
    channel: Transport | PushTransport,
) -> DeliveryResult:
    """Render alert ``delivery`` and send it through ``channel``: an email, or the short
    chat message of a ``notify`` target."""
    view = _alert_view(store, config, ledger, delivery)
    if isinstance(view, DeliveryResult):  # it cannot be sent (its change is gone)
        return view
    if isinstance(channel, PushTransport):
        return channel.send(delivery.recipient, push_message(view))
    message = build_email(
        render_alert(view),
        sender=config.mail.sender,
        recipient=delivery.recipient,
        message_id=delivery.message_id,
        parent=ledger.parent_of(delivery),
    )
    return channel.send(message)


def _still_configured(config: Config, delivery: Delivery) -> bool:
    """Whether a push row's target is still one of its subscription's ``notify`` URLs (a
    target removed, e.g. because it was wrong or leaked, is never sent to again)."""
    subscription = config.subscription(delivery.subscription)
    return subscription is not None and delivery.recipient in map(target_key, subscription.notify)


def _send_digest(
    store: Store, config: Config, delivery: Delivery, transport: Transport
) -> DeliveryResult:
    subscription = config.subscription(delivery.subscription)
    if subscription is None:
        return DeliveryResult("failed", f"subscription {delivery.subscription!r} was removed")
    if not (delivery.period and delivery.period_start and delivery.period_end):
        return DeliveryResult("failed", f"digest {delivery.id} names no period")
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


def _health_message(
    config: Config, ledger: Ledger, delivery: Delivery, operator: str
) -> EmailMessage:
    """The health email; a later alert or the recovery answers the episode's first alert
    when that one was sent to this operator."""
    about_publishing = (delivery.source or "").startswith(PUBLISHING)
    rendered = (
        render_publish_notice(publish_view_of(delivery))
        if about_publishing
        else render_health(view_of(delivery))
    )
    return build_email(
        rendered,
        sender=config.mail.sender,
        recipient=operator,
        message_id=delivery.message_id,
        parent=ledger.parent_of(delivery),
    )


def _episode_delivery(ledger: Ledger, delivery: Delivery) -> str | None:
    """How the alerts of the episode a recovery notice ends were delivered (None: not a
    recovery): ``pending``/``retry`` while one is still due, else ``sent`` when one was."""
    if delivery.kind != "recovered" or not delivery.thread or not delivery.source:
        return None
    statuses = ledger.thread_statuses(delivery.source, delivery.thread)
    order = (*PENDING_STATUSES, "sent", "failed", "skipped")
    return next((s for s in order if s in statuses), None)
