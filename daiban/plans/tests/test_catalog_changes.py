"""Catalog changes carried through: deactivating an item open cases use, inactive prerequisites, limit changes."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import request_payload
from daiban.audit.models import AuditEvent
from daiban.cases.services import case_agreement_set, request_accept
from daiban.catalog.models import CatalogItem
from daiban.catalog.services import catalog_item_update
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.plans import services
from daiban.plans.catalog_changes import catalog_item_change
from daiban.workdays.loader import add_workdays

D = dt.date.fromisoformat


@pytest.fixture
def case(person):
    """鳌江镇's case with 备案 (L02, not dispatched) and 环评 (L05, accepted by the department on 11-02)."""
    with clock.frozen("2026-11-02"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05"])
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D("2026-11-02"))
        l05 = case.items.get(catalog_item__code="L05")
        services.item_dispatch(actor=person("aojiang"), item=l05)
        services.item_start(actor=person("sthj"), item=l05, started_on=D("2026-11-02"))
    return case


def catalog(code: str) -> CatalogItem:
    return CatalogItem.objects.get(code=code)


def test_deactivating_an_item_an_open_case_has_undone_is_refused_naming_the_case(case, person):
    with pytest.raises(Conflict) as refusal:
        catalog_item_change(actor=person("center"), item=catalog("L05"), changes={"active": False})
    assert refusal.value.code == "catalog.item_in_use" and case.request.tracking_no in refusal.value.message
    assert catalog("L05").active


def test_an_item_in_motion_cannot_be_replaced_but_one_not_dispatched_can(case, person):
    with pytest.raises(Conflict):
        catalog_item_change(actor=person("center"), item=catalog("L05"), changes={"active": False},
                            replacement="L05C", reason="改为报告书")
    with pytest.raises(ValidationFailed) as missing:
        catalog_item_change(actor=person("center"), item=catalog("L02"), changes={"active": False},
                            replacement="L02")
    assert set(missing.value.errors) == {"replacement", "reason"}
    catalog_item_change(actor=person("center"), item=catalog("L02"), changes={"active": False},
                        replacement="L03", reason="备案并入核准")
    assert not catalog("L02").active
    assert list(case.items.values_list("catalog_item__code", flat=True).order_by("catalog_item__code")) == ["L03", "L05"]
    assert case.items.get(catalog_item__code="L03").planned_due is not None
    event = AuditEvent.objects.filter(event_type="plan.item_replaced").latest("seq")
    assert event.new["reason"] == "备案并入核准"


def test_an_inactive_item_cannot_be_a_prerequisite_nor_be_dispatched(case, person):
    CatalogItem.objects.filter(code="L02").update(active=False)
    with pytest.raises(ValidationFailed) as refusal:
        catalog_item_update(actor=person("center"), item=catalog("L05"), prerequisites=["L02"])
    assert "已停用" in refusal.value.errors["prerequisites"]
    with pytest.raises(Conflict) as dispatch:
        services.item_dispatch(actor=person("aojiang"), item=case.items.get(catalog_item__code="L02"))
    assert dispatch.value.code == "catalog.item_inactive"


def test_a_limit_change_must_say_whether_it_applies_to_planned_items_and_then_recomputes_them(case, person):
    l05 = catalog("L05")
    with pytest.raises(ValidationFailed) as unstated:
        catalog_item_change(actor=person("center"), item=l05, changes={"limit_workdays": 15})
    assert "applies_to_planned" in unstated.value.errors
    with pytest.raises(Conflict):
        catalog_item_change(actor=person("center"), item=l05, changes={"limit_workdays": 15},
                            applies_to_planned=False, reason="省里调整")
    assert catalog("L05").limit_workdays == 10
    catalog_item_change(actor=person("center"), item=l05, changes={"limit_workdays": 15}, applies_to_planned=True,
                        reason="省政务服务事项目录调整")
    item = case.items.get(catalog_item__code="L05")
    assert item.due_on == add_workdays(D("2026-11-02"), 15).date
    assert catalog("L05").limit_workdays == 15
    event = AuditEvent.objects.filter(event_type="plan.limit_changed").latest("seq")
    assert event.new["reason"] == "省政务服务事项目录调整" and event.new["limit_workdays"] == 15


def test_the_api_answers_409_with_the_cases_and_the_edit_page_lists_them(case, api_as, client, person):
    answer = api_as("center").patch("/api/v1/catalog/items/L05", {"active": False})
    assert answer.status_code == 409 and answer.json()["code"] == "catalog.item_in_use"
    assert client.login(username="center")
    page = client.get("/catalog/L05/edit/").content.decode()
    assert case.request.tracking_no in page and "使用该事项的在办案件" in page
