"""Build RFC 5322 alert messages for detected changes (rendering only, no sending)."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from email.utils import formatdate

from monitors.config import Config
from monitors.detect import format_change_diff
from monitors.errors import StoreError
from monitors.models import Change
from monitors.render import render
from monitors.store import Store

KIND_LABELS = {"new": "New", "modified": "Modified", "removed": "Removed"}
EXCERPT_CHARS = 2000
SUBJECT_MAX = 180
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_safe(text: str, limit: int = SUBJECT_MAX) -> str:
    """Scraped text made safe for a mail header: no CR/LF or control characters, bounded."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def message_id(config: Config, kind: str, ident: int) -> str:
    """A stable Message-ID, so a re-sent alert is recognisably the same message."""
    return f"<dualwatch.{kind}-{ident}@{config.mail.message_id_domain}>"


def build_change_message(
    store: Store, config: Config, change: Change, recipient: str
) -> EmailMessage:
    """The alert message for one change addressed to ``recipient``."""
    notice = store.find_notice(str(change.notice_id))
    if notice is None:
        raise StoreError(f"change {change.id} points at missing notice {change.notice_id}")
    version = store.get_version(change.version_id) if change.version_id else None
    text = version.text if version else ""
    context = {
        "kind": change.kind,
        "kind_label": KIND_LABELS.get(change.kind, change.kind),
        "title": change.title,
        "url": change.url,
        "notice": notice,
        "source_title": config.sources[change.source].title
        if change.source in config.sources
        else change.source,
        "detected_at": change.detected_at,
        "change_id": change.id,
        "excerpt": text[:EXCERPT_CHARS],
        "truncated": len(text) > EXCERPT_CHARS,
        "remaining": max(len(text) - EXCERPT_CHARS, 0),
        "diff_text": format_change_diff(change.diff) if change.kind == "modified" else "",
        "http_status": _http_status(change),
        "attachments": version.attachments if version else (),
    }
    message = EmailMessage()
    message["Subject"] = header_safe(render("email/change.subject.txt", **context).strip())
    message["From"] = config.mail.sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(config, "change", change.id)
    thread = message_id(config, "notice", change.notice_id)
    message["In-Reply-To"] = thread
    message["References"] = thread
    message["X-Dualwatch-Change"] = str(change.id)
    message["X-Dualwatch-Source"] = change.source
    message.set_content(render("email/change.txt", **context), charset="utf-8")
    return message


def _http_status(change: Change) -> str:
    if change.kind != "removed" or not change.diff:
        return ""
    return str(json.loads(change.diff).get("http_status", "404/410"))
