"""Incentive and accountability records (考核激励 / 责任追究) that assessment leads to."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.cases.models import Case
from daiban.lib import clock
from daiban.org.models import AgencyBody
from daiban.teams.models import ConductRecord

pytestmark = pytest.mark.django_db


def record(**overrides) -> dict:
    values = {"username": "aojiang", "kind": "reward", "reason": "全年代办项目均按时办结，企业评价满意。",
              "decided_on": str(clock.today() - dt.timedelta(days=1)), "doc_number": "鳌代办〔2026〕2号"}
    values.update(overrides)
    return values


def test_a_unit_admin_records_for_own_units_people_only(api_as):
    unit_admin = api_as("ajadmin")
    created = unit_admin.post("teams/records", record())
    assert created.status_code == 201, created.content
    assert created.json()["body"] == created.json()["decided_by"] == "鳌江镇投资项目代办服务站"
    assert unit_admin.post("teams/records", record(username="kunyang")).status_code == 403
    kunyang_body = AgencyBody.objects.get(name="昆阳镇投资项目代办服务站").pk
    assert unit_admin.post("teams/records", record(username="kunyang", body_id=kunyang_body)).status_code == 403
    assert not ConductRecord.objects.filter(person__username="kunyang", recorded_by__username="ajadmin").exists()
    assert AuditEvent.objects.filter(event_type="teams.conduct_recorded", object_id=str(created.json()["id"])).exists()


def test_the_center_records_county_wide_and_links_a_case(api_as):
    case = Case.objects.get(request__idempotency_key="demo-1")
    answer = api_as("center").post("teams/records", record(
        username="kunyang", kind="accountability", reason="未按计划催办，致使事项逾期。", case_id=case.pk,
        decided_by="平阳县投资项目代办服务中心"))
    assert answer.status_code == 201
    assert answer.json()["case_tracking_no"] == case.request.tracking_no and answer.json()["incentive"] is False
    unknown_case = api_as("center").post("teams/records", record(case_id=999999))
    assert unknown_case.status_code == 422 and unknown_case.json()["fields"][0]["field"] == "case"


def test_a_record_needs_a_reason_and_a_known_kind(api_as):
    answer = api_as("center").post("teams/records", record(reason=" ", kind="medal"))
    assert answer.status_code == 422
    assert {p["field"] for p in answer.json()["fields"]} == {"reason", "kind"}


def test_an_inspector_reads_everything_but_cannot_write(api_as, client, person):
    inspector = api_as("inspector")
    kinds = {(r["username"], r["kind"]) for r in inspector.get("teams/records").json()["items"]}
    assert {("aojiang", "praise"), ("wanquan", "admonition")} <= kinds
    assert inspector.post("teams/records", record()).status_code == 403
    assert client.login(username="inspector")
    assert client.get("/teams/records/").status_code == 200
    assert client.post("/teams/records/", {"person": person("aojiang").pk}).status_code == 403


def test_an_agent_reads_only_the_records_about_themselves(api_as):
    rows = api_as("aojiang").get("teams/records").json()["items"]
    assert rows and {r["username"] for r in rows} == {"aojiang"}
    assert api_as("aojiang").post("teams/records", record()).status_code == 403
    wanquan_record = ConductRecord.objects.get(person__username="wanquan")
    assert api_as("aojiang").get(f"teams/records/{wanquan_record.pk}").status_code == 404


def test_the_records_page_records_and_filters(client, person):
    assert client.login(username="center")
    answer = client.post("/teams/records/", {
        "person": person("shuitou").pk, "kind": "praise", "decided_on": str(clock.today()),
        "decided_by": "平阳县投资项目代办服务中心", "reason": "主动上门服务小微园企业。", "case": ""})
    assert answer.status_code == 302
    page = client.get("/teams/records/", {"kind": "praise"}).content.decode()
    assert "主动上门服务小微园企业" in page and "首次联系" not in page
    assert "主动上门服务小微园企业" not in client.get("/teams/records/", {"year": 2001}).content.decode()
    unknown = client.post("/teams/records/", {"person": person("shuitou").pk, "kind": "praise",
                                              "decided_on": str(clock.today()), "reason": "x", "case": "PY-0000"})
    assert unknown.status_code == 422 and "PY-0000 不存在" in unknown.content.decode()
