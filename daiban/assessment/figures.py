"""The assessment figures (考核指标, seed §7.2 and §7.4) of one period, as grouped aggregate queries.

For a period P = [from, to] (whole days, Asia/Shanghai) and a group (an agent, unit, department or
township/park; or everything, for the totals):

received        requests received in P (Request.received_at). By unit and township every request
                counts, accepted or not; by agent and department only those that became cases,
                since a request has neither before it is accepted.
accepted        cases accepted in P (Case.accepted_at).
completed       cases completed in P (the CaseTransition to 已办结, its `at`).
terminated      cases terminated in P (the CaseTransition to 已终止).
on_time_rate    of the items finished in P (已办结 or 不予许可, finished_on in P, with a due date),
                the share finished on or before their due date: on_time / finished, 0..1, null when
                none finished. A withdrawn item (已撤回) is not a finished one.
avg_workdays    over the same items, the mean of workdays_between(started_on, finished_on) −
                paused_workdays (the working days the department actually used, pauses excluded).
avg_limit       over the same items, the mean committed limit (CatalogItem.limit_workdays): compare
                the two to see whether items take longer than promised.
overdue         逾期案件: of the cases accepted in P, those with at least one overdue item (for a
                department: one of its own items) on the cutoff day C = min(to, today). An item is
                overdue on C when it was finished after its due date (finished_on ≤ C) or is still
                open on C past its due date (see item_states.late_on for pauses and closed cases).
overdue_rate    overdue / accepted: the share of the period's accepted cases that ran late, 0..1,
                null when nothing was accepted. Numerator and denominator are the same cohort, so
                the rate cannot exceed 1; it can rise later as open items of the cohort pass due.
visits_per_case owner visits in person (OwnerVisit) on the cases completed in P, divided by those
                cases: how far 最多跑一次 (at most one visit) holds. Null when none completed.
reported_up     higher-level items reported up in P (reported_up_on in P).
report_up_late  of those, the ones reported after their report-up due date: plans.deadlines.report_up_late,
                whose SQL form is item_states.REPORTED_LATE (a report on the due day is on time).
satisfaction    the mean score (1–5) of the owners' evaluations given in P, each evaluation's score
                being its 好差评 grade, 非常满意 5 … 非常不满意 1 (an ungraded row: the mean of its four
                scores, 总体评价 included; 好评率 and 差评 are daiban.goodbad's); for a department, the
                mean of the agents' ratings of that department given in P (seed §7.4: both ways). Null when
                there are none.

By agent, a case's figures are those of the agents its team names NOW (TeamMember role AGENT; a case with two
counts for each, one with none for nobody), whenever the request, the acceptance, the finishes or the evaluation
happened: the agent answers for the cases in their hands, and a case handed over takes its history with it. (The
好差评 figures count instead for whoever served when the owner evaluated: closure.served.)

Each figure is one GROUP BY query over the rows of P (seven in all); nothing loops over rows in
Python. The item figures (finished, on time, working days, limits, reports up) of a county-wide reader
by unit, township or department, or in total, are sums of the rollups kept as items finish and are
reported up (plans.rollups): whole months from the month rows, partial ones from the day rows. For a narrower
data scope they are grouped from the items themselves (`_items_grouped`, also the rollups' test oracle);
working days there come from the table kept by workday_index. A county-wide reader by agent reads every figure
from the agent rollups (assessment.agents: day and month rows per agent, moved with the case when its agent
changes) and the overdue cohort from the agent spans, in three queries a period; the GROUP BY through the team
(`team__user`) stays for narrower scopes and as the oracle of the tests.
The overdue cohort of a county-wide reader (in total, by unit, township or department) counts the overdue spans
kept per case as its items move (assessment.overdue): a case turns overdue by the calendar, so a span stores the
day it starts, and the figure counts the spans covering the cutoff day; no item is read at request time. By
department, a period's whole months sum the spans' month rows (assessment.models.OverdueDepartmentMonth).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.db.models import Aggregate, Count, Exists, Expression, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.sql import Query

from daiban.assessment import sources
from daiban.assessment.dimensions import ITEM_FILTERS, Dimension
from daiban.assessment.item_states import REPORTED_LATE, late_on
from daiban.assessment.models import (
    AgentMonthRollup,
    AgentRollup,
    CaseMonthRollup,
    CaseRollup,
    DepartmentCaseRollup,
    OverdueAgentSpan,
    OverdueDepartmentMonth,
    OverdueSpan,
)
from daiban.assessment.periods import Period
from daiban.assessment.scoped import Scoped
from daiban.assessment.workday_index import actual_workdays, ensure_for_finished_items
from daiban.cases.models import CaseItem, CaseTransition
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.lib.shapes import Shapes, expression_key
from daiban.plans.models import ItemCatalogMonthRollup, ItemRollup, ItemUnitMonthRollup, OwnerVisit

TOTAL = "__total__"
# fields whose sums and counts are whole numbers (read_together casts their sums back from numeric)
WHOLE_NUMBER_FIELDS = frozenset({"IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                                 "PositiveBigIntegerField", "PositiveSmallIntegerField"})
FIGURES = ("received", "accepted", "completed", "terminated", "on_time_rate", "avg_workdays", "avg_limit",
           "overdue", "overdue_rate", "visits_per_case", "satisfaction", "reported_up", "report_up_late")
COUNTED = ("received", "accepted", "completed", "terminated", "finished", "on_time", "workdays", "limit",
           "overdue", "visits", "reported_up", "report_up_late")
MEASURED_ITEM_STATUSES = (ItemStatus.APPROVED, ItemStatus.REFUSED)


def _grouped(queryset: QuerySet, key: str | None, **aggregates) -> dict:
    """{key: {name: value}}; one row under TOTAL when key is None. The groups are read as plain tuples: every
    aggregate here is a count or a sum of integer columns, which the database answers as integers, and a
    province's page groups ~3,000 rows, whose per-row dicts and converters cost the ORM more than the SQL."""
    if key is None:
        return {TOTAL: queryset.order_by().aggregate(**aggregates)}
    compiled = _grouped_sql(queryset, F(key), aggregates)
    if compiled is None:
        return {}
    sql, params, _ = compiled
    names = list(aggregates)  # selected after the key, in this order
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor.fetchall()}


