"""The case figures by approval department (assessment.models.DepartmentCaseRollup): requests received, cases
accepted, completed and terminated and owner visits of completed cases, counted under each department a case
holds an item of, per day, so the statistics by department sum a few rows per day instead of joining every case
of the period to its items.

A case's counts come from the same sources as the county's case rollups (assessment.rollups.SOURCES, filtered to
the case). Its departments are those of its items, which come after the case (the agreement) and may change (a
catalog change, a supplementary agreement): CaseDepartment keeps the departments it is counted under, and
`departments_refresh` adds the case's counts to a department it gained and takes them from one it lost. A
closing or a visit adds its own counts under the departments the case has. `department_rows` counts everything
again (manage.py rebuild_rollups, the migration that made the tables).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.apps import apps as installed
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from daiban.assessment import rollups
from daiban.assessment.models import CaseDepartment, DepartmentCaseRollup
from daiban.assessment.rollups import Counts
from daiban.cases.models import CaseItem, CaseTransition
from daiban.cases.selectors import cases_holding
from daiban.cases.states import CaseStatus
from daiban.catalog import hooks as catalog_hooks
from daiban.plans.models import OwnerVisit
from daiban.plans.rollups import add_to

COUNTERS = ("received", "accepted", "completed", "terminated", "visits")
# The sources of assessment.rollups this rollup counts (not the owners' scores: by department the figure is the
# agents' ratings of it).
COUNTED_SOURCES = ("received", "accepted", "closed", "visits")


def case_counts(apps=installed, case_ids: Collection[int] | None = None,
                sources: Iterable[str] = COUNTED_SOURCES, **where) -> dict[int, Counts]:
    """{case: [(day, counts)]} of the cases (all, or `case_ids`) from `sources`, their rows filtered by `where`."""
    return rollups.case_counts(apps, case_ids, sources, COUNTERS, **where)


def _apply(departments: Iterable[int], counts: Counts, sign: int = 1) -> None:
    for department in departments:
        for day, values in counts:
            add_to(DepartmentCaseRollup, {"day": day, "department_id": department},
                   {name: sign * value for name, value in values.items()})


def departments_refresh(case_id: int) -> None:
    """The case's departments read again from its items; its counts moved to the ones it gained, from the ones it
    lost (in the caller's transaction)."""
    wanted = set(CaseItem.objects.filter(case_id=case_id).order_by().values_list("catalog_item__department",
                                                                                  flat=True)) - {None}
    kept = set(CaseDepartment.objects.filter(case_id=case_id).values_list("department", flat=True))
    if wanted == kept:
        return
    counts = case_counts(case_ids=[case_id]).get(case_id, [])
    _apply(wanted - kept, counts)
    _apply(kept - wanted, counts, -1)
    CaseDepartment.objects.filter(case_id=case_id, department__in=kept - wanted).delete()
    CaseDepartment.objects.bulk_create([CaseDepartment(case_id=case_id, department_id=d) for d in wanted - kept])


def _add(case_id: int, source: str, **where) -> None:
    """A closing's or a visit's own counts added under the case's departments."""
    departments = list(CaseDepartment.objects.filter(case_id=case_id).values_list("department", flat=True))
    if departments:
        _apply(departments, case_counts(case_ids=[case_id], sources=[source], **where).get(case_id, []))


def department_rows(model, membership, apps=installed) -> tuple[list, list]:
    """Every rollup row and every case's departments, counted from the whole history."""
    departments: dict[int, set[int]] = defaultdict(set)
    items = apps.get_model("cases", "CaseItem").objects.filter(catalog_item__department__isnull=False)
    for case_id, department in items.order_by().values_list("case", "catalog_item__department").distinct():
        departments[case_id].add(department)
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for case_id, counts in case_counts(apps).items():
        for department in departments.get(case_id, ()):
            for day, values in counts:
                row = totals[day, department]
                for name, value in values.items():
                    row[name] += value
    return ([model(day=day, department_id=department, **values) for (day, department), values in totals.items()],
            [membership(case_id=case_id, department_id=d) for case_id, found in departments.items() for d in found])


def departments_rebuild() -> int:
    """Both tables counted again in one transaction (rebuild_rollups); answers the rollup rows made."""
    rows, members = department_rows(DepartmentCaseRollup, CaseDepartment)
    with transaction.atomic():
        DepartmentCaseRollup.objects.all().delete()
        CaseDepartment.objects.all().delete()
        DepartmentCaseRollup.objects.bulk_create(rows, batch_size=2000)
        CaseDepartment.objects.bulk_create(members, batch_size=2000)
    return len(rows)


# --- the events ---------------------------------------------------------------------------------------------------

def _transition(sender, instance: CaseTransition, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    if instance.to_status in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):  # under the departments it had: a
        _add(instance.case_id, "closed", pk=instance.pk)  # department it gains below gets all its counts
        if instance.to_status == CaseStatus.COMPLETED:  # the visits recorded before now count under this day
            _add(instance.case_id, "visits")
    departments_refresh(instance.case_id)  # the agreement's items are made in bulk before its transition


def _item(sender, instance: CaseItem, raw: bool = False, update_fields=None, **kwargs) -> None:
    if not raw and (update_fields is None or "catalog_item" in update_fields):
        departments_refresh(instance.case_id)


def after_catalog_change(item, changed: Collection[str]) -> None:
    """A catalog item moved to another department: the cases holding it move their counts."""
    if "department" in changed:
        for case_id in cases_holding(item):
            departments_refresh(case_id)


def _visit(sender, instance: OwnerVisit, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:  # only adds when the case is already completed
        _add(instance.case_id, "visits", pk=instance.pk)


def connect() -> None:
    """Called by AssessmentConfig.ready."""
    post_save.connect(_item, sender=CaseItem, dispatch_uid="department_rollup_item_saved")
    post_delete.connect(_item, sender=CaseItem, dispatch_uid="department_rollup_item_deleted")
    catalog_hooks.register(after_catalog_change)
    post_save.connect(_transition, sender=CaseTransition, dispatch_uid="department_rollup_transition")
    post_save.connect(_visit, sender=OwnerVisit, dispatch_uid="department_rollup_visits")
