"""Prerequisites as the law sets them (issue 9 §5): alternatives, and items that bind only when entrusted."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.cases.models import Case
from daiban.catalog.models import CatalogItem
from daiban.catalog.prerequisites import bound_prerequisites
from daiban.intake.models import Request
from daiban.lib import clock
from daiban.org.models import User
from daiban.plans.services import plan_generate


def s04():
    return CatalogItem.objects.prefetch_related("prerequisites__alternatives").get(code="S04")


def test_the_construction_permit_waits_for_the_environmental_approval_the_project_has(demo):
    ours, owners = bound_prerequisites(s04(), {"L02", "L05C", "G02", "S01", "S03", "S04"})
    assert ours == ["L05C", "G02", "S01", "S03"]
    assert owners == []  # L05 is the alternative not taken; L06, L07, L08 and S02 are not needed here

    ours, owners = bound_prerequisites(s04(), {"L02", "L05", "G02", "S01", "S03", "S04"})
    assert "L05" in ours and "L05C" not in ours + owners


def test_without_either_environmental_approval_entrusted_the_owner_has_one_of_them(demo):
    ours, owners = bound_prerequisites(s04(), {"G02", "S01", "S03", "S04"})
    assert owners == ["L05或L05C"]


def test_soil_and_water_and_hazardous_chemicals_bind_the_permit_when_entrusted(demo):
    ours, _ = bound_prerequisites(s04(), {"L05", "L07", "L08", "S04"})
    assert {"L05", "L07", "L08"} <= set(ours)


def test_the_land_use_planning_permit_needs_the_project_filing(demo):
    l03 = CatalogItem.objects.prefetch_related("prerequisites__alternatives").get(code="L03")
    assert bound_prerequisites(l03, {"L01", "L02", "L03"}) == (["L01", "L02"], [])


@pytest.mark.parametrize("key, agent", [("demo-1", "aojiang"), ("demo-2", "shuitou"), ("demo-3", "xiaojiang")])
def test_the_demo_cases_plans_start_each_item_after_its_bound_prerequisites(demo, key, agent):
    case = Case.objects.get(request=Request.objects.get(idempotency_key=key))
    with clock.frozen("2026-11-02"):
        plan_generate(actor=User.objects.get(username=agent), case=case, start_date=dt.date(2026, 11, 2))
    items = {i.catalog_item.code: i for i in case.items.select_related("catalog_item").prefetch_related(
        "catalog_item__prerequisites__alternatives")}
    for code, item in items.items():
        ours, _ = bound_prerequisites(item.catalog_item, set(items))
        for prerequisite in ours:
            assert item.planned_start >= items[prerequisite].planned_due, (code, prerequisite)
    if key == "demo-2":
        assert items["S04"].planned_start >= items["L05C"].planned_due
