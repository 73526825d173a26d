"""What an operator's health notice shows: :class:`HealthView`, built from its ledger row.

The row's payload is frozen when :mod:`monitors.ops.health` queues the notice; the email is
rendered from ``templates/email/health.*`` by :func:`monitors.mail.emailrender.render_health`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from monitors.ops.health import EventKind, outcome_name
from monitors.storage.ledger import Delivery


@dataclass(frozen=True)
class HealthView:
    """What the health email templates show (times already formatted for people)."""

    kind: EventKind
    source: str
    title: str
    spider: str
    listing_url: str
    run_id: int
    run_at: str | None
    outcome: str
    notices: int
    failure_kind: str
    failure_url: str
    failure_message: str
    since: str | None
    consecutive: int
    alert_after: int
    immediate: bool
    last_ok_at: str | None
    health_id: int = 0
    #: Kinds the operator was already alerted about in this episode (a later alert for a
    #: new kind of failure); empty for an episode's first alert and for a recovery.
    earlier_kinds: tuple[str, ...] = ()

    @property
    def spider_module(self) -> str:
        """The spider's file in the checkout."""
        return f"crawler/spiders/{self.spider.replace('-', '_')}.py"


def view_of(notice: Delivery) -> HealthView:
    """The template view of a health notice recorded in the ledger."""
    names = {f.name for f in fields(HealthView)}
    values: dict[str, Any] = {k: v for k, v in notice.payload.items() if k in names}
    for key in ("run_at", "since", "last_ok_at"):
        values[key] = _display(values.get(key))
    values["outcome"] = outcome_name(values.get("outcome")) or "failed"
    values["earlier_kinds"] = tuple(values.get("earlier_kinds") or ())
    return HealthView(**{**values, "health_id": notice.id})


def _display(iso: str | None) -> str | None:
    """``2026-01-05 09:30 UTC`` for a stored ISO time."""
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class PublishNoticeView:
    """What the operator's notice about a published output shows (``templates/email/
    publish.*``): the feeds or the bulletin could not be written, or can be again."""

    kind: EventKind
    output: str
    title: str
    location: str
    error: str
    since: str | None
    failures: int
    last_written: str | None
    alert_after: int
    health_id: int = 0


def publish_view_of(notice: Delivery) -> PublishNoticeView:
    """The template view of a notice queued by :mod:`monitors.ops.publish_health`."""
    names = {f.name for f in fields(PublishNoticeView)}
    values: dict[str, Any] = {k: v for k, v in notice.payload.items() if k in names}
    for key in ("since", "last_written"):
        values[key] = _display(values.get(key))
    return PublishNoticeView(kind=notice.kind or "failing", **values, health_id=notice.id)  # type: ignore[arg-type]
