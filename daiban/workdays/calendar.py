"""Working-day arithmetic for deadlines. Pure: no Django, no database, no clock.

A day is a working day unless it is a weekend or holiday, except that a weekend day the State
Council has declared an adjusted working day (调休上班) is one. Where each year's answer comes from:

- ``admin``: an administrator imported the year's arrangement and confirmed it; it replaces
  everything else for that year (weekday rule plus the listed exceptions).
- ``package``: the chinese_calendar package (chinesecalendar) carries the official arrangement.
- ``provisional``: nobody has published it yet; statutory holidays as computed by the ``holidays``
  package (with substitute days) plus weekends. Every answer touching such a year is provisional.

An imported year that is not yet confirmed has no effect: the year keeps its package or
provisional answer until confirmation, so stored deadlines only ever move when the recompute hooks
run.

All counting uses an index built once over a fixed range: a flag per day, a running count of
working days, and the list of working-day ordinals. Each question is then an array look-up.
"""
from __future__ import annotations

import bisect
import datetime as dt
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Literal, NamedTuple

FIRST_YEAR = 2000
LAST_YEAR = 2150

YearStatus = Literal["package", "admin", "provisional"]


class CalendarRangeError(ValueError):
    """A date outside the range the calendar covers."""


class WorkdayResult(NamedTuple):
    date: dt.date
    provisional: bool


class WorkdaysCount(NamedTuple):
    workdays: int
    provisional: bool


@dataclass(frozen=True)
class PackageData:
    """The official arrangement for the years a package publishes.

    ``holidays`` are days off (weekend days among them are harmless); ``workdays`` are the
    adjusted working days. Dates are filed under their own year, so an adjusted Saturday in late
    December for the next New Year belongs to the December year.
    """

    years: frozenset[int]
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


@lru_cache(maxsize=1)
def chinese_calendar_data() -> PackageData:
    # Read the tables directly: chinese_calendar.is_workday raises NotImplementedError outside
    # the years it carries, and a per-day function call would be slow anyway.
    from chinese_calendar import constants  # loaded once, by the cached first call

    holidays = frozenset(constants.holidays)
    first, last = min(holidays).year, max(holidays).year
    return PackageData(
        years=frozenset(range(first, last + 1)),
        holidays=holidays,
        workdays=frozenset(constants.workdays),
    )


_statutory: dict[int, frozenset[dt.date]] = {}


def statutory_holidays(years: Iterable[int]) -> dict[int, frozenset[dt.date]]:
    """Public holidays of each year by the statutory rules, substitute days included.

    Kept for the life of the process: the rules do not change while it runs. The first call pays
    about 0.15 s (importing ``holidays`` and its lunar tables); asking for all missing years in one
    ``holidays.China`` call is about six times cheaper than one call per year.
    """
    wanted = set(years)
    missing = wanted - _statutory.keys()
    if missing:
        import holidays  # about 0.15 s (see above): paid by the first call, not by every import

        found: dict[int, set[dt.date]] = {year: set() for year in missing}
        for day in holidays.China(years=sorted(missing)):
            found.setdefault(day.year, set()).add(day)
        _statutory.update({year: frozenset(days) for year, days in found.items()})
    return {year: _statutory[year] for year in wanted}


def _year_status(
    year: int,
    admin_days: Mapping[int, Mapping[dt.date, bool]],
    admin_confirmed: Mapping[int, bool],
    package: PackageData,
) -> YearStatus:
    if admin_confirmed.get(year) and year in admin_days:
        return "admin"
    if year in package.years:
        return "package"
    return "provisional"


