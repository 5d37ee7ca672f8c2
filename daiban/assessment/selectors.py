"""Reads of assessment: the ranked statistics, the month series, the bottleneck items, drill-downs."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Aggregate, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from daiban.assessment.dimensions import DIMENSIONS, Dimension
from daiban.assessment.figures import (
    FIGURES,
    TOTAL,
    Read,
    counts,
    counts_over,
    derive,
    finished_items,
    read_together,
    rollup_parts,
)
from daiban.assessment.item_states import case_warning
from daiban.assessment.models import CaseMonthRollup, CaseRollup, Export
from daiban.assessment.periods import Period
from daiban.assessment.scoped import Scoped
from daiban.assessment.workday_index import actual_workdays, ensure_for_finished_items
from daiban.audit.refusals import audit_refusal
from daiban.cases.models import Case, CaseTransition
from daiban.cases.states import CaseStatus
from daiban.catalog.models import CatalogItem
from daiban.lib import clock
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.org.models import Department
from daiban.plans.evidence import window_from
from daiban.plans.models import DurationCount, ItemCatalogMonthRollup, ItemRollup, ItemUnitMonthRollup

BY_MESSAGE = "统计维度应为 agent（代办员）、unit（代办机构）、department（审批部门）或 township（乡镇园区）"
# Ranking: best first. Counts and rates where more is better descend; the rest ascend. Nulls last.
ORDERS = {"accepted": -1, "received": -1, "completed": -1, "on_time_rate": -1, "satisfaction": -1,
          "avg_workdays": 1, "overdue": 1, "overdue_rate": 1, "visits_per_case": 1}
ORDER_MESSAGE = "排序应为 " + "、".join(ORDERS)


def dimension_of(by: str | None) -> Dimension:
    dimension = DIMENSIONS.get((by or "").strip())
    if dimension is None:
        raise ValidationFailed({"by": BY_MESSAGE})
    return dimension


def rank(rows: list[dict], order: str) -> list[dict]:
    direction = ORDERS[order]
    rows.sort(key=lambda r: (r[order] is None, direction * (r[order] or 0), r["name"]))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
    return rows


def _totals(scoped: Scoped, periods: tuple[Period, ...], dimension: Dimension, groups: list[dict]) -> list[dict]:
    """The county's (or the scope's) raw counts of each period: summed from its groups when they partition the
    cases (each count is additive), else counted again without grouping (a case has several departments)."""
    if not dimension.partition:
        return [found.get(TOTAL, {}) for found in counts_over(scoped, periods, None)]
    totals = []
    for found in groups:
        total: dict = {}
        for raw in found.values():
            for name, value in raw.items():
                total[name] = total.get(name, 0) + value
        totals.append(total)
    return totals


def stats(scoped: Scoped, period: Period, by: str, order: str = "accepted") -> dict:
    """The figures of P per group and in total, each with the previous period of the same length."""
    dimension = dimension_of(by)
    if order not in ORDERS:
        raise ValidationFailed({"order": ORDER_MESSAGE})
    before = period.previous()
    now, then = counts_over(scoped, (period, before), dimension)
    names = dimension.names(set(now) | set(then))
    rows = [{"key": key, "name": names.get(key, "（已删除）"), **derive(now.get(key, {})),
             "previous": derive(then.get(key, {}))} for key in set(now) | set(then)]
    total_now, total_then = _totals(scoped, (period, before), dimension, [now, then])
    totals = {**derive(total_now), "previous": derive(total_then)}
    return {**period.as_dict(), "by": dimension.code, "by_label": dimension.label, "order": order,
            "previous_period": before.as_dict(), "figures": list(FIGURES), "rows": rank(rows, order),
            "totals": totals}


def chart_rows(scoped: Scoped, period: Period, by: str, parts: tuple[str, ...]) -> list[dict]:
    """One period's figures of each group, from only the queries `parts` name (see figures.PARTS)."""
    dimension = dimension_of(by)
    found = counts(scoped, period, dimension, parts)
    names = dimension.names(found)
    return sorted(({"key": key, "name": names.get(key, "（已删除）"), **derive(raw)} for key, raw in found.items()),
                  key=lambda r: r["name"])


