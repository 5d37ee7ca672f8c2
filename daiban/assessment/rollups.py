"""The case rollups (assessment.models.CaseRollup): the statistics' requests received, cases accepted, completed
and terminated, owner visits of completed cases and owners' evaluation scores per day × unit × township, added
to in the transaction of the event that changes them, so the county-wide dashboard and GET /api/v1/stats sum a
few rows per day instead of grouping the whole history (plans.rollups does the same for the item figures). The
same call adds to the month's row (CaseMonthRollup), so a long period sums its whole months and only the days of
its partial first and last months.

Each figure has one source (SOURCES): a queryset over the event's own rows with the day, the unit and the
township it counts under and its aggregates. An event adds its own rows of that queryset (filtered to the new
row); `case_rollups_rebuild` groups the whole queryset. The events are the rows' creation: the lower apps write
them in their services' transactions, and their post_save signals (connected here, in the app above them, so
that no lower app imports the statistics) run inside those transactions. Rows made by bulk_create (seed_scale)
send no signal: `manage.py rebuild_rollups` counts them. The keys of these rows are never edited after
creation. By department or by agent (a case has several departments, and its items may come later) or for a
narrower data scope the old GROUP BY of assessment.figures runs, and stays the oracle of the tests.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.apps import apps as installed
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save

from daiban.assessment import sources
from daiban.assessment.models import CaseMonthRollup, CaseRollup
from daiban.assessment.overdue import MOVING_FIELDS, overdue_rebuild, overdue_refresh
from daiban.audit.services import audit_record
from daiban.cases.models import Case, CaseItem, CaseTransition
from daiban.cases.selectors import cases_holding
from daiban.cases.states import CaseStatus
from daiban.catalog import hooks as catalog_hooks
from daiban.intake.models import Request
from daiban.plans.models import OwnerVisit, Pause
from daiban.plans.rollups import UNIT_MONTH_KEYS, add_to, in_day_order, month_rows

COUNTERS = ("received", "accepted", "completed", "terminated", "visits", "score_sum", "scores")


def _keyed(queryset: QuerySet, *, day, unit: str, township: str) -> QuerySet:
    return queryset.order_by().annotate(rollup_day=day, rollup_unit=F(unit), rollup_township=F(township))


def _received(apps) -> tuple[QuerySet, dict]:
    requests = apps.get_model("intake", "Request").objects.all()
    return (_keyed(requests, day=TruncDate("received_at"), unit="unit_id", township="location_id"),
            {"received": Count("pk")})


def _accepted(apps) -> tuple[QuerySet, dict]:
    cases = apps.get_model("cases", "Case").objects.all()
    return (_keyed(cases, day=TruncDate("accepted_at"), unit="unit_id", township="project__location_id"),
            {"accepted": Count("pk")})


def _closed(apps) -> tuple[QuerySet, dict]:
    closing = apps.get_model("cases", "CaseTransition").objects.filter(
        to_status__in=[CaseStatus.COMPLETED, CaseStatus.TERMINATED])
    return (_keyed(closing, day=TruncDate("at"), unit="case__unit_id", township="case__project__location_id"),
            {"completed": Count("pk", filter=Q(to_status=CaseStatus.COMPLETED)),
             "terminated": Count("pk", filter=Q(to_status=CaseStatus.TERMINATED))})


def _visits(apps) -> tuple[QuerySet, dict]:
    """Visits count under the day their case was completed (a visit recorded later adds to that day)."""
    completion = apps.get_model("cases", "CaseTransition").objects.filter(case=OuterRef("case"),
                                                                          to_status=CaseStatus.COMPLETED)
    visits = apps.get_model("plans", "OwnerVisit").objects.filter(Exists(completion)).annotate(
        completed_at=Subquery(completion.values("at")[:1]))
    return (_keyed(visits, day=TruncDate("completed_at"), unit="case__unit_id",
                   township="case__project__location_id"), {"visits": Count("pk")})


def _satisfaction(apps) -> tuple[QuerySet, dict] | None:
    try:
        model = apps.get_model("closure", "OwnerEvaluation")
    except LookupError:  # daiban.closure not installed: no evaluations kept
        return None
    evaluations = sources.scored(model.objects.all(), "submitted_at")
    return (_keyed(evaluations, day=F("day"), unit="case__unit_id", township="case__project__location_id"),
            {"score_sum": Sum("score"), "scores": Count("pk")})


# Each source is given the app registry: the installed apps, or a migration's historical ones.
SOURCES: dict[str, Callable[..., tuple[QuerySet, dict] | None]] = {
    "received": _received, "accepted": _accepted, "closed": _closed, "visits": _visits,
    "satisfaction": _satisfaction}


# The path from each source's rows to their case: the counts per case that the figures by department and by agent
# move when a case's departments or agents change (assessment.departments, assessment.agents).
CASE_PATHS = {"received": "case", "accepted": "pk", "closed": "case", "visits": "case", "satisfaction": "case"}
Counts = list[tuple[dt.date, dict[str, Any]]]


def case_counts(apps=installed, case_ids: Collection[int] | None = None, sources: Iterable[str] = tuple(CASE_PATHS),
                counters: Collection[str] = COUNTERS, **where) -> dict[int, Counts]:
    """{case: [(day, counts)]} of the cases (all, or `case_ids`) from `sources`, their rows filtered by `where`, each
    day's `counters` that are not 0."""
    found: dict[int, Counts] = defaultdict(list)
    for source in sources:
        made = SOURCES[source](apps)
        if made is None:
            continue
        queryset, aggregates = made
        path = CASE_PATHS[source]
        queryset = queryset.filter(**where, **({f"{path}__in": case_ids} if case_ids is not None
                                               else {f"{path}__isnull": False}))
        for row in queryset.values("rollup_day", path).annotate(**aggregates):
            counts = {name: row[name] for name in counters if row.get(name)}
            if counts:
                found[row[path]].append((row["rollup_day"], counts))
    return found


