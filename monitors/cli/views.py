"""Plain-text views for the terminal: tables, the run summary and the notice report."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitors.storage.models import Notice, Run, Version
from monitors.storage.store import Store

if TYPE_CHECKING:
    from monitors.rules.subscriptions import Subscription
    from monitors.storage.ledger import Delivery

#: A time zone and the name it is labelled with ("Asia/Tokyo").
Zone = tuple[tzinfo, str]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain aligned text table (East Asian wide characters count double)."""
    widths = [
        max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(headers)
    ]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(
            cell + " " * (w - display_width(cell)) for cell, w in zip(line, widths, strict=True)
        ).rstrip()
        for line in lines
    )


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shorten(text: str, width: int) -> str:
    """Cut ``text`` to about ``width`` columns with an ellipsis."""
    out, used = "", 0
    for ch in text:
        used += display_width(ch)
        if used > width - 1:
            return out + "…"
        out += ch
    return out


def run_table(runs: Sequence[Run]) -> str:
    """The per-source summary printed after a crawl."""
    headers = ["source", "outcome", "pages", "requests", "notices", "new", "modified",
               "removed", "errors"]  # fmt: skip
    rows = [
        [r.source, r.outcome + (" (baseline)" if r.baseline else ""), str(r.pages),
         str(r.requests), str(r.notices), str(r.new), str(r.modified), str(r.removed),
         str(r.errors)]
        for r in runs
    ]  # fmt: skip
    return table(headers, rows)


