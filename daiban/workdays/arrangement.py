"""Reading a year's arrangement as an administrator types it from the State Council notice.

One entry per line::

    2027-01-01 休 元旦
    2027-02-05~2027-02-11 休 春节
    2027-02-14 班 调休上班

休 is a day off, 班 an adjusted working day; ``~`` (or ～, 至) gives a range of days; the name is
optional. Blank lines and lines starting with # are ignored.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from daiban.lib.errors import ValidationFailed

MAX_RANGE_DAYS = 31
MAX_NAME_LENGTH = 40
MAX_REPORTED_ERRORS = 5

_LINE = re.compile(
    r"^(?P<first>\d{4}-\d{1,2}-\d{1,2})(?:\s*~\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?"
    r"\s*(?P<kind>[休班])\s*(?P<name>.*)$"
)
_WEEKDAYS = "一二三四五六日"
_EXAMPLE = "应为“2027-01-01 休 元旦”或“2027-02-05~2027-02-11 休 春节”或“2027-02-14 班 调休上班”"


@dataclass(frozen=True)
class Entry:
    date: dt.date
    is_workday: bool
    name: str

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {'班' if self.is_workday else '休'} {self.name}".rstrip()


class _LineError(Exception):
    pass


def _normalise(line: str) -> str:
    line = line.replace("\u3000", " ").replace("～", "~").replace("至", "~").replace("－", "-")
    return line.strip()


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date(*(int(part) for part in text.split("-")))
    except ValueError:
        raise _LineError(f"日期 {text} 不存在") from None


def _parse_line(year: int, line: str) -> list[Entry]:
    match = _LINE.match(line)
    if match is None:
        raise _LineError(f"格式不正确，{_EXAMPLE}")
    first = _parse_date(match["first"])
    last = _parse_date(match["last"]) if match["last"] else first
    if last < first:
        raise _LineError("区间的结束日期早于开始日期")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise _LineError(f"区间超过 {MAX_RANGE_DAYS} 天，请检查日期")
    for day in (first, last):
        if day.year != year:
            raise _LineError(f"日期 {day.isoformat()} 不在 {year} 年内")
    is_workday = match["kind"] == "班"
    name = (match["name"] or "").strip() or ("调休上班" if is_workday else "")
    if len(name) > MAX_NAME_LENGTH:
        raise _LineError(f"名称超过 {MAX_NAME_LENGTH} 个字")
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    if is_workday:
        for day in days:
            if day.weekday() < 5:
                # Marking a weekday as working changes nothing; it is almost always a typo.
                raise _LineError(f"{day.isoformat()} 是星期{_WEEKDAYS[day.weekday()]}，本来就上班，无需标“班”")
    return [Entry(day, is_workday, name) for day in days]


def parse_arrangement(year: int, text: str) -> list[Entry]:
    """The entries of ``text``, sorted by date; ValidationFailed on field ``text`` naming each bad line."""
    entries: list[Entry] = []
    first_line_of: dict[dt.date, int] = {}
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _normalise(raw)
        if not line or line.startswith("#"):
            continue
        try:
            parsed = _parse_line(year, line)
            for entry in parsed:
                if entry.date in first_line_of:
                    raise _LineError(f"日期 {entry.date.isoformat()} 与第 {first_line_of[entry.date]} 行重复")
        except _LineError as exc:
            errors.append(f"第 {number} 行“{line[:40]}”：{exc}")
            continue
        for entry in parsed:
            first_line_of[entry.date] = number
        entries.extend(parsed)
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        if len(errors) > len(shown):
            shown.append(f"另有 {len(errors) - len(shown)} 行有误")
        raise ValidationFailed({"text": "；".join(shown)})
    if not entries:
        raise ValidationFailed({"text": f"请至少填写一行安排，{_EXAMPLE}"})
    return sorted(entries, key=lambda entry: entry.date)
