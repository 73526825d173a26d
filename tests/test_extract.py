"""Attachment text extraction on real files built by the libraries themselves."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import Workbook

from monitors.text.extract import extract_text, sniff_kind
from tests.replica.render import tiny_pdf


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_pdf_text() -> None:
    result = extract_text(tiny_pdf("Dual-use items list 2026"))
    assert (result.extractor, result.error) == ("pdf", None)
    assert "Dual-use items list 2026" in result.text


def test_docx_text_is_normalised() -> None:
    result = extract_text(docx_bytes("附件1：管控名单", "１．三菱重工业株式会社"))
    assert result.extractor == "docx"
    assert result.text == "附件1：管控名单\n1.三菱重工业株式会社"


def test_xlsx_rows() -> None:
    result = extract_text(xlsx_bytes([["序号", "名称"], [1, "TDK株式会社"]]))
    assert result.extractor == "xlsx"
    assert result.text == "[Sheet]\n序号 | 名称\n1 | TDK株式会社"  # cells kept apart


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "doc-legacy"),
        (b"plain bytes", "unknown"),
    ],
)
def test_unsupported_files_say_why(data: bytes, kind: str) -> None:
    assert sniff_kind(data) == kind
    result = extract_text(data)
    assert result.text == "" and kind in result.error


def test_broken_pdf_is_an_error_not_a_crash() -> None:
    result = extract_text(b"%PDF-1.4\n garbage")
    assert result.text == "" and result.error


def test_zip_that_is_not_office() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "x")
    assert sniff_kind(out.getvalue()) == "zip"
