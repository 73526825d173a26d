"""Render alert, digest and health emails (subject, plain text, HTML) from their views; no
sending.

Templates live in ``templates/email/`` (``alert.*``, ``digest.*``, ``health.*``) and are
rendered through the one shared environment (:func:`monitors.mail.render.environment`: HTML
autoescaped, undefined variables are errors). The filters the templates need are registered
on it by :func:`email_environment`. Subjects are made single-line and bounded with
:func:`monitors.mail.messages.header_safe`. Scraped text is cleaned of invisible control and
format characters (bidi overrides, zero-width spaces, stray line breaks) on its way in: see
:mod:`monitors.mail.safetext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment

from monitors.mail.emailviews import ALERT_KINDS, AlertView, DigestGroup, DigestView
from monitors.mail.htmldiff import (
    DEL_STYLE,
    INS_STYLE,
    MARK_STYLE,
    clip,
    diff_table,
    font_style,
    highlight,
    lang_attrs,
)
from monitors.mail.messages import header_safe
from monitors.mail.render import environment
from monitors.mail.safetext import clean_view
from monitors.text.diff import TextDiff, render_unified
from monitors.text.identity import GENERIC_TITLES, is_generic_title

if TYPE_CHECKING:
    from monitors.mail.healthview import HealthView, PublishNoticeView

__all__ = [
    "ALERT_DIFF_MAX_LINES",
    "DIGEST_MAX_ITEMS",
    "GENERIC_TITLES",
    "RenderedMessage",
    "TopicBlock",
    "change_summary",
    "clip_chars",
    "digest_summary_chars",
    "email_environment",
    "is_generic_title",
    "period_label",
    "render_alert",
    "render_digest",
    "render_health",
    "shorten",
    "subject_detail",
]

#: Diff lines shown per diff in an alert (the rest is counted, not shown).
ALERT_DIFF_MAX_LINES = 150
#: Changes listed in a digest, most relevant first (keeps the HTML under Gmail's 102 KB clip).
DIGEST_MAX_ITEMS = 200
#: Characters of the "what changed" summary in a subject and on a digest line.
SUBJECT_SUMMARY_CHARS = 40
DIGEST_SUMMARY_CHARS = 80
#: Characters all the summaries of a digest's HTML part share (each gets at least
#: :data:`DIGEST_SUMMARY_MIN_CHARS`, at most :data:`DIGEST_SUMMARY_CHARS`): 200 changes, all
#: modifications with CJK summaries (3 bytes a character), must still fit Gmail's 102 KB clip.
DIGEST_SUMMARY_BUDGET = 4000
DIGEST_SUMMARY_MIN_CHARS = 20

#: How the digest and subjects name what happened to an attachment.
_FILE_CHANGES = {
    "added": "added",
    "removed": "removed",
    "changed": "changed",
    "available": "now available",
}


@dataclass(frozen=True)
class RenderedMessage:
    """The three rendered parts of one email."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class TopicBlock:
    """Consecutive digest groups of one topic (None: other changes), with their item count."""

    topic_title: str | None
    count: int
    groups: tuple[DigestGroup, ...]


def render_alert(view: AlertView) -> RenderedMessage:
    """The alert email for one change."""
    return _render("alert", view=view)


def render_digest(view: DigestView, *, max_items: int = DIGEST_MAX_ITEMS) -> RenderedMessage:
    """The digest email: at most ``max_items`` changes listed, the rest counted."""
    groups, listed = _first_items(view.groups, max_items)
    modified = sum(item.kind == "modified" for group in groups for item in group.items)
    return _render(
        "digest",
        view=view,
        label=period_label(view),
        topics=topic_blocks(groups),
        omitted=max(view.total - listed, 0),
        summary_chars=digest_summary_chars(modified),
    )


def digest_summary_chars(modified: int) -> int:
    """How long each "what changed" line of a digest's HTML part may be, for ``modified``
    modifications sharing :data:`DIGEST_SUMMARY_BUDGET` (the text part always gets
    :data:`DIGEST_SUMMARY_CHARS`)."""
    share = DIGEST_SUMMARY_BUDGET // max(modified, 1)
    return max(DIGEST_SUMMARY_MIN_CHARS, min(DIGEST_SUMMARY_CHARS, share))


def render_health(view: HealthView) -> RenderedMessage:
    """The operator's health notice: a source failing, or working again."""
    return _render("health", view=view)


def render_publish_notice(view: PublishNoticeView) -> RenderedMessage:
    """The operator's notice about a published output: not written, or written again."""
    return _render("publish", view=view)


def _render(name: str, **context: Any) -> RenderedMessage:
    """Render ``email/<name>.subject.txt``, ``.txt`` and ``.html`` with ``context``.

    The boundary between views and templates: every string in ``context`` is cleaned of
    invisible control and format characters here (:func:`monitors.mail.safetext.clean_view`),
    so no template or filter sees a bidi override, a zero-width space or a stray line break.
    """
    context = {key: clean_view(value) for key, value in context.items()}
    env = email_environment()
    subject = header_safe(env.get_template(f"email/{name}.subject.txt").render(**context))
    text = env.get_template(f"email/{name}.txt").render(subject=subject, **context)
    html = env.get_template(f"email/{name}.html").render(subject=subject, **context)
    return RenderedMessage(subject=subject, text=text, html=html)


