"""Line diffs with per-token (per-CJK-character) highlighting inside changed lines.

Texts are compared as given (pass :func:`monitors.text.normalize.normalize_text`
output). :func:`diff_texts` keeps ``context`` unchanged lines around each change;
every run of omitted unchanged lines is replaced by one *gap marker*
``DiffLine(op="equal", old="…", new="…", segments=())`` (see
:attr:`DiffLine.is_gap`). Real equal lines always carry exactly one ``equal``
segment, so a marker is never confused with a line whose text is ``…``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from monitors.text.normalize import CJK_CHAR_CLASS

__all__ = [
    "GAP",
    "REWRITE_RATIO",
    "DiffLine",
    "Segment",
    "TextDiff",
    "diff_texts",
    "display_lines",
    "is_rewrite",
    "render_unified",
    "similarity",
    "tokenize",
]

GAP = "…"
#: A replaced line whose :func:`similarity` is below this is shown as a removed line and an
#: added line rather than with inline token highlights (see :func:`is_rewrite`).
REWRITE_RATIO = 0.5
SEGMENT_OPS = frozenset({"equal", "insert", "delete"})
LINE_OPS = frozenset({"equal", "insert", "delete", "replace"})

_WORD = rf"[^\W_{CJK_CHAR_CLASS}]"  # a letter or digit that is not CJK
_TOKEN_RE = re.compile(rf"{_WORD}+(?:[._-]{_WORD}+)*|.", re.DOTALL)


@dataclass(frozen=True)
class Segment:
    """A run of tokens inside a line: ``op`` is ``equal``, ``insert`` or ``delete``."""

    op: str
    text: str

    def __post_init__(self) -> None:
        if self.op not in SEGMENT_OPS:
            raise ValueError(f"invalid segment op {self.op!r}")


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff.

    ``old``/``new`` are None for inserted/deleted lines respectively; ``segments``
    holds the per-token diff (a single segment for non-replaced lines, empty for
    gap markers).
    """

    op: str
    old: str | None
    new: str | None
    segments: tuple[Segment, ...]

    def __post_init__(self) -> None:
        if self.op not in LINE_OPS:
            raise ValueError(f"invalid line op {self.op!r}")

    @property
    def is_gap(self) -> bool:
        """True for the marker standing in for omitted unchanged lines."""
        return self.op == "equal" and not self.segments


