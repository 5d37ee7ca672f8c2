"""Completion (§6.8): only when every entrusted item is finished, with the hand-over signed by the owner."""
from __future__ import annotations

import pytest

from daiban.closure.tests.conftest import HANDOVER
from daiban.documents.layout import read_text
from daiban.lib import clock
from daiban.plans import services as plans

pytestmark = pytest.mark.django_db


def test_completion_is_refused_while_an_item_is_open(build, api_as):
    case = build.case()
    build.finish(case, "L02", on="2026-09-01")
    with clock.frozen("2026-09-02"):
        answer = api_as("aojiang").post(f"cases/{case.pk}/complete", {"handover": HANDOVER})
    assert answer.status_code == 409
    detail = answer.json()["detail"]
    assert "尚有 1 个事项未办结" in detail and "环境影响评价审批（报告表）（待派单）" in detail
    case.refresh_from_db()
    assert case.status == "in_progress" and not hasattr(case, "closure")
    readiness = api_as("aojiang").get(f"cases/{case.pk}/closure").json()["readiness"]
    assert readiness["can_complete"] is False and readiness["open_items"] == ["环境影响评价审批（报告表）"]


def test_completion_is_refused_before_the_plan_and_without_any_approved_item(build, api_as):
    entrusted = build.case("entrusted")
    answer = api_as("aojiang").post(f"cases/{entrusted.pk}/complete", {"handover": HANDOVER})
    assert answer.status_code == 409 and "尚未制定代办计划" in answer.json()["detail"]

    case = build.case()
    build.finish(case, "L02", on="2026-09-01", approved=False)
    with clock.frozen("2026-09-02"):
        plans.item_withdraw(actor=build.agent, item=build.item(case, "L05"), reason="业主调整建设方案")
    answer = api_as("aojiang").post(f"cases/{case.pk}/complete", {"handover": HANDOVER})
    assert answer.status_code == 409 and "没有获得批准的事项" in answer.json()["detail"]


def test_refused_and_withdrawn_items_count_as_finished_when_one_is_approved(build, api_as):
    case = build.case()
    build.finish(case, "L02", on="2026-09-01")
    with clock.frozen("2026-09-02"):
        plans.item_withdraw(actor=build.agent, item=build.item(case, "L05"), reason="改为报告书，另行办理")
        answer = api_as("aojiang").post(f"cases/{case.pk}/complete", {"handover": HANDOVER[:1]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["kind_label"] == "办结" and answer.json()["status"] == "completed"


def test_an_empty_or_bad_handover_list_is_refused_field_by_field_in_chinese(build, api_as):
    case = build.case()
    build.finish_all(case, on="2026-09-01")
    agent = api_as("aojiang")
    empty = agent.post(f"cases/{case.pk}/complete", {"handover": []})
    assert empty.status_code == 422
    assert empty.json()["fields"] == [
        {"field": "handover", "message": "请填写移交资料清单（向业主移交的批准文件、证照等）"}]
    bad = agent.post(f"cases/{case.pk}/complete", {"handover": [{"document": " ", "copies": 0}]})
    assert {d["field"]: d["message"] for d in bad.json()["fields"]} == {
        "handover.1.document": "第 1 行：请填写资料名称", "handover.1.copies": "第 1 行：份数应为 1 至 99"}
    missing = agent.post(f"cases/{case.pk}/complete", {})
    assert missing.status_code == 422 and missing.json()["fields"][0] == {"field": "handover", "message": "此项必填"}


def test_the_completion_form_lists_each_item_its_approval_number_timeliness_and_the_papers(build, api_as):
    case = build.case()
    build.finish(case, "L02", on="2026-09-01", approval_no="2609-330326-04-01-100001")
    build.finish(case, "L05", on="2026-09-03", approval_no="平环建〔2026〕88号")
    with clock.frozen("2026-09-04"):
        answer = api_as("aojiang").post(f"cases/{case.pk}/complete", {"handover": HANDOVER, "opinion": "同意办结"})
    detail = answer.json()
    assert detail["form"]["name"] == "代办项目办结单" and detail["workdays_used"] == 3
    assert [i["on_time"] for i in detail["items"]] == [True, True]
    text = read_text(api_as("aojiang").get(f"cases/{case.pk}/documents/completion.docx").content)
    for expected in ("代办项目办结单", case.project.name, "2609-330326-04-01-100001", "平环建〔2026〕88号",
                     "环境影响评价批复文件\n2\n复印件", "（应于2026年9月8日前归档）", "同意办结"):
        assert expected in text, expected
    assert case.transitions.last().to_status == "completed"
    assert case.request.public_steps.filter(text__contains="代办服务结束").exists()


def test_the_owner_signs_for_the_papers_from_its_own_account_before_filing(build, api_as):
    case = build.completed(on="2026-09-30")
    agent, owner = api_as("aojiang"), api_as(build.owner(case).username)
    with clock.frozen("2026-10-08"):
        refused = agent.post(f"cases/{case.pk}/file", {})
        assert refused.status_code == 409 and "业主尚未签收" in refused.json()["detail"]
        confirmed = owner.post(f"cases/{case.pk}/handover/confirm", {})
        assert confirmed.status_code == 200 and confirmed.json()["handover_signatory"] == "张*"
        assert agent.post(f"cases/{case.pk}/file", {}).status_code == 200
    case.closure.refresh_from_db()
    assert case.closure.handover_recorded_by is None and case.closure.filed_late is False


def test_staff_record_the_owners_signature_by_name(build, api_as):
    case = build.completed()
    agent = api_as("aojiang")
    unnamed = agent.post(f"cases/{case.pk}/handover/confirm", {})
    assert unnamed.status_code == 422 and unnamed.json()["fields"][0]["message"] == "请填写业主签收人姓名"
    answer = agent.post(f"cases/{case.pk}/handover/confirm", {"signatory": "王建华"})
    assert answer.json()["handover_signatory"] == "王**"
    case.closure.refresh_from_db()
    assert case.closure.handover_recorded_by.username == "aojiang"
    assert case.closure.document.signed_by_owner == "王建华"


def test_a_liaison_officer_or_another_units_agent_cannot_complete(build, api_as):
    case = build.case()
    build.finish_all(case, on="2026-09-01")
    assert api_as("fgj").post(f"cases/{case.pk}/complete", {"handover": HANDOVER}).status_code == 403
    assert api_as("kunyang").post(f"cases/{case.pk}/complete", {"handover": HANDOVER}).status_code == 404
    assert api_as(build.owner(case).username).post(f"cases/{case.pk}/complete",
                                                   {"handover": HANDOVER}).status_code == 403