def _whole(query: Query) -> frozenset[str]:
    """The aggregates of a grouped query that count or sum whole numbers."""
    return frozenset(name for name, annotation in query.annotations.items()
                     if name != "group" and annotation.output_field.get_internal_type() in WHOLE_NUMBER_FIELDS)


# grouped reads' statements by shape (lib/shapes.py): a page's reads differ from the last page's in their values
_GROUPED = Shapes(_whole)


def _grouped_sql(queryset: QuerySet, group: F | Expression,
                 aggregates: Mapping[str, Aggregate]) -> tuple[str, tuple, frozenset[str]] | None:
    """The SQL of `queryset`'s rows grouped by `group` (selected as "group", then the aggregates in their order) and
    the names of the aggregates that count or sum whole numbers, or None when nothing can match (.none(), or a
    filter that rules out every row)."""
    parts = (expression_key(group), *(expression_key(aggregate) for aggregate in aggregates.values()))
    key = None if None in parts else (parts, tuple(aggregates))
    return _GROUPED.sql(queryset, key=key,
                        build=lambda rows: rows.order_by().values(group=group).annotate(**aggregates))


@dataclass(frozen=True)
class Read:
    """One grouped read of a rollup, to be run with others in one statement (read_together): the rows of
    `queryset` grouped by `key` (a path or an expression; None: one total row), with `sums` (Sum or Count
    aggregates), so that reads of the same figures add up (a period's whole months and its partial days)."""

    queryset: QuerySet
    key: str | Expression | None
    sums: dict[str, Aggregate]


