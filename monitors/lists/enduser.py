"""METI's 外国ユーザーリスト (End User List): its table rows, and the events between revisions.

The list is a PDF table revised in place: No. | 国名・地域名 | 企業名・組織名 | 別名 |
懸念区分. Its text comes one row per line with cells separated by `` | `` (the attachment
extractors; also a tab or two or more spaces), the first cell the row number; a cell's own
lines are joined by `` / ``. The extractors drop empty cells, so a row without 別名 has four
cells: No., country, name, concern. Rows are renumbered between revisions, so revisions are
compared by normalised name and country (:func:`row_key`), never by number.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from monitors.lists.models import EndUserRow, ListEvent, SourceRef
from monitors.lists.specs import country_code
from monitors.text.normalize import CELL_SEPARATOR, normalize_text

__all__ = [
    "END_USER_LIST",
    "END_USER_LIST_TITLE",
    "REVISION_SIGNS",
    "best_end_user_list",
    "diff_end_user_list",
    "end_user_list_problems",
    "extract_end_user_list",
    "is_end_user_list_page",
    "normalise_name",
    "row_key",
]

#: The list name of METI End User List events (see :data:`~monitors.lists.specs.DEFAULT_LISTS`).
END_USER_LIST = "meti-end-user-list"
#: The title of METI's (Japanese) End User List page, ``law05.html``.
END_USER_LIST_TITLE = "外国ユーザーリスト"
#: How a revision's rows are marked (alerts), by action: added, removed, amended.
REVISION_SIGNS = {"add": "+", "remove": "-", "amend": "~"}

_CELL_SPLIT_RE = re.compile(r"\t+|\s{2,}")
_NUMBER_RE = re.compile(r"^(\d{1,5})\.?$")
_CONCERN_RE = re.compile(r"^(?:[BCMN]|生物|化学|ミサイル|核|通常兵器|[\s,、・/])+$")
_AKA_SPLIT_RE = re.compile(r" / |[；;、]|(?:^|\s)[・•]\s*")
_NON_WORD_RE = re.compile(r"[\W_]+")


def normalise_name(name: str) -> str:
    """A name folded for comparison: NFKC, case-folded, punctuation and spaces removed."""
    return _NON_WORD_RE.sub("", unicodedata.normalize("NFKC", name).casefold())


def row_key(row: EndUserRow) -> tuple[str, str]:
    """``(normalised name, country code or normalised country)``: a row's identity."""
    return normalise_name(row.name), row.country_code or normalise_name(row.country)


def _cells(line: str) -> list[str]:
    if CELL_SEPARATOR in line:
        parts = line.split(CELL_SEPARATOR)
    else:
        parts = _CELL_SPLIT_RE.split(line.strip())
    return [cell for part in parts if (cell := normalize_text(part))]


def _aliases(cells: Sequence[str]) -> tuple[str, ...]:
    names = (n.strip().lstrip("・•").strip() for cell in cells for n in _AKA_SPLIT_RE.split(cell))
    return tuple(dict.fromkeys(n for n in names if n and n not in "-－―"))


def _row(cells: list[str], line: str) -> EndUserRow | None:
    """One table row (first cell a number, at least country and name), else None."""
    number = _NUMBER_RE.match(cells[0])
    if number is None or len(cells) < 3:
        return None
    rest = cells[3:]
    concern = ""
    if rest and _CONCERN_RE.match(rest[-1]):
        concern = rest.pop()
    return EndUserRow(
        number=int(number[1]),
        country=cells[1],
        name=cells[2],
        other_names=_aliases(rest),
        concern=concern,
        country_code=country_code(cells[1]),
        row_text=normalize_text(line),
    )


def extract_end_user_list(text: str) -> list[EndUserRow]:
    """The rows of an End User List table text, in order (see the module docstring).

    Lines that are not rows (title, header, page numbers) are skipped; check the result
    with :func:`end_user_list_problems`.
    """
    rows = []
    for line in text.splitlines():
        cells = _cells(line)
        if len(cells) >= 3 and (row := _row(cells, line)) is not None:
            rows.append(row)
    return rows


