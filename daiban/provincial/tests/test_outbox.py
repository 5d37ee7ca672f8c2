"""Every reported event is queued in the transaction of its cause, once, with a stable message id."""
from __future__ import annotations

import pytest
from django.db import transaction

from conftest import request_payload
from daiban.cases.provincial_reports import provincial_enqueue
from daiban.cases.services import request_accept
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.provincial.models import ProvincialMessage

pytestmark = pytest.mark.django_db


def test_acceptance_is_queued_with_the_case_and_rolled_back_with_it(person):
    with clock.frozen("2026-09-01"):
        request, _ = request_submit(data=RequestData(**request_payload()))
        with pytest.raises(RuntimeError), transaction.atomic():
            request_accept(actor=person("aojiang"), request=request)
            raise RuntimeError("the acceptance fails after the report was queued")
        assert not ProvincialMessage.objects.filter(message_id__contains=request.tracking_no).exists()
        case = request_accept(actor=person("aojiang"), request=request)
    message = ProvincialMessage.objects.get(case=case)
    assert message.event == "acceptance" and message.status == "pending"
    assert message.message_id == f"daiban-{request.tracking_no}-acceptance"
    payload = message.payload
    assert payload["event_label"] == "受理" and payload["occurred_at"] == "2026-09-01T10:00:00+08:00"
    assert payload["case"]["tracking_no"] == request.tracking_no
    assert payload["case"]["unit"]["region_code"] == "330326101"
    assert payload["owner"]["credit_code"] == request.company.credit_code and payload["sender"]["area_code"] == "330326"


def test_each_items_result_is_queued_once_with_its_approval_number(build):
    case = build.case()
    build.finish(case, "L02", on="2026-09-02", approval_no="2609-330326-04-01-600006")
    build.finish(case, "L05", on="2026-09-03", approved=False)
    rows = {m.payload["item"]["code"]: m for m in ProvincialMessage.objects.filter(case=case, event="item_result")}
    assert rows["L02"].payload["item"] == {
        "code": "L02", "name": "企业投资项目备案（赋码）", "department": "发展和改革局", "result": "approved",
        "result_label": "已办结", "approval_no": "2609-330326-04-01-600006", "started_on": "2026-09-02",
        "due_on": "2026-09-03", "finished_on": "2026-09-02", "on_time": True, "note": None}
    refused = rows["L05"].payload["item"]
    assert refused["result"] == "refused" and refused["note"] == "不符合产业政策"
    assert rows["L02"].message_id.endswith("-item-L02-approved")
    again = provincial_enqueue(event="item_result", case=case, item=build.item(case, "L02"))
    assert again.pk == rows["L02"].pk and ProvincialMessage.objects.filter(case=case).count() == 4
    # 备案赋码's approval number is the project code: written to the case and reported as such
    assert ProvincialMessage.objects.filter(case=case, event="project_code").count() == 1


def test_completion_and_termination_are_reported_with_every_item(build, api_as):
    completed = build.completed(on="2026-09-30")
    report = ProvincialMessage.objects.get(case=completed, event="completion").payload
    assert report["case"]["status"] == "completed" and report["closure"]["kind_label"] == "办结"
    assert report["closure"]["filing_due_on"] == "2026-10-09" and len(report["closure"]["items"]) == 2
    assert {i["approval_no"] for i in report["closure"]["items"]} == {f"2609-330326-04-01-{completed.pk:06d}",
                                                                     "平批〔2026〕L05号"}
    assert report["project"]["code"] == f"2609-330326-04-01-{completed.pk:06d}"

    case = build.case()
    with clock.frozen("2026-09-02"):
        api_as("aojiang").post(f"cases/{case.pk}/terminate", {"reason": "项目停建", "reason_kind": "project"})
    report = ProvincialMessage.objects.get(case=case, event="termination").payload
    assert report["closure"]["reason_kind"] == "project" and report["closure"]["reason"] == "项目停建"
    assert {i["result"] for i in report["closure"]["items"]} == {"withdrawn"}
