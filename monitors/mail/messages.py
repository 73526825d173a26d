"""Turn rendered alerts and digests into RFC 5322 messages (no rendering, no sending).

Messages are multipart/alternative (plain text first, then HTML), UTF-8 throughout, with
headers encoded for CJK subjects; scraped text never reaches a header except through
:func:`header_safe`. Message-IDs are stable per ledger row, so a message re-sent after a crash
is recognisably the same one, and every alert about one document carries the same
References/In-Reply-To, so all its versions thread together in a mail client.
"""

from __future__ import annotations

import re
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitors.mail.emailrender import RenderedMessage

SUBJECT_MAX = 180
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_safe(text: str, limit: int = SUBJECT_MAX) -> str:
    """Scraped text made safe for a mail header: no CR/LF or control characters, bounded."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def thread_id(domain: str, document_id: int | None, notice_id: int) -> str:
    """The Message-ID every alert about one document refers to (its thread root)."""
    if document_id is not None:
        return f"<dualwatch.document-{document_id}@{domain}>"
    return f"<dualwatch.notice-{notice_id}@{domain}>"


def build_email(
    rendered: RenderedMessage,
    *,
    sender: str,
    recipient: str,
    message_id: str,
    thread: str | None = None,
) -> EmailMessage:
    """A multipart/alternative message with the given stable Message-ID and thread."""
    message = EmailMessage()
    _set_subject(message, header_safe(rendered.subject))
    message["From"] = sender
    message["To"] = Address(addr_spec=header_safe(recipient, 320))
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    if thread:
        message["In-Reply-To"] = thread
        message["References"] = thread
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
