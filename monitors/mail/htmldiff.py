"""Scraped text as email-safe HTML: per-character diffs, highlighted terms, language hints.

Everything scraped is untrusted: text is escaped with :func:`markupsafe.escape` piece by
piece, and only the fixed tags built here (``table``, ``tr``, ``td``, ``del``, ``ins``,
``mark``) are emitted, always balanced. Styles are inline (mail clients strip ``<style>``),
every coloured element sets both its text and its background colour (so clients that
darken or invert colours keep the pair readable), and each mark has a cue that survives
colour stripping: deletions are struck through, insertions underlined, highlights bold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from monitors.text.diff import GAP, DiffLine, Segment, TextDiff, display_lines

__all__ = [
    "DEL_STYLE",
    "INS_STYLE",
    "MARK_STYLE",
    "clip",
    "diff_table",
    "font_style",
    "highlight",
    "lang_attrs",
]

DEL_STYLE = "background-color:#ffebe9;color:#82071e;text-decoration:line-through"
INS_STYLE = "background-color:#dafbe1;color:#116329;text-decoration:underline"
MARK_STYLE = "background-color:#fff8c5;color:#1f2328;font-weight:bold"
_TABLE_STYLE = (
    "border-collapse:collapse;border:1px solid #d0d7de;font-size:14px;line-height:1.6;"
    "background-color:#ffffff;color:#1f2328"
)
_MARKER_STYLE = "padding:2px 6px;vertical-align:top;background-color:#f6f8fa;color:#57606a"
_CELL_STYLE = "padding:2px 8px;vertical-align:top;overflow-wrap:anywhere;word-break:break-word"
_MUTED = ";color:#57606a"
_MARKERS = {"equal": "", "delete": "-", "insert": "+", "replace": "~"}

_LATIN_FONTS = "'Segoe UI',-apple-system,BlinkMacSystemFont,Roboto,'Helvetica Neue',Arial"
_FONTS = {
    "zh": "'Microsoft YaHei','PingFang SC','Hiragino Sans GB','Noto Sans CJK SC',sans-serif",
    "ja": "Meiryo,'Hiragino Sans','Hiragino Kaku Gothic ProN','Yu Gothic','Noto Sans CJK JP',"
    "sans-serif",
}
_LANG_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """``text`` escaped, with every case-insensitive occurrence of a term in ``<mark>``.

    Terms are found in the raw text and each piece is escaped on its own, so a term can
    never match inside an entity (``&amp;``) or split a tag. Longer terms win over shorter
    ones at the same place; a space in a term matches any run of whitespace.
    """
    pattern = _terms_pattern(terms)
    if pattern is None:
        return escape(text)
    pieces: list[Markup] = []
    position = 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[position : found.start()]))
        pieces.append(Markup('<mark style="%s">%s</mark>') % (MARK_STYLE, found.group()))
        position = found.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation of the non-blank terms, longest first; None when there is none."""
    cleaned = {" ".join(term.split()) for term in terms}
    cleaned.discard("")
    if not cleaned:
        return None
    ordered = sorted(cleaned, key=lambda term: (-len(term), term))
    alternatives = (r"\s+".join(re.escape(word) for word in term.split()) for term in ordered)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def clip(diff: TextDiff, max_lines: int | None) -> tuple[TextDiff, int]:
    """The first ``max_lines`` lines of ``diff`` and how many changed lines were left out."""
    if max_lines is None or len(diff.lines) <= max_lines:
        return diff, 0
    kept, rest = diff.lines[:max_lines], diff.lines[max_lines:]
    return TextDiff(lines=kept), sum(line.op != "equal" for line in rest)


def diff_table(diff: TextDiff, *, lang: str | None = None, terms: Iterable[str] = ()) -> Markup:
    """``diff`` as a two-column table: a ``-``/``+``/``~`` marker, then the line.

    Changed lines show their per-token (per CJK character) segments as ``<del>``/``<ins>``;
    gap markers show ``…``; ``terms`` are highlighted in inserted text. A mostly rewritten
    line is shown as a removed row and an added row (:func:`monitors.text.diff.display_lines`).
    """
    terms = tuple(terms)
    rows = Markup("").join(_row(line, terms) for line in display_lines(diff))
    return Markup(
        '<table role="presentation" width="100%%" cellpadding="0" cellspacing="0" border="0"'
        '%s style="%s;%s">\n%s</table>'
    ) % (lang_attrs(lang), _TABLE_STYLE, font_style(lang), rows)


def _row(line: DiffLine, terms: tuple[str, ...]) -> Markup:
    """One table row of the diff."""
    muted = line.op == "equal"
    content = escape(GAP) if line.is_gap else _segments_html(line.segments, terms)
    return Markup('<tr><td width="14" style="%s">%s</td><td style="%s">%s</td></tr>\n') % (
        _MARKER_STYLE,
        _MARKERS[line.op],
        _CELL_STYLE + (_MUTED if muted else ""),
        content,
    )


def _segments_html(segments: tuple[Segment, ...], terms: tuple[str, ...]) -> Markup:
    """Inline ``<del>``/``<ins>`` markup for a line's segments."""
    parts: list[Markup] = []
    for segment in segments:
        if segment.op == "delete":
            parts.append(Markup('<del style="%s">%s</del>') % (DEL_STYLE, segment.text))
        elif segment.op == "insert":
            inserted = highlight(segment.text, terms)
            parts.append(Markup('<ins style="%s">%s</ins>') % (INS_STYLE, inserted))
        else:
            parts.append(escape(segment.text))
    return Markup("").join(parts)


def lang_attrs(language: str | None) -> Markup:
    """`` lang="…"`` for a well-formed language code, else nothing (never raw input)."""
    if language is None or not _LANG_RE.fullmatch(language):
        return Markup("")
    return Markup(' lang="%s"') % language


def font_style(language: str | None) -> Markup:
    """A ``font-family`` declaration whose CJK fonts suit ``language`` (zh or ja glyphs)."""
    base = (language or "").split("-")[0].lower()
    cjk = _FONTS.get(base)
    # The stacks are constants of this module, never input: safe to mark as Markup.
    return Markup(f"font-family:{_LATIN_FONTS},{cjk or 'sans-serif'}")
