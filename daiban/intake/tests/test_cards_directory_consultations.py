"""Contact cards, the project directory and early-intervention consultations."""
from __future__ import annotations

from conftest import credit_code, request_payload
from daiban.audit.models import AuditEvent
from daiban.intake.models import Consultation, ContactCard, DirectoryEntry, Request

CODE = credit_code("91330326MA2Q5Y1K8")


def issue(api, **overrides):
    body = {"company_name": "平阳县示范机械有限公司", "credit_code": CODE, "project_name": "示范项目"}
    body.update(overrides)
    return api.post("cards", body)


def test_the_investment_promotion_bureau_issues_a_numbered_card(api_as):
    answer = issue(api_as("zsj"))
    assert answer.status_code == 201
    card = answer.json()
    assert card["number"].startswith("LXK") and card["issuer"] == "投资促进局" and not card["redeemed"]
    assert AuditEvent.objects.filter(event_type="intake.card_issued").exists()


def test_an_agent_cannot_issue_cards(api_as):
    assert issue(api_as("aojiang")).status_code == 403


def test_a_card_given_at_intake_marks_the_case_card_holding(api_as):
    number = issue(api_as("zsj")).json()["number"]
    body = api_as(None).post("public/requests", request_payload(credit_code=CODE, card_no=number)).json()
    row = Request.objects.get(tracking_no=body["tracking_no"])
    assert row.card.number == number and row.card.redeemed_at is not None
    case_id = api_as("aojiang").post(f"requests/{row.pk}/accept").json()["case_id"]
    assert api_as("aojiang").get(f"cases/{case_id}").json()["card_holding"] is True
    assert AuditEvent.objects.filter(event_type="intake.card_redeemed").exists()


def test_a_card_cannot_serve_another_company(api_as):
    number = issue(api_as("zsj")).json()["number"]
    before = Request.objects.count()
    answer = api_as(None).post("public/requests", request_payload(card_no=number))
    assert answer.status_code == 422 and "其他企业" in answer.json()["fields"][0]["message"]
    assert Request.objects.count() == before
    assert ContactCard.objects.get(number=number).redeemed_at is None


def test_a_reused_card_is_refused_and_nothing_is_written(api_as):
    number = issue(api_as("zsj")).json()["number"]
    public = api_as(None)
    assert public.post("public/requests", request_payload(credit_code=CODE, card_no=number)).status_code == 201
    before = Request.objects.count()
    again = public.post("public/requests", request_payload(credit_code=CODE, card_no=number, project_name="二期"))
    assert again.status_code == 422 and "已使用" in again.json()["fields"][0]["message"]
    assert Request.objects.count() == before


def test_a_consultation_is_logged_without_a_case(api_as):
    answer = api_as("aojiang").post("consultations", {"asker_name": "李先生", "asker_org": "某意向投资企业",
                                                      "question": "工业用地出让流程？", "answer": "介绍招拍挂流程及所需材料"})
    assert answer.status_code == 201
    row = Consultation.objects.get(pk=answer.json()["id"])
    assert row.request is None and row.body.region.name == "鳌江镇"
    assert api_as("aojiang").post("consultations", {"asker_name": "", "question": "", "answer": ""}).status_code == 422


def test_the_directory_is_fed_by_the_promotion_bodies_and_starts_a_case(api_as):
    api = api_as("zsj")
    answer = api.post("directory", {"category": "investment_promotion", "project_name": "新能源电机项目",
                                    "company_name": "温州某电机有限公司", "location": "腾蛟镇",
                                    "investment_wan": 15000})
    assert answer.status_code == 201
    entry = DirectoryEntry.objects.get(pk=answer.json()["id"])
    assert api.post("directory", {"category": "other", "project_name": "x", "company_name": "y",
                                  "location": "腾蛟镇", "investment_wan": 1}).status_code == 422
    assert api_as("aojiang").post("directory", {"category": "investment_promotion", "project_name": "x",
                                                "company_name": "y", "location": "腾蛟镇",
                                                "investment_wan": 1}).status_code == 403
    from daiban.intake.services import request_data_from_directory

    data = request_data_from_directory(entry)
    assert (data.project_name, data.location, data.directory_entry_id) == ("新能源电机项目", entry.location.code, entry.pk)


def test_an_owner_sees_only_its_own_cases(api_as):
    own = api_as("owner1").get("cases").json()["items"]
    assert [c["company"] for c in own] == ["平阳县鳌江精工传动有限公司"]
    other = Request.objects.get(idempotency_key="demo-2").case
    assert api_as("owner1").get(f"cases/{other.pk}").status_code == 404


def test_a_consultation_answer_links_the_guides_it_mentions(api_as, client, person):
    answer = api_as("aojiang").post("consultations", {"asker_name": "王女士", "question": "新建厂房要做环评吗？",
                                                      "answer": "需办理环评审批（报告表），并在开工前取得施工许可证"})
    from daiban.policy.models import ConsultationReference

    codes = set(ConsultationReference.objects.filter(consultation_id=answer.json()["id"])
                .values_list("catalog_item__code", flat=True))
    assert {"L05", "S04"} <= codes
    assert client.login(username="aojiang")
    assert "L05 环境影响评价审批" in client.get("/intake/consultations/").content.decode()
