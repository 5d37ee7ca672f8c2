"""/api/v1/catalog/: anyone reads the catalog; only the center changes it."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.catalog.models import CatalogItem
from daiban.catalog.selectors import prerequisite_codes

pytestmark = pytest.mark.django_db


def problems(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    assert "\\u" not in response.content.decode()
    return {p["field"]: p["message"] for p in response.json()["fields"]}


def test_the_list_needs_no_login_and_has_exactly_the_agreed_shape(api_as):
    response = api_as(None).get("catalog/items")
    assert response.status_code == 200
    page = response.json()
    items = page["items"]
    assert [i["code"] for i in items][:3] == ["QY01", "L01", "L02"] and len(items) == 28
    assert (page["total"], page["next_cursor"]) == (28, None)
    by_code = {i["code"]: i for i in items}
    assert by_code["L05"] == {
        "code": "L05", "name": "环境影响评价审批（报告表）", "department": "生态环境局", "stage": "1",
        "limit_workdays": 10, "prerequisites": ["L02"], "intermediary": "环评编制机构", "owner_in_person": False,
        "level": "county",
    }
    assert by_code["U01"] == {
        "code": "U01", "name": "电力接入（高压用户）", "department": "供电公司", "stage": "utilities",
        "limit_workdays": 38, "prerequisites": ["G02"], "intermediary": "电力设计施工单位", "owner_in_person": True,
        "level": "county",
    }
    assert by_code["L02"]["intermediary"] is None
    assert by_code["L05C"]["department"] == "温州市生态环境局" and by_code["L05C"]["level"] == "city"
    assert by_code["S04"]["prerequisites"] == ["L05", "L05C", "L06", "L07", "L08", "G02", "S01", "S02", "S03"]


def test_the_list_filters_by_stage_and_leaves_out_deactivated_items(api_as):
    CatalogItem.objects.filter(code="U03").update(active=False)
    codes = [i["code"] for i in api_as(None).get("catalog/items", {"stage": "utilities"}).json()["items"]]
    assert codes == ["U01", "U02", "U04", "U05"]
    assert problems(api_as(None).get("catalog/items", {"stage": "5"})) == {
        "stage": "阶段应为以下之一：0、1、2、3、utilities、4"}


def test_one_item_comes_with_its_service_guide(api_as):
    detail = api_as(None).get("catalog/items/L05").json()
    assert "环境影响报告表" in detail["materials"] and "环评编制机构" in detail["where_how"]
    assert detail["stage_label"] == "立项用地规划许可" and detail["limit_source"] == "C"
    assert detail["followers"] == ["S04"]
    assert api_as(None).get("catalog/items/X99").json() == {"code": "not_found", "detail": "事项 X99 不存在", "fields": []}


def test_the_center_edits_an_item_and_the_edit_is_audited(api_as, person):
    response = api_as("center").patch("catalog/items/L06", {"limit_workdays": 12, "intermediary": None,
                                                             "prerequisites": ["L02", "L01"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["limit_workdays"], body["intermediary"], body["prerequisites"]) == (12, None, ["L01", "L02"])
    event = AuditEvent.objects.filter(event_type="catalog.item_updated").latest("seq")
    assert event.actor_id == person("center").pk
    assert event.old == {"limit_workdays": 15, "intermediary": "节能评估机构", "prerequisites": ["L02"]}
    assert event.new == {"limit_workdays": 12, "intermediary": "", "prerequisites": ["L01", "L02"]}


def test_an_agent_may_not_edit(api_as):
    response = api_as("aojiang").patch("catalog/items/L06", {"limit_workdays": 12})
    assert response.status_code == 403
    assert response.json() == {"code": "permission.denied", "detail": "您没有执行此操作的权限", "fields": []}
    assert CatalogItem.objects.get(code="L06").limit_workdays == 15


def test_editing_needs_a_login(api_as):
    assert api_as(None).patch("catalog/items/L06", {"limit_workdays": 12}).status_code == 401


def test_a_cycle_is_refused_and_nothing_changes(api_as):
    response = api_as("center").patch("catalog/items/G02", {"prerequisites": ["G01", "S04"], "limit_workdays": 6})
    assert problems(response) == {"prerequisites": "前置事项形成循环：G02 → S04 → G02"}
    g02 = CatalogItem.objects.get(code="G02")
    assert (prerequisite_codes(g02), g02.limit_workdays) == (["L03", "L04", "G01"], 5)


def test_a_limit_of_zero_is_refused(api_as):
    assert problems(api_as("center").patch("catalog/items/L02", {"limit_workdays": 0})) == {
        "limit_workdays": "承诺时限应为 1 至 365 个工作日"}
    assert CatalogItem.objects.get(code="L02").limit_workdays == 1


def test_an_unknown_department_or_field_is_refused(api_as):
    assert problems(api_as("center").patch("catalog/items/L02", {"department": "发改委"})) == {
        "department": "审批部门“发改委”不存在"}
    assert "limit_days" in problems(api_as("center").patch("catalog/items/L02", {"limit_days": 3}))


def test_the_center_adds_an_item(api_as):
    response = api_as("center").post("catalog/items", {
        "code": "L09", "name": "建设项目使用林地审核", "department": "自然资源和规划局", "stage": "1",
        "limit_workdays": 10, "prerequisites": ["L02"]})
    assert response.status_code == 201, response.content
    assert response.json()["prerequisites"] == ["L02"]
    assert api_as(None).get("catalog/items").json()["items"][-1]["code"] == "L09"
    assert api_as("aojiang").post("catalog/items", {
        "code": "L10", "name": "某事项", "department": "水利局", "stage": "1", "limit_workdays": 3}).status_code == 403
