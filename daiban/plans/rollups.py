"""The item rollups (plans.models.ItemRollup): the statistics' counts of finished and reported-up items per
day × unit × township × department × catalog item, added to in the transaction of the event that changes
them (item_finish, item_report_up), so the dashboard and GET /api/v1/stats sum a few rows per day instead
of grouping every item of the history. Each item's contribution is worked out by one function
(`contribution`), used by the events and by `rollups_rebuild`, which counts the whole history again (after
an import, a bulk seed or a calendar change). Beside each day row the month's rows (ItemUnitMonthRollup, per unit
× township; ItemCatalogMonthRollup, per catalog item) are added to by the same call, so a long
period sums its whole months and only the days of its partial first and last months. The statistics' old
GROUP BY over the items stays in assessment.figures, for data scopes narrower than the county and as the
oracle the tests compare with.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth

from daiban.audit.services import audit_record
from daiban.cases.models import CaseItem
from daiban.cases.states import ItemStatus
from daiban.lib.hooks import Hooks
from daiban.plans.deadlines import report_up_late, workdays_used
from daiban.plans.models import ItemCatalogMonthRollup, ItemRollup, ItemUnitMonthRollup

MEASURED = (ItemStatus.APPROVED, ItemStatus.REFUSED)
COUNTERS = ("finished", "on_time", "workdays", "limit_workdays", "late", "reported_up", "report_up_late")
# What `contribution` reads of an item (and of its case and catalog item).
FIELDS = ("status", "started_on", "finished_on", "due_on", "paused_workdays", "report_due_on", "reported_up_on",
          "catalog_item_id", "case__unit_id", "case__project__location_id", "catalog_item__department_id",
          "catalog_item__limit_workdays")


class _Item:
    """The fields `contribution` reads, from a values() row (a rebuild) or from a loaded item (an event)."""

    status: str
    started_on: dt.date | None
    finished_on: dt.date | None
    due_on: dt.date | None
    paused_workdays: int
    report_due_on: dt.date | None
    reported_up_on: dt.date | None
    catalog_item_id: int
    case__unit_id: int
    case__project__location_id: int
    catalog_item__department_id: int
    catalog_item__limit_workdays: int

    def __init__(self, row: dict):
        self.__dict__.update(row)

    @classmethod
    def of(cls, item: CaseItem) -> _Item:
        return cls({"status": item.status, "started_on": item.started_on, "finished_on": item.finished_on,
                    "due_on": item.due_on, "paused_workdays": item.paused_workdays,
                    "report_due_on": item.report_due_on, "reported_up_on": item.reported_up_on,
                    "catalog_item_id": item.catalog_item_id, "case__unit_id": item.case.unit_id,
                    "case__project__location_id": item.case.project.location_id,
                    "catalog_item__department_id": item.catalog_item.department_id,
                    "catalog_item__limit_workdays": item.catalog_item.limit_workdays})


def _key(item: _Item, day: dt.date) -> tuple:
    return (day, item.case__unit_id, item.case__project__location_id, item.catalog_item__department_id,
            item.catalog_item_id)


def finished_part(item: _Item) -> tuple[tuple, dict[str, int]] | None:
    """The finish of a measured item with a legal clock (started, due date known): one finished, on time or
    not, its working days and limit, and whether it took longer than the limit."""
    if item.status not in MEASURED or item.started_on is None or item.finished_on is None or item.due_on is None:
        return None
    used = workdays_used(item, item.finished_on)
    if used is None:  # only for an item not started, excluded above
        return None
    limit = item.catalog_item__limit_workdays
    return _key(item, item.finished_on), {"finished": 1, "on_time": int(item.finished_on <= item.due_on),
                                          "workdays": used, "limit_workdays": limit, "late": int(used > limit)}


def reported_part(item: _Item) -> tuple[tuple, dict[str, int]] | None:
    """The report up of a higher-level item, late by the one rule (plans.deadlines.report_up_late)."""
    if item.reported_up_on is None or item.report_due_on is None:
        return None
    late = report_up_late(due=item.report_due_on, reported_on=item.reported_up_on)
    return _key(item, item.reported_up_on), {"reported_up": 1, "report_up_late": int(late)}


def add_to(model, where: dict, counts: dict) -> None:
    """Adds `counts` to the rollup row of `model` at `where` (its unique key), making the row if it is the first."""
    if model.objects.filter(**where).update(**{name: F(name) + value for name, value in counts.items()}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**where, **counts)
    except IntegrityError:  # another event made the row at the same moment
        model.objects.filter(**where).update(**{name: F(name) + value for name, value in counts.items()})


def _add(key: tuple, counts: dict[str, int]) -> None:
    """Adds to the day's rollup row and to its month's, in the caller's transaction."""
    day, unit, township, department, catalog_item = key
    where = {"unit_id": unit, "township_id": township, "department_id": department}
    add_to(ItemRollup, {"day": day, **where, "catalog_item_id": catalog_item}, counts)
    add_to(ItemUnitMonthRollup, {"month": day.replace(day=1), "unit_id": unit, "township_id": township}, counts)
    add_to(ItemCatalogMonthRollup, {"month": day.replace(day=1), "catalog_item_id": catalog_item}, counts)


