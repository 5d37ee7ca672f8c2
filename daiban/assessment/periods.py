"""The period a statistic covers: whole days in Asia/Shanghai, both ends included."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from daiban.lib import clock
from daiban.lib.errors import ValidationFailed

# Longer periods are refused: the comparison and the month chart are meant for up to a few years.
MAX_DAYS = 5 * 366
# The service began long after the first and ends long before the last; beyond them date arithmetic overflows.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first instant, first instant after] in local time, for timestamp fields."""
        start = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        after = timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))
        return start, after

    def cutoff(self) -> dt.date:
        """The day 'overdue' is judged on: the period's last day, or today if the period is still running."""
        return min(self.end, clock.today())

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _date(value: str | None, field: str, label: str, errors: dict) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = f"{label}格式应为 YYYY-MM-DD，且须为有效日期"
        return None
    if not EARLIEST <= day <= LATEST:
        errors[field] = f"{label}应在 {EARLIEST.isoformat()} 至 {LATEST.isoformat()} 之间"
        return None
    return day


def parse_period(start: str | None, end: str | None) -> Period:
    """The period from query values; missing ends default to 1 January of this year and today."""
    errors: dict[str, str] = {}
    first = _date(start, "from", "开始日期", errors)
    last = _date(end, "to", "结束日期", errors)
    if errors:
        raise ValidationFailed(errors)
    today = clock.today()
    last = last or today
    first = first or dt.date(last.year, 1, 1)
    if first > last:
        raise ValidationFailed({"from": "开始日期不能晚于结束日期"})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed({"to": "统计期间不能超过 5 年"})
    return Period(first, last)