def email_environment() -> Environment:
    """The shared environment with the email filters and globals registered (idempotent)."""
    env = environment()
    env.filters.update(
        clip_diff=clip_diff,
        change_summary=change_summary,
        clip_chars=clip_chars,
        counted=counted,
        diff_html=diff_table,
        filesize=filesize,
        highlight=highlight,
        safe_url=safe_url,
        subject_detail=subject_detail,
        unified=render_unified,
    )
    env.globals.update(
        alert_kinds=ALERT_KINDS,
        del_style=DEL_STYLE,
        font_style=font_style,
        ins_style=INS_STYLE,
        lang_attrs=lang_attrs,
        mark_style=MARK_STYLE,
    )
    return env


def clip_diff(diff: TextDiff) -> tuple[TextDiff, int]:
    """``diff`` cut to :data:`ALERT_DIFF_MAX_LINES` lines, and the changed lines left out."""
    return clip(diff, ALERT_DIFF_MAX_LINES)


def clip_chars(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with ``… (N more characters)`` when cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit].rstrip()}… ({counted(len(text) - limit, 'more character')})"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters ending with ``…`` when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


def change_summary(view: AlertView, limit: int = DIGEST_SUMMARY_CHARS) -> str | None:
    """What a modification changed, in one line of at most ``limit`` characters.

    The first added line of the text (whole line, new version), else ``N lines removed``
    (a text diff that only removes), else ``title changed``, else the first changed
    attachment (``attachment X changed``, ``+ N more files``); None when there is no diff.
    A list announcement is summed up by what it does to the lists (``+20 on 关注名单``).
    """
    if view.lists:
        return shorten("; ".join(change.summary for change in view.lists), limit)
    body = view.body_diff
    if body is not None and not body.is_empty:
        first = body.first_added_line()
        if first is not None:
            return shorten(first, limit)
        return f"{counted(body.removed_lines, 'line')} removed"
    if view.title_diff is not None and not view.title_diff.is_empty:
        return "title changed"
    files = [a for a in view.attachments if a.change]
    if not files:
        return None
    change = _FILE_CHANGES[files[0].change or "changed"]
    more = f" (+ {counted(len(files) - 1, 'more file')})" if len(files) > 1 else ""
    tail = f" {change}{more}"
    name = shorten(files[0].name, max(limit - len("attachment ") - len(tail), 8))
    return f"attachment {name}{tail}"


def subject_detail(view: AlertView) -> str | None:
    """What the subject adds after a :func:`is_generic_title` title, else None.

    A modified or restored notice: :func:`change_summary`; a new one: the first line of its
    text that is not the title. Cut to :data:`SUBJECT_SUMMARY_CHARS` characters.
    """
    if not is_generic_title(view.title):
        return None
    if view.kind == "new":
        title = "".join(view.title.split())
        for line in view.excerpt.splitlines():
            if line.strip() and "".join(line.split()) != title:
                return shorten(line, SUBJECT_SUMMARY_CHARS)
        return None
    if view.kind in ("modified", "restored"):
        return change_summary(view, SUBJECT_SUMMARY_CHARS)
    return None


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``1 change``, ``26 changes``, ``1,234 more characters``."""
    word = singular if number == 1 else (plural or f"{singular}s")
    return f"{number:,} {word}"


def filesize(size: int) -> str:
    """A file size for people: ``532 bytes``, ``12.3 KB``, ``4.1 MB``."""
    if size < 1024:
        return counted(size, "byte")
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (never a ``javascript:`` link)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def period_label(view: DigestView) -> str:
    """``2026-01-08`` for one day, ``2026-01-05 – 2026-01-11`` for a longer period."""
    first = datetime.fromisoformat(view.start).date()
    end = datetime.fromisoformat(view.end)
    exclusive = len(view.end.strip()) > 10 and end.time() == datetime.min.time()
    last = end.date() - timedelta(days=1) if exclusive and end.date() > first else end.date()
    return first.isoformat() if last <= first else f"{first.isoformat()} – {last.isoformat()}"


def _first_items(
    groups: tuple[DigestGroup, ...], limit: int
) -> tuple[tuple[DigestGroup, ...], int]:
    """The groups cut to their first ``limit`` items overall, and how many items were kept."""
    kept: list[DigestGroup] = []
    room = limit
    for group in groups:
        if room <= 0:
            break
        items = group.items[:room]
        kept.append(DigestGroup(group.topic_title, group.source_title, items))
        room -= len(items)
    return tuple(kept), limit - room


def topic_blocks(groups: tuple[DigestGroup, ...]) -> tuple[TopicBlock, ...]:
    """Consecutive groups sharing a topic title, merged into one block each."""
    blocks: list[TopicBlock] = []
    for group in groups:
        if blocks and blocks[-1].topic_title == group.topic_title:
            last = blocks[-1]
            blocks[-1] = TopicBlock(
                last.topic_title, last.count + len(group.items), (*last.groups, group)
            )
        else:
            blocks.append(TopicBlock(group.topic_title, len(group.items), (group,)))
    return tuple(blocks)
