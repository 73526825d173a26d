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
    "DiffLine",
    "Segment",
    "TextDiff",
    "diff_texts",
    "render_unified",
    "tokenize",
]

GAP = "…"
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

    Gap markers are rendered as ``  …``.
    """
    rendered: list[str] = []
    for line in diff.lines:
        if line.op == "equal":
            rendered.append(f"  {GAP if line.is_gap else line.new}")
        elif line.op == "delete":
            rendered.append(f"- {line.old}")
        elif line.op == "insert":
            rendered.append(f"+ {line.new}")
        else:
            rendered.append(f"~ {_render_segments(line.segments)}")
    return "\n".join(rendered)