def _grouped(source: str, apps=installed, **where) -> list[dict]:
    found = SOURCES[source](apps)
    if found is None:
        return []
    queryset, aggregates = found
    return list(queryset.filter(**where).values("rollup_day", "rollup_unit", "rollup_township")
                .annotate(**aggregates))


def _key(row: dict) -> tuple:
    return row.pop("rollup_day"), row.pop("rollup_unit"), row.pop("rollup_township")


def _add(source: str, **where) -> None:
    for row in _grouped(source, **where):
        day, unit, township = _key(row)
        counts = {name: value for name, value in row.items() if value}
        if counts:
            add_to(CaseRollup, {"day": day, "unit_id": unit, "township_id": township}, counts)
            add_to(CaseMonthRollup, {"month": day.replace(day=1), "unit_id": unit, "township_id": township}, counts)


def tally(apps=installed) -> dict[tuple, dict]:
    """Every rollup row's counts, grouped from the whole history by the same SOURCES the events add from."""
    counted: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for source in SOURCES:
        for row in _grouped(source, apps):
            counts = counted[_key(row)]
            for name, value in row.items():
                counts[name] += value or 0
    return counted


def case_rollup_rows(model, counted: dict[tuple, dict]) -> list:
    return [model(day=day, unit_id=unit, township_id=township, **counts)
            for (day, unit, township), counts in in_day_order(counted)]


def case_month_rows(day_model, month_model) -> list:
    """The month rows summed from the day rows (the installed models, or a migration's)."""
    return month_rows(day_model, month_model, *UNIT_MONTH_KEYS, counters=COUNTERS)


def case_rollups_rebuild() -> dict[str, int]:
    """The case rollup rows (days, then months summed from them) counted again from every request, case, closing,
    visit and evaluation, and the overdue spans of every case (assessment.overdue), in one transaction (after an
    import, a bulk seed or a calendar change); audited."""
    counted = tally()
    with transaction.atomic():
        CaseRollup.objects.all().delete()
        CaseRollup.objects.bulk_create(case_rollup_rows(CaseRollup, counted), batch_size=2000)
        CaseMonthRollup.objects.all().delete()
        CaseMonthRollup.objects.bulk_create(case_month_rows(CaseRollup, CaseMonthRollup), batch_size=2000)
        spans = overdue_rebuild()
        result = {"rows": len(counted), "accepted": sum(c["accepted"] for c in counted.values()),
                  "received": sum(c["received"] for c in counted.values()), "overdue_spans": spans}
        audit_record(event_type="rollups.cases_rebuilt", new=result)
    return result


# --- the events: rows created inside the services' transactions -------------------------------------------------

def _request_received(sender, instance: Request, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        _add("received", pk=instance.pk)


def _case_accepted(sender, instance: Case, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        _add("accepted", pk=instance.pk)


def _case_closed(sender, instance: CaseTransition, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.to_status not in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
        return
    _add("closed", pk=instance.pk)
    overdue_refresh(instance.case_id)  # closed: its open items no longer run late, its late finishes stay
    if instance.to_status == CaseStatus.COMPLETED:  # the visits recorded before now count under this day
        _add("visits", case_id=instance.case_id)


def _item_moved(sender, instance: CaseItem, raw: bool = False, update_fields=None, **kwargs) -> None:
    if not raw and (update_fields is None or MOVING_FIELDS.intersection(update_fields)):
        overdue_refresh(instance.case_id)


def _pause_moved(sender, instance: Pause, raw: bool = False, **kwargs) -> None:
    if not raw:
        overdue_refresh(instance.item.case_id)


def overdue_after_catalog_change(item, changed: Collection[str]) -> None:
    """A catalog item moved to another department: the department spans of the cases holding it move too."""
    if "department" in changed:
        for case_id in cases_holding(item):
            overdue_refresh(case_id)


def _visit_recorded(sender, instance: OwnerVisit, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:  # only adds when the case is already completed
        _add("visits", pk=instance.pk)


def _evaluation_given(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        _add("satisfaction", pk=instance.pk)


def connect() -> None:
    """Called by AssessmentConfig.ready."""
    post_save.connect(_request_received, sender=Request, dispatch_uid="case_rollup_received")
    post_save.connect(_case_accepted, sender=Case, dispatch_uid="case_rollup_accepted")
    post_save.connect(_case_closed, sender=CaseTransition, dispatch_uid="case_rollup_closed")
    post_save.connect(_item_moved, sender=CaseItem, dispatch_uid="overdue_item_saved")
    post_delete.connect(_item_moved, sender=CaseItem, dispatch_uid="overdue_item_deleted")
    post_save.connect(_pause_moved, sender=Pause, dispatch_uid="overdue_pause_saved")
    catalog_hooks.register(overdue_after_catalog_change)
    post_save.connect(_visit_recorded, sender=OwnerVisit, dispatch_uid="case_rollup_visits")
    if sources.owner_evaluations() is not None:
        post_save.connect(_evaluation_given, sender="closure.OwnerEvaluation", dispatch_uid="case_rollup_scores")
