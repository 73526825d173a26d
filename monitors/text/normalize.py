"""CJK-aware text normalisation used for hashing, diffing and rule matching.

The canonical form produced by :func:`normalize_text` is:

* Unicode NFKC applied everywhere *except* on CJK running-text punctuation
  (``，。、：；！？（）「」『』【】〔〕《》〈〉・～``), enclosed alphanumerics
  (U+2460–U+24FF, e.g. ``①``) and ``※``, which keep their original form;
* every Unicode whitespace character (plus zero-width space, word joiner and
  BOM) turned into an ASCII space, runs collapsed, lines stripped, blank lines
  dropped and line breaks normalised to ``\\n``;
* a space between two CJK characters removed.

Tables (:func:`html_to_text`, and the attachment extractors through :func:`table_row`) are
rendered one row per line with the row's non-empty cells joined by :data:`CELL_SEPARATOR`
(`` | ``) and the lines inside one cell joined by :data:`CELL_LINE_SEPARATOR` (`` / ``); a
row with a single non-empty cell (a layout table) keeps that cell's lines as they are. The
separator is ASCII, so NFKC and the CJK-gap rule leave it alone and the form is stable
(``normalize_text(normalize_text(x)) == normalize_text(x)``). Text extracted before the
separators existed ran the cells together; :func:`legacy_text` and :func:`separator_blind`
let a comparison recognise such text as the same content.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from parsel import Selector

__all__ = [
    "CELL_LINE_SEPARATOR",
    "CELL_SEPARATOR",
    "CJK_CHAR_CLASS",
    "collapse_whitespace",
    "content_hash",
    "html_to_text",
    "is_cjk",
    "legacy_text",
    "normalize_text",
    "only_separators_differ",
    "separator_blind",
    "table_row",
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

#: Elements that start a new line in :func:`html_to_text` (a table row: see :func:`table_row`).
BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br",
        "dl", "dt", "dd", "table", "section", "article", "ul", "ol",
        "blockquote", "pre", "header", "footer", "nav", "main", "aside",
        "figure", "figcaption", "caption", "hr", "address", "center",
        "details", "summary", "fieldset", "form", "legend", "title",
    }
)  # fmt: skip
#: Table cells: a row's cells are joined by CELL_SEPARATOR (see :func:`table_row`).
CELL_TAGS = frozenset({"td", "th"})
#: How the non-empty cells of one table row are joined (ASCII: NFKC keeps it, and the
#: CJK-gap rule never removes the spaces around it).
CELL_SEPARATOR = " | "
#: How the lines inside one cell are joined when its row has several non-empty cells.
CELL_LINE_SEPARATOR = " / "
#: A ``|`` or ``/`` standing alone between spaces or at a line's edge: a table separator.
_SEPARATOR_TOKEN_RE = re.compile(r"(?<!\S)[|/](?!\S)")
_LEGACY_CELL_RE = re.compile(r" \| ")
#: Elements whose content is dropped entirely.
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe"})


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


def _cell_lines(cell: str) -> list[str]:
    """The non-blank lines of one cell's text, whitespace runs collapsed."""
    lines = (_SPACE_RE.sub(" ", line).strip() for line in cell.splitlines())
    return [line for line in lines if line]


def table_row(cells: Iterable[str]) -> str:
    """One table row as text (one line, unless it is a layout row).

    Empty (blank) cells are dropped, so there is never a leading, trailing or doubled
    separator. A row left with a single cell is that cell's lines as they are (a layout
    table reads as plain paragraphs); several cells are joined by :data:`CELL_SEPARATOR`,
    each cell's own lines joined by :data:`CELL_LINE_SEPARATOR`. Whitespace is collapsed;
    NFKC and the CJK-gap rule are left to :func:`normalize_text`.
    """
    rendered = [lines for cell in cells if (lines := _cell_lines(cell))]
    if len(rendered) == 1:
        return "\n".join(rendered[0])
    return CELL_SEPARATOR.join(CELL_LINE_SEPARATOR.join(lines) for lines in rendered)


