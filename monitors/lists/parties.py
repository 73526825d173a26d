"""Counterparties to screen: :class:`Party`, read from a CSV file (:func:`read_parties`).

A party's country may be given as an ISO code or a name in any script (:func:`country_code`,
over the one country table :data:`monitors.lists.countries.COUNTRY_NAMES`).
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from monitors.lists.countries import COUNTRY_NAMES
from monitors.lists.names import fold_compact, name_keys

__all__ = ["Party", "country_code", "read_parties"]


@dataclass(frozen=True)
class Party:
    """A counterparty: its id, names (the main name first), ISO-2 country, file line."""

    id: str
    names: tuple[str, ...]
    country: str | None = None
    line: int = 0

    @property
    def name(self) -> str:
        """The main name."""
        return self.names[0]


# --- countries ----------------------------------------------------------------------------


@functools.cache
def _country_table() -> dict[str, str]:
    """Folded country names and codes (alpha-2 and alpha-3) → ISO 3166-1 alpha-2 code."""
    table: dict[str, str] = {}
    for code, names in COUNTRY_NAMES.items():
        for name in (code, *names):
            table[fold_compact(name)] = code
    return table


def country_code(value: str | None) -> str | None:
    """The ISO-2 code of a country given as a code or a name (``Japan``, ``日本`` → ``JP``).

    Names are folded as names are (case, width, kanji variants, punctuation). Any two Latin
    letters are taken as a code; ``None`` for an empty or unknown value.
    """
    if not value:
        return None
    form = fold_compact(value)
    if not form:
        return None
    if form in _country_table():
        return _country_table()[form]
    if len(form) == 2 and form.isascii() and form.isalpha():
        return form.upper()
    return None


# --- counterparty files -------------------------------------------------------------------

_COLUMNS = ("id", "name", "other_names", "country")
_OTHER_NAMES_SPLIT = re.compile(r"[;|；｜]")


def _column_name(header: str) -> str:
    """A header cell as a column name: trimmed, case-folded, spaces and dashes as ``_``."""
    return re.sub(r"[\s\-]+", "_", header.strip().casefold())


def _header(path: Path, header: list[str]) -> dict[str, int]:
    """Column name → position, checking for required, duplicate and misspelt columns."""
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = _column_name(cell)
        if name in columns:
            raise ValueError(f"{path}: line 1, column {cell.strip()!r}: duplicate column")
        close = difflib.get_close_matches(name, _COLUMNS, n=1, cutoff=0.75)
        if name not in _COLUMNS and close:
            raise ValueError(
                f"{path}: line 1, column {cell.strip()!r}: unknown column "
                f"(did you mean {close[0]!r}?); columns: {', '.join(_COLUMNS)}"
            )
        columns[name] = position
    for required in ("id", "name"):
        if required not in columns:
            raise ValueError(
                f"{path}: line 1: no {required!r} column; columns: id, name "
                "(required), other_names, country (optional)"
            )
    return columns


def _decode(path: Path) -> str:
    """The file's text (UTF-8, with or without BOM), or a ValueError naming the line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValueError(
            f"{path}: line {line}: not UTF-8 (byte {data[error.start]:#04x}); "
            "save the file as UTF-8 CSV"
        ) from None


def _cells(columns: Mapping[str, int], row: list[str]) -> dict[str, str]:
    """Column name → the row's trimmed cell, ``""`` for a missing column or cell."""
    cells: dict[str, str] = {}
    for column in _COLUMNS:
        position = columns.get(column)
        cells[column] = (
            row[position].strip() if position is not None and position < len(row) else ""
        )
    return cells


def _party_names(name: str, other_names: str) -> tuple[str, ...]:
    """The main name, then the other names with letters or digits, without duplicates."""
    others = [n.strip() for n in _OTHER_NAMES_SPLIT.split(other_names)]
    return tuple(dict.fromkeys(n for n in (name, *others) if n and name_keys(n).full))


def _party(path: Path, line: int, cells: Mapping[str, str], seen: Mapping[str, int]) -> Party:
    """The party of one row's cells, or a ValueError naming the line and column.

    ``seen`` maps the ids of the rows before to their lines.
    """

    def fail(column: str, message: str) -> ValueError:
        return ValueError(f"{path}: line {line}, column {column!r}: {message}")

    party_id, name, raw_country = cells["id"], cells["name"], cells["country"]
    if not party_id:
        raise fail("id", "empty id")
    if party_id in seen:
        raise fail("id", f"duplicate id {party_id!r} (first on line {seen[party_id]})")
    if not name:
        raise fail("name", "empty name")
    if not name_keys(name).full:
        raise fail("name", f"name {name!r} has no letters or digits")
    country = country_code(raw_country)
    if raw_country and country is None:
        raise fail("country", f"unknown country {raw_country!r} (use an ISO-2 code)")
    return Party(party_id, _party_names(name, cells["other_names"]), country, line)


def read_parties(path: Path) -> list[Party]:
    """The counterparties of a CSV file with a header row.

    Columns (any order, header case-insensitive): ``id`` and ``name`` (required, non-empty),
    ``other_names`` (optional, separated by ``;`` or ``|``) and ``country`` (optional: an
    ISO-2 code or a name such as ``Japan``/``日本``). Other columns are ignored. UTF-8 with
    or without BOM. Bad input raises :class:`ValueError` naming the file, line and column:
    no ``id``/``name`` column, an empty id or name, a name without letters, a duplicate id,
    an unknown country, a row with more cells than the header.
    """
    reader = csv.reader(_decode(path).splitlines(keepends=True))
    header = next(reader, None)
    if header is None:
        raise ValueError(f"{path}: line 1: empty file; expected a header row (id,name,...)")
    columns = _header(path, header)
    parties: list[Party] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ValueError(
                f"{path}: line {line}: {len(row)} cells but the header has {len(header)}"
            )
        party = _party(path, line, _cells(columns, row), seen)
        seen[party.id] = line
        parties.append(party)
    return parties
