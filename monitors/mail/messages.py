"""Turn rendered alerts and digests into RFC 5322 messages (no rendering, no sending).

Messages are multipart/alternative (plain text first, then HTML), UTF-8 throughout, with
headers encoded for CJK subjects; scraped text never reaches a header except through
:func:`header_safe`. Message-IDs come from the ledger row (stable, and unique across
installations: :meth:`monitors.storage.ledger.Ledger._open`), so a message re-sent after a
crash is recognisably the same one. A message answers its parent row
(:meth:`~monitors.storage.ledger.Ledger.parent_of`: for an alert, the first alert about the
same document its recipient got, so all its versions thread together in a mail client) only
when that parent was sent to the same recipient (:func:`reply_headers`): mail never points
at a message its reader never received.
"""

from __future__ import annotations

import re
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

from monitors.mail.safetext import clean_line

if TYPE_CHECKING:
    from monitors.mail.emailrender import RenderedMessage
    from monitors.storage.ledger import Delivery

SUBJECT_MAX = 180
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
#: Runs of whitespace but the ideographic space (U+3000 is kept as it is in CJK titles).
_SPACES = re.compile(r"[^\S\u3000]+")
#: Headers holding message ids, kept on one line (RFC 5322 allows up to 998 characters).
_ONE_LINE = frozenset({"message-id", "in-reply-to", "references"})


class _MessagePolicy(EmailPolicy):
    """``email.policy.default``, except that the message-id headers are not folded.

    A Message-ID naming its installation is longer than a folded line (78 characters), and
    Python folds it onto a continuation line, which its own parser then reads back with a
    leading space; on one line every reader gets the id exactly as the ledger stores it."""

    def fold(self, name: str, value: Any) -> str:
        line = f"{name}: {value}"
        if name.lower() in _ONE_LINE and line.isascii() and len(line) <= 998:
            return line + self.linesep
        return super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        line = f"{name}: {value}"
        if name.lower() in _ONE_LINE and line.isascii() and len(line) <= 998:
            return (line + self.linesep).encode("ascii")
        return super().fold_binary(name, value)


_POLICY = _MessagePolicy()


def header_safe(text: str, limit: int = SUBJECT_MAX) -> str:
    """Scraped text made safe for a mail header: one line, bounded, with no control or
    invisible format characters (bidi controls, zero-width spaces: :func:`clean_line`)."""
    flat = _SPACES.sub(" ", clean_line(_CONTROL.sub(" ", text))).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def reply_headers(parent: Delivery | None, recipient: str) -> dict[str, str]:
    """The In-Reply-To and References of a message to ``recipient`` answering the ledger row
    ``parent``: only when that row was sent, to the same recipient; otherwise none (the one
    rule for threading headers)."""
    if parent is None or parent.status != "sent" or not parent.message_id:
        return {}
    if _address(parent.recipient) != _address(recipient):
        return {}
    return {"In-Reply-To": parent.message_id, "References": parent.message_id}


def build_email(
    rendered: RenderedMessage,
    *,
    sender: str,
    recipient: str,
    message_id: str,
    parent: Delivery | None = None,
) -> EmailMessage:
    """A multipart/alternative message with the given stable Message-ID, answering
    ``parent`` when :func:`reply_headers` allows it."""
    message = EmailMessage(policy=_POLICY)
    _set_subject(message, header_safe(rendered.subject))
    message["From"] = sender
    message["To"] = Address(addr_spec=header_safe(recipient, 320))
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    for name, value in reply_headers(parent, recipient).items():
        message[name] = value
    message["Auto-Submitted"] = "auto-generated"
    # base64 keeps the message 7-bit clean for any relay (no 8BITMIME needed)
    message.set_content(rendered.text, charset="utf-8", cte="base64")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="base64")
    return message


def _set_subject(message: EmailMessage, subject: str) -> None:
    """Set a subject whose CJK words survive folding.

    Python 3.11's header folding drops the space between two encoded words (CPython
    gh-144156), turning ``第1号 关于`` into ``第1号关于``; encoding it ourselves keeps it.
    """
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())


def _address(recipient: str) -> str:
    """An address as compared for threading (case and surrounding space ignored)."""
    return recipient.strip().lower()
