"""A realistic messy 代办台帐 of 500 lines, generated: header variants, a title line, blank lines, full-width
digits, bad credit codes, unknown places, impossible and future dates, duplicate lines, an unknown item."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from daiban.lib.validators import credit_code_check_char

PLACES = ["鳌江镇", "昆阳", "水头镇", "萧江镇", "鳌江园区", "330326104"]
STATUSES = ["代办中", "已办结", "已终止", "已受理", "在办"]
HEADERS = ["登记编号", "单位名称", "信用代码", "项目名称", "所在乡镇", "项目类别", "投资额（万元）",
           "联系人", "手机号码", "登记日期", "受理日期", "办理状态", "办结日期", "备注"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# What the generated ledger holds, so the tests can state what must come out of it.
LINES = 500
REFUSED = {"bad credit code": 20, "unknown place": 10, "finish before start": 10, "future date": 10,
           "unknown item": 1}
DUPLICATES = 10
IMPORTED = LINES - sum(REFUSED.values()) - DUPLICATES


def credit_code(i: int) -> str:
    body = f"91330326{i:09d}"
    return body + credit_code_check_char(body)


def tracking_no(i: int) -> str:
    return "" if i % 10 == 5 else f"PY2025{i:04d}"


def ledger_row(i: int, base: dt.date) -> list:
    received = base + dt.timedelta(days=i % 300)
    accepted = received + dt.timedelta(days=2)
    status = STATUSES[i % len(STATUSES)]
    closed = accepted + dt.timedelta(days=40) if status in ("已办结", "已终止") else None
    code, phone, place = credit_code(i), f"138{i:08d}", PLACES[i % len(PLACES)]
    if i % 25 == 3:
        code = code[:17] + ("0" if code[17] != "0" else "1")
    if i % 50 == 7:
        place = "火星镇"
    if i % 50 == 11:
        status, closed = "已办结", accepted - dt.timedelta(days=5)
    if i % 50 == 13:
        received, accepted = base + dt.timedelta(days=900), base + dt.timedelta(days=901)
    if i % 7 == 0:
        code, phone = code.translate(FULL_WIDTH), phone.translate(FULL_WIDTH)
    accepted_cell = accepted.strftime("%Y年%m月%d日") if i % 3 == 0 else accepted
    return [tracking_no(i), f"平阳县测试{i}有限公司", code, f"年产{i}万件产品项目 ", place,
            "招商引资" if i % 2 else "", f"{1000 + i}.5", f"联系人{i}", phone, received, accepted_cell, status,
            closed, "历史台帐"]


def messy_ledger(item_codes: list[str], *, base: dt.date = dt.date(2025, 1, 2)) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "代办台帐"
    sheet.append(["平阳县投资项目代办服务台帐（2025 年）"])
    sheet.append(HEADERS)
    for i in range(LINES):
        if i % 50 == 17:
            sheet.append(ledger_row(i - 1, base))  # the same project entered twice
        else:
            sheet.append(ledger_row(i, base))
        if i % 100 == 40:
            sheet.append([None] * len(HEADERS))
            sheet.append(["", "  ", None])
    items = book.create_sheet("事项")
    items.append(["登记编号", "事项编码", "受理日期", "办结日期", "状态", "批准文号"])
    for i in range(1, LINES, 10):
        if i % 50 in (3, 7, 11, 13, 17, 28):
            continue
        items.append([tracking_no(i), item_codes[0], base + dt.timedelta(days=i % 300 + 3),
                      base + dt.timedelta(days=i % 300 + 10), "已办结", f"平发改备〔2025〕{i}号"])
        items.append([tracking_no(i), item_codes[1], base + dt.timedelta(days=i % 300 + 5), None, "办理中", ""])
    items.append([tracking_no(21), "不存在的事项", None, None, "", ""])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