def read_together(reads: Mapping[int, Iterable[Read]]) -> dict[int, dict]:
    """{tag: {group: {name: value}}} for every tag's reads, in one statement whatever their number: each read
    grouped alone, then their rows added up by tag and group (UNION ALL under a GROUP BY), a name a read lacks
    counting 0. A group of a total read is TOTAL. The dashboard makes ~10 such reads per page; as one statement they
    cost one round trip and one result instead of ten (issue 12)."""
    names = list(dict.fromkeys(name for tagged in reads.values() for read in tagged for name in read.sums))
    parts: list[str] = []
    params: list = []
    totals = False
    whole = set(names)  # summed as whole numbers in every read that has them
    ops = connection.ops
    for tag, tagged in reads.items():
        for read in tagged:
            totals = totals or read.key is None
            group = Value(0) if read.key is None else F(read.key) if isinstance(read.key, str) else read.key
            compiled = _grouped_sql(read.queryset, group, read.sums)
            if compiled is None:
                continue
            sql, read_params, whole_here = compiled
            whole -= set(read.sums) - whole_here
            columns = ", ".join(f"{f'q.{ops.quote_name(name)}' if name in read.sums else '0'} AS {ops.quote_name(name)}"
                                for name in names)
            parts.append(f"SELECT {int(tag)} AS tag, q.{ops.quote_name('group')} AS grp, {columns} FROM ({sql}) q")
            params.extend(read_params)
    found: dict[int, dict] = {tag: {} for tag in reads}
    if not parts:
        return found
    # a sum of whole-number sums is numeric on PostgreSQL (a Decimal here): cast back to a whole number there, so
    # that each row comes back as it is used; sums of float columns (the owners' score sums: an ungraded
    # evaluation scores the mean of its four marks) stay floats
    summed_names = ", ".join(f"CAST(SUM(u.{ops.quote_name(name)}) AS bigint)" if name in whole
                             else f"SUM(u.{ops.quote_name(name)})" for name in names)
    union = " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT u.tag, u.grp, {summed_names} FROM ({union}) u GROUP BY u.tag, u.grp", params)
        for tag, group, *values in cursor.fetchall():
            key = TOTAL if totals and group == 0 else group
            found[tag][key] = dict(zip(names, values, strict=True))
    return found


def answered(reads: Iterable[Read]) -> dict:
    """The groups of one set of reads (a figure of one period)."""
    return read_together({0: reads})[0]


def _case_path(dimension: Dimension | None, prefix: str) -> tuple[str | None, dict]:
    return dimension.via(prefix) if dimension else (None, {})


def finished_items(scoped: Scoped, period: Period) -> QuerySet[CaseItem]:
    """The items whose handling ended in P with a result, and that had a legal clock."""
    return scoped.over(CaseItem.objects.filter(
        status__in=MEASURED_ITEM_STATUSES, finished_on__range=(period.start, period.end),
        started_on__isnull=False, due_on__isnull=False))


def _closed_in(period: Period, status: str) -> Exists:
    start, after = period.bounds()
    return Exists(CaseTransition.objects.filter(case=OuterRef("case"), to_status=status, at__gte=start, at__lt=after))


