"""The Django admin saves catalog items through the same services: same checks, same audit events."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.catalog.models import CatalogItem
from daiban.catalog.selectors import prerequisite_codes
from daiban.catalog.tests.test_catalog_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def center_admin(client, person):
    assert client.login(username="center")
    return client


def change_url(code: str) -> str:
    return f"/admin/catalog/catalogitem/{CatalogItem.objects.get(code=code).pk}/change/"


def test_the_center_changes_an_item_in_the_admin_and_it_is_audited(center_admin):
    assert center_admin.get("/admin/catalog/catalogitem/").status_code == 200
    response = center_admin.post(change_url("U02"), form_data("U02", limit_workdays=2))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CatalogItem.objects.get(code="U02").limit_workdays == 2
    event = AuditEvent.objects.filter(event_type="catalog.item_updated").latest("seq")
    assert event.old == {"limit_workdays": 3} and event.new == {"limit_workdays": 2}


def test_the_admin_refuses_a_cycle_at_the_field(center_admin):
    data = form_data("G02")
    data["prerequisites"] = [*data["prerequisites"], CatalogItem.objects.get(code="S04").pk]
    response = center_admin.post(change_url("G02"), data)
    assert response.status_code == 200
    assert "前置事项形成循环：G02 → S04 → G02" in response.content.decode()
    assert prerequisite_codes(CatalogItem.objects.get(code="G02")) == ["L03", "L04", "G01"]


def test_the_center_adds_an_item_in_the_admin(center_admin):
    data = form_data("L07", code="L09", name="建设项目使用林地审核", sort=95)
    response = center_admin.post("/admin/catalog/catalogitem/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert prerequisite_codes(CatalogItem.objects.get(code="L09")) == ["L02"]
    assert AuditEvent.objects.filter(event_type="catalog.item_created", new__code="L09").exists()


def test_items_are_deactivated_rather_than_deleted(center_admin):
    assert center_admin.get(change_url("U02").replace("change", "delete")).status_code == 403
