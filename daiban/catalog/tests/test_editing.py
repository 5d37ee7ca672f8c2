"""The center edits the catalog through catalog_item_update / catalog_item_create."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.catalog.models import CatalogItem
from daiban.catalog.selectors import prerequisite_codes
from daiban.catalog.services import catalog_item_create, catalog_item_update
from daiban.lib.errors import Forbidden, ValidationFailed
from daiban.org.models import Department

pytestmark = pytest.mark.django_db


def item(code: str) -> CatalogItem:
    return CatalogItem.objects.get(code=code)


def last_event(event_type: str) -> AuditEvent:
    return AuditEvent.objects.filter(event_type=event_type).order_by("-seq").first()


def test_the_center_changes_a_limit_and_the_change_is_audited_with_old_and_new(person):
    center = person("center")
    saved = catalog_item_update(actor=center, item=item("L06"), limit_workdays=12, limit_note="县发改局承诺")
    assert (saved.limit_workdays, item("L06").limit_workdays) == (12, 12)
    event = last_event("catalog.item_updated")
    assert event.actor_id == center.pk and event.object_repr.startswith("L06")
    assert event.old == {"limit_workdays": 15, "limit_note": ""}
    assert event.new == {"limit_workdays": 12, "limit_note": "县发改局承诺"}


def test_prerequisites_and_department_are_audited_as_codes_and_names(person):
    catalog_item_update(actor=person("center"), item=item("L07"), prerequisites=["L01", "L02"],
                        department="自然资源和规划局")
    assert prerequisite_codes(item("L07")) == ["L01", "L02"]
    event = last_event("catalog.item_updated")
    assert event.old == {"department": "水利局", "prerequisites": ["L02"]}
    assert event.new == {"department": "自然资源和规划局", "prerequisites": ["L01", "L02"]}


def test_a_change_that_changes_nothing_writes_no_event(person):
    before = AuditEvent.objects.count()
    catalog_item_update(actor=person("center"), item=item("L06"), limit_workdays=15, prerequisites=["L02"])
    assert AuditEvent.objects.count() == before


def test_the_system_administrator_may_edit_too(person):
    catalog_item_update(actor=person("sysadmin"), item=item("U02"), limit_workdays=2)
    assert item("U02").limit_workdays == 2


@pytest.mark.parametrize("username", ["aojiang", "fgj", "leader", "zxagent"])
def test_nobody_else_may_edit(person, username):
    with pytest.raises(Forbidden):
        catalog_item_update(actor=person(username), item=item("U02"), limit_workdays=2)
    assert item("U02").limit_workdays == 3
    assert last_event("access.refused").new["action"] == "catalog_item_update"


def test_a_cycle_is_refused_naming_it_and_nothing_changes(person):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refusal:
        catalog_item_update(actor=person("center"), item=item("G02"), prerequisites=["L03", "L04", "G01", "S04"],
                            limit_workdays=6)
    assert refusal.value.errors == {"prerequisites": "前置事项形成循环：G02 → S04 → G02"}
    assert prerequisite_codes(item("G02")) == ["L03", "L04", "G01"]
    assert item("G02").limit_workdays == 5
    assert AuditEvent.objects.count() == before


def test_a_longer_cycle_is_named_link_by_link(person):
    with pytest.raises(ValidationFailed, match="前置事项形成循环：L01 → C06 → C05 → C01 → S04 → G02 → L03 → L01"):
        catalog_item_update(actor=person("center"), item=item("L01"), prerequisites=["C06"])


def test_an_item_may_not_follow_itself(person):
    with pytest.raises(ValidationFailed, match="前置事项形成循环：S04 → S04"):
        catalog_item_update(actor=person("center"), item=item("S04"), prerequisites=["S04"])


@pytest.mark.parametrize("limit", [0, 366, -1, True, "10"])
def test_a_limit_outside_one_to_365_working_days_is_refused(person, limit):
    with pytest.raises(ValidationFailed) as refusal:
        catalog_item_update(actor=person("center"), item=item("L02"), limit_workdays=limit)
    assert refusal.value.errors == {"limit_workdays": "承诺时限应为 1 至 365 个工作日"}
    assert item("L02").limit_workdays == 1


def test_a_department_that_does_not_exist_is_refused(person):
    with pytest.raises(ValidationFailed) as refusal:
        catalog_item_update(actor=person("center"), item=item("L02"), department="发改委")
    assert refusal.value.errors == {"department": "审批部门“发改委”不存在"}


def test_every_wrong_field_is_named_at_once(person):
    with pytest.raises(ValidationFailed) as refusal:
        catalog_item_update(actor=person("center"), item=item("L02"), name=" ", stage="9", level="town",
                            prerequisites=["X01"], limit_note="长" * 121)
    assert set(refusal.value.errors) == {"name", "stage", "level", "prerequisites", "limit_note"}
    assert refusal.value.errors["prerequisites"] == "前置事项不存在：X01"


def test_the_center_adds_an_item_at_the_end_of_the_catalog(person):
    created = catalog_item_create(actor=person("center"), code="L09", name="建设项目使用林地审核",
                                  department="自然资源和规划局", stage="1", limit_workdays=10, prerequisites=["L02"],
                                  intermediary="林地调查机构")
    assert created.sort == item("C06").sort + 10
    assert prerequisite_codes(created) == ["L02"]
    event = last_event("catalog.item_created")
    assert event.new["code"] == "L09" and event.new["department"] == "自然资源和规划局"


def test_a_used_or_malformed_code_is_refused(person):
    for code, message in [("L02", "事项编码 L02 已存在"), ("l9", "事项编码应为")]:
        with pytest.raises(ValidationFailed, match=message):
            catalog_item_create(actor=person("center"), code=code, name="某事项",
                                department=Department.objects.get(code="fgj"), stage="1", limit_workdays=3)
