"""The 100-day target's unit, stated the same way on the page, in the plan .docx and in the API."""
from __future__ import annotations

from django.conf import settings


def target_unit_label() -> str:
    """个工作日 or 个自然日, as DAIBAN_PERMIT_TARGET_UNIT says; the number is DAIBAN_PERMIT_TARGET_LENGTH."""
    return "个工作日" if settings.PERMIT_TARGET_UNIT == "workdays" else "个自然日"
