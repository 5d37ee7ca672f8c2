"""The 预警 window of a deadline, the one rule every deadline shares (items, report-up, filing, 好差评)."""
from __future__ import annotations

from django.conf import settings


def warning_window(limit_workdays: int | None) -> int:
    """Working days left at or below which a deadline of `limit_workdays` working days is 预警.

    settings.WARNING_WORKDAYS (2 by default), but at most one day less than the limit, so that a deadline is
    never 预警 on its first day (a 1-day 即办 item dispatched today is 正常 and 预警 on its due day).
    Without a known limit (a deadline given as a date) the plain threshold applies.
    """
    if limit_workdays is None:
        return settings.WARNING_WORKDAYS
    return max(0, min(settings.WARNING_WORKDAYS, limit_workdays - 1))
