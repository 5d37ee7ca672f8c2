"""The column map of a county's 代办台帐: Chinese headers and their common variants (docs/import.md).

Headers and values are read after NFKC normalisation, so full-width digits, letters and brackets
（“（万元）”, “９１３３…”) read the same as half-width ones.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

# canonical field -> accepted headers (the first is the template's).
LEDGER_COLUMNS: dict[str, tuple[str, ...]] = {
    "tracking_no": ("登记编号", "代办编号", "编号"),
    "company_name": ("企业名称", "单位名称", "项目业主", "业主单位"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "project_name": ("项目名称",),
    "project_code": ("项目代码", "赋码"),
    "location": ("建设地点", "所在乡镇", "乡镇（园区）", "属地"),
    "category": ("项目类别", "类别"),
    "industrial": ("工业项目", "是否工业项目"),
    "investment_wan": ("总投资（万元）", "投资额（万元）", "计划总投资（万元）", "总投资"),
    "legal_rep": ("法定代表人", "法人代表"),
    "contact_name": ("联系人", "业主联系人"),
    "contact_phone": ("联系电话", "手机号码", "联系方式", "手机"),
    "received_on": ("登记日期", "申请日期", "收件日期"),
    "accepted_on": ("受理日期",),
    "status": ("状态", "办理状态", "代办状态"),
    "closed_on": ("办结日期", "终止日期", "办结（终止）日期"),
    "description": ("建设内容", "建设内容及规模"),
    # Optional: what a ledger exported by daiban carries so that a county is rebuilt as it was (export.py).
    "unit": ("承办机构", "代办机构"),
    "entrusted_on": ("委托日期",),
    "team": ("代办团队",),
    "filed_on": ("归档日期",),
}
REQUIRED = ("company_name", "credit_code", "project_name", "location", "investment_wan",
            "contact_name", "contact_phone", "received_on")

# The optional second sheet 事项.
ITEM_SHEET = "事项"
ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "tracking_no": ("登记编号", "代办编号", "编号"),
    "item": ("事项编码", "事项名称", "事项", "审批事项"),
    "started_on": ("受理日期", "起算日期"),
    "finished_on": ("办结日期",),
    "status": ("状态", "办理状态"),
    "approval_no": ("批准文号", "证照编号", "批准文号/证照编号"),
}


def norm(value: object) -> str:
    """A cell as clean text: NFKC, no surrounding or inner line breaks."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value))).strip()


def free_text(value: object, *, multiline: bool = False) -> str:
    """A name or description as written: Chinese full-width punctuation kept (no NFKC), spaces tidied."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = (re.sub(r"\s+", " ", line).strip() for line in str(value).splitlines())
    return ("\n" if multiline else " ").join(line for line in lines if line).strip()


def _header(text: object) -> str:
    return re.sub(r"\s+", "", norm(text))


def header_map(headers: Sequence[object], columns: dict[str, tuple[str, ...]]) -> dict[int, str]:
    """Column index -> canonical field, for the headers that are known."""
    known = {_header(variant): field for field, variants in columns.items() for variant in variants}
    return {index: known[_header(text)] for index, text in enumerate(headers) if _header(text) in known}


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(value: object) -> dt.date | None:
    """A date cell: an Excel date, or 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日. Raises ValueError."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(norm(value))
    if not match:
        raise ValueError(norm(value))
    return dt.date(*(int(part) for part in match.groups()))


def row_key(row: dict[str, object]) -> str:
    """The stable key of a ledger row: its 登记编号, else credit code + project name."""
    tracking_no = norm(row.get("tracking_no")).upper()
    if tracking_no:
        return tracking_no
    return f"{norm(row.get('credit_code')).upper()}|{norm(row.get('project_name'))}"[:140]
