"""The catalog pages: /catalog/, /catalog/<code>/ and the center's /catalog/<code>/edit/."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.catalog.models import CatalogItem
from daiban.catalog.selectors import prerequisite_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, person):
    def make(username: str):
        assert client.login(username=username)
        return client

    return make


def form_data(code: str, /, **changes) -> dict:
    """What the edit form posts when nothing but `changes` is touched."""
    item = CatalogItem.objects.get(code=code)
    data = {field: getattr(item, field) for field in (
        "name", "stage", "limit_workdays", "limit_source", "limit_note", "intermediary", "in_person_note", "level",
        "note", "materials", "where_how", "sort")}
    data["department"] = item.department_id
    data["prerequisites"] = [p.pk for p in item.prerequisites.all()]
    for flag in ("owner_in_person", "optional", "active"):
        if getattr(item, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def test_anyone_reads_the_catalog_by_stage_with_a_link_to_each_guide(client, demo):
    page = client.get("/catalog/").content.decode()
    for heading in ("企业设立", "立项用地规划许可", "工程建设许可", "施工许可", "公共服务接入", "竣工验收"):
        assert f"<h2>{heading}</h2>" in page
    assert 'href="/catalog/L05/"' in page and "环评编制机构" in page
    assert "/edit/" not in page


def test_the_catalog_page_filters_by_stage(client, demo):
    page = client.get("/catalog/", {"stage": "utilities"}).content.decode()
    assert "电力接入" in page and "建筑工程施工许可证" not in page


def test_the_guide_page_shows_materials_and_where_to_go(client, demo):
    page = client.get("/catalog/L05C/").content.decode()
    assert "环境影响报告书" in page and "温州市生态环境局" in page
    assert "1 个工作日内上报" in page
    assert 'href="/catalog/L02/"' in page
    assert client.get("/catalog/X99/").status_code == 404


def test_the_center_sees_edit_links_and_deactivated_items(logged_in):
    CatalogItem.objects.filter(code="L08").update(active=False)
    page = logged_in("center").get("/catalog/").content.decode()
    assert 'href="/catalog/L06/edit/"' in page and "已停用的事项" in page


def test_the_center_edits_an_item_on_the_page(logged_in, person):
    client = logged_in("center")
    assert client.get("/catalog/L06/edit/").status_code == 200
    response = client.post("/catalog/L06/edit/", form_data("L06", limit_workdays=12, limit_note="县发改局承诺"))
    assert response.status_code == 302 and response["Location"] == "/catalog/L06/"
    assert CatalogItem.objects.get(code="L06").limit_workdays == 12
    event = AuditEvent.objects.filter(event_type="catalog.item_updated").latest("seq")
    assert event.actor_id == person("center").pk
    assert event.new == {"limit_workdays": 12, "limit_note": "县发改局承诺"}


def test_a_limit_of_zero_is_shown_at_its_field(logged_in):
    response = logged_in("center").post("/catalog/L06/edit/", form_data("L06", limit_workdays=0))
    assert response.status_code == 422
    page = response.content.decode()
    assert "承诺时限应为 1 至 365 个工作日" in page and 'class="field-error"' in page
    assert CatalogItem.objects.get(code="L06").limit_workdays == 15


def test_a_cycle_is_shown_at_the_prerequisites(logged_in):
    s04 = CatalogItem.objects.get(code="S04")
    data = form_data("G02")
    data["prerequisites"] = [*data["prerequisites"], s04.pk]
    response = logged_in("center").post("/catalog/G02/edit/", data)
    assert response.status_code == 422
    assert "前置事项形成循环：G02 → S04 → G02" in response.content.decode()
    assert prerequisite_codes(CatalogItem.objects.get(code="G02")) == ["L03", "L04", "G01"]


def test_an_agent_may_not_open_the_edit_page(logged_in):
    client = logged_in("aojiang")
    assert client.get("/catalog/L06/edit/").status_code == 403
    assert client.post("/catalog/L06/edit/", form_data("L06", limit_workdays=12)).status_code == 403
    assert CatalogItem.objects.get(code="L06").limit_workdays == 15


def test_the_edit_page_asks_for_a_login(client, demo):
    response = client.get("/catalog/L06/edit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
