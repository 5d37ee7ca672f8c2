"""Reading a ledger file (.xlsx or .csv) into rows keyed by canonical field, with their line numbers."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from daiban.adoption.columns import ITEM_COLUMNS, ITEM_SHEET, LEDGER_COLUMNS, header_map, norm


@dataclass
class Ledger:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line in the file, fields)
    items: list[tuple[int, dict]] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)


def _rows(table: Sequence[Sequence[object]], columns: dict) -> tuple[list[tuple[int, dict]], list[str]]:
    # The header is the first line naming at least two known columns (ledgers often carry a title line).
    found = next(((start, mapping) for start, line in enumerate(table[:10])
                  if len(mapping := header_map(list(line), columns)) >= 2), None)
    if found is None:
        return [], []
    start, mapping = found
    unknown = [norm(text) for index, text in enumerate(table[start]) if index not in mapping and norm(text)]
    rows = []
    for number, line in enumerate(table[start + 1:], start=start + 2):
        values = {name: line[index] for index, name in mapping.items() if index < len(line)}
        if any(norm(value) for value in values.values()):  # blank lines are skipped
            rows.append((number, values))
    return rows, unknown


def read_ledger(content: bytes, filename: str) -> Ledger:
    """Raises ValueError with a Chinese message when the file cannot be read."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig") if not content.startswith(b"\xff\xfe") else content.decode("utf-16")
            table = [list(line) for line in csv.reader(io.StringIO(text))]
        except (UnicodeDecodeError, csv.Error):
            raise ValueError("无法读取该 CSV 文件，请另存为 UTF-8 编码的 CSV") from None
        rows, unknown = _rows(table, LEDGER_COLUMNS)
        return Ledger(rows=rows, unknown_headers=unknown)
    if suffix != ".xlsx":
        raise ValueError("只能导入 .xlsx 或 .csv 文件")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as problem:  # openpyxl raises many kinds for a damaged file
        raise ValueError("无法读取该 Excel 文件，请确认是 .xlsx 格式") from problem
    sheets = book.worksheets
    rows, unknown = _rows([list(line) for line in sheets[0].iter_rows(values_only=True)], LEDGER_COLUMNS)
    items: list[tuple[int, dict]] = []
    if ITEM_SHEET in book.sheetnames:
        items, _ = _rows([list(line) for line in book[ITEM_SHEET].iter_rows(values_only=True)], ITEM_COLUMNS)
    return Ledger(rows=rows, items=items, unknown_headers=unknown)
