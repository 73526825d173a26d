"""Numbered entity rows in announcement bodies and annex texts, and their fields.

Row formats read (after :func:`~monitors.text.normalize.normalize_text`, which folds
full-width digits and ``．`` and removes the space in ``地 址``):

* a numbered line: ``1.NAME…``, ``1. NAME…``, ``1、NAME…``, ``（1）NAME…``; in annex texts
  also ``1 NAME…`` (a PDF table row). A numbered line that states a rule (``应当``,
  ``不得``, ``禁止``, ``可以向``) is a clause, not a row;
* the row's further lines: labelled fields (``地址：``, ``常用名称：``, ``邮编：``, …), a
  Latin-script line, a fully bracketed line ``（Example Co., Ltd.）``, and any line while a
  bracket is still open (a wrapped name);
* a table row whose cells are separated by `` | `` (the attachment extractors), a tab or
  two or more spaces, the first cell a number; a header row (``序号 | 名称 | 地址``) maps the
  cells to fields, otherwise each cell's content decides.

Fields in a row's text: the name first, then bracketed other names ``（…）``/``(…)`` at its
end (not a country or region such as ``（香港）``), then labelled fields separated by
``，`` / ``；``: see :data:`LABELS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from monitors.lists.countries import country_code
from monitors.text.normalize import CELL_LINE_SEPARATOR, CELL_SEPARATOR, normalize_text

__all__ = ["LABELS", "RawRow", "RowFields", "find_rows", "parse_row", "row_text", "split_name"]

#: Field labels (before ``：``/``:``) → the field they introduce.
LABELS: dict[str, str] = {
    "地址": "address", "住所": "address", "注册地址": "address", "address": "address",
    "常用名称": "other", "别名": "other", "又名": "other", "又称": "other", "也称": "other",
    "简称": "other", "曾用名": "other", "英文名称": "other", "外文名称": "other",
    "別名": "other", "aka": "other", "a.k.a.": "other", "also known as": "other",
    "邮编": "postcode", "邮政编码": "postcode", "postcode": "postcode",
    "国家": "country", "国别": "country", "国家（地区）": "country", "国家/地区": "country",
    "国家或地区": "country", "country": "country",
}  # fmt: skip
_LABEL_RE = re.compile(
    r"(?i)(?P<label>"
    + "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True))
    + r")\s*[：:]\s*"
)
_LEADING_LABEL_RE = re.compile(r"^\s*" + _LABEL_RE.pattern.removeprefix("(?i)"), re.IGNORECASE)

_MARKER_RE = re.compile(
    r"^(?:(?P<dot>\d{1,4})\s*[.、]\s*(?!\d)|[（(](?P<paren>\d{1,4})[）)]\s*)(?P<rest>\S.*)$"
)
_BARE_MARKER_RE = re.compile(r"^(?P<bare>\d{1,4})\s+(?P<rest>[^\d\s].*)$")
_NUMBER_CELL_RE = re.compile(r"^[（(]?(\d{1,4})[）).、]?$")
_CLAUSE_WORDS = ("应当", "不得", "禁止", "可以向", "有关规定")
_CELL_SPLIT_RE = re.compile(r"\t+|\s{2,}")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_ADDRESS_HINT_RE = re.compile(r"[市县区州都道府省号路街町村]|丁目|番地|\d+-\d+")
_POSTCODE_RE = re.compile(r"^〒?\s*(\d{3}-\d{4}|\d{5,6})$")
_STRIP = " ，,；;。、"
_OPEN, _CLOSE = "（(", "）)"

#: Header words → field, checked in this order (``英文名称`` before ``名称``).
HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("other", ("常用名称", "别名", "又名", "曾用名", "別名", "also known as", "aka")),
    ("other", ("英文名称", "外文名称", "英文", "english")),
    ("address", ("地址", "住所", "address")),
    ("postcode", ("邮编", "邮政编码", "postcode", "postal code")),
    ("country", ("国家", "国别", "国名", "地域", "country")),
    ("concern", ("懸念区分", "type of wmd")),
    ("name", ("名称", "实体", "企業名", "組織名", "company", "organization", "name", "单位")),
)
_NUMBER_HEADER_RE = re.compile(r"^(?:序号|编号|番号|no\.?|#)$")
_FIELD_LABEL = {"address": "地址", "other": "常用名称", "postcode": "邮编", "country": "国家"}


@dataclass
class RawRow:
    """A numbered row as found: its number, its lines (the first without the number)."""

    number: int
    lines: list[str] = field(default_factory=list)
    origin: str = "body"
    source_lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowFields:
    """The fields of one row."""

    name: str
    other_names: tuple[str, ...] = ()
    address: str | None = None
    postcode: str | None = None
    country_text: str | None = None


def _open_brackets(text: str) -> int:
    """How many brackets are open at the end of ``text``."""
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
    return depth


def _is_latin(text: str) -> bool:
    return bool(_LATIN_RE.search(text)) and not _CJK_RE.search(text)


def _split_cells(line: str) -> list[str]:
    """A raw line's cells (`` | ``, tab or 2+ spaces apart), each normalised, empty dropped."""
    if CELL_SEPARATOR in line:
        parts = line.split(CELL_SEPARATOR)
    elif _CELL_SPLIT_RE.search(line.strip()):
        parts = _CELL_SPLIT_RE.split(line.strip())
    else:
        parts = [line]
    return [cell for part in parts if (cell := normalize_text(part))]