# Apps above that keep figures of their own from the same counts (assessment's figures by agent) register a function
# taking the item's case id, the day and the counts; each event runs them after adding to the rollups here, inside
# its transaction. Register at import time of the app (AppConfig.ready).
_count_hooks: Hooks[[int, dt.date, dict[str, int]]] = Hooks()
register_count_hook = _count_hooks.register


def _counted(item: CaseItem, part: tuple[tuple, dict[str, int]] | None) -> None:
    if part:
        _add(*part)
        _count_hooks.run(item.case_id, part[0][0], part[1])


def rollup_item_finished(*, item: CaseItem) -> None:
    """Called by item_finish inside its transaction (no permission of its own: part of the finish)."""
    _counted(item, finished_part(_Item.of(item)))


def rollup_item_reported_up(*, item: CaseItem) -> None:
    """Called by item_report_up inside its transaction."""
    _counted(item, reported_part(_Item.of(item)))


def counted_items(items):
    """The items that add to a rollup: finished and measured, or reported up (`items`: a CaseItem manager or
    queryset, the migration's historical one too), as values() rows of FIELDS."""
    return (items.filter(Q(status__in=MEASURED, finished_on__isnull=False) | Q(reported_up_on__isnull=False))
            .order_by().values(*FIELDS))


def parts_of(row: dict) -> list[tuple[tuple, dict[str, int]]]:
    """What one item adds to the rollups (a values() row of FIELDS): its finish and its report up, each (key, counts),
    by the rules the events follow."""
    item = _Item(row)
    return [part for part in (finished_part(item), reported_part(item)) if part]


def tally(rows) -> dict[tuple, dict[str, int]]:
    """Every rollup row's counts from the items' values() rows, by the one `contribution` rule."""
    counted: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for row in rows:
        for key, values in parts_of(row):
            counts = counted[key]
            for name, value in values.items():
                counts[name] += value
    return counted


def in_day_order(counted: dict[tuple, dict]) -> list[tuple[tuple, dict]]:
    """A rollup's counted rows ({(day, …): counts}) in day order, as events write them: a bulk rewrite in any other
    order scatters each day's rows over the whole table, and a period's partial months then read a page per row."""
    return sorted(counted.items(), key=lambda row: row[0][0])


def rollup_rows(model, counted: dict[tuple, dict[str, int]]) -> list:
    return [model(day=day, unit_id=unit, township_id=township, department_id=department,
                  catalog_item_id=catalog_item, **counts)
            for (day, unit, township, department, catalog_item), counts in in_day_order(counted)]


def month_rows(day_model, month_model, *keys: str, counters: tuple[str, ...] = COUNTERS) -> list:
    """Month rollups summed from the day rollups (`day_model`, `month_model`: the models, or a migration's
    historical ones), one row per month × `keys` (say "unit_id", "township_id"; or "catalog_item_id"), each of
    `counters` summed (the item rollups' by default; assessment's case rollups name theirs)."""
    months = (day_model.objects.order_by().values(*keys, month=TruncMonth("day"))
              .annotate(**{name: Sum(name) for name in counters}))
    return [month_model(**row) for row in months.iterator(chunk_size=5000)]


UNIT_MONTH_KEYS = ("unit_id", "township_id")
CATALOG_MONTH_KEYS = ("catalog_item_id",)


def _months_rebuild() -> None:
    ItemUnitMonthRollup.objects.all().delete()
    ItemUnitMonthRollup.objects.bulk_create(month_rows(ItemRollup, ItemUnitMonthRollup, *UNIT_MONTH_KEYS),
                                            batch_size=2000)
    ItemCatalogMonthRollup.objects.all().delete()
    ItemCatalogMonthRollup.objects.bulk_create(month_rows(ItemRollup, ItemCatalogMonthRollup, *CATALOG_MONTH_KEYS),
                                               batch_size=2000)


def rollups_rebuild(*, catalog_item_id: int | None = None) -> dict[str, int]:
    """The rollup rows counted again from the items (finished or reported up), in one transaction: every row,
    or only those of one catalog item (after its limit or department changed)."""
    items = CaseItem.objects.all() if catalog_item_id is None else CaseItem.objects.filter(
        catalog_item_id=catalog_item_id)
    counted = tally(counted_items(items).iterator(chunk_size=5000))
    with transaction.atomic():
        rows = ItemRollup.objects.all() if catalog_item_id is None else ItemRollup.objects.filter(
            catalog_item_id=catalog_item_id)
        rows.delete()
        ItemRollup.objects.bulk_create(rollup_rows(ItemRollup, counted), batch_size=2000)
        _months_rebuild()  # a month row mixes catalog items: summed again from every day row
        result = {"rows": len(counted), "finished": sum(c["finished"] for c in counted.values()),
                  "reported_up": sum(c["reported_up"] for c in counted.values())}
        if catalog_item_id is not None:
            result["catalog_item"] = catalog_item_id
        audit_record(event_type="rollups.rebuilt", new=result)
    return result
