"""Spreadsheets written row by row (openpyxl's write-only mode): memory stays flat however many rows.

An .xlsx is a zip whose parts are only complete at the end, so it cannot go out while rows are still
being read; it is written to an anonymous temporary file and then streamed from there in chunks.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from typing import IO

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500
CHUNK = 64 * 1024
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def write_xlsx(target: IO[bytes] | str, *, title: str, columns: list[tuple], rows: Iterable[list],
               on_progress: Callable[[int], None] | None = None) -> int:
    """Writes a sheet with a bold, frozen header; returns the number of data rows written.

    `columns` are (header, width, …) tuples; `on_progress(n)` is called every PROGRESS_EVERY rows.
    """
    return write_xlsx_sheets(target, sheets=[(title, columns, rows)], on_progress=on_progress)[0]


def write_xlsx_sheets(target: IO[bytes] | str, *, sheets: list[tuple[str, list[tuple], Iterable[list]]],
                      on_progress: Callable[[int], None] | None = None) -> list[int]:
    """Several sheets, each (title, columns, rows) written as write_xlsx writes one; the rows written per sheet."""
    book = Workbook(write_only=True)
    counts = [_sheet(book, title, columns, rows, on_progress) for title, columns, rows in sheets]
    book.save(target)
    if on_progress is not None:
        on_progress(counts[0] if counts else 0)
    return counts


def _sheet(book, title: str, columns: list[tuple], rows: Iterable[list], on_progress) -> int:
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, (_, width, *_rest) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF2F7")
    header = []
    for name, *_rest in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        written += 1
        if on_progress is not None and written % PROGRESS_EVERY == 0:
            on_progress(written)
    return written


def _cell(sheet, value):
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _text_cell(sheet, value: str):
    """Text typed by anyone (a project name on the public form) stays text: a value that a spreadsheet would read
    as a formula or a command (= + - @, tab, CR) is written as a string cell marked like Excel's leading
    apostrophe (quotePrefix), so it is shown, never evaluated; characters XML cannot hold are dropped."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_response(*, filename: str, title: str, columns: list[tuple], rows: Iterable[list]) -> tuple[FileResponse, int]:
    """The workbook as an attachment, streamed in CHUNK-sized pieces from a temporary file."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # removed by the OS when the response closes it
    count = write_xlsx(handle, title=title, columns=columns, rows=rows)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response.block_size = CHUNK
    return response, count
