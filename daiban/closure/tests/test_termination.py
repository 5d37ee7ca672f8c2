"""Termination (§6.8): on the owner's request at any time, or for the project's own reasons."""
from __future__ import annotations

import pytest

from daiban.documents.layout import read_text
from daiban.lib import clock
from daiban.notify.models import Notification
from daiban.plans.models import ItemTransition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("stage", ["accepted", "entrusted", "in_progress"])
def test_the_owner_terminates_from_its_own_account_in_every_open_state(build, api_as, stage):
    case = build.case(stage)
    with clock.frozen("2026-09-30"):
        answer = api_as(build.owner(case).username).post(
            f"cases/{case.pk}/terminate", {"reason": "投资方变更，业主书面申请终止委托代办"})
    assert answer.status_code == 200, answer.content
    detail = answer.json()
    assert (detail["status"], detail["kind"], detail["reason_kind"]) == ("terminated", "termination", "owner_request")
    assert detail["requested_by_owner"] is True and detail["filing"]["due_on"] == "2026-10-09"
    case.refresh_from_db()
    assert case.transitions.last().from_status == stage and case.transitions.last().to_status == "terminated"
    assert all(i.status == "withdrawn" for i in case.items.all())
    assert Notification.objects.filter(recipient__username="aojiang", subject__startswith="委托代办已终止").exists()


def test_staff_record_a_termination_for_the_projects_own_reasons(build, api_as):
    case = build.case()
    build.finish(case, "L02", on="2026-09-01", approval_no="2609-330326-04-01-200002")
    with clock.frozen("2026-09-02"):
        answer = api_as("aojiang").post(f"cases/{case.pk}/terminate", {
            "reason": "项目用地规划调整，暂缓建设", "reason_kind": "project",
            "returned": [{"document": "营业执照（副本）", "copies": 1, "original": False}]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["reason_kind_label"] == "项目自身原因" and answer.json()["requested_by_owner"] is False
    text = read_text(api_as("aojiang").get(f"cases/{case.pk}/documents/termination.docx").content)
    assert "代办项目委托终止单" in text and "☐业主申请　☑项目自身原因" in text
    assert "具体情况：项目用地规划调整，暂缓建设" in text and "营业执照（副本）\n1\n复印件" in text
    done, undone = text.index("终止时已办结事项"), text.index("终止时未办结事项")
    assert done < text.index("2609-330326-04-01-200002", done) < undone < text.index("待派单，终止时撤回")
    assert "项目代码\n2609-330326-04-01-200002" in text  # the filing's code is the project's, printed on the form


def test_open_items_are_withdrawn_as_rows_and_their_liaison_officers_told(build, api_as):
    case = build.case()
    with clock.frozen("2026-09-01"):
        from daiban.plans import services as plans

        plans.item_dispatch(actor=build.agent, item=build.item(case, "L05"))
        plans.item_start(actor=build.item(case, "L05").liaison, item=build.item(case, "L05"))
        plans.item_pause(actor=build.item(case, "L05").liaison, item=build.item(case, "L05"), kind="expert_review",
                         reason="专家评审")
    with clock.frozen("2026-09-03"):
        api_as("aojiang").post(f"cases/{case.pk}/terminate", {"reason": "业主书面申请终止"})
    l05 = build.item(case, "L05")
    assert l05.status == "withdrawn" and l05.finished_on.isoformat() == "2026-09-03"
    assert l05.pauses.get().ended_on.isoformat() == "2026-09-03"
    last = ItemTransition.objects.filter(item=l05).last()
    assert (last.from_status, last.to_status, last.by.username) == ("suspended", "withdrawn", "aojiang")
    assert Notification.objects.filter(recipient__username="sthj", subject__startswith="事项撤回").exists()


def test_a_termination_without_a_reason_or_with_an_unknown_kind_is_refused_in_chinese(build, api_as):
    case = build.case()
    answer = api_as("aojiang").post(f"cases/{case.pk}/terminate", {"reason": " ", "reason_kind": "other"})
    assert answer.status_code == 422
    assert {d["field"]: d["message"] for d in answer.json()["fields"]} == {
        "reason": "请填写终止原因的具体情况",
        "reason_kind": "终止原因应为业主申请（owner_request）或项目自身原因（project）"}


def test_another_companys_owner_or_a_liaison_officer_cannot_terminate(build, api_as):
    case = build.case()
    assert api_as("owner1").post(f"cases/{case.pk}/terminate", {"reason": "x"}).status_code == 404
    assert api_as("fgj").post(f"cases/{case.pk}/terminate", {"reason": "x"}).status_code in (403, 404)
    case.refresh_from_db()
    assert case.status == "in_progress"