def _months(period: Period) -> list[dt.date]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _by_month(queryset: QuerySet, field: str, **aggregates) -> dict[str, dict]:
    rows = queryset.order_by().annotate(month=TruncMonth(field)).values("month").annotate(**aggregates)
    return {f"{row.pop('month'):%Y-%m}": row for row in rows}


def _month_reads(period: Period, months: QuerySet, days: QuerySet, **sums: Aggregate) -> list[Read]:
    """P's figures by month from a month rollup and its day rollup: whole months from their rows, the partial first
    and last months from their days (figures.rollup_parts)."""
    whole, partial = rollup_parts(period, months, days)
    return [Read(whole, "month", sums), Read(partial, TruncMonth("day"), sums)]


def monthly(scoped: Scoped, period: Period) -> list[dict]:
    """Per month of P: requests received, cases accepted and completed, items finished and on time."""
    start, after = period.bounds()
    if scoped.rolled_up:  # county-wide, or a unit's staff: their units' rows
        item_months = (ItemCatalogMonthRollup.objects.all() if scoped.county_wide
                       else scoped.in_units(ItemUnitMonthRollup.objects.all()))
        rows = read_together({0: [
            *_month_reads(period, scoped.in_units(CaseMonthRollup.objects.all()),
                          scoped.in_units(CaseRollup.objects.all()),
                          received=Sum("received"), accepted=Sum("accepted"), completed=Sum("completed")),
            *_month_reads(period, item_months, scoped.in_units(ItemRollup.objects.all()),
                          n=Sum("finished"), on_time=Sum("on_time"))]})[0]
        found = {str(month)[:7]: row for month, row in rows.items()}  # a date, or SQLite's text of one
        received, accepted, completed = ({key: {"n": row[name]} for key, row in found.items()}
                                         for name in ("received", "accepted", "completed"))
        items = found
    else:
        received = _by_month(scoped.requests.filter(received_at__gte=start, received_at__lt=after), "received_at",
                             n=Count("pk"))
        accepted = _by_month(scoped.cases().filter(accepted_at__gte=start, accepted_at__lt=after), "accepted_at",
                             n=Count("pk"))
        completed = _by_month(scoped.over(CaseTransition.objects.filter(
            to_status=CaseStatus.COMPLETED, at__gte=start, at__lt=after)), "at", n=Count("case", distinct=True))
        items = _by_month(finished_items(scoped, period), "finished_on", n=Count("pk"),
                          on_time=Count("pk", filter=Q(finished_on__lte=F("due_on"))))
    answer = []
    for month in _months(period):
        key = f"{month:%Y-%m}"
        done: dict = items.get(key, {})
        answer.append({"month": key, "received": received.get(key, {}).get("n", 0),
                       "accepted": accepted.get(key, {}).get("n", 0),
                       "completed": completed.get(key, {}).get("n", 0), "finished_items": done.get("n", 0),
                       "on_time_rate": round(done["on_time"] / done["n"], 4) if done.get("n") else None})
    return answer


CATALOG = dict(code=F("catalog_item__code"), name=F("catalog_item__name"),
               department_name=F("catalog_item__department__name"), limit=F("catalog_item__limit_workdays"))