def age(iso: str | None, now: datetime | None = None) -> str:
    """How long ago an ISO time was, coarsely ("3d 4h", "25m"); "-" for None."""
    if not iso:
        return "-"
    seconds = ((now or datetime.now(UTC)) - datetime.fromisoformat(iso)).total_seconds()
    minutes = max(int(seconds // 60), 0)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins}m" if hours else f"{mins}m"


def runs_table(runs: Sequence[Run]) -> str:
    """Recent runs, newest first: outcome, entries accounted for, counts and the message."""
    headers = ["run", "source", "started", "outcome", "entries", "new", "modified",
               "removed", "errors", "message"]  # fmt: skip
    rows = [
        [str(r.id), r.source, r.started_at, r.outcome + (" (baseline)" if r.baseline else ""),
         f"{r.accounted}/{r.listed}", str(r.new), str(r.modified), str(r.removed),
         str(r.errors), shorten(r.message or "", 50)]
        for r in runs
    ]  # fmt: skip
    return table(headers, rows)


def run_report(run: Run) -> str:
    """One run in full: counters, every error and every entry without a clean outcome."""
    lines = [
        f"run {run.id} of {run.source}: {run.outcome}" + (" (baseline)" if run.baseline else ""),
        f"started {run.started_at}, finished {run.finished_at or '-'}",
        f"listing entries: {run.listed} listed, {run.accounted} accounted for; "
        f"{run.pages} listing pages, {run.requests} requests",
        f"notices: {run.notices} checked, {run.new} new, {run.modified} modified, "
        f"{run.removed} removed, {run.unchanged} unchanged",
    ]
    if run.message:
        lines.append(f"message: {run.message}")
    if run.error_log:
        lines.append(f"errors ({len(run.error_log)}):")
        lines += [
            f"  {e.get('kind', '?')} [{e.get('role', '?')}] {e.get('url', '')}: "
            f"{e.get('message', '')}"
            for e in run.error_log
        ]
    if run.unaccounted:
        lines.append(f"entries without a clean outcome ({len(run.unaccounted)}):")
        lines += [f"  {u.get('outcome', '?')}: {u.get('url', '')}" for u in run.unaccounted]
    return "\n".join(lines)


def local_zone() -> Zone:
    """The zone to show times in when no subscription names one: ``$TZ`` or the system's
    (``/etc/localtime``), by its IANA name when it has one."""
    names = [os.environ["TZ"].lstrip(":")] if os.environ.get("TZ") else []
    if not names and os.path.islink("/etc/localtime"):
        names.append(os.path.realpath("/etc/localtime").partition("zoneinfo/")[2])
    for name in filter(None, names):
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            break
    here = datetime.now().astimezone().tzinfo or UTC
    return here, here.tzname(None) or "local"


def local_time(iso: str | None, zone: Zone) -> str:
    """An ISO time as ``YYYY-MM-DD HH:MM (zone)``; "-" for None."""
    if not iso:
        return "-"
    return f"{datetime.fromisoformat(iso).astimezone(zone[0]):%Y-%m-%d %H:%M} ({zone[1]})"


def ledger_table(
    deliveries: Sequence[Delivery], subscriptions: Sequence[Subscription], fallback: Zone
) -> str:
    """The delivery ledger (`dualwatch alerts`), times and digest periods in local time: a
    subscription's own time zone for its rows, ``fallback`` for the others."""
    zones: dict[str, Zone] = {s.name: (s.zone, s.timezone) for s in subscriptions}
    rows = []
    for delivery in deliveries:
        zone = zones.get(delivery.subscription or "", fallback)
        rows.append(
            [
                f"{delivery.table[0]}{delivery.id}",
                _ledger_what(delivery, zone),
                delivery.recipient or "-",
                delivery.status,
                str(delivery.attempts),
                local_time(delivery.next_attempt_at, zone),
                shorten(delivery.last_error or "", 50),
            ]
        )
    return table(["id", "what", "recipient", "status", "tries", "next try", "error"], rows)


def _ledger_what(delivery: Delivery, zone: Zone) -> str:
    if delivery.table == "alerts" and delivery.merged_into is not None:
        return f"change {delivery.change_id} (in a{delivery.merged_into})"
    if delivery.table == "alerts":
        return f"change {delivery.change_id}"
    if delivery.table == "digests":
        return f"{delivery.period} digest {_digest_label(delivery, zone)}"
    if (delivery.source or "").startswith("publish:"):  # an output, not a source's run
        return f"health {delivery.kind} {delivery.source}"
    return f"health {delivery.kind} {delivery.source} run {delivery.run_id}"


def _digest_label(delivery: Delivery, zone: Zone) -> str:
    from monitors.changes.digest import period_between

    if not (delivery.period and delivery.period_start and delivery.period_end):
        return "-"
    start = datetime.fromisoformat(delivery.period_start).astimezone(zone[0])
    end = datetime.fromisoformat(delivery.period_end).astimezone(zone[0])
    return f"{period_between(delivery.period, start, end).label} ({zone[1]})"


def notice_report(store: Store, notice: Notice, *, with_text: bool = True) -> str:
    """Everything known about a notice: fields, metadata, attachments, copies, history."""
    versions = store.versions_of(notice.id)
    current = next((v for v in versions if v.id == notice.current_version_id), None)
    lines = _fields(notice, current)
    if current:
        lines += [_field("attachment", _attachment_line(store, a)) for a in current.attachments]
    if notice.document_id is not None:
        lines += [
            _field("copy", f"{c.source} [{_language(store, c)}] {c.url}")
            for c in store.copies_of(notice.document_id)
            if c.id != notice.id
        ]
    history = (
        store.changes_of_document(notice.document_id)
        if notice.document_id is not None
        else store.changes_of(notice.id)
    )
    lines.append("")
    lines.append("versions: " + (", ".join(f"{v.id} ({v.fetched_at})" for v in versions) or "-"))
    lines.append(
        "changes:  "
        + (", ".join(f"{c.id} {c.kind} {c.source} ({c.detected_at})" for c in history) or "-")
    )
    if with_text and current:
        lines += ["", current.text]
    return "\n".join(lines)


def _fields(notice: Notice, current: Version | None) -> list[str]:
    metadata = current.metadata if current else {}
    fields: list[tuple[str, Any]] = [
        ("id", notice.id),
        ("source", notice.source),
        ("url", notice.url),
        ("title", notice.title),
        ("number", notice.doc_number),
        ("issuer", notice.issuer),
        ("published", notice.published),
        ("effective", metadata.get("effective")),
        ("type", metadata.get("doc_type")),
        ("language", metadata.get("language")),
        ("status", notice.status),
        ("first seen", notice.first_seen_at),
        ("last checked", notice.last_checked_at),
    ]
    shown = {"effective", "doc_type", "language"}
    fields += [(key, value) for key, value in metadata.items() if key not in shown]
    return [_field(label, value) for label, value in fields]


def _field(label: str, value: Any) -> str:
    return f"{label:>13}: {value if value not in (None, '') else '-'}"


def _attachment_line(store: Store, attachment: Any) -> str:
    line = f"{attachment.name} <{attachment.url}>"
    if not attachment.sha256:
        return line + " (not downloaded)"
    info = store.file_info(attachment.sha256) or {}
    extracted = (
        f"{len(info['text'])} chars of text via {info['extractor']}"
        if info.get("text")
        else info.get("error") or "no text"
    )
    return f"{line} {attachment.size} bytes sha256:{attachment.sha256[:12]} ({extracted})"


def _language(store: Store, notice: Notice) -> str:
    version = store.get_version(notice.current_version_id) if notice.current_version_id else None
    return (version.metadata.get("language") if version else None) or "?"