def legacy_text(text: str) -> str:
    """Normalised ``text`` as the extraction before table separators rendered it: each
    :data:`CELL_SEPARATOR` back to the space that used to stand between cells, then the
    CJK-gap rule (``令和8年1月8日 | 令和8年2月1日`` → ``令和8年1月8日令和8年2月1日``).

    Exact for rows of one-line cells; a row whose cells held several lines was rendered on
    several lines before (compare with :func:`separator_blind` for those).
    """
    return "\n".join(
        _CJK_GAP_RE.sub("", _LEGACY_CELL_RE.sub(" ", line)) for line in text.split("\n")
    )


def separator_blind(text: str) -> str:
    """``text`` without table separators and whitespace: equal for two texts that differ
    only in how table cells (and the lines inside them) were separated.

    Drops every ``|`` and ``/`` standing alone between spaces or at a line's edge (the
    separators of :func:`table_row`, and a trailing one an empty cell used to leave) and
    then every whitespace character: text extracted before the separators existed ran the
    cells together, or put a cell's lines on lines of their own.
    """
    return _SPACE_RE.sub("", _SEPARATOR_TOKEN_RE.sub("", text))


def only_separators_differ(old: str, new: str) -> bool:
    """True when normalised ``old`` and ``new`` differ, but only in table separators (and
    the whitespace around them): the same content extracted before and after the
    separators. A difference in whitespace alone is not one (it stays a change)."""
    if old == new:
        return False
    if _SPACE_RE.sub("", old) == _SPACE_RE.sub("", new):
        return False
    return separator_blind(old) == separator_blind(new)


@dataclass
class _Frame:
    """An open table row (``cells`` collects its cells) or cell (``cells`` is None); ``outer``
    is the text collected around it, which it is appended to when it closes."""

    outer: list[str]
    cells: list[str] | None = None


class _TextBuilder:
    """Renders start/end/data events to raw text with line breaks at block boundaries.

    It is an lxml parser target (``start``, ``end``, ``data``, ``comment``, ``pi``,
    ``doctype``, ``close``) and is also driven by :func:`_walk_tree` over a parsed tree, so an
    HTML string and an already-parsed element are rendered by the same rules. A table row or
    cell collects its text apart (:class:`_Frame`) and is rendered by :func:`table_row` when
    it closes, so a table nested in a cell becomes lines of that cell.
    """

    __slots__ = ("_drop", "_frames", "_parts", "_pre")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._frames: list[_Frame] = []  # open rows and cells, innermost last
        self._drop = 0  # depth inside a dropped element (script, style...)
        self._pre = 0  # depth inside <pre>

    def start(self, tag: object, attrib: object = None, nsmap: object = None) -> None:
        if self._drop or tag in DROP_TAGS:
            self._drop += 1
            return
        if tag == "tr":
            self._open(cells=[])
        elif tag in CELL_TAGS:
            self._open(cells=None)
        elif tag in BLOCK_TAGS:
            self._parts.append("\n")
        if tag == "pre":
            self._pre += 1

    def end(self, tag: object) -> None:
        if self._drop:
            self._drop -= 1
            return
        if tag == "pre":
            self._pre -= 1
        if tag == "tr":
            self._close(row=True)
        elif tag in CELL_TAGS:
            self._close(row=False)
        elif tag in BLOCK_TAGS:
            self._parts.append("\n")

    def _open(self, cells: list[str] | None) -> None:
        """Start collecting a row (``cells`` a list) or a cell apart; text a row holds
        outside its cells (a row nested without a cell too) counts as a cell of its own."""
        row = self._frames[-1].cells if self._frames else None
        if cells is None and row is not None:
            row.append("".join(self._parts))
            self._parts = []
        self._frames.append(_Frame(self._parts, cells))
        self._parts = []

    def _close(self, *, row: bool) -> None:
        """Close the innermost open row (or cell) and whatever is still open inside it; an
        end tag with nothing to close is ignored."""
        if not any((frame.cells is not None) == row for frame in self._frames):
            return
        while True:
            frame = self._frames.pop()
            self._close_frame(frame)
            if (frame.cells is not None) == row:
                return

    def _close_frame(self, frame: _Frame) -> None:
        text = "".join(self._parts)
        self._parts = frame.outer
        enclosing = self._frames[-1].cells if self._frames else None
        if frame.cells is None and enclosing is not None:  # a cell of an open row
            enclosing.append(text)
            return
        cells = [*frame.cells, text] if frame.cells is not None else [text]
        self._parts.append(f"\n{table_row(cells)}\n")

    def data(self, text: str) -> None:
        """Text (source whitespace is insignificant outside ``<pre>``)."""
        if not self._drop:
            self._parts.append(text if self._pre else _SPACE_RE.sub(" ", text))

    def comment(self, text: str) -> None:
        """Comments are dropped."""

    def pi(self, target: str, data: str | None = None) -> None:
        """Processing instructions are dropped."""

    def doctype(self, *args: object) -> None:
        """The doctype is dropped."""

    def close(self) -> str:
        while self._frames:  # rows or cells left open by a truncated document
            self._close_frame(self._frames.pop())
        return "".join(self._parts)


