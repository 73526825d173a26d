"""CJK-aware text normalisation used for hashing, diffing and rule matching.

The canonical form produced by :func:`normalize_text` is:

* Unicode NFKC applied everywhere *except* on CJK running-text punctuation
  (``，。、：；！？（）「」『』【】〔〕《》〈〉・～``), enclosed alphanumerics
  (U+2460–U+24FF, e.g. ``①``) and ``※``, which keep their original form;
* every Unicode whitespace character (plus zero-width space, word joiner and
  BOM) turned into an ASCII space, runs collapsed, lines stripped, blank lines
  dropped and line breaks normalised to ``\\n``;
* a space between two CJK characters removed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

__all__ = [
    "CJK_CHAR_CLASS",
    "collapse_whitespace",
    "content_hash",
    "html_to_text",
    "is_cjk",
    "normalize_text",
]

#: Characters that must survive NFKC unchanged.
KEEP_CHARS = "，。、：；！？（）「」『』【】〔〕《》〈〉・～※"

_KEEP_CLASS = re.escape(KEEP_CHARS) + "\u2460-\u24ff"
_KEEP_SPLIT_RE = re.compile(f"([{_KEEP_CLASS}]+)")

#: Code-point ranges treated as CJK (Han, kana, CJK punctuation, full-width forms...).
#: Regex character-class body (no brackets) matching every CJK character.
CJK_CHAR_CLASS = (
    "\u2e80-\u2fdf"  # CJK radicals supplement, Kangxi radicals
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff"  # Katakana
    "\u3100-\u312f"  # Bopomofo
    "\u31a0-\u31ff"  # Bopomofo ext., CJK strokes, Katakana phonetic ext.
    "\u3200-\u33ff"  # Enclosed CJK letters, CJK compatibility
    "\u3400-\u4dbf"  # CJK unified ideographs ext. A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff00-\uffef"  # Half-width and full-width forms
    "\U00020000-\U0003134f"  # CJK unified ideographs ext. B-G
)
_CJK_RE = re.compile(f"[{CJK_CHAR_CLASS}]")
_CJK_GAP_RE = re.compile(f"(?<=[{CJK_CHAR_CLASS}]) (?=[{CJK_CHAR_CLASS}])")
_SPACE_RE = re.compile("[\\s\u200b\u2060\ufeff\u180e]+")

#: Elements that start a new line in :func:`html_to_text`.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br",
        "dl", "dt", "dd", "table", "section", "article", "ul", "ol",
        "blockquote", "pre", "header", "footer", "nav", "main", "aside",
        "figure", "figcaption", "caption", "hr", "address", "center",
        "details", "summary", "fieldset", "form", "legend", "title",
    }
)  # fmt: skip
#: Elements that are separated from their neighbours by a space (table cells).
SPACED_TAGS = frozenset({"td", "th"})
#: Elements whose content is dropped entirely.
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe"})
_DROP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)

_END_BLOCK = object()
_END_PRE = object()


def is_cjk(ch: str) -> bool:
    """Return True if the single character ``ch`` is CJK.

    CJK here means Han ideographs (incl. extensions and compatibility forms),
    Hiragana, Katakana, Bopomofo, CJK symbols/punctuation and the half-width /
    full-width forms block. Raises ``ValueError`` unless ``len(ch) == 1``.
    """
    if len(ch) != 1:
        raise ValueError(f"is_cjk expects a single character, got {ch!r}")
    return _CJK_RE.match(ch) is not None


def _nfkc_safe(text: str) -> str:
    """NFKC-normalise ``text`` except for runs of :data:`KEEP_CHARS`."""
    parts = _KEEP_SPLIT_RE.split(text)
    # split() with one capture group alternates: other, keep, other, keep, ...
    return "".join(
        part if index % 2 else unicodedata.normalize("NFKC", part)
        for index, part in enumerate(parts)
    )


def _normalize_line(line: str) -> str:
    """Collapse whitespace in one line and drop spaces between CJK characters."""
    line = _SPACE_RE.sub(" ", line).strip()
    return _CJK_GAP_RE.sub("", line)


def collapse_whitespace(text: str) -> str:
    """Display form of a one-line text (a title): every whitespace run becomes one space.

    Unlike :func:`normalize_text` it keeps the spaces between CJK words that issuers write
    (``商务部 海关总署公告``), so titles read as published; hashes use the normalised form.
    """
    return _SPACE_RE.sub(" ", text).strip()


def normalize_text(text: str) -> str:
    """Return the canonical form of ``text`` (see the module docstring).

    Lines are kept (they are paragraphs) and joined with ``\\n``; blank lines are
    dropped, so the result never starts or ends with a newline.
    """
    lines = (_normalize_line(line) for line in _nfkc_safe(text).splitlines())
    return "\n".join(line for line in lines if line)


def _string_text(node: NavigableString, in_pre: bool) -> str:
    """Text contributed by a string node (source whitespace is insignificant outside pre)."""
    if isinstance(node, _DROP_STRINGS):
        return ""
    text = str(node)
    return text if in_pre else _SPACE_RE.sub(" ", text)


def _walk_text(root: Tag) -> str:
    """Render ``root`` to raw text with line breaks at block boundaries (iteratively)."""
    parts: list[str] = []
    stack: list[object] = [root]
    pre_depth = 0
    while stack:
        item = stack.pop()
        if item is _END_BLOCK:
            parts.append("\n")
        elif item is _END_PRE:
            pre_depth -= 1
        elif isinstance(item, NavigableString):
            parts.append(_string_text(item, pre_depth > 0))
        elif isinstance(item, Tag) and item.name not in DROP_TAGS:
            if item.name in BLOCK_TAGS:
                parts.append("\n")
                stack.append(_END_BLOCK)
            elif item.name in SPACED_TAGS:
                parts.append(" ")
            if item.name == "pre":
                pre_depth += 1
                stack.append(_END_PRE)
            stack.extend(reversed(item.contents))
    return "".join(parts)


def html_to_text(node: Tag | str) -> str:
    """Extract normalised text from a ``bs4.Tag`` or an HTML string.

    Block-level elements (:data:`BLOCK_TAGS`) and ``<br>`` produce line breaks,
    inline elements do not, table cells are separated by a space; ``script``,
    ``style``, ``noscript``, ``template``, ``iframe`` and comments are dropped.
    Whitespace in the HTML source is insignificant except inside ``<pre>``.
    The input tree is not modified. Broken HTML is tolerated (lxml repairs it).
    """
    if isinstance(node, NavigableString):
        return normalize_text(_string_text(node, in_pre=False))
    if isinstance(node, str):
        node = BeautifulSoup(node, "lxml")
    return normalize_text(_walk_text(node))


def content_hash(*parts: str) -> str:
    """Return the sha256 hex digest of ``parts`` joined by ``\\x1e`` (record separator).

    The parts are hashed as given; normalise them first when the hash should
    ignore cosmetic changes.
    """
    joined = "\x1e".join(parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()
