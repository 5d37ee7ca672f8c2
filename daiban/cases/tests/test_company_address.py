"""The company's address: asked on every request channel, printed on the forms, entered or corrected on the case
by its staff (audited, masked where personal data are masked), and the forms issued again (issue 9 §4)."""
from __future__ import annotations

import pytest

from conftest import credit_code, request_payload
from daiban.audit.models import AuditEvent
from daiban.cases.models import Case, CaseDocument
from daiban.documents.layout import read_text
from daiban.intake.models import Request

pytestmark = pytest.mark.django_db

ADDRESS = "平阳县鳌江镇兴港路88号"
NEW_ADDRESS = "平阳县鳌江镇滨江路166号3幢"


def registration_text(case_id: int) -> str:
    latest = CaseDocument.objects.filter(case_id=case_id, kind="registration").order_by("-version").first()
    return read_text(bytes(latest.content))


def accepted(api_as, **payload) -> int:
    body = api_as(None).post("public/requests", request_payload(investment_wan=3000, category="other",
                                                                **payload)).json()
    row = Request.objects.get(tracking_no=body["tracking_no"])
    return api_as("aojiang").post(f"requests/{row.pk}/accept").json()["case_id"]


def test_the_public_api_keeps_the_address_and_the_registration_form_prints_it(api_as):
    case_id = accepted(api_as)
    assert Case.objects.get(pk=case_id).request.company_address == ADDRESS
    assert f"地址\n{ADDRESS}" in registration_text(case_id)


def test_the_staff_api_and_the_window_form_keep_the_address(api_as, client):
    answer = api_as("aojiang").post("cases", {**request_payload(credit_code=credit_code("91330326MA2H8K7A1")),
                                              "source": "phone"})
    assert Request.objects.get(pk=answer.json()["request_id"]).company_address == ADDRESS
    assert client.login(username="aojiang")
    fields = {k: v for k, v in request_payload(credit_code=credit_code("91330326MA2H8K7A2"),
                                               company_address=NEW_ADDRESS).items() if k not in ("industrial",)}
    client.post("/cases/requests/new/", {**fields, "location": "330326101", "industrial": "yes",
                                          "source": "window", "token": "address-window"})
    assert Request.objects.get(idempotency_key__endswith=":address-window").company_address == NEW_ADDRESS


@pytest.mark.parametrize("path", ["/portal/apply/", "/portal/m/apply/"])
def test_the_website_and_the_phone_page_ask_for_the_address(client, path):
    fields = {**request_payload(company_address="", credit_code=credit_code("91330326MA2H8K7A3")),
              "location": "330326101", "industrial": "1", "investment_wan": "12000", "voluntary": "on",
              "token": f"address{path.count('m')}"}
    answer = client.post(path, fields)
    assert answer.status_code == 422 and "请填写单位地址" in answer.content.decode()
    assert "单位地址" in client.get(path).content.decode()
    client.post(path, {**fields, "company_address": ADDRESS})
    assert Request.objects.get(idempotency_key=fields["token"]).company_address == ADDRESS


def test_staff_correct_the_address_and_the_forms_are_issued_again_with_it(api_as, client):
    case_id = accepted(api_as, company_address="")
    agent = api_as("aojiang")
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02"]})
    assert "地址\n\n" in registration_text(case_id) or f"地址\n{NEW_ADDRESS}" not in registration_text(case_id)
    before = CaseDocument.objects.filter(case_id=case_id, kind="agreement").count()
    answer = agent.put(f"cases/{case_id}/company-address", {"address": f"  {NEW_ADDRESS} "})
    assert answer.status_code == 200
    assert answer.json()["project"]["company_address"] == "平阳县鳌江镇****"
    assert f"地址\n{NEW_ADDRESS}" in registration_text(case_id)
    agreements = CaseDocument.objects.filter(case_id=case_id, kind="agreement").order_by("version")
    assert agreements.count() == before + 1 and f"地址：{NEW_ADDRESS}" in read_text(bytes(agreements.last().content))
    event = AuditEvent.objects.filter(event_type="case.company_address_set").latest("pk")
    assert NEW_ADDRESS not in str(event.new) and "平阳县鳌江镇****" in str(event.new)
    again = agent.put(f"cases/{case_id}/company-address", {"address": NEW_ADDRESS})  # the same: nothing new
    assert again.status_code == 200 and agreements.count() == before + 1
    assert client.login(username="aojiang")
    page = client.get(f"/cases/{case_id}/").content.decode()
    assert "平阳县鳌江镇****" in page and NEW_ADDRESS not in page


def test_an_empty_or_over_long_address_is_refused_in_chinese(api_as):
    case_id = accepted(api_as)
    agent = api_as("aojiang")
    empty = agent.put(f"cases/{case_id}/company-address", {"address": "  "})
    assert empty.status_code == 422 and empty.json()["fields"][0] == {"field": "address", "message": "请填写单位地址"}
    long = agent.put(f"cases/{case_id}/company-address", {"address": "鳌" * 121})
    assert long.status_code == 422 and "单位地址过长（最多 120 字）" in long.json()["fields"][0]["message"]
    assert Case.objects.get(pk=case_id).request.company_address == ADDRESS


def test_only_staff_with_rights_on_the_case_may_set_the_address(api_as):
    case_id = accepted(api_as)
    assert api_as("kunyang").put(f"cases/{case_id}/company-address", {"address": NEW_ADDRESS}).status_code == 404
    assert api_as("fgj").put(f"cases/{case_id}/company-address", {"address": NEW_ADDRESS}).status_code in (403, 404)
    assert Case.objects.get(pk=case_id).request.company_address == ADDRESS
