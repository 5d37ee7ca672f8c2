"""The case rollups (assessment.models.CaseRollup): the statistics' requests received, cases accepted, completed
and terminated, owner visits of completed cases and owners' evaluation scores per day × unit × township, added
to in the transaction of the event that changes them, so the county-wide dashboard and GET /api/v1/stats sum a
few rows per day instead of grouping the whole history (plans.rollups does the same for the item figures).

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

from collections import defaultdict
from collections.abc import Callable

from django.apps import apps as installed
from django.db import transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_save

from daiban.assessment import sources
from daiban.assessment.item_states import FINISHED_LATE
from daiban.assessment.models import CaseRollup, LateCaseRollup
from daiban.audit.services import audit_record
from daiban.cases.models import Case, CaseTransition
from daiban.cases.states import CaseStatus
from daiban.intake.models import Request
from daiban.plans.models import OwnerVisit
from daiban.plans.rollups import add_to

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


def late_closed_cases(apps=installed) -> QuerySet:
    """Cases with the day of their first item finished late (item_states.FINISHED_LATE), keyed as the rollups
    key them; the caller picks the closed ones."""
    late = apps.get_model("cases", "CaseItem").objects.filter(FINISHED_LATE, case=OuterRef("pk"))
    first = Subquery(late.order_by().values("case").annotate(first=Min("finished_on")).values("first")[:1])
    cases = apps.get_model("cases", "Case").objects.annotate(first_late_on=first).filter(first_late_on__isnull=False)
    return _keyed(cases, day=TruncDate("accepted_at"), unit="unit_id", township="project__location_id")


def _late_grouped(cases: QuerySet) -> list[dict]:
    return list(cases.values("rollup_day", "first_late_on", "rollup_unit", "rollup_township")
                .annotate(cases=Count("pk")))


def _add_late(case_id: int) -> None:
    for row in _late_grouped(late_closed_cases().filter(pk=case_id)):
        add_to(LateCaseRollup, {"accepted_on": row["rollup_day"], "first_late_on": row["first_late_on"],
                                "unit_id": row["rollup_unit"], "township_id": row["rollup_township"]},
               {"cases": row["cases"]})


def late_case_rows(model, apps=installed) -> list:
    closed = late_closed_cases(apps).filter(status__in=[CaseStatus.COMPLETED, CaseStatus.TERMINATED])
    return [model(accepted_on=row["rollup_day"], first_late_on=row["first_late_on"], unit_id=row["rollup_unit"],
                  township_id=row["rollup_township"], cases=row["cases"]) for row in _late_grouped(closed)]


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
            for (day, unit, township), counts in counted.items()]


def case_rollups_rebuild() -> dict[str, int]:
    """The case rollup rows counted again from every request, case, closing, visit and evaluation, and the
    closed cases' first late finishes, in one transaction (after an import, a bulk seed or a calendar change);
    audited."""
    counted = tally()
    late = late_case_rows(LateCaseRollup)
    with transaction.atomic():
        CaseRollup.objects.all().delete()
        CaseRollup.objects.bulk_create(case_rollup_rows(CaseRollup, counted), batch_size=2000)
        LateCaseRollup.objects.all().delete()
        LateCaseRollup.objects.bulk_create(late, batch_size=2000)
        result = {"rows": len(counted), "accepted": sum(c["accepted"] for c in counted.values()),
                  "received": sum(c["received"] for c in counted.values()),
                  "late_closed_cases": sum(row.cases for row in late)}
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
    _add_late(instance.case_id)  # its items are final now: its first late finish joins the overdue cohorts
    if instance.to_status == CaseStatus.COMPLETED:  # the visits recorded before now count under this day
        _add("visits", case_id=instance.case_id)


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
    post_save.connect(_visit_recorded, sender=OwnerVisit, dispatch_uid="case_rollup_visits")
    if sources.owner_evaluations() is not None:
        post_save.connect(_evaluation_given, sender="closure.OwnerEvaluation", dispatch_uid="case_rollup_scores")