@dataclass(frozen=True)
class TextDiff:
    """A complete diff: changed lines plus context lines and gap markers."""

    lines: tuple[DiffLine, ...]

    @property
    def added_lines(self) -> int:
        """Number of inserted plus replaced lines."""
        return sum(line.op in ("insert", "replace") for line in self.lines)

    @property
    def removed_lines(self) -> int:
        """Number of deleted plus replaced lines."""
        return sum(line.op in ("delete", "replace") for line in self.lines)

    @property
    def is_empty(self) -> bool:
        """True when nothing changed."""
        return all(line.op == "equal" for line in self.lines)

    def first_added_line(self) -> str | None:
        """What the revision added, as one whole line of the new text (None: nothing added).

        The first added line as shown (:func:`display_lines`: an inserted or rewritten
        line), else the edited line that gained the most text: a date bumped on the line
        above an extended paragraph ("令和8年1月8日更新") names the change less well than
        the paragraph does.
        """
        shown = [line for line in display_lines(self) if line.new and line.new.strip()]
        for line in shown:
            if line.op == "insert":
                return line.new
        edited = [line for line in shown if line.op == "replace"]
        if not edited:
            return None
        return max(edited, key=_inserted_length).new

    def added_text(self) -> str:
        """Inserted text only: whole inserted lines and each inserted segment, one per line."""
        pieces: list[str] = []
        for line in self.lines:
            if line.op == "insert" and line.new is not None:
                pieces.append(line.new)
            elif line.op == "replace":
                pieces.extend(seg.text for seg in line.segments if seg.op == "insert")
        return "\n".join(pieces)

    def to_json(self) -> str:
        """Serialise to a compact JSON string (UTF-8 text, not ASCII-escaped)."""
        payload = {
            "version": 1,
            "lines": [
                {
                    "op": line.op,
                    "old": line.old,
                    "new": line.new,
                    "segments": [[seg.op, seg.text] for seg in line.segments],
                }
                for line in self.lines
            ],
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> TextDiff:
        """Inverse of :meth:`to_json`; raises ``ValueError`` on malformed input."""
        try:
            payload: Any = json.loads(data)
            lines = tuple(_line_from_json(item) for item in payload["lines"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed TextDiff JSON: {exc}") from exc
        return cls(lines=lines)


def _line_from_json(item: dict[str, Any]) -> DiffLine:
    """Build a DiffLine from its JSON object."""
    segments = tuple(Segment(op=op, text=text) for op, text in item["segments"])
    return DiffLine(op=item["op"], old=item["old"], new=item["new"], segments=segments)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into diff tokens.

    Each CJK character is a token; runs of other letters/digits, including
    ``.``, ``-`` and ``_`` between them (``1C902.a``), form one token; every
    other character (space, punctuation) is its own token.
    """
    return _TOKEN_RE.findall(text)


def _add_segment(segments: list[Segment], op: str, text: str) -> None:
    """Append a segment, merging it with the previous one when the op is the same."""
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def _segments(old: str, new: str) -> tuple[Segment, ...]:
    """Token-level segments turning ``old`` into ``new``."""
    a, b = tokenize(old), tokenize(new)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add_segment(segments, "equal", "".join(a[i1:i2]))
        else:
            _add_segment(segments, "delete", "".join(a[i1:i2]))
            _add_segment(segments, "insert", "".join(b[j1:j2]))
    return tuple(segments)


def _replace_block(old: list[str], new: list[str]) -> list[DiffLine]:
    """Pair replaced lines in order; the surplus becomes pure deletes/inserts."""
    result = [DiffLine("replace", a, b, _segments(a, b)) for a, b in zip(old, new, strict=False)]
    paired = min(len(old), len(new))
    result += [DiffLine("delete", a, None, (Segment("delete", a),)) for a in old[paired:]]
    result += [DiffLine("insert", None, b, (Segment("insert", b),)) for b in new[paired:]]
    return result


def _full_diff(old_lines: list[str], new_lines: list[str]) -> list[DiffLine]:
    """Every line of the diff, including all unchanged lines."""
    result: list[DiffLine] = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = old_lines[i1:i2], new_lines[j1:j2]
        if tag == "equal":
            result += [
                DiffLine("equal", a, b, (Segment("equal", b),))
                for a, b in zip(old, new, strict=True)
            ]
        elif tag == "delete":
            result += [DiffLine("delete", a, None, (Segment("delete", a),)) for a in old]
        elif tag == "insert":
            result += [DiffLine("insert", None, b, (Segment("insert", b),)) for b in new]
        else:
            result += _replace_block(old, new)
    return result


def _trim_context(lines: list[DiffLine], context: int) -> tuple[DiffLine, ...]:
    """Keep ``context`` equal lines around changes; each omitted run becomes one gap marker."""
    changed = [i for i, line in enumerate(lines) if line.op != "equal"]
    if not changed:
        return ()
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    result: list[DiffLine] = []
    for index, line in enumerate(lines):
        if index in keep:
            result.append(line)
        elif not result or not result[-1].is_gap:
            result.append(DiffLine("equal", GAP, GAP, ()))
    return tuple(result)


def diff_texts(old: str, new: str, *, context: int = 2) -> TextDiff:
    """Diff two texts line by line, with token-level segments for replaced lines.

    Only ``context`` unchanged lines are kept around each change; each run of
    omitted lines (also at the start or end) becomes a gap marker. Identical
    texts give an empty ``TextDiff(lines=())``.
    """
    if context < 0:
        raise ValueError(f"context must be >= 0, got {context}")
    lines = _full_diff(old.splitlines(), new.splitlines())
    return TextDiff(lines=_trim_context(lines, context))


def _is_content(token: str) -> bool:
    """True for a token carrying meaning: a word, a number or a CJK character."""
    return any(char.isalnum() for char in token)


def _inserted_length(line: DiffLine) -> int:
    return sum(len(segment.text) for segment in line.segments if segment.op == "insert")


def similarity(segments: tuple[Segment, ...]) -> float:
    """How much of a replaced line survives: ``K / min(A, B)`` over content tokens.

    ``A``/``B`` count the content tokens (words, numbers, CJK characters) of the old/new
    line and ``K`` those kept (in ``equal`` segments); spaces and punctuation are left out
    because a rewritten sentence still shares most of them. Measured against the shorter
    side, so a line that keeps its old words and gains a sentence (自2026年1月1日起执行 →
    自2026年1月15日起执行。…前已签发的…继续有效) is an edit, not a rewrite: the old line is
    mostly still there. 1.0 when either side has no content.
    """
    kept = old = new = 0
    for segment in segments:
        count = sum(_is_content(token) for token in tokenize(segment.text))
        if segment.op == "equal":
            kept += count
            old += count
            new += count
        elif segment.op == "delete":
            old += count
        else:
            new += count
    return kept / min(old, new) if min(old, new) else 1.0


def is_rewrite(line: DiffLine) -> bool:
    """True for a replaced line that is mostly rewritten, so shown as removed + added.

    Mostly rewritten: text was both deleted and inserted and its :func:`similarity` is
    below :data:`REWRITE_RATIO` (0.5), i.e. less than half of the shorter version's words
    survive in the other.
    At that point inline highlights show more struck and inserted text than kept text, and
    the kept pieces are scattered particles (的, の, a date) that chop both versions into
    unreadable fragments; reading the old line, then the new one, is easier. A one-word
    or one-name edit in a sentence (在丹佛举行 → 在奥罗拉举行: 0.8) stays well above it,
    and a pure insertion or deletion inside a line reads well inline however long it is.
    """
    if line.op != "replace":
        return False
    ops = {segment.op for segment in line.segments}
    if not {"delete", "insert"} <= ops:
        return False
    return similarity(line.segments) < REWRITE_RATIO


def display_lines(diff: TextDiff) -> tuple[DiffLine, ...]:
    """The lines of ``diff`` as shown: each :func:`is_rewrite` line split into a removed
    line followed by an added line; every other line as it is.

    A presentation rule only: the stored diff (and what rules match, ``added_text``) keep
    the replaced line, so diffs stored before this rule are shown the same way.
    """
    shown: list[DiffLine] = []
    for line in diff.lines:
        if is_rewrite(line) and line.old is not None and line.new is not None:
            shown.append(DiffLine("delete", line.old, None, (Segment("delete", line.old),)))
            shown.append(DiffLine("insert", None, line.new, (Segment("insert", line.new),)))
        else:
            shown.append(line)
    return tuple(shown)


def _render_segments(segments: tuple[Segment, ...]) -> str:
    """Inline ``[-deleted-]{+inserted+}`` markup for a replaced line."""
    parts = []
    for seg in segments:
        if seg.op == "delete":
            parts.append(f"[-{seg.text}-]")
        elif seg.op == "insert":
            parts.append(f"{{+{seg.text}+}}")
        else:
            parts.append(seg.text)
    return "".join(parts)


def render_unified(diff: TextDiff) -> str:
    """Render ``diff`` as plain text: ``  `` context, ``- ``/``+ `` lines, ``~ `` inline edits.

    Gap markers are rendered as ``  …``; mostly rewritten lines as ``- `` then ``+ ``
    (:func:`display_lines`).
    """
    rendered: list[str] = []
    for line in display_lines(diff):
        if line.op == "equal":
            rendered.append(f"  {GAP if line.is_gap else line.new}")
        elif line.op == "delete":
            rendered.append(f"- {line.old}")
        elif line.op == "insert":
            rendered.append(f"+ {line.new}")
        else:
            rendered.append(f"~ {_render_segments(line.segments)}")
    return "\n".join(rendered)
