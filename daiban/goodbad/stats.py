"""好差评 figures by the convention: 好评率 (非常满意, 满意 and 基本满意 among all owners' grades), 差评 count,
差评整改率 (差评 whose loop is closed among those that count) and on-time rate (closed without a late stage),
per agency unit, approval department and agent, ranked by month; and the county's 好评率 per month.

A 差评 set aside on appeal counts neither as an evaluation nor as a 差评."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

from daiban.cases.models import TeamMember, TeamRole
from daiban.closure.grades import GOOD_GRADES
from daiban.closure.models import ItemEvaluation, OwnerEvaluation
from daiban.goodbad.models import BadReview
from daiban.goodbad.states import Outcome, ReviewStatus
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import COUNTY_WIDE_ROLES, Role

READERS = (*COUNTY_WIDE_ROLES, Role.UNIT_ADMIN)


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else round(part * 100 / whole, 1)


@dataclass(frozen=True)
class Month:
    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first instant, first instant after] in local time."""
        return (timezone.make_aware(dt.datetime.combine(self.start, dt.time.min)),
                timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)))


def month_period(month: str | None) -> Month:
    if not month:
        today = clock.today()
        start = today.replace(day=1)
    else:
        try:
            start = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise ValidationFailed({"month": "月份格式应为 YYYY-MM，如 2026-10"}) from None
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return Month(start, end)


class _Tally:
    def __init__(self) -> None:
        self.evaluations = self.good = self.bad = self.closed = self.on_time = 0

    def as_dict(self, name: str) -> dict:
        return {"name": name, "evaluations": self.evaluations, "good": self.good, "bad": self.bad,
                "good_rate": _rate(self.good, self.evaluations), "rectified": self.closed,
                "rectification_rate": _rate(self.closed, self.bad), "on_time": self.on_time,
                "on_time_rate": _rate(self.on_time, self.closed)}


def _set_aside() -> tuple[set[int], set[int]]:
    rows = BadReview.objects.filter(outcome=Outcome.SET_ASIDE).values_list("owner_evaluation_id", "item_evaluation_id")
    return {o for o, _ in rows if o}, {i for _, i in rows if i}


def _count(groups: dict[str, _Tally], keys: Iterable[str], grade: str) -> None:
    for key in keys:
        tally = groups[key]
        tally.evaluations += 1
        if grade in GOOD_GRADES:
            tally.good += 1
        else:
            tally.bad += 1


def _ranked(groups: dict[str, _Tally]) -> list[dict]:
    rows = [tally.as_dict(name) for name, tally in groups.items()]
    rows.sort(key=lambda r: (r["good_rate"] is None, -(r["good_rate"] or 0), r["bad"], r["name"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


class Span(Protocol):
    """A Month, or the assessment dashboard's Period."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...

    def bounds(self) -> tuple[dt.datetime, dt.datetime]: ...


def figures(period: Span) -> dict:
    """The county's figures and the ranked units, departments and agents for evaluations given in `period`
    (a Month, or any span with `start`, `end` and `bounds()`, such as the assessment dashboard's Period)."""
    start, after = period.bounds()
    owner_set_aside, item_set_aside = _set_aside()
    county = _Tally()
    units: defaultdict[str, _Tally] = defaultdict(_Tally)
    departments: defaultdict[str, _Tally] = defaultdict(_Tally)
    agents: defaultdict[str, _Tally] = defaultdict(_Tally)
    # plain rows, not model instances: a province's year holds thousands of evaluations
    owner = list(OwnerEvaluation.objects.filter(submitted_at__gte=start, submitted_at__lt=after)
                 .exclude(pk__in=owner_set_aside).values_list("case_id", "grade", "case__unit__name"))
    agent_of = dict(_agents([case_id for case_id, _, _ in owner]))
    for case_id, grade, unit in owner:
        _count({"": county}, [""], grade)
        _count(units, [unit], grade)
        if case_id in agent_of:
            _count(agents, [agent_of[case_id]], grade)
    items = (ItemEvaluation.objects.filter(submitted_at__gte=start, submitted_at__lt=after)
             .exclude(pk__in=item_set_aside).values_list("grade", "department__name"))
    for grade, department in items:
        _count({"": county}, [""], grade)
        _count(departments, [department], grade)
    reviews = (BadReview.objects.filter(opened_at__gte=start, opened_at__lt=after, status=ReviewStatus.CLOSED)
               .exclude(outcome=Outcome.SET_ASIDE).select_related("unit", "department", "agent"))
    for review in reviews:
        groups = [county]
        if review.department is not None:
            groups.append(departments[review.department.name])
        else:
            groups.append(units[review.unit.name])
            if review.agent is not None:
                groups.append(agents[review.agent.display_name])
        for tally in groups:
            tally.closed += 1
            tally.on_time += 0 if review.late else 1
    return {"from": period.start, "to": period.end, "county": county.as_dict("全县"), "units": _ranked(units),
            "departments": _ranked(departments), "agents": _ranked(agents)}


def _agents(case_ids: list[int]) -> Iterable[tuple[int, str]]:
    members = TeamMember.objects.filter(case_id__in=case_ids, role=TeamRole.AGENT)
    for case_id, full_name, username in members.values_list("case_id", "user__full_name", "user__username"):
        yield case_id, full_name or username  # User.display_name, without a User per row


def monthly_figures(*, actor: User, month: str | None = None) -> dict:
    require_role(actor, *READERS, action="goodbad_statistics")
    period = month_period(month)
    return {"month": period.start.strftime("%Y-%m"), **figures(period)}


def county_monthly(months: int = 12) -> list[dict]:
    """The county's 好评率 for each of the last `months` months (this one included), oldest first."""
    owner_set_aside, item_set_aside = _set_aside()
    start = clock.today().replace(day=1)
    for _ in range(months - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    counted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for model, excluded in ((OwnerEvaluation, owner_set_aside), (ItemEvaluation, item_set_aside)):
        for at, grade in model.objects.filter(submitted_at__gte=first).exclude(pk__in=excluded).values_list(
                "submitted_at", "grade"):
            month = timezone.localtime(at).strftime("%Y-%m")
            counted[month][0] += 1
            counted[month][1] += grade in GOOD_GRADES
    return [{"month": month, "evaluations": total, "good": good, "good_rate": _rate(good, total)}
            for month, (total, good) in sorted(counted.items())]