def is_end_user_list_page(title: str, metadata: Mapping[str, Any]) -> bool:
    """Whether a stored page is METI's (Japanese) End User List page, which must hold the
    list: a page the ``meti`` spider reads as ``end_user_list`` in Japanese, or a page titled
    exactly 外国ユーザーリスト. (The English End User List page is not read: its names would
    be the same entities a second time. A news release *about* a revision is not the list.)
    """
    if metadata.get("page_kind") == "end_user_list":
        return (metadata.get("language") or "ja") == "ja"
    return normalize_text(title).replace(" ", "") == END_USER_LIST_TITLE


def best_end_user_list(texts: Sequence[str]) -> tuple[int | None, list[EndUserRow]]:
    """The End User List among the texts of a page's files: ``(index, rows)`` of the text
    whose rows read cleanly (:func:`end_user_list_problems`), the most rows first; else of
    the text with the most rows (its problems tell what is wrong); ``(None, [])`` when no
    text holds a row. (The list may come as a PDF and an Excel file; other files, such as
    the 改正概要, hold no table.)"""
    found = [(index, extract_end_user_list(text)) for index, text in enumerate(texts)]
    found = [(index, rows) for index, rows in found if rows]
    if not found:
        return None, []
    clean = [(i, rows) for i, rows in found if not end_user_list_problems(rows)]
    return max(clean or found, key=lambda item: (len(item[1]), -item[0]))


def end_user_list_problems(rows: Sequence[EndUserRow]) -> list[str]:
    """What makes a parsed End User List untrustworthy: no rows, number gaps, duplicates."""
    if not rows:
        return ["End User List: no rows found"]
    numbers = [row.number for row in rows]
    problems = []
    missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
    if missing:
        problems.append(f"End User List: missing rows {', '.join(map(str, missing))}")
    problems.extend(
        f"End User List: row {n} appears {c} times" for n, c in Counter(numbers).items() if c > 1
    )
    return problems


def _keyed(rows: Sequence[EndUserRow]) -> dict[tuple[str, str, int], tuple[int, EndUserRow]]:
    """Rows by key (an occurrence counter tells repeated keys apart), with their index."""
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for index, row in enumerate(rows):
        key = row_key(row)
        seen[key] += 1
        keyed[(*key, seen[key])] = (index, row)
    return keyed


def _changed(old: EndUserRow, new: EndUserRow) -> bool:
    """Whether the also-known-as names or the concern changed (beyond spelling noise)."""
    aliases_old = {normalise_name(n) for n in old.other_names}
    aliases_new = {normalise_name(n) for n in new.other_names}
    return aliases_old != aliases_new or normalise_name(old.concern) != normalise_name(new.concern)


def _event(action: str, row: EndUserRow, index: int, source: SourceRef, name: str) -> ListEvent:
    return ListEvent(
        list_name=name,
        action=action,
        row_number=row.number,
        name=row.name,
        other_names=row.other_names,
        country=row.country_code,
        effective=source.published,
        concern=row.concern or None,
        row_text=row.row_text,
        source=replace(source, row_index=index),
    )


def diff_end_user_list(
    old_rows: Sequence[EndUserRow],
    new_rows: Sequence[EndUserRow],
    *,
    source: SourceRef,
    list_name: str = END_USER_LIST,
) -> list[ListEvent]:
    """The events between two revisions of the End User List, keyed by name and country.

    A row only in ``new_rows`` is ``add``, only in ``old_rows`` ``remove``; a row in both
    whose also-known-as names or concern changed is ``amend`` (with the new row). A row
    renumbered, or respelled in case, spacing or punctuation, is no event. Adds and amends
    come in the new list's order, then removes in the old list's; ``source`` (the new
    revision) gets each row's index in the list it was read from. Effective = published.
    """
    old, new = _keyed(old_rows), _keyed(new_rows)
    events = []
    for key, (index, row) in new.items():
        if key not in old:
            events.append(_event("add", row, index, source, list_name))
        elif _changed(old[key][1], row):
            events.append(_event("amend", row, index, source, list_name))
    for key, (index, row) in old.items():
        if key not in new:
            events.append(_event("remove", row, index, source, list_name))
    return events