def _header_kinds(cells: list[str]) -> list[str] | None:
    """The field of each cell when ``cells`` is a table header, else None."""
    kinds = []
    for cell in cells:
        folded = cell.casefold()
        kind = next((k for k, words in HEADER_WORDS if any(w in folded for w in words)), None)
        if _NUMBER_HEADER_RE.match(folded):
            kind = "number"
        if kind is None:
            return None
        kinds.append(kind)
    return kinds if "name" in kinds and len(cells) >= 2 else None


def _cell_kind(cell: str, last: bool) -> str:
    """Guess the field of a cell of a table without (a matching) header."""
    if _LEADING_LABEL_RE.match(cell):
        return "labelled"
    if country_code(cell) is not None:
        return "country"
    if _POSTCODE_RE.match(cell):
        return "postcode"
    if _is_latin(cell):
        has_country = country_code(cell, prefix=True) is not None
        return "address" if has_country and re.search(r"\d", cell) else "other"
    if last or _ADDRESS_HINT_RE.search(cell):
        return "address"
    return "other"


def _cell_lines(cells: list[str], kinds: list[str] | None) -> list[str]:
    """A table row's cells after the number as row lines (a field cell gets its label)."""
    lines: list[str] = []
    for index, cell in enumerate(cells):
        kind = kinds[index] if kinds else ("name" if index == 0 else None)
        kind = kind or _cell_kind(cell, index == len(cells) - 1)
        parts = cell.split(CELL_LINE_SEPARATOR)
        if kind in _FIELD_LABEL:
            label = _FIELD_LABEL[kind]
            lines.extend(f"{label}：{part}" for part in parts)
        elif kind in ("name", "labelled"):
            lines.extend(parts)
    return lines


def _continues(row: RawRow, line: str) -> bool:
    """Whether ``line`` belongs to ``row`` (a field, a Latin name, or inside an open bracket)."""
    if _open_brackets("".join(row.lines)):
        return True
    return bool(_LEADING_LABEL_RE.match(line)) or _is_latin(line)


def _marker(line: str, annex: bool) -> tuple[int, str] | None:
    """``(number, rest)`` when ``line`` starts a numbered row."""
    match = _MARKER_RE.match(line) or (_BARE_MARKER_RE.match(line) if annex else None)
    if match is None:
        return None
    rest = match["rest"]
    if any(word in rest for word in _CLAUSE_WORDS):
        return None
    number = match.groupdict().get("dot") or match.groupdict().get("paren") or match["bare"]
    return int(number), rest


