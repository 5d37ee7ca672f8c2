"""The task plan's dates: pure arithmetic over items, limits, prerequisites and a calendar.

The rule (issue: task plan): an item with no entrusted prerequisite starts on the plan's start date
(its deemed day when that is not a working day); an item with prerequisites starts on the latest of
their due dates (the day their results arrive, which is not counted); due = add_workdays(start, limit).
So a chain takes the sum of its limits in working days. Prerequisites that were not entrusted are the
owner's own: they carry no date and delay nothing here, but they are shown.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol


class Dated(NamedTuple):
    date: dt.date
    provisional: bool


class DatedLike(Protocol):
    """What a calendar answers (workdays' WorkdayResult, or a Dated): a day and whether it is provisional."""

    @property
    def date(self) -> dt.date: ...

    @property
    def provisional(self) -> bool: ...


@dataclass(frozen=True)
class PlanInput:
    code: str
    limit: int
    prerequisites: tuple[str, ...]  # the catalog's, entrusted or not
    sort: int = 0


@dataclass
class PlannedItem:
    code: str
    start: dt.date
    due: dt.date
    provisional: bool
    entrusted_prerequisites: list[str] = field(default_factory=list)
    owner_prerequisites: list[str] = field(default_factory=list)
    driver: str | None = None  # the prerequisite whose due date fixed the start


@dataclass
class Schedule:
    start: dt.date
    items: dict[str, PlannedItem]
    order: list[str]
    critical_path: list[str]
    provisional: bool


class CycleError(ValueError):
    pass


def topological(items: Sequence[PlanInput]) -> list[str]:
    """Codes with every entrusted prerequisite first; ties by catalog order."""
    by_code = {i.code: i for i in items}
    pending = {i.code: {p for p in i.prerequisites if p in by_code} for i in items}
    order: list[str] = []
    while pending:
        ready = sorted((c for c, deps in pending.items() if not deps), key=lambda c: (by_code[c].sort, c))
        if not ready:
            raise CycleError("前置事项形成循环：" + "、".join(sorted(pending)))
        for code in ready:
            order.append(code)
            del pending[code]
        for deps in pending.values():
            deps.difference_update(ready)
    return order


def schedule(
    items: Sequence[PlanInput],
    start: dt.date,
    *,
    add_workdays: Callable[[dt.date, int], DatedLike],
    deemed_day: Callable[[dt.date], DatedLike],
    fixed: dict[str, tuple[dt.date | None, dt.date | None]] | None = None,
) -> Schedule:
    """`fixed` holds dates an agent moved by hand (start, due); they stand, and followers move with them."""
    fixed = fixed or {}
    by_code = {i.code: i for i in items}
    first_day = deemed_day(start)
    planned: dict[str, PlannedItem] = {}
    order = topological(items)
    for code in order:
        item = by_code[code]
        entrusted = [p for p in item.prerequisites if p in by_code]
        owner_own = [p for p in item.prerequisites if p not in by_code]
        begin: DatedLike
        if entrusted:
            driver = max(entrusted, key=lambda p: (planned[p].due, -order.index(p)))
            begin = Dated(planned[driver].due, planned[driver].provisional)
        else:
            driver, begin = None, first_day
        moved_start, moved_due = fixed.get(code, (None, None))
        if moved_start is not None:
            begin = Dated(moved_start, begin.provisional)
        due: DatedLike = add_workdays(begin.date, item.limit)
        if moved_due is not None:
            due = Dated(moved_due, due.provisional)
        planned[code] = PlannedItem(code=code, start=begin.date, due=due.date,
                                    provisional=begin.provisional or due.provisional,
                                    entrusted_prerequisites=entrusted, owner_prerequisites=owner_own, driver=driver)
    return Schedule(start=first_day.date, items=planned, order=order, critical_path=critical_path(planned, order),
                    provisional=first_day.provisional or any(p.provisional for p in planned.values()))


def critical_path(planned: dict[str, PlannedItem], order: list[str], end: str | None = None) -> list[str]:
    """The chain of drivers behind the last item to finish (or behind `end`)."""
    if not planned:
        return []
    code = end or max(order, key=lambda c: (planned[c].due, order.index(c)))
    path = [code]
    while (driver := planned[path[-1]].driver) is not None:
        path.append(driver)
    return list(reversed(path))


PERMIT = "S04"


def permit_and_end(planned: dict[str, PlannedItem]) -> tuple[dt.date | None, dt.date | None]:
    """(the construction permit's due date, the date the 100-day target is measured to): the permit when it is
    entrusted, else the last pre-construction item (stages L, G, S)."""
    permit = planned.get(PERMIT)
    if permit is not None:
        return permit.due, permit.due
    pre_construction = [p.due for code, p in planned.items() if code[:1] in ("L", "G", "S")]
    return None, max(pre_construction) if pre_construction else None
