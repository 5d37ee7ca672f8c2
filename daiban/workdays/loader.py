"""The process's WorkCalendar, built from the packages and the administrator's table.

Other apps import the functions at the bottom of this module, never the tables.

Building costs about 8 ms (0.16 s the first time in a process, for the ``holidays`` package), so
the calendar is kept in memory. The services drop it after a write; other processes notice the
write through a revision (latest update time and number of CalendarYear rows), read at most every
REVISION_CHECK_SECONDS.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from django.db.models import Count, Max

from daiban.workdays.calendar import WorkCalendar, WorkdayResult, WorkdaysCount
from daiban.workdays.models import CalendarDay, CalendarYear

REVISION_CHECK_SECONDS = 5.0

_lock = threading.Lock()
_cached: tuple[WorkCalendar, Any] | None = None  # (calendar, revision)
_checked_at = 0.0


def _revision() -> Any:
    row = CalendarYear.objects.aggregate(latest=Max("updated_at"), years=Count("year"))
    return (row["latest"], row["years"])


def _build() -> WorkCalendar:
    confirmed = dict(CalendarYear.objects.values_list("year", "confirmed"))
    days: dict[int, dict[dt.date, bool]] = {year: {} for year, ok in confirmed.items() if ok}
    for year, day, is_workday in CalendarDay.objects.filter(year__confirmed=True).values_list(
        "year_id", "date", "is_workday"
    ):
        days[year][day] = is_workday
    return WorkCalendar(days, confirmed)


def get_calendar() -> WorkCalendar:
    global _cached, _checked_at
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - _checked_at < REVISION_CHECK_SECONDS:
        return cached[0]
    with _lock:
        revision = _revision()
        if _cached is None or _cached[1] != revision:
            # Read the revision before the tables: a write landing in between makes the next
            # check differ and rebuild, instead of hiding behind a revision that already covers it.
            _cached = (_build(), revision)
        _checked_at = time.monotonic()
        return _cached[0]


def invalidate() -> None:
    """Forget the calendar in this process; the next question rebuilds it."""
    global _cached, _checked_at
    with _lock:
        _cached = None
        _checked_at = 0.0


# -- what other apps use -------------------------------------------------------------------------


def add_workdays(start: dt.date, n: int) -> WorkdayResult:
    return get_calendar().add_workdays(start, n)


def workdays_between(start: dt.date, end: dt.date) -> WorkdaysCount:
    return get_calendar().workdays_between(start, end)


def deemed_day(day: dt.date) -> WorkdayResult:
    return get_calendar().deemed_day(day)


def is_workday(day: dt.date) -> bool:
    return get_calendar().is_workday(day)