def _bottleneck_rows(scoped: Scoped, period: Period) -> list[dict]:
    """Per catalog item finished in P: items, mean actual working days and how many exceeded the limit;
    from the rollups for a county-wide reader, else grouped from the scope's items."""
    rows: Iterable[Mapping[str, Any]]
    if scoped.county_wide:
        # whole months from the catalog items' month rollups, the days around them; grouped by catalog item alone in
        # one statement and named after: the week's day rows (~5k at province scale) grouped with the names joined
        # took 3.4 ms, grouped alone 0.8
        sums: dict[str, Aggregate] = dict(items=Sum("finished"), workdays=Sum("workdays"), late_items=Sum("late"))
        months, days = rollup_parts(period, ItemCatalogMonthRollup.objects.filter(finished__gt=0),
                                    ItemRollup.objects.filter(finished__gt=0))
        found = read_together({0: [Read(months, "catalog_item", sums), Read(days, "catalog_item", sums)]})[0]
        described = {row["catalog_item"]: row for row in CatalogItem.objects.filter(pk__in=list(found)).order_by()
                     .values("code", "name", catalog_item=F("pk"), department_name=F("department__name"),
                             limit=F("limit_workdays"))}
        rows = [{**described[pk], **counted} for pk, counted in found.items()]
    else:
        ensure_for_finished_items(period.end)
        rows = (finished_items(scoped, period).annotate(actual=actual_workdays())
                .values("catalog_item", **CATALOG)
                .annotate(items=Count("pk"), workdays=Sum("actual"),
                          late_items=Count("pk", filter=Q(actual__gt=F("catalog_item__limit_workdays"))))
                .order_by())
    return [_department_named(row) for row in rows]


def _department_named(row: Mapping[str, Any]) -> dict[str, Any]:
    # a row of values(**catalog): the django-stubs plugin cannot see the keys that `catalog` adds
    return {**row, "department": row["department_name"]}


def bottlenecks(scoped: Scoped, period: Period, per_department: int = 5) -> list[dict]:
    """Catalog items finished in P that took longer than their committed limit, worst first, by department.

    over = mean actual working days − limit; late_items = how many of them exceeded the limit.
    """
    found: list[dict[str, Any]] = []
    for row in _bottleneck_rows(scoped, period):
        row["avg_actual"] = round(float(row.pop("workdays")) / row["items"], 1)
        row["over"] = round(row["avg_actual"] - row["limit"], 1)
        if row["over"] > 0 or row["late_items"]:
            found.append(row)
    found.sort(key=lambda r: (-r["over"], r["code"]))
    kept: dict[str, list[dict]] = {}
    for row in found:
        kept.setdefault(row["department"], [])
        if len(kept[row["department"]]) < per_department:
            kept[row["department"]].append(row)
    # Departments in order of their worst item.
    return [{"department": name, "items": items} for name, items in kept.items()]


def _with_key(dimension: Dimension, key: int) -> dict:
    return {dimension.from_case: key, **dimension.case_filter}


def drill_check(scoped: Scoped, dimension: Dimension, key: int, *, user=None) -> None:
    """NotFound unless the caller may look at this group: any for county-wide readers, their own unit, or
    a group some of their cases belong to. A group that exists but lies outside is a refused access."""
    exists = bool(dimension.names([key]))
    if exists and (scoped.county_wide or (dimension.code == "unit" and key in scoped.body_ids)
                   or scoped.cases().filter(**_with_key(dimension, key)).exists()):
        return
    if exists:
        audit_refusal(actor=user, new={"object_type": f"assessment.{dimension.code}", "object_id": str(key)})
    raise NotFound("未找到该统计对象，或不在您的数据范围内")


def drill_cases(scoped: Scoped, period: Period, dimension: Dimension, key: int) -> QuerySet[Case]:
    """The group's cases that were received, accepted, completed or terminated in P."""
    start, after = period.bounds()
    closed = CaseTransition.objects.filter(case=OuterRef("pk"), at__gte=start, at__lt=after,
                                           to_status__in=[CaseStatus.COMPLETED, CaseStatus.TERMINATED])
    active = (Q(accepted_at__gte=start, accepted_at__lt=after)
              | Q(request__received_at__gte=start, request__received_at__lt=after) | Q(Exists(closed)))
    ids = scoped.cases().filter(active, **_with_key(dimension, key)).values("pk")
    return (Case.objects.filter(pk__in=ids).select_related("request", "project", "unit")
            .annotate(warning=case_warning(clock.today())).order_by("-accepted_at"))