def find_rows(text: str, *, origin: str = "body", annex: bool = False) -> list[RawRow]:
    """Every numbered entity row of ``text`` in order (see the module docstring)."""
    rows: list[RawRow] = []
    current: RawRow | None = None
    header: list[str] | None = None
    for raw_line in text.splitlines():
        cells = _split_cells(raw_line)
        if not cells:
            continue
        if len(cells) > 1:
            current = None
            number = _NUMBER_CELL_RE.match(cells[0])
            if number is None:
                header = _header_kinds(cells) or header
                continue
            kinds = header[1:] if header and len(header) == len(cells) else None
            lines = _cell_lines(cells[1:], kinds)
            rows.append(RawRow(int(number[1]), lines, origin, [CELL_SEPARATOR.join(cells)]))
            continue
        line = cells[0]
        marker = _marker(line, annex)
        if marker is not None:
            current = RawRow(marker[0], [marker[1]], origin, [line])
            rows.append(current)
        elif current is not None and _continues(current, line):
            current.lines.append(line)
            current.source_lines.append(line)
        else:
            current = None
    return rows


def _merge_wrapped(lines: list[str]) -> list[str]:
    """Join lines broken inside a bracket (a space between Latin words, none in CJK)."""
    merged: list[str] = []
    for line in lines:
        if merged and _open_brackets(merged[-1]):
            gap = " " if _is_latin(line[:1]) or _is_latin(merged[-1][-1:]) else ""
            merged[-1] = f"{merged[-1]}{gap}{line}"
        else:
            merged.append(line)
    return merged


def _matching_open(text: str) -> int | None:
    """Index of the bracket opening the one that ends ``text``."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] in _CLOSE:
            depth += 1
        elif text[index] in _OPEN:
            depth -= 1
            if depth == 0:
                return index
    return None


def split_name(text: str) -> tuple[str, list[str]]:
    """``示例株式会社（Example Co., Ltd.）`` → ``("示例株式会社", ["Example Co., Ltd."])``.

    Only brackets ending the text are other names, and not a country or region
    (``示例有限公司（香港）`` stays whole).
    """
    text = text.strip(_STRIP)
    others: list[str] = []
    while text and text[-1] in _CLOSE:
        start = _matching_open(text)
        if not start:
            break
        inner = text[start + 1 : -1].strip()
        if not inner or country_code(inner) is not None:
            break
        others.insert(0, inner)
        text = text[:start].rstrip(_STRIP)
    return text, others


def _labelled(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split ``text`` into its unlabelled lead and its ``(field, value)`` pairs."""
    matches = list(_LABEL_RE.finditer(text))
    if not matches:
        return text, []
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        value = text[match.end() : end].strip(_STRIP)
        pairs.append((LABELS[match["label"].casefold()], value))
    return text[: matches[0].start()], pairs


def _names(value: str) -> list[str]:
    """The names in an other-names value (``；``, ``;``, ``、`` or `` / `` apart)."""
    parts = re.split(r"[；;、]| / ", value)
    return [name for part in parts if (name := part.strip(_STRIP + "（）()"))]


def parse_row(row: RawRow) -> RowFields:
    """The fields of a found row (name, other names, address, postcode, country text)."""
    lines = _merge_wrapped(row.lines)
    lead, pairs = _labelled(lines[0]) if lines else ("", [])
    name, others = split_name(lead)
    for line in lines[1:]:
        rest, line_pairs = _labelled(line)
        pairs.extend(line_pairs)
        if rest.strip(_STRIP):
            others.extend(_names(rest))
    values: dict[str, str] = {}
    for kind, value in pairs:
        if kind == "other":
            others.extend(_names(value))
        elif value and kind not in values:
            values[kind] = value
    unique = [n for n in dict.fromkeys(others) if n != name]
    return RowFields(
        name=name,
        other_names=tuple(unique),
        address=values.get("address"),
        postcode=values.get("postcode"),
        country_text=values.get("country"),
    )


def row_text(row: RawRow) -> str:
    """The row as read: its normalised lines (a table row's cells `` | `` apart)."""
    return "\n".join(row.source_lines)
