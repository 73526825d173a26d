"""Rendering helpers: the one Jinja environment, tiny synthetic PDF and XLSX writers and the
file of an attachment."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tests.replica.model import Attachment, SheetAttachment, TextPdfAttachment

TEMPLATES = Path(__file__).resolve().parent / "templates"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def environment() -> Environment:
    """The replica's Jinja environment (autoescaped HTML, strict undefined)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> bytes:
    """Render ``template`` with ``context`` to UTF-8 bytes."""
    return environment().get_template(template).render(**context).encode("utf-8")


def attachment_file(attachment: Attachment, state: int) -> tuple[str, bytes]:
    """``(content type, bytes)`` of ``attachment`` at ``state``: an XLSX for a
    :class:`~tests.replica.model.SheetAttachment`, a PDF of its lines for a
    :class:`~tests.replica.model.TextPdfAttachment`, else a PDF of its (ASCII) text."""
    if isinstance(attachment, SheetAttachment):
        return XLSX, tiny_xlsx(attachment.sheet, attachment.rows)
    if isinstance(attachment, TextPdfAttachment):
        return PDF, text_pdf(attachment.lines)
    return PDF, tiny_pdf(attachment.text_at(state))


def _page_objects(stream: bytes) -> list[bytes]:
    """Catalog, pages, one A4 page using font /F1 (object 5), and its content ``stream``."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]


def tiny_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF showing ``text`` (ASCII only)."""
    safe = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 12 Tf 72 770 Td (" + safe + b") Tj ET"
    objects = [
        *_page_objects(stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf_file(objects)


def _pdf_file(objects: Sequence[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalog) with its xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


#: The fixed time stamp of every member of a generated XLSX (so its bytes, hence its ETag and
#: hash, depend on its cells only).
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def tiny_xlsx(sheet: str, rows: Sequence[Sequence[str | int | None]]) -> bytes:
    """A minimal valid one-sheet XLSX workbook holding ``rows`` (strings inline; ints as
    numbers; None an empty cell; a string's ``\\n`` is a line break inside its cell).

    Deterministic: the same rows give the same bytes (fixed ZIP time stamps, no document
    properties), as a file served unchanged must.
    """
    content_types = (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    package_rels = (
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'{_XML}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
        f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    lines = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = escape(value)
                cells.append(
                    f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    data = "".join(lines)
    worksheet = f'{_XML}<worksheet xmlns="{_MAIN_NS}"><sheetData>{data}</sheetData></worksheet>'
    parts = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": package_rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
        "xl/worksheets/sheet1.xml": worksheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _column(index: int) -> str:
    """The spreadsheet column letters of 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def text_pdf(lines: Sequence[str]) -> bytes:
    """A minimal valid one-page PDF showing ``lines`` one under the other, CJK included.

    The text is shown in ``STSong-Light`` (one of the standard Asian fonts every PDF viewer
    provides, so nothing is embedded) through the predefined ``UniGB-UCS2-H`` CMap: each
    character is its UCS-2 code. A ``ToUnicode`` CMap maps the codes back, so text extractors
    (pypdf) read the lines as written. Characters outside the Basic Multilingual Plane are
    refused. Deterministic: the same lines give the same bytes.
    """
    text = "".join(lines)
    if any(ord(ch) > 0xFFFF for ch in text):
        raise ValueError("text_pdf writes characters of the Basic Multilingual Plane only")
    shown = [b"BT /F1 10 Tf 14 TL 40 800 Td"]
    for line in lines:
        shown.append(b"<%s> Tj T*" % line.encode("utf-16-be").hex().upper().encode("ascii"))
    shown.append(b"ET")
    stream = b"\n".join(shown)
    codes = sorted({ord(ch) for ch in text})
    chunks = [codes[i : i + 100] for i in range(0, len(codes), 100)]  # at most 100 a block
    cmap = b"".join(
        b"%d beginbfchar\n%s\nendbfchar\n"
        % (len(chunk), b"\n".join(b"<%04X> <%04X>" % (code, code) for code in chunk))
        for chunk in chunks
    )
    to_unicode = (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + cmap
        + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )
    objects = [
        *_page_objects(stream),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(to_unicode), to_unicode),
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    return _pdf_file(objects)