def _received(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    start, after = period.bounds()
    if dimension is None or dimension.from_request:
        return _grouped(scoped.requests.filter(received_at__gte=start, received_at__lt=after),
                        dimension.from_request if dimension else None, received=Count("pk"))
    key, where = dimension.via("")
    return _grouped(scoped.cases().filter(request__received_at__gte=start, request__received_at__lt=after, **where),
                    key, received=Count("pk", distinct=True))


def _accepted(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    start, after = period.bounds()
    key, where = _case_path(dimension, "")
    return _grouped(scoped.cases().filter(accepted_at__gte=start, accepted_at__lt=after, **where), key,
                    accepted=Count("pk", distinct=True))


def _closed(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    start, after = period.bounds()
    key, where = _case_path(dimension, "case__")
    transitions = scoped.over(CaseTransition.objects.filter(
        to_status__in=[CaseStatus.COMPLETED, CaseStatus.TERMINATED], at__gte=start, at__lt=after, **where))
    return _grouped(transitions, key,
                    completed=Count("case", distinct=True, filter=Q(to_status=CaseStatus.COMPLETED)),
                    terminated=Count("case", distinct=True, filter=Q(to_status=CaseStatus.TERMINATED)))


def _visits(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    key, where = _case_path(dimension, "case__")
    visits = scoped.over(OwnerVisit.objects.filter(_closed_in(period, CaseStatus.COMPLETED), **where))
    return _grouped(visits, key, visits=Count("pk", distinct=True))


def _item_path(dimension: Dimension | None) -> tuple[str | None, dict]:
    if dimension is None:
        return None, {}
    return dimension.from_item, ITEM_FILTERS.get(dimension.code, {})


# The dimensions whose key the rollups keep (plans.models.ItemRollup), by the rollup's column.
ROLLUP_KEYS = {"unit": "unit", "township": "township", "department": "department"}


def from_rollups(scoped: Scoped, dimension: Dimension | None) -> bool:
    """Whether the item and overdue rollups answer: county-wide by a key they keep, or for a unit's staff (the rows of
    their units) in total, by unit or by township; by department a unit's figures are grouped from its items."""
    if dimension is not None and dimension.code not in ROLLUP_KEYS:
        return False
    return scoped.county_wide or (scoped.units is not None and (dimension is None or dimension.code != "department"))


def whole_months(period: Period) -> tuple[dt.date, dt.date]:
    """The first and last days of P's whole months (the first after the last when it holds none)."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    return first, (period.end + dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def rollup_parts(period: Period, months: QuerySet, days: QuerySet) -> tuple[QuerySet, QuerySet]:
    """P read from a month rollup and its day rollup: the rows of `months` (keyed by `month`, its first day) of P's
    whole months, and the rows of `days` (keyed by `day`) of the days of its partial first and last months, each
    day range read alone so the index range stays small. A part P has none of is empty without a query."""
    first, last = whole_months(period)
    if first > last:
        return months.none(), days.filter(day__range=(period.start, period.end))
    around = [(start, end) for start, end in ((period.start, first - dt.timedelta(days=1)),
                                               (last + dt.timedelta(days=1), period.end)) if start <= end]
    partial = Q()
    for span in around:
        partial |= Q(day__range=span)
    return months.filter(month__range=(first, last)), days.filter(partial) if around else days.none()


def _item_reads(scoped: Scoped, period: Period, dimension: Dimension | None) -> list[Read]:
    """Two reads whatever P: its whole months from the month rollups, the days of its partial first and last
    months from the day rollups; the scope's units' rows (Scoped.in_units)."""
    sums: dict[str, Aggregate] = dict(
        finished=Sum("finished"), on_time=Sum("on_time"), workdays=Sum("workdays"), limit=Sum("limit_workdays"),
        reported_up=Sum("reported_up"), report_up_late=Sum("report_up_late"))
    key = ROLLUP_KEYS[dimension.code] if dimension else None
    month_rows: QuerySet
    if key == "department" or (key is None and scoped.units is None):
        # a row per catalog item and month (no unit): its department through the catalog item
        month_rows, month_key = ItemCatalogMonthRollup.objects.all(), key and "catalog_item__department"
    else:
        month_rows, month_key = scoped.in_units(ItemUnitMonthRollup.objects.all()), key
    months, days = rollup_parts(period, month_rows, scoped.in_units(ItemRollup.objects.all()))
    return [Read(months, month_key, sums), Read(days, key, sums)]


def _items_rolled_up(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    return answered(_item_reads(scoped, period, dimension))


def summed(found: dict, more: dict) -> dict:
    """`found` with each group's figures in `more` added to it (a figure missing or null on both stays so)."""
    for group, values in more.items():
        kept = found.setdefault(group, {})
        for name, value in values.items():
            if value is not None:
                kept[name] = (kept.get(name) or 0) + value
    return found


def _items_grouped(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    """The item figures grouped from the items themselves: finished ones, then reported-up ones."""
    ensure_for_finished_items(period.end)
    key, where = _item_path(dimension)
    found = _grouped(finished_items(scoped, period).filter(**where), key,
                     finished=Count("pk"), on_time=Count("pk", filter=Q(finished_on__lte=F("due_on"))),
                     workdays=Sum(actual_workdays()), limit=Sum("catalog_item__limit_workdays"))
    reported = scoped.over(CaseItem.objects.filter(reported_up_on__range=(period.start, period.end),
                                                   report_due_on__isnull=False, **where))
    for group, values in _grouped(reported, key, reported_up=Count("pk"),
                                  report_up_late=Count("pk", filter=REPORTED_LATE)).items():
        found.setdefault(group, {}).update(values)
    return found


def _items(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    if from_rollups(scoped, dimension):
        return _items_rolled_up(scoped, period, dimension)
    return _items_grouped(scoped, period, dimension)


def _overdue_cohort(scoped: Scoped, period: Period, dimension: Dimension | None) -> QuerySet[CaseItem]:
    start, after = period.bounds()
    _key, where = _item_path(dimension)
    return scoped.over(CaseItem.objects.filter(late_on(period.cutoff()), case__accepted_at__gte=start,
                                               case__accepted_at__lt=after, **where))


def _overdue(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    if from_rollups(scoped, dimension):
        return _overdue_spanned(scoped, period, dimension)
    return _grouped(_overdue_cohort(scoped, period, dimension), _item_path(dimension)[0],
                    overdue=Count("case", distinct=True))


def _covering(cutoff: dt.date) -> Q:
    """The spans (starts_on, ends_on) that cover the cutoff day."""
    return Q(starts_on__lte=cutoff) & (Q(ends_on__isnull=True) | Q(ends_on__gt=cutoff))


def _overdue_spanned(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    return answered(_overdue_reads(scoped, period, dimension))


def _overdue_reads(scoped: Scoped, period: Period, dimension: Dimension | None) -> list[Read]:
    """The cohort without reading the items: the spans (assessment.overdue) of the cases accepted in P that cover
    the cutoff day; a case's spans are disjoint, so each case counts once (per department, once in each). By
    department, P's whole months sum the spans' month rows (OverdueDepartmentMonth, ~7 spans a row at province
    scale) and only the days of its partial first and last months count spans: two reads at most."""
    covering = _covering(period.cutoff())
    if dimension is None or dimension.code != "department":
        spans = scoped.in_units(OverdueSpan.objects.all()).filter(covering, department__isnull=True,
                                                                  accepted_on__range=(period.start, period.end))
        return [Read(spans, dimension.code if dimension else None, {"overdue": Count("*")})]  # "*": index alone
    # by department: county-wide only (from_rollups), so every unit's rows
    first, last = whole_months(period)
    months = OverdueDepartmentMonth.objects.filter(covering, month__range=(first, last))
    # The partial months' days listed, not two ranges ORed: PostgreSQL reads a list from the covering index alone,
    # two ranges by a bitmap over the table (1 ms against 3 warm, 13 cold, at 100k cases).
    days = [period.start + dt.timedelta(days=n) for n in range(period.days)]
    spans = OverdueSpan.objects.filter(covering, department__isnull=False,
                                       accepted_on__in=[day for day in days if not first <= day <= last])
    return [Read(months if first <= last else months.none(), "department", {"overdue": Sum("spans")}),
            Read(spans, "department", {"overdue": Count("*")})]


def _satisfaction(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    key: str | None
    where: dict[str, Any]
    if dimension is not None and dimension.code == "department":
        rated, key, where = sources.department_ratings(), "department", {}
    else:
        rated = sources.owner_evaluations()
        key, where = _case_path(dimension, "case__")
    rated = scoped.over(rated.filter(day__range=(period.start, period.end), **where))
    return _grouped(rated, key, score_sum=Sum("score"), scores=Count("pk"))


# The dimensions the case rollups (assessment.models.CaseRollup) keep: not the department (a case has several,
# and its items may come after the events), nor the agent.
CASE_ROLLUP_KEYS = ("unit", "township")
CASE_PARTS = ("received", "accepted", "closed", "visits", "satisfaction")


def from_case_rollups(scoped: Scoped, dimension: Dimension | None) -> bool:
    return scoped.rolled_up and (dimension is None or dimension.code in CASE_ROLLUP_KEYS)


def _case_reads(scoped: Scoped, period: Period, dimension: Dimension | None) -> list[Read]:
    """Every case figure of P (CASE_PARTS) in two reads: its whole months from the month rollups, the days of its
    partial months from the day rollups."""
    months, days = rollup_parts(period, scoped.in_units(CaseMonthRollup.objects.all()),
                                scoped.in_units(CaseRollup.objects.all()))
    key = dimension.code if dimension else None
    sums: dict[str, Aggregate] = dict(
        received=Sum("received"), accepted=Sum("accepted"), completed=Sum("completed"), terminated=Sum("terminated"),
        visits=Sum("visits"), score_sum=Sum("score_sum"), scores=Sum("scores"))
    return [Read(months, key, sums), Read(days, key, sums)]


def _cases_rolled_up(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    return answered(_case_reads(scoped, period, dimension))


def _department_case_reads(scoped: Scoped, period: Period, dimension: Dimension | None) -> list[Read]:
    """The case figures of P by department (not satisfaction: the agents' ratings of it) in one read of the
    department rollups (assessment.departments)."""
    rows = DepartmentCaseRollup.objects.filter(day__range=(period.start, period.end))
    return [Read(rows, "department", dict(received=Sum("received"), accepted=Sum("accepted"),
                                          completed=Sum("completed"), terminated=Sum("terminated"),
                                          visits=Sum("visits")))]


def _department_cases_rolled_up(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    return answered(_department_case_reads(scoped, period, dimension))


def from_agent_rollups(scoped: Scoped, dimension: Dimension | None) -> bool:
    """Whether the agent rollups (assessment.agents) answer: county-wide by agent (they keep no unit)."""
    return scoped.county_wide and dimension is not None and dimension.code == "agent"


AGENT_SUMS = {"received": "received", "accepted": "accepted", "completed": "completed", "terminated": "terminated",
              "visits": "visits", "score_sum": "score_sum", "scores": "scores", "finished": "finished",
              "on_time": "on_time", "workdays": "workdays", "limit": "limit_workdays", "reported_up": "reported_up",
              "report_up_late": "report_up_late"}


def _agent_reads(scoped: Scoped, period: Period, dimension: Dimension | None) -> list[Read]:
    """Every figure of P by agent but the overdue cohort, in two reads: its whole months' rows of the agent month
    rollup and its partial months' days of the day rollup."""
    sums: dict[str, Aggregate] = {name: Sum(column) for name, column in AGENT_SUMS.items()}
    return [Read(part, "agent", sums)
            for part in rollup_parts(period, AgentMonthRollup.objects.all(), AgentRollup.objects.all())]


def _agents_rolled_up(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    return answered(_agent_reads(scoped, period, dimension))


def _agent_overdue_reads(scoped: Scoped, period: Period, dimension: Dimension | None) -> list[Read]:
    """The cohort by agent: the agent spans (a case's spans once for each agent it counts under) of the cases
    accepted in P covering the cutoff day, counted from their index alone."""
    spans = OverdueAgentSpan.objects.filter(_covering(period.cutoff()), accepted_on__range=(period.start, period.end))
    return [Read(spans, "agent", {"overdue": Count("*")})]


def _agents_overdue(scoped: Scoped, period: Period, dimension: Dimension | None) -> dict:
    return answered(_agent_overdue_reads(scoped, period, dimension))


PARTS = {"received": _received, "accepted": _accepted, "closed": _closed, "visits": _visits, "items": _items,
         "overdue": _overdue, "satisfaction": _satisfaction}


def _queries(scoped: Scoped, dimension: Dimension | None, parts) -> list:
    """The functions answering `parts`: the case parts from one rollup query where the rollups apply."""
    if from_agent_rollups(scoped, dimension):
        return ([_agents_rolled_up] if set(parts) - {"overdue"} else []) + (
            [_agents_overdue] if "overdue" in parts else [])
    if not set(CASE_PARTS) & set(parts):
        return [PARTS[part] for part in parts]
    if from_case_rollups(scoped, dimension):
        return [_cases_rolled_up, *(PARTS[part] for part in parts if part not in CASE_PARTS)]
    if scoped.county_wide and dimension is not None and dimension.code == "department":
        return [_department_cases_rolled_up,
                *(PARTS[part] for part in parts if part not in CASE_PARTS or part == "satisfaction")]
    return [PARTS[part] for part in parts]


def _reads_of(query, scoped: Scoped, period: Period, dimension: Dimension | None) -> list[Read] | None:
    """The rollup reads that answer `query` (a function of PARTS or _queries), or None when it is grouped from the
    rows themselves (another scope or dimension)."""
    if query is _cases_rolled_up:
        return _case_reads(scoped, period, dimension)
    if query is _department_cases_rolled_up:
        return _department_case_reads(scoped, period, dimension)
    if query is _items and from_rollups(scoped, dimension):
        return _item_reads(scoped, period, dimension)
    if query is _overdue and from_rollups(scoped, dimension):
        return _overdue_reads(scoped, period, dimension)
    if query is _agents_rolled_up:
        return _agent_reads(scoped, period, dimension)
    if query is _agents_overdue:
        return _agent_overdue_reads(scoped, period, dimension)
    return None


def counts_over(scoped: Scoped, periods: Iterable[Period], dimension: Dimension | None,
                parts=tuple(PARTS)) -> list[dict]:
    """The raw counts and sums of each period per group key: [{key: {received, accepted, …}}, …]; `parts` limits
    the queries run (a chart needs one figure, not eleven). Every rollup read of every period goes in one
    statement (read_together); a figure grouped from the rows themselves is a query of its own."""
    periods = list(periods)
    found: list[dict] = [defaultdict(lambda: dict.fromkeys(COUNTED, 0)) for _ in periods]
    reads: dict[int, list[Read]] = {}
    for index, period in enumerate(periods):
        for query in _queries(scoped, dimension, parts):
            planned = _reads_of(query, scoped, period, dimension)
            if planned is None:
                _count_in(found[index], query(scoped, period, dimension))
            else:
                reads.setdefault(index, []).extend(planned)
    for index, groups in read_together(reads).items():
        # a group whose rows all came to 0 (an agent's cases moved to another agent) is left out, as a GROUP BY
        # of the rows themselves has no empty group
        _count_in(found[index], {key: values for key, values in groups.items() if any(values.values())})
    return found


def _count_in(found: dict, groups: dict) -> None:
    for key, values in groups.items():
        if key is not None:
            found[key].update({k: v or 0 for k, v in values.items()})


def counts(scoped: Scoped, period: Period, dimension: Dimension | None, parts=tuple(PARTS)) -> dict:
    """counts_over of one period."""
    return counts_over(scoped, [period], dimension, parts)[0]


def _ratio(part, whole, places: int) -> float | None:
    """part / whole rounded, None when whole is 0. A float division is correctly rounded, so it answers what the
    Decimal division it replaced answered (the same on 6.7M pairs of counts), at a fraction of the cost: the
    county's statistics derive ~5 ratios for each of ~580 rows."""
    if not whole:
        return None
    return round(float(part) / float(whole), places)


def derive(raw: dict) -> dict:
    """The published figures from one group's counts. (Read into locals once: the county's statistics derive
    ~580 rows a page.)"""
    get = raw.get
    completed, finished, accepted, overdue = (get("completed", 0), get("finished", 0), get("accepted", 0),
                                              get("overdue", 0))
    return {
        "received": get("received", 0),
        "accepted": accepted,
        "completed": completed,
        "terminated": get("terminated", 0),
        "finished_items": finished,
        "on_time_rate": _ratio(get("on_time", 0), finished, 4),
        "avg_workdays": _ratio(get("workdays", 0), finished, 1),
        "avg_limit": _ratio(get("limit", 0), finished, 1),
        "overdue": overdue,
        "overdue_rate": _ratio(overdue, accepted, 4),
        "visits_per_case": _ratio(get("visits", 0), completed, 2),
        "satisfaction": _ratio(get("score_sum", 0), get("scores", 0), 2),
        "reported_up": get("reported_up", 0),
        "report_up_late": get("report_up_late", 0),
    }
