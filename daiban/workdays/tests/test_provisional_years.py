"""Years nobody has published yet, years an administrator confirmed, and the edges of the range."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.workdays.calendar import CalendarRangeError, WorkCalendar

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar()


def test_a_year_without_data_answers_provisionally_without_an_exception(calendar):
    assert calendar.year_status(2027) == "provisional"
    assert calendar.add_workdays(D("2027-03-01"), 5) == (D("2027-03-08"), True)
    assert calendar.workdays_between(D("2027-03-01"), D("2027-03-08")) == (5, True)
    assert calendar.deemed_day(D("2027-03-06")) == (D("2027-03-08"), True)


def test_a_provisional_year_rests_on_the_statutory_holidays_and_weekends(calendar):
    # holidays.China for 2027: New Year 01-01, Spring Festival 02-05..02-10 with substitute days.
    assert not calendar.is_workday(D("2027-01-01"))
    assert not calendar.is_workday(D("2027-02-08"))
    assert not calendar.is_workday(D("2027-02-13"))  # Saturday
    assert calendar.is_workday(D("2027-02-11"))


def test_a_span_from_2026_into_2027_is_provisional(calendar):
    # 2026-12-31 Thu, 2027-01-01 Fri (New Year), then Mon 01-04 and Tue 01-05.
    assert calendar.add_workdays(D("2026-12-30"), 3) == (D("2027-01-05"), True)
    assert calendar.workdays_between(D("2026-12-01"), D("2027-01-10")).provisional


def test_a_span_within_2026_is_not_provisional(calendar):
    assert calendar.add_workdays(D("2026-12-01"), 20) == (D("2026-12-29"), False)
    assert calendar.workdays_between(D("2026-01-01"), D("2026-12-31")) == (248, False)


def test_a_zero_count_is_never_provisional(calendar):
    assert calendar.workdays_between(D("2027-05-01"), D("2027-04-01")) == (0, False)


def test_years_before_the_package_are_provisional(calendar):
    assert calendar.year_status(2003) == "provisional"
    assert calendar.add_workdays(D("2003-12-30"), 1).provisional
    assert not calendar.add_workdays(D("2004-01-05"), 1).provisional


def test_a_confirmed_admin_year_replaces_the_provisional_rules():
    days = {D("2027-02-05"): False, D("2027-02-11"): False, D("2027-02-14"): True}
    calendar = WorkCalendar({2027: days}, {2027: True})
    assert calendar.year_status(2027) == "admin"
    assert calendar.is_workday(D("2027-02-08"))  # the statutory guess no longer applies
    assert calendar.add_workdays(D("2027-02-04"), 1) == (D("2027-02-08"), False)
    assert calendar.add_workdays(D("2027-02-12"), 1) == (D("2027-02-14"), False)
    # 2028 is still unknown, so a span reaching it stays provisional
    assert calendar.add_workdays(D("2027-12-30"), 5).provisional


def test_a_confirmed_admin_year_replaces_the_package_data():
    calendar = WorkCalendar({2026: {D("2026-03-02"): False}}, {2026: True})
    assert calendar.year_status(2026) == "admin"
    assert calendar.is_workday(D("2026-02-16"))  # a package holiday, gone
    assert not calendar.is_workday(D("2026-02-14"))  # a package adjusted Saturday, gone
    assert not calendar.is_workday(D("2026-03-02"))


def test_an_unconfirmed_admin_year_has_no_effect():
    calendar = WorkCalendar({2027: {D("2027-03-01"): False}}, {2027: False})
    assert calendar.year_status(2027) == "provisional"
    assert calendar.is_workday(D("2027-03-01"))


def test_dates_outside_the_range_raise_a_range_error(calendar):
    for day in (D("1999-12-31"), D("2151-01-01")):
        with pytest.raises(CalendarRangeError):
            calendar.is_workday(day)
    with pytest.raises(CalendarRangeError):
        calendar.workdays_between(D("2020-01-01"), D("2151-01-01"))
    with pytest.raises(CalendarRangeError):
        calendar.year_status(2151)


def test_a_result_past_the_range_raises_a_range_error(calendar):
    with pytest.raises(CalendarRangeError, match="超出工作日历范围"):
        calendar.add_workdays(D("2150-12-28"), 10)


def test_the_range_error_is_a_value_error():
    assert issubclass(CalendarRangeError, ValueError)


def test_a_negative_count_is_refused(calendar):
    with pytest.raises(ValueError):
        calendar.add_workdays(D("2026-03-02"), -1)


def test_the_last_day_of_the_range_can_be_reached(calendar):
    last = calendar.add_workdays(D("2150-12-01"), calendar.workdays_between(D("2150-12-01"), D("2150-12-31")).workdays)
    assert last.date <= D("2150-12-31") and last.provisional
