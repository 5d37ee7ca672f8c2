"""What the county's own finished items say about how long each item really takes (issue 16).

Each item that finishes (已办结 or 不予许可; a withdrawn one says nothing about the department) adds one to a
histogram row (catalog item, department, month of finishing, working days used); `workdays_used` in
plans.deadlines — the measure lateness is judged by — gives the working days. The figures of a catalog item,
and of an item × department, are read from the rows of the last DAIBAN_EVIDENCE_MONTHS months (the current
one included) and stored, so a page reads one small table and never scans history:

    median, p80   quantiles with linear interpolation between the closest ranks: the sorted sample
                  x[0..n-1] gives q(p) = x[k] + f·(x[k+1] − x[k]) at position (n − 1)·p = k + f
                  (for n = 10, the median lies halfway between x[4] and x[5], p80 at x[7] + 0.2·(x[8] − x[7]))
    mean          the plain average (the portal's 实际平均)

Below DAIBAN_EVIDENCE_MIN_SAMPLE items the legal limit stands and says so (`basis` = "法定时限").
Figures are refreshed for one catalog item as one of its items finishes, for all when a month begins
(the window moves: a daily duty) and from scratch by `manage.py evidence_rebuild`.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from daiban.audit.services import audit_record
from daiban.cases.models import CaseItem
from daiban.cases.states import ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.lib import clock
from daiban.plans.deadlines import workdays_used
from daiban.plans.models import DurationCount, DurationFigure

LEGAL = "法定时限"
MEASURED = (ItemStatus.APPROVED, ItemStatus.REFUSED)


@dataclass(frozen=True)
class Figures:
    sample: int
    median: float | None
    p80: float | None
    mean: float | None


def quantile(histogram: Iterable[tuple[int, int]], p: float) -> float | None:
    """The p-quantile of a sample given as (value, how many) pairs, by linear interpolation (see above)."""
    pairs = sorted((value, count) for value, count in histogram if count > 0)
    n = sum(count for _, count in pairs)
    if n == 0:
        return None
    position = (n - 1) * p
    low_rank, fraction = int(math.floor(position)), position - math.floor(position)

    def at(rank: int) -> int:
        seen = 0
        for value, count in pairs:
            seen += count
            if rank < seen:
                return value
        return pairs[-1][0]

    low = at(low_rank)
    return float(low) if fraction == 0 else low + fraction * (at(low_rank + 1) - low)


def figures_of(histogram: Iterable[tuple[int, int]]) -> Figures:
    pairs = [(value, count) for value, count in histogram if count > 0]
    n = sum(count for _, count in pairs)
    if n == 0:
        return Figures(0, None, None, None)
    return Figures(n, quantile(pairs, 0.5), quantile(pairs, 0.8), sum(v * c for v, c in pairs) / n)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def window_from(today: dt.date, months: int | None = None) -> dt.date:
    """The first month of the rolling window that ends with today's month."""
    months = settings.EVIDENCE_MONTHS if months is None else months
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def trusted(sample: int) -> bool:
    return sample >= settings.EVIDENCE_MIN_SAMPLE


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


def _store(rows: dict[tuple[int, int | None], Figures], start: dt.date, *, catalog_item_ids=None) -> None:
    """Replaces the stored figures (of the given catalog items, or all) with `rows`."""
    stale = DurationFigure.objects.all()
    if catalog_item_ids is not None:
        stale = stale.filter(catalog_item_id__in=catalog_item_ids)
    stale.delete()
    now = clock.now()
    DurationFigure.objects.bulk_create([
        DurationFigure(catalog_item_id=item_id, department_id=department_id, window_from=start,
                       sample=figures.sample, median=_decimal(figures.median), p80=_decimal(figures.p80),
                       mean=_decimal(figures.mean), updated_at=now)
        for (item_id, department_id), figures in rows.items()])