def public_year(year: int) -> dict:
    """The county's figures of one year by month, for everyone: counts and rates only."""
    period = Period(dt.date(year, 1, 1), min(dt.date(year, 12, 31), max(clock.today(), dt.date(year, 1, 1))))
    county = Scoped.county()
    months = monthly(county, period)
    total = derive(counts(county, period, None).get(TOTAL, {}))
    return {"year": year, "as_of": timezone.localtime(clock.now()).date().isoformat(),
            "months": [{k: m[k] for k in ("month", "received", "accepted", "completed", "finished_items",
                                          "on_time_rate")} for m in months],
            "totals": {k: total[k] for k in ("received", "accepted", "completed", "finished_items", "on_time_rate")}}


def practice_trend(today: dt.date, months: int = 12, top: int = 8) -> dict:
    """The bottleneck view as a trend (issue 16): the items and departments whose real working days exceed
    their promised limit most over the last `months` months, with each month's mean. Read from the
    evidence histogram the finish service keeps (plans.evidence), so three queries however long the history."""
    first = window_from(today, months)
    keys = [window_from(today, n) for n in range(months, 0, -1)]
    rows = (DurationCount.objects.filter(month__gte=first).order_by()
            .values("month", "catalog_item", "department")
            .annotate(n=Sum("count"), total=Sum(F("count") * F("workdays"))))
    catalog = {c.pk: c for c in CatalogItem.objects.filter(pk__in={r["catalog_item"] for r in rows})}
    departments = dict(Department.objects.filter(pk__in={r["department"] for r in rows}).values_list("pk", "name"))

    def group() -> dict:
        return {"n": 0, "total": 0, "promised": 0, "months": {}}

    items: dict[int, dict] = {}
    by_department: dict[int, dict] = {}
    for row in rows:
        limit = catalog[row["catalog_item"]].limit_workdays
        for bucket in (items.setdefault(row["catalog_item"], group()),
                       by_department.setdefault(row["department"], group())):
            bucket["n"] += row["n"]
            bucket["total"] += row["total"]
            bucket["promised"] += row["n"] * limit
            month = bucket["months"].setdefault(row["month"], [0, 0, 0])
            month[0] += row["n"]
            month[1] += row["total"]
            month[2] += row["n"] * limit

    def answer(name: str, bucket: dict, **extra) -> dict:
        mean, promised = bucket["total"] / bucket["n"], bucket["promised"] / bucket["n"]
        return {"name": name, "items": bucket["n"], "mean": round(mean, 1), "limit": round(promised, 1),
                "excess": round(mean - promised, 1), **extra,
                "by_month": [round((m[1] - m[2]) / m[0], 1) if (m := bucket["months"].get(k)) else None
                             for k in keys]}

    item_rows = [answer(catalog[pk].name, b, code=catalog[pk].code, department=departments.get(
        catalog[pk].department_id, "")) for pk, b in items.items()]
    department_rows = [answer(departments.get(pk, "（已删除）"), b) for pk, b in by_department.items()]

    def worst(found: list[dict]) -> list[dict]:
        return sorted((r for r in found if r["excess"] > 0), key=lambda r: (-r["excess"], r["name"]))[:top]

    return {"months": [f"{k:%Y-%m}" for k in keys], "items": worst(item_rows), "departments": worst(department_rows)}


def stale_exports():
    """Exports still queued or running whose worker has shown no progress for EXPORT_STALE_MINUTES."""
    limit = clock.now() - dt.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    unfinished = Export.objects.defer("content").filter(status__in=(Export.Status.QUEUED, Export.Status.RUNNING))
    return unfinished.filter(touched_at__lt=limit) | unfinished.filter(touched_at=None, created_at__lt=limit)
