"""Reads for the calendar page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from daiban.workdays.calendar import FIRST_YEAR, LAST_YEAR, WorkCalendar
from daiban.workdays.models import CalendarYear

STATUS_LABELS = {
    "package": "已公布（内置数据）",
    "admin": "已确认（管理员导入）",
    "provisional": "未公布（按法定节假日推算）",
}


@dataclass(frozen=True)
class YearRow:
    year: int
    status: str
    status_label: str
    workdays: int | None
    imported: CalendarYear | None
    holidays_listed: int = 0
    workdays_listed: int = 0

    @property
    def awaiting_confirmation(self) -> bool:
        return self.imported is not None and not self.imported.confirmed


def year_overview(calendar: WorkCalendar, today: dt.date) -> list[YearRow]:
    """The years around today and every imported year, newest first."""
    imported = {
        row.year: row
        for row in CalendarYear.objects.select_related("confirmed_by").annotate(
            holidays_listed=Count("days", filter=Q(days__is_workday=False)),
            workdays_listed=Count("days", filter=Q(days__is_workday=True)),
        )
    }
    years = set(imported) | {y for y in range(today.year - 1, today.year + 3) if FIRST_YEAR <= y <= LAST_YEAR}
    rows = []
    for year in sorted(years, reverse=True):
        status = calendar.year_status(year)
        workdays = (
            calendar.workdays_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)).workdays
            if year > FIRST_YEAR else None
        )
        entry = imported.get(year)
        rows.append(YearRow(
            year=year, status=status, status_label=STATUS_LABELS[status], workdays=workdays, imported=entry,
            holidays_listed=getattr(entry, "holidays_listed", 0), workdays_listed=getattr(entry, "workdays_listed", 0),
        ))
    return rows