class WorkCalendar:
    """Answers working-day questions for FIRST_YEAR..LAST_YEAR.

    ``admin_days`` maps a year to its imported exceptions ({date: is_workday}); ``admin_confirmed``
    says which of those years an administrator confirmed. Only confirmed years take effect.
    """

    def __init__(
        self,
        admin_days: Mapping[int, Mapping[dt.date, bool]] | None = None,
        admin_confirmed: Mapping[int, bool] | None = None,
        *,
        package: PackageData | None = None,
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> None:
        package = chinese_calendar_data() if package is None else package
        admin_days = admin_days or {}
        admin_confirmed = admin_confirmed or {}
        self.first_year = first_year
        self.last_year = last_year
        self.first_day = dt.date(first_year, 1, 1)
        self.last_day = dt.date(last_year, 12, 31)
        self._base = self.first_day.toordinal()

        years = range(first_year, last_year + 1)
        self._status: dict[int, YearStatus] = {
            year: _year_status(year, admin_days, admin_confirmed, package) for year in years
        }
        flags = self._day_flags(admin_days, package)
        self._flags = bytes(flags)
        # _count[i] = working days among the first i days of the range.
        self._count = array("l", accumulate(flags, initial=0))
        self._workdays = array("l", (i for i, flag in enumerate(flags) if flag))
        # _unconfirmed[i] = provisional years among the first i years of the range.
        self._unconfirmed = array(
            "l", accumulate((self._status[y] == "provisional" for y in years), initial=0)
        )

    def _day_flags(
        self, admin_days: Mapping[int, Mapping[dt.date, bool]], package: PackageData
    ) -> bytearray:
        """One byte per day of the range: 1 for a working day."""
        size = self.last_day.toordinal() - self._base + 1
        # Weekday rule first: a repeating Mon..Sun pattern aligned on the first day.
        week = bytes((1, 1, 1, 1, 1, 0, 0))
        shift = self.first_day.weekday()
        flags = bytearray((week[shift:] + week[:shift]) * (size // 7 + 1))[:size]

        def mark(days: Iterable[tuple[dt.date, bool]], status: YearStatus) -> None:
            for day, is_workday in days:
                # A date only counts under its own year's source.
                if self._status.get(day.year) == status:
                    flags[day.toordinal() - self._base] = bool(is_workday)

        years_with = {status: [y for y, s in self._status.items() if s == status]
                      for status in ("admin", "provisional")}
        for year in years_with["admin"]:
            mark(admin_days[year].items(), "admin")
        for days in statutory_holidays(years_with["provisional"]).values():
            mark(((day, False) for day in days), "provisional")
        mark(((day, False) for day in package.holidays), "package")
        mark(((day, True) for day in package.workdays), "package")
        return flags

    # -- questions ---------------------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        return bool(self._flags[self._offset(day)])

    def year_status(self, year: int) -> YearStatus:
        if year not in self._status:
            raise CalendarRangeError(
                f"工作日历只覆盖 {self.first_year}—{self.last_year} 年，{year} 年不在其中"
            )
        return self._status[year]

    def deemed_day(self, day: dt.date) -> WorkdayResult:
        """``day`` itself if it is a working day, else the next working day (民法典 art. 203)."""
        offset = self._offset(day)
        return self._result(day, self._nth_workday(self._count[offset]))

    def add_workdays(self, start: dt.date, n: int) -> WorkdayResult:
        """The n-th working day strictly after ``start`` (民法典 art. 201: the first day is not
        counted), whatever kind of day ``start`` is.

        n = 0 gives the deemed day: ``start`` if it is a working day, else the next one. That is
        the day a time limit "within 0 working days" falls on, and keeps add_workdays(d, 0) equal
        to deemed_day(d).
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int")
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return self.deemed_day(start)
        offset = self._offset(start)
        # Working days up to and including start are skipped; the n-th after them is the answer.
        return self._result(start, self._nth_workday(self._count[offset + 1] + n - 1))

    def workdays_between(self, start: dt.date, end: dt.date) -> WorkdaysCount:
        """Working days after ``start`` up to and including ``end``; 0 when end <= start.

        A zero answer for end <= start does not depend on the calendar, so it is never
        provisional.
        """
        first, last = self._offset(start), self._offset(end)
        if last <= first:
            return WorkdaysCount(0, False)
        return WorkdaysCount(
            self._count[last + 1] - self._count[first + 1], self._provisional(start.year, end.year)
        )

    def workdays_in(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The working days from ``start`` to ``end``, both included."""
        lo = bisect.bisect_left(self._workdays, self._offset(start))
        hi = bisect.bisect_right(self._workdays, self._offset(end))
        return [dt.date.fromordinal(self._base + i) for i in self._workdays[lo:hi]]

    # -- internals ---------------------------------------------------------------------------

    def _offset(self, day: dt.date) -> int:
        if isinstance(day, dt.datetime):
            day = day.date()
        if not isinstance(day, dt.date):
            raise TypeError(f"expected a date, got {type(day).__name__}")
        if not self.first_day <= day <= self.last_day:
            raise CalendarRangeError(
                f"日期 {day.isoformat()} 超出工作日历范围（{self.first_day.isoformat()} 至 "
                f"{self.last_day.isoformat()}）"
            )
        return day.toordinal() - self._base

    def _nth_workday(self, index: int) -> int:
        """Offset of the working day with 0-based position ``index`` in the range."""
        if index >= len(self._workdays):
            raise CalendarRangeError(f"结果超出工作日历范围（至 {self.last_day.isoformat()}）")
        return self._workdays[index]

    def _result(self, start: dt.date, offset: int) -> WorkdayResult:
        day = dt.date.fromordinal(self._base + offset)
        return WorkdayResult(day, self._provisional(start.year, day.year))

    def _provisional(self, first_year: int, last_year: int) -> bool:
        lo, hi = first_year - self.first_year, last_year - self.first_year + 1
        return self._unconfirmed[hi] - self._unconfirmed[lo] > 0
