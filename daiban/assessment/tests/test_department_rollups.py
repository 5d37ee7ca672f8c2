"""The case figures by approval department summed from their day rollups (assessment.departments) answer what
joining the period's cases to their items answers, also after a case's departments change: an item of a new
department made after the case closed, the agreement's items made in bulk before its transition, an item taken
away, a catalog item moved to another department; and what the events kept equals a rebuild and the migration."""
from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from daiban.assessment import departments, rollups
from daiban.assessment.models import CaseDepartment, DepartmentCaseRollup
from daiban.assessment.tests.test_case_rollups import PERIODS, _grouped, _history, _plain, _rolled_up
from daiban.cases.models import Case, CaseItem, CaseTransition
from daiban.cases.states import CaseStatus
from daiban.catalog.models import CatalogItem
from daiban.org.models import Department


def _match() -> None:
    for period in PERIODS:
        assert _plain(_rolled_up(period, "department")) == _plain(_grouped(period, "department")), period


def _kept() -> tuple[set, set]:
    return (set(DepartmentCaseRollup.objects.exclude(received=0, accepted=0, completed=0, terminated=0, visits=0)
                .values_list("day", "department", "received", "accepted", "completed", "terminated", "visits")),
            set(CaseDepartment.objects.values_list("case", "department")))


@pytest.mark.django_db
def test_the_department_figures_follow_a_case_whose_departments_change(person):
    cases = _history(12)
    _match()
    closed = next(c for c in cases if c.status == CaseStatus.COMPLETED)
    held = set(closed.items.values_list("catalog_item__department", flat=True))
    new = CatalogItem.objects.exclude(department__in=held).first()
    CaseItem.objects.create(case=closed, catalog_item=new)  # an item of a new department after the closing
    opened = next(c for c in cases if c.status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS))
    CaseItem.objects.bulk_create([CaseItem(case=opened, catalog_item=c) for c in CatalogItem.objects.exclude(
        department__in=opened.items.values("catalog_item__department"))[:2]])  # as case_agreement_set makes them
    CaseTransition.objects.create(case=opened, from_status=opened.status, to_status=CaseStatus.ENTRUSTED,
                                  at=opened.accepted_at, by=opened.accepted_by)
    with_items = [c for c in cases if c.items.exists()]
    with_items[-1].items.first().delete()
    _match()
    moved = CatalogItem.objects.filter(pk__in=CaseItem.objects.values("catalog_item")).first()
    assert moved is not None
    moved.department = Department.objects.exclude(pk=moved.department_id).first()
    moved.save(update_fields=["department"])
    departments.after_catalog_change(moved, {"department"})  # as catalog_item_update runs its hooks
    rollups.overdue_after_catalog_change(moved, {"department"})
    _match()
    kept = _kept()
    assert kept[0] and kept[1]
    departments.departments_rebuild()
    assert _kept() == kept
    DepartmentCaseRollup.objects.all().delete()
    CaseDepartment.objects.all().delete()
    state = MigrationLoader(connection).project_state(("assessment", "0006_dash_department_rollups"))
    importlib.import_module("daiban.assessment.migrations.0006_dash_department_rollups").fill(state.apps, None)
    assert _kept() == kept
    assert Case.objects.exists()
