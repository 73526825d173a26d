"""Text of attachments (PDF, DOCX, XLSX), so a changed annex can be diffed like a page.

Libraries: pypdf (PDF), python-docx (DOCX), openpyxl (XLSX) — pure Python and maintained.
Each is imported only when a file of its kind is extracted (importing all three costs about
0.2 s of CPU, which a crawl without attachments should not pay; see bench/startup_bench.py).
Legacy binary DOC/XLS, archives and scanned PDFs yield no text; the file is still hashed, so
a change is still detected, and the reason is recorded.

Table rows (DOCX tables, XLSX sheet rows) are rendered like HTML tables
(:func:`~monitors.text.normalize.table_row`): one line per row, non-empty cells joined by
`` | ``.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from monitors.text.normalize import normalize_text, table_row

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 500_000


@dataclass(frozen=True)
class ExtractedText:
    """Normalised text of a file, which extractor produced it, or why there is none."""

    text: str
    extractor: str | None
    error: str | None = None


def sniff_kind(data: bytes, url: str = "") -> str:
    """``pdf``, ``docx``, ``xlsx``, ``doc-legacy``, ``zip`` or ``unknown`` from magic bytes."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc-legacy"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "unknown"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    return "unknown"


def extract_text(data: bytes, url: str = "") -> ExtractedText:
    """Extract and normalise the text of a downloaded attachment; never raises on bad files."""
    kind = sniff_kind(data, url)
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        return ExtractedText("", None, f"no text extractor for {kind} files")
    try:
        text = normalize_text(extractor(data))
    except Exception as exc:  # third-party parsers raise anything on malformed input
        log.warning("text extraction failed for %s: %s", url, exc)
        return ExtractedText("", kind, f"{kind} text extraction failed: {exc}")
    if not text:
        return ExtractedText("", kind, f"{kind} has no extractable text (scanned?)")
    return ExtractedText(text[:MAX_TEXT_CHARS], kind)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # imported on first use: see the module docstring

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data: bytes) -> str:
    from docx import Document  # imported on first use

    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(table_row(_distinct_cells(row.cells)) for row in table.rows)
    return "\n".join(lines)


def _distinct_cells(cells: Sequence[Any]) -> list[str]:
    """The texts of a DOCX row's cells, a merged cell once (python-docx lists it once per
    grid column it spans)."""
    return [cell.text for i, cell in enumerate(cells) if i == 0 or cell._tc is not cells[i - 1]._tc]


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook  # imported on first use

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    for sheet in workbook.worksheets:
        lines.append(f"[{sheet.title}]")
        for row in sheet.iter_rows(values_only=True):
            lines.append(table_row("" if value is None else str(value) for value in row))
    return "\n".join(lines)


_EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "pdf": _pdf_text,
    "docx": _docx_text,
    "xlsx": _xlsx_text,
}
