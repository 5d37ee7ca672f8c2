"""Deadline questions over HTTP, open to anyone (the calendar is public information).

Query parameters arrive as text and are checked here, so every refusal names its field in Chinese.
"""
from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest
from ninja import Router, Schema

from daiban.lib.errors import ValidationFailed
from daiban.workdays import loader
from daiban.workdays.calendar import CalendarRangeError

router = Router(tags=["工作日历"])

MAX_SPAN_YEARS = 50


class AddWorkdaysOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    provisional: bool


class WorkdaysBetweenOut(Schema):
    workdays: int
    provisional: bool


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"-?\d+")


def _date(field: str, text: str) -> dt.date:
    # fromisoformat alone would also take 20260213 and 2026-W07-5.
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed({field: "日期格式应为 YYYY-MM-DD"}) from None


def _days(text: str) -> int:
    try:
        if not _INTEGER.fullmatch(text.strip()):
            raise ValueError
        days = int(text.strip())
    except ValueError:  # also for digit strings too long for int()
        raise ValidationFailed({"days": "应为不小于 0 的整数"}) from None
    if days < 0:
        raise ValidationFailed({"days": "工作日数不能为负数"})
    return days


def _years_later(day: dt.date, years: int) -> dt.date:
    if day.year + years > dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _within_span(start: dt.date, end: dt.date, field: str) -> None:
    first, last = sorted((start, end))
    if last > _years_later(first, MAX_SPAN_YEARS):
        raise ValidationFailed({field: f"起止日期相隔不能超过 {MAX_SPAN_YEARS} 年"})


def _in_range(field: str, day: dt.date) -> None:
    calendar = loader.get_calendar()
    if not calendar.first_day <= day <= calendar.last_day:
        raise ValidationFailed({field: f"日期应在 {calendar.first_day.isoformat()} 至 "
                                       f"{calendar.last_day.isoformat()} 之间"})


@router.get("/calendar/add-workdays", response=AddWorkdaysOut, auth=None,
            summary="从某日起算若干个工作日后的日期")
def add_workdays(request: HttpRequest, start: str, days: str) -> dict[str, object]:
    """`start` 当日不计入，从次日起算第 `days` 个工作日；`days` 为 0 时为 `start` 当日或其后第一个工作日。

    `provisional` 为 true 表示所涉年度的节假日安排尚未公布或尚未确认，结果按法定节假日规则推算，可能变动。
    """
    first = _date("start", start)
    count = _days(days)
    _in_range("start", first)
    try:
        result = loader.add_workdays(first, count)
    except CalendarRangeError as exc:
        raise ValidationFailed({"days": str(exc)}) from None
    _within_span(first, result.date, "days")
    return {"start": first, "days": count, "date": result.date, "provisional": result.provisional}


@router.get("/calendar/workdays-between", response=WorkdaysBetweenOut, auth=None,
            summary="两个日期之间的工作日数")
def workdays_between(request: HttpRequest, start: str, end: str) -> dict[str, int]:
    """`start` 之后（不含当日）至 `end`（含当日）的工作日数；`end` 不晚于 `start` 时为 0。"""
    first, last = _date("start", start), _date("end", end)
    _in_range("start", first)
    _in_range("end", last)
    _within_span(first, last, "end")
    result = loader.workdays_between(first, last)
    return {"workdays": result.workdays, "provisional": result.provisional}