def _walk_tree(root: etree._Element) -> str:
    """Render the lxml element ``root`` (not its tail) to raw text, iteratively."""
    builder = _TextBuilder()
    start, end, data = builder.start, builder.end, builder.data
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event == "start":
            tag = node.tag
            start(tag)
            if tag in DROP_TAGS:
                walker.skip_subtree()  # its "end" event still comes
            elif node.text:
                data(node.text)
        elif event == "end":
            end(node.tag)
            if node.tail and node is not root:
                data(node.tail)
        elif node.tail and node is not root:  # a comment or processing instruction
            data(node.tail)
    return builder.close()


def _parse_text(markup: str) -> str:
    """Render an HTML string to raw text in one streaming parse (no tree is built, so any
    nesting depth is read in full). Broken HTML is repaired by lxml's HTML parser."""
    parser = etree.HTMLParser(target=_TextBuilder(), recover=True)
    parser.feed(markup)
    return parser.close()


def html_to_text(node: Selector | etree._Element | str) -> str:
    """Extract normalised text from a parsed node or an HTML string.

    ``node`` is a parsel ``Selector`` (its lxml element; a text result is read as text), an
    lxml element (the element and its content, never its tail), or an HTML string. Pass the
    node the page was already parsed into: it is read as it is, without parsing it again,
    and is not modified. (A ``bs4`` element is still accepted and read from its markup.)

    Block-level elements (:data:`BLOCK_TAGS`) and ``<br>`` produce line breaks,
    inline elements do not; each table row is one line with its non-empty cells joined by
    `` | `` (a cell's own lines by `` / ``), a row with a single non-empty cell is that
    cell's lines (see :func:`table_row`); ``script``,
    ``style``, ``noscript``, ``template``, ``iframe`` and comments are dropped.
    Whitespace in the HTML source is insignificant except inside ``<pre>``.
    Broken HTML is tolerated (lxml repairs it).
    """
    if isinstance(node, Selector):
        if isinstance(node.root, str):  # a text or attribute result: text, not markup
            return normalize_text(_SPACE_RE.sub(" ", node.root))
        node = node.root
    if isinstance(node, etree._Element):
        if not isinstance(node.tag, str):  # a comment or processing instruction
            return ""
        return normalize_text(_walk_tree(node))
    if type(node).__module__.startswith("bs4"):
        return _bs4_text(node)
    if isinstance(node, str):
        return normalize_text(_parse_text(node))
    raise TypeError(f"html_to_text expects a Selector, an lxml element or a str, not {node!r}")


def _bs4_text(node: object) -> str:
    """Compatibility: a bs4 string is text (comments and declarations: nothing), any other
    bs4 element is read from its markup."""
    if isinstance(node, str):
        kind = type(node).__name__
        if kind in ("Comment", "Declaration", "Doctype", "ProcessingInstruction"):
            return ""
        return normalize_text(_SPACE_RE.sub(" ", node))
    return normalize_text(_parse_text(str(node)))


def content_hash(*parts: str) -> str:
    """Return the sha256 hex digest of ``parts`` joined by ``\\x1e`` (record separator).

    The parts are hashed as given; normalise them first when the hash should
    ignore cosmetic changes.
    """
    joined = "\x1e".join(parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()
