"""Scraped text made safe to show: no invisible control or format characters, no line breaks
where a line is expected.

A scraped title can carry characters that are not shown but change what is shown or how it
is read: bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) reorder the
text around them, so ``invoice\\u202efdp.exe`` reads as ``invoiceexe.pdf``; zero-width
characters (U+200B, U+2060, U+FEFF…) hide inside words and defeat term highlighting;
C0/C1 controls and the Unicode line and paragraph separators (U+2028/U+2029) break lines, in
a header (header injection) or in a plain-text body (a forged ``Original:`` line).

:func:`clean_text` and :func:`clean_line` **remove** the format characters (Unicode
categories Cf and Cs; each run of control characters, Cc but tab and newline, becomes a
space, as it most likely separated two words), rather than showing a visible escape such as
``⟨U+202E⟩`` in the HTML part:

* nothing they carry is content in the notices watched (Chinese, Japanese, English official
  pages): the common ones are scraping artefacts (a BOM, zero-width spaces or soft hyphens
  inside CJK text), where an escape would only be noise, and without its controls a spoofed
  title shows its real order, which is what the reader needs to see;
* the plain-text and HTML parts keep showing the same text, and the terms highlighted in
  the HTML match what the rules matched (``两用\\u200b物项`` shows as a highlighted
  ``两用物项``, not as ``两用⟨U+200B⟩物项`` with no highlight);
* the store keeps the text as scraped (only the email is cleaned): ``dualwatch show`` still
  has the original characters for anyone investigating.

Everything visible is kept: CJK and kana, the ideographic space U+3000, emoji and their
variation selectors (category Mn); only the zero-width joiner inside an emoji sequence goes
(the sequence then shows as its separate emoji). Tabs are kept; CR, CRLF, VT, FF, NEL, the
information separators and U+2028/U+2029 become ``\\n`` (in a line: a space).

:func:`clean_view` applies this to every string of a view (frozen dataclasses, tuples) at
one boundary: :func:`monitors.mail.emailrender._render` calls it on what it renders.
Headers go through :func:`monitors.mail.messages.header_safe`, which uses :func:`clean_line`
too.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any, TypeVar

__all__ = [
    "CONTROL_CLASS",
    "FORMAT_CLASS",
    "MULTILINE_FIELDS",
    "clean_line",
    "clean_text",
    "clean_view",
    "is_invisible",
]

T = TypeVar("T")

#: Fields of a view (or of a diff inside one) that hold several lines: their line breaks
#: are kept (normalised to ``\n``); every other string is made one line.
MULTILINE_FIELDS = frozenset({"excerpt", "old", "new", "text"})

_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

#: The control characters (category Cc) but tab and newline: each run becomes a space.
CONTROL_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline, DEL, C1
#: Every code point of categories Cf and Cs in Unicode 14/15: removed
#: (tests/test_safetext.py checks both classes against :mod:`unicodedata`).
FORMAT_CLASS = (
    "\xad"  # soft hyphen
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"  # Arabic, Syriac format; ALM
    "\u180e"  # Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides (LRE RLE PDF LRO RLO)
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates…
    "\ud800-\udfff"  # lone surrogates
    "\ufeff"  # BOM, zero-width no-break space
    "\ufff9-\ufffb"  # interlinear annotation
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a"  # Kaithi, Egyptian hieroglyph, shorthand, musical format
    "\U000e0001\U000e0020-\U000e007f"  # language tag, tag characters
)
_CONTROLS = re.compile(f"[{CONTROL_CLASS}]+")
_FORMATS = re.compile(f"[{FORMAT_CLASS}]+")


def is_invisible(char: str) -> bool:
    """True for a character :func:`clean_text` removes or replaces (Cc but tab and newline,
    Cf, Cs)."""
    return char not in "\t\n" and unicodedata.category(char) in _REMOVED_CATEGORIES


def clean_text(text: str) -> str:
    """``text`` without invisible format characters, line breaks as ``\\n`` and each run of
    other control characters as a space."""
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to do
    return _FORMATS.sub("", _CONTROLS.sub(" ", _BREAKS.sub("\n", text)))


def clean_line(text: str) -> str:
    """:func:`clean_text`, with every line break a space: one line, for a title or header."""
    return clean_text(text).replace("\n", " ")


def clean_view(value: T) -> T:
    """``value`` with every string in it cleaned: a copy when anything changed.

    Walks frozen dataclasses (through their init fields), tuples and lists; strings in
    :data:`MULTILINE_FIELDS` go through :func:`clean_text`, all others through
    :func:`clean_line`. Only plain ``str`` is cleaned: ``Markup`` (already built HTML) and
    string enums are left as they are, as is anything else.
    """
    cleaned: T = _clean(value, multiline=False)
    return cleaned


def _clean(value: Any, *, multiline: bool) -> Any:
    if type(value) is str:
        return clean_text(value) if multiline else clean_line(value)
    if isinstance(value, tuple | list) and not hasattr(value, "_fields"):
        items = [_clean(item, multiline=multiline) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            if not field.init:
                continue
            old = getattr(value, field.name)
            new = _clean(old, multiline=field.name in MULTILINE_FIELDS)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
