"""The Maildir outbox: each undelivered change becomes one message file, recorded in the ledger.

A crash between writing a message and recording it can at worst write the same message
(same Message-ID) again on the next run; it never loses one.
"""

from __future__ import annotations

import logging
import mailbox
from dataclasses import dataclass
from pathlib import Path

from monitors.config import Config
from monitors.messages import build_change_message, message_id
from monitors.store import Store, utcnow

log = logging.getLogger(__name__)
TRANSPORT = "maildir"


@dataclass(frozen=True)
class Delivery:
    """One message written to the outbox."""

    change_id: int
    recipient: str
    path: Path


def deliver_pending(store: Store, config: Config) -> list[Delivery]:
    """Write a message for every change not yet delivered to each configured recipient."""
    outbox = mailbox.Maildir(config.outbox_path, create=True)
    delivered = []
    for recipient in config.mail.recipients:
        for change in store.undelivered_changes(recipient, TRANSPORT):
            message = build_change_message(store, config, change, recipient)
            key = outbox.add(message)
            path = config.outbox_path / "new" / key
            store.record_delivery(
                change_id=change.id,
                recipient=recipient,
                transport=TRANSPORT,
                status="sent",
                message_id=message_id(config, "change", change.id),
                location=str(path),
                attempts=1,
                created_at=utcnow(),
                delivered_at=utcnow(),
            )
            delivered.append(Delivery(change.id, recipient, path))
    if delivered:
        log.info("wrote %d message(s) to %s", len(delivered), config.outbox_path / "new")
    return delivered
