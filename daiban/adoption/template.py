"""The ledger template a county downloads and fills in (the first header of each column in columns.py)."""
from __future__ import annotations

import io

from openpyxl import Workbook

from daiban.adoption.columns import ITEM_COLUMNS, ITEM_SHEET, LEDGER_COLUMNS


def ledger_template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "代办台帐"
    sheet.append([variants[0] for variants in LEDGER_COLUMNS.values()])
    items = book.create_sheet(ITEM_SHEET)
    items.append([variants[0] for variants in ITEM_COLUMNS.values()])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
