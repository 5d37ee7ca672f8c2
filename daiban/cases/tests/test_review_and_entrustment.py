"""Review, acceptance, the entrusted items and the forms they produce."""
from __future__ import annotations

import io

import pytest
from docx import Document

from conftest import request_payload
from daiban.cases.models import Case, CaseDocument
from daiban.documents.layout import read_text
from daiban.intake.models import Request


@pytest.fixture
def new_request(api_as):
    def make(**overrides) -> Request:
        body = api_as(None).post("public/requests", request_payload(**overrides)).json()
        return Request.objects.get(tracking_no=body["tracking_no"])

    return make


def test_a_unit_lists_its_new_requests_and_accepts_one(api_as, new_request):
    row = new_request()
    aojiang = api_as("aojiang")
    listed = aojiang.get("requests", {"status": "new"}).json()["items"]
    assert {"id": row.pk, "tracking_no": row.tracking_no} == {k: listed[0][k] for k in ("id", "tracking_no")}
    answer = aojiang.post(f"requests/{row.pk}/accept")
    assert answer.status_code == 200
    case = Case.objects.get(pk=answer.json()["case_id"])
    assert case.status == "accepted" and case.unit == row.unit
    again = aojiang.post(f"requests/{row.pk}/accept")
    assert again.json()["case_id"] == case.pk and Case.objects.filter(request=row).count() == 1


def test_another_units_agent_neither_sees_nor_accepts_the_request(api_as, new_request):
    row = new_request()
    kunyang = api_as("kunyang")
    assert kunyang.get("requests", {"status": "new"}).json() == {"items": [], "total": 0, "next_cursor": None}
    assert kunyang.post(f"requests/{row.pk}/accept").status_code == 404
    assert kunyang.get(f"requests/{row.pk}").status_code == 404


def test_a_kunyang_agent_gets_404_for_an_aojiang_case_on_api_and_page(api_as, new_request, client, person):
    row = new_request()
    case_id = api_as("aojiang").post(f"requests/{row.pk}/accept").json()["case_id"]
    assert api_as("kunyang").get(f"cases/{case_id}").status_code == 404
    assert api_as("center").get(f"cases/{case_id}").status_code == 200
    assert api_as("inspector").get(f"cases/{case_id}").status_code == 200
    assert client.login(username="kunyang")
    assert client.get(f"/cases/{case_id}/").status_code == 404
    assert client.login(username="aojiang")
    assert client.get(f"/cases/{case_id}/").status_code == 200


def test_a_rejection_needs_a_reason_the_owner_then_sees(api_as, new_request):
    row = new_request()
    aojiang = api_as("aojiang")
    assert aojiang.post(f"requests/{row.pk}/reject", {"reason": " "}).status_code == 422
    assert aojiang.post(f"requests/{row.pk}/reject", {"reason": "项目不符合本县产业导向"}).status_code == 200
    progress = api_as(None).get("public/progress", {"tracking_no": row.tracking_no, "query_code": row.query_code})
    assert progress.json()["steps"][-1]["text"] == "不予受理：项目不符合本县产业导向"


def test_the_inspector_reads_but_cannot_accept(api_as, new_request):
    row = new_request()
    assert api_as("inspector").get(f"requests/{row.pk}").status_code == 200
    assert api_as("inspector").post(f"requests/{row.pk}/accept").status_code == 403
    assert Request.objects.get(pk=row.pk).status == "new"


def test_the_owner_chooses_some_items_and_the_agreement_lists_exactly_those(api_as, new_request):
    row = new_request()
    aojiang = api_as("aojiang")
    case_id = aojiang.post(f"requests/{row.pk}/accept").json()["case_id"]
    answer = aojiang.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "L05", "S04"]})
    assert answer.status_code == 200
    case = answer.json()
    assert case["status"] == "entrusted" and [i["code"] for i in case["items"]] == ["L02", "L05", "S04"]
    document = CaseDocument.objects.filter(case_id=case_id, kind="agreement").latest("generated_at")
    text = read_text(bytes(document.content))
    for expected in ("企业投资项目备案", "环境影响评价", "建筑工程施工许可证", "全程免费", "代办不包办", row.company_name):
        assert expected in text
    assert "不动产权证书" not in text
    downloaded = aojiang.get(f"/api/v1/cases/{case_id}/documents/agreement.docx")
    assert downloaded.status_code == 200
    assert read_text(downloaded.content) == text
    Document(io.BytesIO(downloaded.content))  # a well-formed .docx


def test_the_registration_form_carries_the_request(api_as, new_request):
    row = new_request(project_code="2609-330326-04-01-123456")
    case_id = api_as("aojiang").post(f"requests/{row.pk}/accept").json()["case_id"]
    text = read_text(bytes(CaseDocument.objects.get(case_id=case_id, kind="registration").content))
    for expected in (row.project_name, row.company_name, row.company.credit_code, "2609-330326-04-01-123456",
                     "鳌江镇", "13857712345", "王建国"):
        assert expected in text, expected


def test_unknown_item_codes_answer_422_and_change_nothing(api_as, new_request):
    row = new_request()
    aojiang = api_as("aojiang")
    case_id = aojiang.post(f"requests/{row.pk}/accept").json()["case_id"]
    answer = aojiang.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "X99"]})
    assert answer.status_code == 422 and "X99" in answer.json()["fields"][0]["message"]
    assert Case.objects.get(pk=case_id).items.count() == 0
    assert not CaseDocument.objects.filter(case_id=case_id, kind="agreement").exists()


def test_signing_the_agreement_is_recorded(api_as, new_request):
    row = new_request()
    aojiang = api_as("aojiang")
    case_id = aojiang.post(f"requests/{row.pk}/accept").json()["case_id"]
    aojiang.post(f"cases/{case_id}/agreement", {"item_codes": ["L02"]})
    answer = aojiang.post(f"cases/{case_id}/documents/agreement/sign", {"owner_signatory": "张伟"})
    assert answer.status_code == 200
    assert [d["signed"] for d in answer.json()["documents"] if d["kind"] == "agreement"] == [True]


def test_window_registration_by_staff_records_the_source(api_as):
    answer = api_as("aojiang").post("cases", {**request_payload(), "source": "phone"})
    assert answer.status_code == 201
    row = Request.objects.get(pk=answer.json()["request_id"])
    assert row.source == "phone" and row.registered_by.username == "aojiang"
    assert api_as("kunyang").post("cases", request_payload()).status_code == 422  # not its locality


def test_a_staff_idempotency_key_is_the_callers_own(api_as):
    first = api_as("aojiang").post("cases", request_payload(), headers={"Idempotency-Key": "k-1"})
    again = api_as("aojiang").post("cases", request_payload(), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    other = api_as("ajadmin").post("cases", request_payload(), headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 201 and other.json()["request_id"] != first.json()["request_id"]


def test_an_owner_cannot_read_the_directory(api_as):
    assert api_as("owner1").get("directory").status_code == 403
    assert api_as("aojiang").get("directory").status_code == 200


def test_alternative_items_are_entrusted_one_or_the_other(api_as, new_request):
    row = new_request()
    aojiang = api_as("aojiang")
    case_id = aojiang.post(f"requests/{row.pk}/accept").json()["case_id"]
    answer = aojiang.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "L05", "L05C"]})
    assert answer.status_code == 422 and "L05与L05C只能择一委托" in answer.json()["fields"][0]["message"]
    assert aojiang.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "L05C"]}).status_code == 200
