"""The working-day table that lets SQL count working days agrees with daiban.workdays and follows its changes."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from daiban.assessment.models import WorkdayIndexState, WorkdayOrdinal
from daiban.assessment.workday_index import ensure_years
from daiban.workdays.loader import invalidate, workdays_between
from daiban.workdays.models import CalendarDay, CalendarYear


def between(start: dt.date, end: dt.date) -> int:
    ordinals = dict(WorkdayOrdinal.objects.filter(day__in=[start, end]).values_list("day", "ordinal"))
    return max(0, ordinals[end] - ordinals[start])


def test_ordinal_differences_are_the_working_days_between(db):
    ensure_years(2024, 2026)
    rng = random.Random(2026)
    first = dt.date(2024, 1, 1)
    for _ in range(200):
        start = first + dt.timedelta(days=rng.randrange(3 * 365))
        end = start + dt.timedelta(days=rng.randrange(-5, 120))
        if end.year > 2026:
            continue
        assert between(start, end) == workdays_between(start, end).workdays, (start, end)


def test_the_table_grows_by_the_years_asked_for_and_no_more(db):
    ensure_years(2025, 2025)
    assert WorkdayOrdinal.objects.count() == 365
    ensure_years(2024, 2025)
    state = WorkdayIndexState.objects.get()
    assert (state.first_year, state.last_year) == (2024, 2025)
    assert WorkdayOrdinal.objects.count() == 366 + 365
    assert between(dt.date(2024, 12, 31), dt.date(2025, 1, 3)) == 2  # 1 January is a holiday


def test_a_confirmed_calendar_change_rebuilds_the_table(db, person):
    ensure_years(2025, 2025)
    monday, friday = dt.date(2025, 3, 10), dt.date(2025, 3, 14)
    assert between(dt.date(2025, 3, 7), friday) == 5
    year = CalendarYear.objects.create(year=2025, confirmed=True, confirmed_by=person("sysadmin"))
    for day, is_workday in [(dt.date(2025, 1, 1), False), (monday, False)]:
        CalendarDay.objects.create(year=year, date=day, is_workday=is_workday, name="测试")
    invalidate()
    ensure_years(2025, 2025)
    assert between(dt.date(2025, 3, 7), friday) == 4 == workdays_between(dt.date(2025, 3, 7), friday).workdays


@pytest.mark.parametrize("years", [(1990, 1995), (2200, 2201)])
def test_years_outside_the_calendar_are_ignored(db, years):
    ensure_years(*years)
    assert not WorkdayOrdinal.objects.exists()
