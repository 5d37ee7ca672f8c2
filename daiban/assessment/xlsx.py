"""Spreadsheets written row by row as the sheet's XML, straight into the zip: memory stays flat and the time is
that of joining strings (openpyxl's write-only mode, which built and serialised a cell object per value, wrote
about 1 600 ledger rows a second on the shared machine: most of a 100k-case export).

The package holds only what a reader needs: the workbook, one sheet part per sheet (text as inline strings, a
bold, shaded, frozen header, the column widths) and five cell styles. openpyxl reads these files back (the
tests and daiban.adoption's import do). An .xlsx is a zip whose parts are only complete at the end, so it
cannot go out while rows are still being read; it is written to an anonymous temporary file and then streamed
from there in chunks.
"""
from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from django.http import FileResponse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500
CHUNK = 64 * 1024
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Cell styles (the order of cellXfs in STYLES).
HEADER, DATE, QUOTED, MOMENT = 1, 2, 3, 4
CONTROL = {"\r": "&#13;", "\t": "&#9;"}  # kept as written: a parser would turn a bare CR into LF
EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 (of the 1900 date system, past its 1900 leap-year bug)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = HEAD + (
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="00EEF2F7"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def write_xlsx(target: IO[bytes] | str, *, title: str, columns: list[tuple], rows: Iterable[list],
               on_progress: Callable[[int], None] | None = None) -> int:
    """Writes a sheet with a bold, frozen header; returns the number of data rows written.

    `columns` are (header, width, …) tuples; `on_progress(n)` is called every PROGRESS_EVERY rows.
    """
    return write_xlsx_sheets(target, sheets=[(title, columns, rows)], on_progress=on_progress)[0]


def write_xlsx_sheets(target: IO[bytes] | str, *, sheets: list[tuple[str, list[tuple], Iterable[list]]],
                      on_progress: Callable[[int], None] | None = None) -> list[int]:
    """Several sheets, each (title, columns, rows) written as write_xlsx writes one; the rows written per sheet."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        counts = [_sheet(book, number, columns, rows, on_progress)
                  for number, (_, columns, rows) in enumerate(sheets, start=1)]
        _package(book, [title[:31] for title, _, _ in sheets])
    if on_progress is not None:
        on_progress(counts[0] if counts else 0)
    return counts


def _package(book: zipfile.ZipFile, titles: list[str]) -> None:
    numbers = range(1, len(titles) + 1)
    sheet_types = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                          f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in numbers)
    book.writestr("[Content_Types].xml", HEAD + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f'{sheet_types}</Types>'))
    book.writestr("_rels/.rels", HEAD + (
        f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{RELS}/officeDocument"/></Relationships>'))
    sheets = "".join(f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
                     for n, title in zip(numbers, titles, strict=True))
    book.writestr("xl/workbook.xml", HEAD + (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView/></bookViews>'
        f'<sheets>{sheets}</sheets></workbook>'))
    links = "".join(f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="{RELS}/worksheet"/>'
                    for n in numbers)
    book.writestr("xl/_rels/workbook.xml.rels", HEAD + (
        f'<Relationships xmlns="{PACKAGE_RELS}">{links}'
        f'<Relationship Id="rId{len(titles) + 1}" Target="styles.xml" Type="{RELS}/styles"/></Relationships>'))
    book.writestr("xl/styles.xml", STYLES)


def _sheet(book: zipfile.ZipFile, number: int, columns: list[tuple], rows: Iterable[list], on_progress) -> int:
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    widths = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
                     for n, (_, width, *_rest) in enumerate(columns, start=1))
    written = 0
    with book.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
        part.write((HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                    f'<cols>{widths}</cols><sheetData>').encode())
        header = "".join(_text(f"{letter}1", name, HEADER) for letter, (name, *_rest) in zip(letters, columns,
                                                                                              strict=True))
        part.write(f'<row r="1">{header}</row>'.encode())
        batch: list[str] = []
        for row in rows:
            written += 1
            line = str(written + 1)
            batch.append(f'<row r="{line}">'
                         + "".join(_cell(letter + line, value) for letter, value in zip(letters, row, strict=False))
                         + "</row>")
            if written % PROGRESS_EVERY == 0:
                part.write("".join(batch).encode())
                batch.clear()
                if on_progress is not None:
                    on_progress(written)
        part.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return written


def _text(ref: str, value: str, style: int = 0) -> str:
    space = ' xml:space="preserve"' if value != value.strip() else ""
    shown = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{shown} t="inlineStr"><is><t{space}>{escape(value, CONTROL)}</t></is></c>'


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return f'<c r="{ref}" s="{MOMENT}"><v>{(value - EPOCH) / dt.timedelta(days=1)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH.date()).days}</v></c>'
    return _text_cell(ref, str(value))


def _text_cell(ref: str, value: str) -> str:
    """Text typed by anyone (a project name on the public form) stays text: a value that a spreadsheet would read
    as a formula or a command (= + - @, tab, CR) is written as a string cell marked like Excel's leading
    apostrophe (quotePrefix), so it is shown, never evaluated; characters XML cannot hold are dropped."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return _text(ref, value, QUOTED if value.startswith(FORMULA_TRIGGERS) else 0)


def xlsx_response(*, filename: str, title: str, columns: list[tuple], rows: Iterable[list]) -> tuple[FileResponse, int]:
    """The workbook as an attachment, streamed in CHUNK-sized pieces from a temporary file."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # removed by the OS when the response closes it
    count = write_xlsx(handle, title=title, columns=columns, rows=rows)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response.block_size = CHUNK
    return response, count
