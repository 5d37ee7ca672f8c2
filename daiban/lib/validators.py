"""Validators for the codes and numbers a company gives us. Each returns a Chinese message or None."""
from __future__ import annotations

import re
from datetime import date

# GB 32100-2015: the 31 characters of the code (no I, O, S, V, Z) and the weights of positions 1..17.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    code = (code or "").strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为 18 位"
    if any(c not in CREDIT_CODE_CHARSET for c in code):
        return "统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）"
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对"
    return None


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A practical address check (one @, a dotted domain, no spaces), the length of RFC 5321's limit.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def email_error(email: str) -> str | None:
    email = (email or "").strip()
    if len(email) > 254 or not _EMAIL.match(email):
        return "电子邮箱格式不正确（如 zhangwei@example.com）"
    return None


def mobile_error(mobile: str) -> str | None:
    return None if _MOBILE.match((mobile or "").strip()) else "手机号码应为 11 位，以 13–19 开头"


_PROJECT_CODE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def project_code_error(code: str, *, today: date | None = None, area: str | None = None) -> str | None:
    """The national investment project code (GB/T 40058: 24 characters), in the 2020 format
    YYMM-AAAAAA-DD-TT-NNNNNN or the older YYYY-AAAAAA-II-TT-NNNNNN. The first block is read as a year-month or
    as a year, whichever fits; a month that does not exist or lies in the future is refused. With `area` (the
    project's county, e.g. 330326) the code's area block must be it."""
    today = today or date.today()
    match = _PROJECT_CODE.match((code or "").strip())
    if not match:
        return "项目代码格式应为 YYMM-AAAAAA-DD-TT-NNNNNN（2020 版）或 YYYY-AAAAAA-II-TT-NNNNNN"
    head = match.group(1)
    year_month_ok = 1 <= int(head[2:]) <= 12 and (2000 + int(head[:2]), int(head[2:])) <= (today.year, today.month)
    year_ok = 2014 <= int(head) <= today.year
    if not (year_month_ok or year_ok):
        return "项目代码的年月（或年份）不正确"
    if not 11 <= int(match.group(2)[:2]) <= 82:
        return "项目代码的行政区划代码不正确"
    if area and match.group(2) != area:
        return f"项目代码的行政区划代码应为项目所在县的代码 {area}，而不是 {match.group(2)}"
    return None
