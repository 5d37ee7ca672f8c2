"""The working-day calendar copied into a table, so SQL can count working days between two dates.

workdays_between(a, b) (daiban.workdays) counts the working days after `a` up to and including `b`.
With ordinal(d) = working days in (2000-01-01, d], that is ordinal(b) − ordinal(a) whenever b ≥ a.
The rows cover a contiguous range of years, grown on demand; they are rebuilt from scratch when
the calendar's revision changes (an administrator confirmed a year, or the packages that carry
the official arrangements were upgraded).
"""
from __future__ import annotations

import datetime as dt
from importlib import metadata

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Greatest

from daiban.assessment.models import WorkdayIndexState, WorkdayOrdinal
from daiban.workdays.calendar import FIRST_YEAR, LAST_YEAR
from daiban.workdays.loader import get_calendar
from daiban.workdays.models import CalendarYear

ORIGIN = dt.date(FIRST_YEAR, 1, 1)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def calendar_revision() -> str:
    row = CalendarYear.objects.aggregate(latest=Max("updated_at"), years=Count("year"))
    latest = row["latest"].isoformat() if row["latest"] else "-"
    return (f"{latest}|{row['years']}|chinesecalendar={_package_version('chinesecalendar')}"
            f"|holidays={_package_version('holidays')}")


def _rows(first_year: int, last_year: int) -> list[WorkdayOrdinal]:
    calendar = get_calendar()
    day, last = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    before = day - dt.timedelta(days=1)
    ordinal = calendar.workdays_between(ORIGIN, before).workdays if before > ORIGIN else 0
    rows = []
    while day <= last:
        if day > ORIGIN and calendar.is_workday(day):
            ordinal += 1
        rows.append(WorkdayOrdinal(day=day, ordinal=ordinal))
        day += dt.timedelta(days=1)
    return rows


def ensure_years(first_year: int, last_year: int, *, retried: bool = False) -> None:
    """Make WorkdayOrdinal cover first_year..last_year (within the calendar's range) for this revision."""
    first_year, last_year = max(first_year, FIRST_YEAR), min(last_year, LAST_YEAR)
    if first_year > last_year:
        return
    revision = calendar_revision()
    state = WorkdayIndexState.objects.filter(pk=1).first()
    if state and state.revision == revision and state.first_year <= first_year and last_year <= state.last_year:
        return
    try:
        _rebuild(first_year, last_year, revision)
    except IntegrityError:
        # Another request built the same rows at the same moment (PostgreSQL: no row to lock yet).
        if retried:
            raise
        ensure_years(first_year, last_year, retried=True)


def _rebuild(first_year: int, last_year: int, revision: str) -> None:
    with transaction.atomic():
        state = WorkdayIndexState.objects.select_for_update(no_key=True).filter(pk=1).first()
        if state is None or state.revision != revision:
            WorkdayOrdinal.objects.all().delete()
            state = state or WorkdayIndexState(pk=1)
            state.revision, state.first_year, state.last_year = revision, first_year, last_year
            missing = [(first_year, last_year)]
        else:
            missing = []
            if first_year < state.first_year:
                missing.append((first_year, state.first_year - 1))
            if last_year > state.last_year:
                missing.append((state.last_year + 1, last_year))
            state.first_year, state.last_year = min(first_year, state.first_year), max(last_year, state.last_year)
        for low, high in missing:
            WorkdayOrdinal.objects.bulk_create(_rows(low, high), batch_size=2000)
        state.save()


def ensure_for_finished_items(through: dt.date) -> None:
    """Cover every year an item finished by `through` may have started or finished in: from the calendar's first
    year (no date the service keeps is earlier) to through's. Two small reads once the table covers them, where
    reading the items' earliest start and latest finish scanned every item (270 ms at two million items)."""
    ensure_years(FIRST_YEAR, through.year)


def ordinal_of(field: str) -> Subquery:
    return Subquery(WorkdayOrdinal.objects.filter(day=OuterRef(field)).values("ordinal")[:1])


def actual_workdays(start: str = "started_on", end: str = "finished_on", paused: str = "paused_workdays"):
    """workdays_between(start, end) − paused, never below zero, as an SQL expression on CaseItem."""
    return Greatest(ordinal_of(end) - ordinal_of(start) - F(paused), Value(0))
