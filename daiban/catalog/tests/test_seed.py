"""The starting catalog matches ../shared/reference/item-catalog.md, and reloading it keeps the center's edits."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from daiban.catalog.models import CatalogItem, Level, LimitSource, Stage
from daiban.catalog.seed import SEED_CODES, load_catalog
from daiban.catalog.selectors import prerequisite_codes

pytestmark = pytest.mark.django_db

ALL_CODES = ["QY01", "L01", "L02", "L03", "L04", "L05", "L05C", "L06", "L07", "L08", "G01", "G02", "G03",
             "S01", "S02", "S03", "S04", "U01", "U02", "U03", "U04", "U05", "C01", "C02", "C03", "C04", "C05", "C06"]


def item(code: str) -> CatalogItem:
    return CatalogItem.objects.select_related("department", "department__region").get(code=code)


def test_the_demo_county_has_all_28_items_in_table_order(demo):
    assert SEED_CODES == ALL_CODES
    assert list(CatalogItem.objects.values_list("code", flat=True)) == ALL_CODES


@pytest.mark.parametrize("code, department_code, stage, limit, source, level", [
    ("QY01", "scj", Stage.SETUP, 1, LimitSource.ESTIMATE, Level.COUNTY),
    ("L02", "fgj", Stage.INITIATION, 1, LimitSource.STATUTORY, Level.COUNTY),
    ("L04", "bdc", Stage.INITIATION, 5, LimitSource.ESTIMATE, Level.COUNTY),
    ("L05", "sthj", Stage.INITIATION, 10, LimitSource.COMMITTED, Level.COUNTY),
    ("L05C", "wz-sthj", Stage.INITIATION, 20, LimitSource.COMMITTED, Level.CITY),
    ("L08", "yjj", Stage.INITIATION, 20, LimitSource.ESTIMATE, Level.CITY),
    ("G02", "zrj", Stage.ENGINEERING, 5, LimitSource.ESTIMATE, Level.COUNTY),
    ("G03", "rfb", Stage.ENGINEERING, 5, LimitSource.COMMITTED, Level.COUNTY),
    ("S04", "zjj", Stage.CONSTRUCTION, 7, LimitSource.STATUTORY, Level.COUNTY),
    ("U01", "gdgs", Stage.UTILITIES, 38, LimitSource.COMMITTED, Level.COUNTY),
    ("U04", "dxyys", Stage.UTILITIES, 5, LimitSource.ESTIMATE, Level.COUNTY),
    ("C06", "bdc", Stage.COMPLETION, 5, LimitSource.ESTIMATE, Level.COUNTY),
])
def test_spot_checked_items_have_the_reference_department_stage_and_limit(demo, code, department_code, stage, limit,
                                                                          source, level):
    found = item(code)
    assert (found.department.code, found.stage, found.limit_workdays, found.limit_source, found.level) == (
        department_code, stage, limit, source, level)


def test_the_city_environment_bureau_is_the_city_department(demo):
    assert item("L05C").department.region.level == "city"
    assert item("L05").department.region.level == "county"


@pytest.mark.parametrize("code, prerequisites", [
    ("L01", []), ("L02", []), ("L03", ["L01", "L02"]), ("L04", ["L01"]), ("L05C", ["L02"]),
    ("G02", ["L03", "L04", "G01"]),
    ("S04", ["L05", "L05C", "L06", "L07", "L08", "G02", "S01", "S02", "S03"]),
    ("U05", ["S04"]),
    ("C05", ["C01", "C02", "C03", "C04"]),
    ("C06", ["C05"]),
])
def test_prerequisites_follow_the_reference_in_catalog_order(demo, code, prerequisites):
    assert prerequisite_codes(item(code)) == prerequisites


def test_only_company_setup_and_completion_items_are_optional(demo):
    optional = set(CatalogItem.objects.filter(optional=True).values_list("code", flat=True))
    assert optional == {"QY01", "C01", "C02", "C03", "C04", "C05", "C06"}


def test_names_carry_no_remarks_and_the_remarks_become_notes(demo):
    for found in CatalogItem.objects.all():
        assert "optional" not in found.name and "(" not in found.name, found.code
    assert item("G01").note == "土地带方案出让的，免于办理"
    assert "危险化学品" in item("L08").note


def test_intermediaries_and_in_person_steps_follow_the_reference(demo):
    assert item("L05").intermediary == "环评编制机构"
    assert item("L02").intermediary == ""
    in_person = set(CatalogItem.objects.filter(owner_in_person=True).values_list("code", flat=True))
    assert in_person == {"QY01", "L01", "L04", "U01", "C06"}
    assert item("U01").in_person_note == "签订供用电合同"
    assert item("L05").limit_note == "法定时限 30 日"


def test_every_item_has_a_short_service_guide(demo):
    for found in CatalogItem.objects.all():
        assert found.materials and found.where_how, found.code
        assert len(found.materials) < 200 and len(found.where_how) < 200, found.code
    guide = item("L05")
    assert "环境影响报告表" in guide.materials
    assert "环评编制机构" in guide.where_how and "自主选择" in guide.where_how


def test_loading_again_keeps_the_centers_edits_and_restores_a_missing_item(demo):
    l05 = item("L05")
    CatalogItem.objects.filter(pk=l05.pk).update(limit_workdays=8, name="环评审批（报告表）")
    l05.prerequisites.clear()
    # Cases may hold C06 (deleting is protected): moving it aside makes it missing all the same.
    CatalogItem.objects.filter(code="C06").update(code="C06X")

    assert load_catalog() == ["C06"]

    l05.refresh_from_db()
    assert (l05.limit_workdays, l05.name, prerequisite_codes(l05)) == (8, "环评审批（报告表）", [])
    assert prerequisite_codes(item("C06")) == ["C05"]
    assert load_catalog() == []


def test_the_management_command_reports_what_it_added(demo, capsys):
    CatalogItem.objects.filter(code="C06").update(code="C06X")
    call_command("load_catalog")
    assert "C06" in capsys.readouterr().out
    call_command("load_catalog")
    assert "未作修改" in capsys.readouterr().out
