"""The 100-day target's unit, stated the same way on the page, in the plan .docx and in the API."""
from __future__ import annotations

import datetime as dt

from django.conf import settings

from daiban.workdays.loader import workdays_between


def target_unit_label() -> str:
    """个工作日 or 个自然日, as DAIBAN_PERMIT_TARGET_UNIT says; the number is DAIBAN_PERMIT_TARGET_LENGTH."""
    return "个工作日" if settings.PERMIT_TARGET_UNIT == "workdays" else "个自然日"


def target_length(start: dt.date, permit: dt.date | None) -> int | None:
    """The plan's length from `start` to the permit in the target's unit (working or calendar days)."""
    if permit is None:
        return None
    if settings.PERMIT_TARGET_UNIT == "days":
        return (permit - start).days
    return workdays_between(start, permit).workdays
