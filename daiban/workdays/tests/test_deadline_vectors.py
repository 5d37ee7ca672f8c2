"""Hand-computed deadlines around the 2026 holidays, from the State Council notice for 2026:

元旦 01-01..01-03 (上班 01-04 Sun) · 春节 02-15..02-23 (上班 02-14 Sat, 02-28 Sat)
劳动节 05-01..05-05 (上班 05-09 Sat) · 中秋 09-25..09-27 · 国庆 10-01..10-07 (上班 09-20 Sun, 10-10 Sat)

Every vector is also checked against chinese_calendar's own is_workday (test_the_tables_agree_with_
chinese_calendar), so a slip in the table fails loudly rather than testing the code against itself.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from daiban.workdays.calendar import WorkCalendar

D = dt.date.fromisoformat

# (start, n, expected, why)
ADD_WORKDAYS = [
    ("2026-02-13", 1, "2026-02-14", "the adjusted Saturday before the Spring Festival counts"),
    ("2026-02-13", 2, "2026-02-24", "then the whole festival is skipped"),
    ("2026-02-12", 2, "2026-02-14", "Friday, then the adjusted Saturday"),
    ("2026-02-14", 1, "2026-02-24", "start on an adjusted working day"),
    ("2026-02-15", 1, "2026-02-24", "start on the first day of the festival"),
    ("2026-02-18", 3, "2026-02-26", "start in the middle of the festival"),
    ("2026-02-24", 4, "2026-02-28", "the adjusted Saturday after the festival counts"),
    ("2026-02-24", 5, "2026-03-02", "the Sunday after it does not"),
    ("2026-02-07", 1, "2026-02-09", "start on an ordinary Saturday"),
    ("2026-02-07", 6, "2026-02-14", "a week from a Saturday reaches the adjusted Saturday"),
    ("2026-09-19", 1, "2026-09-20", "the adjusted Sunday before National Day counts"),
    ("2026-09-18", 2, "2026-09-21", "an ordinary Saturday between does not"),
    ("2026-09-24", 1, "2026-09-28", "eve of the Mid-autumn Festival"),
    ("2026-09-30", 1, "2026-10-08", "eve of National Day"),
    ("2026-10-03", 1, "2026-10-08", "start on a holiday that is a Saturday"),
    ("2026-10-08", 2, "2026-10-10", "the adjusted Saturday after National Day counts"),
    ("2026-10-08", 3, "2026-10-12", "the Sunday after it does not"),
    ("2026-09-29", 5, "2026-10-12", "across National Day"),
    ("2025-12-31", 1, "2026-01-04", "eve of New Year: the adjusted Sunday"),
    ("2025-12-31", 2, "2026-01-05", "and then Monday"),
    ("2026-01-01", 1, "2026-01-04", "start on New Year's Day"),
    ("2026-04-30", 1, "2026-05-06", "eve of Labour Day"),
    ("2026-04-30", 4, "2026-05-09", "the adjusted Saturday after Labour Day counts"),
    ("2026-05-02", 4, "2026-05-09", "start on a Labour Day Saturday"),
    ("2026-05-08", 1, "2026-05-09", "Friday to the adjusted Saturday"),
    ("2026-05-09", 1, "2026-05-11", "from the adjusted Saturday to Monday"),
    ("2026-03-02", 10, "2026-03-16", "an ordinary fortnight"),
]

# (day, deemed day): the day itself when it is a working day, else the next one
DEEMED = [
    ("2026-02-14", "2026-02-14"),
    ("2026-02-15", "2026-02-24"),
    ("2026-02-21", "2026-02-24"),
    ("2026-01-01", "2026-01-04"),
    ("2026-10-10", "2026-10-10"),
    ("2026-10-11", "2026-10-12"),
    ("2026-05-03", "2026-05-06"),
    ("2026-03-02", "2026-03-02"),
]

# (start, end, working days after start up to and including end)
BETWEEN = [
    ("2026-02-13", "2026-02-24", 2),
    ("2026-02-12", "2026-02-28", 7),
    ("2026-02-14", "2026-02-23", 0),
    ("2026-09-30", "2026-10-10", 3),
    ("2026-09-19", "2026-10-10", 11),
    ("2025-12-31", "2026-01-05", 2),
    ("2026-04-30", "2026-05-10", 4),
    ("2025-12-31", "2026-12-31", 248),
    ("2026-02-24", "2026-02-24", 0),
    ("2026-02-24", "2026-02-13", 0),
]

ADJUSTED_WORKING_DAYS_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar()


@pytest.mark.parametrize("start,n,expected,why", ADD_WORKDAYS)
def test_add_workdays_matches_the_hand_computed_date(calendar, start, n, expected, why):
    assert calendar.add_workdays(D(start), n) == (D(expected), False), why


@pytest.mark.parametrize("day,expected", DEEMED)
def test_the_deemed_day_is_the_day_itself_or_the_next_working_day(calendar, day, expected):
    assert calendar.deemed_day(D(day)) == (D(expected), False)


@pytest.mark.parametrize("day,expected", DEEMED)
def test_adding_zero_workdays_gives_the_deemed_day(calendar, day, expected):
    assert calendar.add_workdays(D(day), 0) == (D(expected), False)


@pytest.mark.parametrize("start,end,expected", BETWEEN)
def test_workdays_between_matches_the_hand_count(calendar, start, end, expected):
    assert calendar.workdays_between(D(start), D(end)) == (expected, False)


@pytest.mark.parametrize("day", ADJUSTED_WORKING_DAYS_2026)
def test_each_adjusted_weekend_day_of_2026_is_a_working_day(calendar, day):
    assert D(day).weekday() >= 5
    assert calendar.is_workday(D(day))
    assert calendar.workdays_between(D(day) - dt.timedelta(days=1), D(day)).workdays == 1


def test_it_lists_the_working_days_of_a_stretch(calendar):
    assert calendar.workdays_in(D("2026-02-12"), D("2026-02-25")) == [
        D("2026-02-12"), D("2026-02-13"), D("2026-02-14"), D("2026-02-24"), D("2026-02-25")]


def test_adding_and_counting_are_inverse_over_all_of_2026(calendar):
    start = D("2025-12-31")
    for n in range(1, 249):
        day = calendar.add_workdays(start, n).date
        assert calendar.workdays_between(start, day).workdays == n
        assert calendar.is_workday(day)


# -- the tables themselves, checked against chinese_calendar ----------------------------------


def _reference_add(start: dt.date, n: int) -> dt.date:
    day = start
    if n == 0:
        while not chinese_calendar.is_workday(day):
            day += dt.timedelta(days=1)
        return day
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def _reference_between(start: dt.date, end: dt.date) -> int:
    return sum(
        chinese_calendar.is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )


def test_the_tables_agree_with_chinese_calendar():
    for start, n, expected, why in ADD_WORKDAYS:
        assert _reference_add(D(start), n) == D(expected), why
    for day, expected in DEEMED:
        assert _reference_add(D(day), 0) == D(expected)
    for start, end, expected in BETWEEN:
        assert _reference_between(D(start), D(end)) == expected, (start, end)
    for day in ADJUSTED_WORKING_DAYS_2026:
        assert chinese_calendar.is_workday(D(day)) and D(day).weekday() >= 5


def test_every_day_of_the_package_years_agrees_with_chinese_calendar(calendar):
    day, last = D("2004-01-01"), D("2026-12-31")
    while day <= last:
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