def _compute(counts) -> dict[tuple[int, int | None], Figures]:
    """Figures per (item, department) and per (item, None) from rows of catalog_item, department, workdays, n."""
    per_department: dict[tuple[int, int | None], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        for key in ((row["catalog_item"], row["department"]), (row["catalog_item"], None)):
            per_department[key][row["workdays"]] += row["n"]
    return {key: figures_of(histogram.items()) for key, histogram in per_department.items()}


def _window_counts(start: dt.date, **filters):
    return (DurationCount.objects.filter(month__gte=start, **filters).order_by()
            .values("catalog_item", "department", "workdays").annotate(n=Sum("count")))


def evidence_refresh(*, catalog_item_ids: Iterable[int] | None = None, today: dt.date | None = None) -> int:
    """Recomputes the stored figures of some catalog items (or all) for the window ending today. Returns how
    many figures it stored. One grouped query over the histogram."""
    today = today or clock.today()
    start = window_from(today)
    with transaction.atomic():
        filters = {} if catalog_item_ids is None else {"catalog_item_id__in": list(catalog_item_ids)}
        # One refresh of a catalog item at a time: each replaces the item's figures whole.
        locked = CatalogItem.objects.select_for_update(no_key=True).order_by("pk")
        list((locked.filter(pk__in=filters["catalog_item_id__in"]) if filters else locked).values_list("pk"))
        rows = _compute(_window_counts(start, **filters))
        _store(rows, start, catalog_item_ids=filters.get("catalog_item_id__in"))
    return len(rows)


def _add(*, catalog_item_id: int, department_id: int, finished_on: dt.date, workdays: int, count: int = 1,
         imported: bool = False) -> None:
    key = {"catalog_item_id": catalog_item_id, "department_id": department_id, "month": month_of(finished_on),
           "workdays": workdays, "imported": imported}
    if DurationCount.objects.filter(**key).update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            DurationCount.objects.create(**key, count=count)
    except IntegrityError:  # another finish made the row at the same moment
        DurationCount.objects.filter(**key).update(count=F("count") + count)


def evidence_record(*, item: CaseItem) -> None:
    """Called by item_finish inside its transaction: the finished item joins the figures of its catalog item.
    No permission of its own: it is part of the finish the service already allowed."""
    if item.status not in MEASURED or item.started_on is None or item.finished_on is None:
        return
    used = workdays_used(item, item.finished_on)
    if used is None:  # only for an item not started, excluded above
        return
    _add(catalog_item_id=item.catalog_item_id, department_id=item.catalog_item.department_id,
         finished_on=item.finished_on, workdays=used)
    if item.finished_on >= window_from(clock.today()):
        evidence_refresh(catalog_item_ids=[item.catalog_item_id])


def evidence_import(*, rows: Iterable[tuple[int, int, dt.date, int]], source: str) -> int:
    """Records older than this service (catalog item id, department id, finished on, working days used), e.g.
    from the provincial approval platform: kept apart from the service's own rows, never rebuilt away."""
    added = 0
    with transaction.atomic():
        touched = set()
        for catalog_item_id, department_id, finished_on, workdays in rows:
            _add(catalog_item_id=catalog_item_id, department_id=department_id, finished_on=finished_on,
                 workdays=workdays, imported=True)
            touched.add(catalog_item_id)
            added += 1
        evidence_refresh(catalog_item_ids=touched)
        audit_record(event_type="evidence.imported", new={"rows": added, "source": source})
    return added


def evidence_rebuild(*, today: dt.date | None = None) -> dict[str, int]:
    """The histogram of the service's own items counted again from every finished item, then every figure."""
    today = today or clock.today()
    items = (CaseItem.objects.filter(status__in=MEASURED, started_on__isnull=False, finished_on__isnull=False)
             .select_related("catalog_item").only("status", "started_on", "finished_on", "paused_workdays",
                                                  "catalog_item__department_id"))
    tally: dict[tuple[int, int, dt.date, int], int] = defaultdict(int)
    for item in items.iterator(chunk_size=2000):
        # The query keeps started and finished items only, whose working days used are known.
        finished_on = cast(dt.date, item.finished_on)
        used = cast(int, workdays_used(item, finished_on))
        tally[(item.catalog_item_id, item.catalog_item.department_id, month_of(finished_on), used)] += 1
    with transaction.atomic():
        DurationCount.objects.filter(imported=False).delete()
        DurationCount.objects.bulk_create(
            [DurationCount(catalog_item_id=i, department_id=d, month=m, workdays=w, count=n)
             for (i, d, m, w), n in tally.items()], batch_size=2000)
        figures = evidence_refresh(today=today)
        result = {"items": sum(tally.values()), "rows": len(tally), "figures": figures}
        audit_record(event_type="evidence.rebuilt", new=result)
    return result


def evidence_refresh_if_moved(*, today: dt.date | None = None) -> int:
    """The daily duty: once a new month begins the window moves, and every figure is read again."""
    today = today or clock.today()
    if not DurationFigure.objects.exclude(window_from=window_from(today)).exists():
        return 0
    return evidence_refresh(today=today)
