"""好差评 figures by the convention: 好评率 (非常满意, 满意 and 基本满意 among all owners' grades), 差评 count,
差评整改率 (差评 whose loop is closed among those that count) and on-time rate (closed without a late stage),
per agency unit, approval department and agent, ranked by month; and the county's 好评率 per month.

A 差评 set aside on appeal counts neither as an evaluation nor as a 差评.

The figures of a span are kept in the cache between the writes that change them (`figures`). The dashboard, its
listings, the home panel and the API read them on every view, ~13 ms each at province scale (three GROUP BYs, the
names, ~870 tallies), while what they count (the owners' and items' evaluations, the 差评 and their loops, the names
of units, departments and agents) changes a few hundred times a day. Each committed write to any of those advances
FiguresVersion's number (goodbad.receivers; a bulk writer calls `figures_advance` itself), and kept figures are keyed
by it:
- the number is advanced after the writer's commit, not in its transaction, where the row's lock would be held to
  the end and could deadlock with another writer taking its locks in the other order; a view between the commit and
  the advance reads the committed rows, so what it keeps is current;
- only a read outside any transaction keeps or takes kept figures: inside one (a write's, a test's) the rows may
  hold what is not committed, or the number may be waiting for this transaction's commit;
- a kept value lives KEEP_SECONDS at most, should an advance ever be lost (a process stopped between a commit and
  its advance); without the row (a flushed test database) nothing is kept."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone

from daiban.closure.grades import GOOD_GRADES
from daiban.closure.models import ItemEvaluation, OwnerEvaluation
from daiban.goodbad.models import BadReview, FiguresVersion
from daiban.goodbad.states import Outcome, ReviewStatus
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.lib.kept import kept
from daiban.org.models import AgencyBody, User
from daiban.org.permissions import require_role
from daiban.org.roles import COUNTY_WIDE_ROLES, Role

READERS = (*COUNTY_WIDE_ROLES, Role.UNIT_ADMIN)
KEEP_SECONDS = 600  # the longest kept figures live, whatever the version says (see above)
VERSION = 1  # FiguresVersion's one row


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
    __slots__ = ("evaluations", "good", "closed", "on_time")

    def __init__(self) -> None:
        self.evaluations = self.good = self.closed = self.on_time = 0

    def grade(self, evaluations: int, good: int) -> None:
        self.evaluations += evaluations
        self.good += good

    def close(self, closed: int, on_time: int) -> None:
        self.closed += closed
        self.on_time += on_time

    def as_dict(self, name: str) -> dict:
        bad = self.evaluations - self.good  # every grade that is not 好评 is a 差评
        return {"name": name, "evaluations": self.evaluations, "good": self.good, "bad": bad,
                "good_rate": _rate(self.good, self.evaluations), "rectified": self.closed,
                "rectification_rate": _rate(self.closed, bad), "on_time": self.on_time,
                "on_time_rate": _rate(self.on_time, self.closed)}


def _not_set_aside(field: str) -> Q:
    """The evaluation's 差评 was not set aside on appeal (`field`: BadReview's link to the evaluation)."""
    return ~Q(Exists(BadReview.objects.filter(**{field: OuterRef("pk")}, outcome=Outcome.SET_ASIDE)))


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


def _display_name(user: str = "") -> Coalesce:
    """User.display_name in SQL: the full name, else the username (of the user `user` leads to)."""
    prefix = f"{user}__" if user else ""
    return Coalesce(NullIf(f"{prefix}full_name", Value("")), f"{prefix}username")


GRADED = {"evaluations": Count("pk"), "good": Count("pk", filter=Q(grade__in=sorted(GOOD_GRADES)))}


def figures(period: Span) -> dict:
    """`counted(period)`, kept in the cache until a write changes what it counts (see above)."""
    if connection.in_atomic_block:
        return counted(period)
    version = FiguresVersion.objects.filter(pk=VERSION).values_list("number", flat=True).first()
    if version is None:
        return counted(period)
    return kept(f"goodbad:figures:{version}:{period.start.isoformat()}:{period.end.isoformat()}",
                lambda: counted(period), seconds=KEEP_SECONDS)


def _advance_now() -> None:
    FiguresVersion.objects.filter(pk=VERSION).update(number=F("number") + 1)


def figures_advance() -> None:
    """Kept figures are read again once the current transaction commits (at once outside one)."""
    transaction.on_commit(_advance_now, robust=True)


def counted(period: Span) -> dict:
    """The county's figures and the ranked units, departments and agents for evaluations given in `period`
    (a Month, or any span with `start`, `end` and `bounds()`, such as the assessment dashboard's Period).

    Three GROUP BYs, so a province's year of evaluations stays in the database (the owners' grades per unit and
    agent, the items' grades per department, the closed 差评 per department, unit and agent), then the names of
    the units and agents counted. An owner's evaluation counts for the unit and agent who served when it was
    given (closure.served, kept on the evaluation): the first GROUP BY reads the period's entries of an index by
    submission time alone (index-only), not the cases nor their teams."""
    start, after = period.bounds()
    county = _Tally()
    units: defaultdict[str, _Tally] = defaultdict(_Tally)
    departments: defaultdict[str, _Tally] = defaultdict(_Tally)
    agents: defaultdict[str, _Tally] = defaultdict(_Tally)
    given = Q(submitted_at__gte=start, submitted_at__lt=after)
    # grouped by ids, named after: names joined into the GROUP BY made it 2–4 times slower at province scale;
    # the names of those given in the period (a semi-join on the same index), not of an IN list of every id, whose
    # ~900 parameters cost the client more than the queries (14 → 9 ms at 100k cases)
    given_owner = OwnerEvaluation.objects.filter(given).order_by()
    # (unit, agent, evaluations, good) tuples: ~600 groups a year at 100k cases
    owner = given_owner.filter(_not_set_aside("owner_evaluation")).values_list("unit", "agent").annotate(**GRADED)
    unit_names = dict(AgencyBody.objects.filter(pk__in=given_owner.values("unit")).order_by()
                      .values_list("pk", "name"))
    agent_names = dict(User.objects.filter(pk__in=given_owner.values("agent")).order_by()
                       .values_list("pk", _display_name()))
    for unit, agent, evaluations, good in owner:
        county.grade(evaluations, good)
        if unit is not None:  # bulk-inserted and not yet filled (rebuild_rollups fills them)
            units[unit_names[unit]].grade(evaluations, good)
        if agent is not None:
            agents[agent_names[agent]].grade(evaluations, good)
    items: Iterable[Mapping[str, Any]] = (
        ItemEvaluation.objects.filter(given, _not_set_aside("item_evaluation")).order_by()
        .values(name=F("department__name")).annotate(**GRADED))
    for row in items:
        county.grade(row["evaluations"], row["good"])
        departments[row["name"]].grade(row["evaluations"], row["good"])
    reviews: Iterable[Mapping[str, Any]] = (
        BadReview.objects.filter(opened_at__gte=start, opened_at__lt=after, status=ReviewStatus.CLOSED)
        .exclude(outcome=Outcome.SET_ASIDE).order_by()
        .values(department_name=F("department__name"), unit_name=F("unit__name"), agent_name=_display_name("agent"))
        .annotate(closed=Count("pk"), on_time=Count("pk", filter=Q(late=False))))
    for row in reviews:
        # a department's 差评 counts against the department; an agency's against its unit and agent
        groups = [county]
        if row["department_name"] is not None:
            groups.append(departments[row["department_name"]])
        else:
            groups.append(units[row["unit_name"]])
            if row["agent_name"] is not None:
                groups.append(agents[row["agent_name"]])
        for tally in groups:
            tally.close(row["closed"], row["on_time"])
    return {"from": period.start, "to": period.end, "county": county.as_dict("全县"), "units": _ranked(units),
            "departments": _ranked(departments), "agents": _ranked(agents)}


def monthly_figures(*, actor: User, month: str | None = None) -> dict:
    require_role(actor, *READERS, action="goodbad_statistics")
    period = month_period(month)
    return {"month": period.start.strftime("%Y-%m"), **figures(period)}


def county_monthly(months: int = 12) -> list[dict]:
    """The county's 好评率 for each of the last `months` months (this one included), oldest first."""
    start = clock.today().replace(day=1)
    for _ in range(months - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    counted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for model, field in ((OwnerEvaluation, "owner_evaluation"), (ItemEvaluation, "item_evaluation")):
        rows: Iterable[Mapping[str, Any]] = (model.objects.filter(_not_set_aside(field), submitted_at__gte=first).order_by()
                .values(month=TruncMonth("submitted_at")).annotate(**GRADED))
        for row in rows:  # months in local time, as the bounds above
            month = f"{row['month']:%Y-%m}"
            counted[month][0] += row["evaluations"]
            counted[month][1] += row["good"]
    return [{"month": month, "evaluations": total, "good": good, "good_rate": _rate(good, total)}
            for month, (total, good) in sorted(counted.items())]
