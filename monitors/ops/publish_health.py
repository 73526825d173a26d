"""Operator notices about the published outputs (the Atom feeds, the bulletin), like those
about sources (:mod:`monitors.ops.health`): an output the crawls failed to write
:data:`ALERT_AFTER` times in a row puts the operator on notice once, and once it is written
again one recovery notice follows, threaded under the first.

Each notice is a row of the ledger's ``health_messages`` (source ``publish:<output>``, the
failure episode's start as its ``run_id``), queued in the transaction that records the
attempt (:func:`monitors.tasks.publish`), delivered and retried like every health notice
(:func:`monitors.mail.dispatch.deliver_due`, to ``[mail] operator``). Queueing is
idempotent per episode, so a crash or a repeated call never doubles a notice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitors.core.config import Config
from monitors.storage.ledger import Ledger
from monitors.storage.models import PublishState
from monitors.storage.store import utcnow

#: Failed attempts in a row before the operator hears of it (one crawl may fail to write
#: for a passing reason; three in a row means readers see an old bulletin).
ALERT_AFTER = 3
SOURCE_PREFIX = "publish:"
TITLES = {"feeds": "Atom feeds", "bulletin": "bulletin"}


def notice_publishing(
    ledger: Ledger, config: Config, before: PublishState | None, after: PublishState
) -> int | None:
    """Queue the operator's notice that attempt ``after`` calls for (``before``: the state
    it replaced), if any; the ledger row's id."""
    source = SOURCE_PREFIX + after.output
    if not after.ok and after.failing_since and after.failures >= ALERT_AFTER:
        return _queue(ledger, config, source, "failing", after, episode(after.failing_since))
    if after.ok and before and not before.ok and before.failing_since:
        if before.failures < ALERT_AFTER:
            return None
        number = episode(before.failing_since)
        first = next((n for n in ledger.health_alerts(source, number) if n.run_id == number), None)
        thread = first.message_id if first else None
        return _queue(ledger, config, source, "recovered", after, number, thread, before)
    return None


def episode(failing_since: str) -> int:
    """The number naming a failure episode: when it started, in seconds since 1970."""
    return int(datetime.fromisoformat(failing_since).timestamp())


def _queue(
    ledger: Ledger,
    config: Config,
    source: str,
    kind: str,
    state: PublishState,
    number: int,
    thread: str | None = None,
    failed: PublishState | None = None,
) -> int:
    return ledger.queue_health(
        source,
        kind,
        number,
        thread=thread,
        payload=_payload(state, failed),
        recipient=config.mail.operator or "",
        domain=config.mail.message_id_domain,
        now=utcnow(),
    )


def _payload(state: PublishState, failed: PublishState | None) -> dict[str, Any]:
    """What the notice shows, frozen when it is queued (a recovery: the episode it ends)."""
    episode_state = failed or state
    return {
        "output": state.output,
        "title": TITLES.get(state.output, state.output),
        "location": state.location,
        "error": episode_state.error or "",
        "since": episode_state.failing_since,
        "failures": episode_state.failures,
        "last_written": state.written_at,
        "alert_after": ALERT_AFTER,
    }
