"""The dashboard page and its drill-down: each reader sees only the cases of their scope."""
from __future__ import annotations

import pytest

from conftest import DEMO_PASSWORD
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build
from daiban.audit.models import AuditEvent
from daiban.org.models import AgencyBody, Department

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


@pytest.fixture
def cases(person):
    return {
        "aojiang": build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", project="鳌江滚动轴承项目",
                                  items=[ItemSpec("L05", "2025-03-05", "2025-03-14")])),
        "kunyang": build(CaseSpec("昆阳镇", "2025-03-10", "2025-03-11", agent="kunyang", project="昆阳文创园项目",
                                  items=[ItemSpec("L02", "2025-03-12", "2025-03-13")])),
    }


def unit_of(town: str) -> AgencyBody:
    return AgencyBody.objects.get(kind=AgencyBody.Kind.UNIT, region__name=town)


def login(client, username: str):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_the_dashboard_shows_the_charts_and_the_ranking(cases, client):
    page = login(client, "center").get("/assessment/", {**MARCH, "by": "unit"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "echarts-5.6.0.min.js" in html and "cdn" not in html.lower()
    assert 'id="chart-months"' in html and 'id="chart-units"' in html and 'id="chart-departments"' in html
    assert "鳌江镇投资项目代办服务站" in html and "瓶颈事项" in html


def test_clicking_a_unit_lists_its_cases_with_links(cases, client):
    unit = unit_of("鳌江镇")
    page = login(client, "center").get(f"/assessment/drill/unit/{unit.pk}/", MARCH)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/cases/{cases["aojiang"].pk}/"' in html and "鳌江滚动轴承项目" in html
    assert "昆阳文创园项目" not in html


def test_a_department_drill_lists_the_cases_with_its_items(cases, client):
    department = Department.objects.get(code="fgj")  # L02 on the 昆阳镇 case only
    html = login(client, "leader").get(f"/assessment/drill/department/{department.pk}/", MARCH).content.decode()
    assert "昆阳文创园项目" in html and "鳌江滚动轴承项目" not in html


def test_kunyang_cannot_drill_into_aojiang_cases(cases, client, person):
    unit = unit_of("鳌江镇")
    assert login(client, "kunyang").get(f"/assessment/drill/unit/{unit.pk}/", MARCH).status_code == 404
    assert client.get(f"/assessment/drill/agent/{person('aojiang').pk}/", MARCH).status_code == 404
    township = unit.region_id
    assert client.get(f"/assessment/drill/township/{township}/", MARCH).status_code == 404
    assert AuditEvent.objects.filter(event_type="access.refused", actor_name="kunyang", outcome="denied").exists()
    own = unit_of("昆阳镇")
    assert client.get(f"/assessment/drill/unit/{own.pk}/", MARCH).status_code == 200


def test_an_unknown_breakdown_or_key_is_not_found(cases, client):
    login(client, "center")
    assert client.get("/assessment/drill/company/1/", MARCH).status_code == 404
    assert client.get("/assessment/drill/unit/999999/", MARCH).status_code == 404


def test_a_unit_administrator_sees_only_his_units_row_on_the_page(cases, client):
    html = login(client, "ajadmin").get("/assessment/", {**MARCH, "by": "unit"}).content.decode()
    assert "鳌江镇投资项目代办服务站" in html and "昆阳镇投资项目代办服务站" not in html


def test_owners_do_not_reach_the_dashboard(demo, client):
    assert login(client, "owner1").get("/assessment/").status_code == 403
