"""The staff pages of the front door: consultations, the project directory and contact cards."""
from __future__ import annotations

import re

import pytest

from conftest import credit_code
from daiban.intake.models import Consultation, ContactCard, DirectoryEntry, Request
from daiban.intake.services import card_issue, consultation_log, directory_add


@pytest.fixture
def browse(client, person):
    def login(username: str):
        assert client.login(username=username)
        return client

    return login


def field_errors(html: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S))


CONSULTATION = {"asker_name": "李先生", "asker_org": "平阳县某机械公司", "asker_phone": "13900001111",
                "channel": "phone", "question": "新建厂房需要办理哪些审批？", "answer": "已介绍立项、规划、施工许可各阶段事项"}


def test_an_agent_logs_a_consultation_and_sees_it_listed(browse):
    aojiang = browse("aojiang")
    assert aojiang.get("/intake/consultations/").status_code == 200
    answer = aojiang.post("/intake/consultations/", CONSULTATION)
    assert answer.status_code == 302
    row = Consultation.objects.get(question=CONSULTATION["question"])
    assert row.body.name == "鳌江镇投资项目代办服务站" and row.channel == "phone"
    assert "新建厂房需要办理哪些审批" in aojiang.get("/intake/consultations/").content.decode()


def test_a_consultation_without_question_or_answer_is_refused_in_chinese(browse):
    answer = browse("aojiang").post("/intake/consultations/", {**CONSULTATION, "question": "", "answer": " ",
                                                                "asker_phone": "139-0000"})
    assert answer.status_code == 422
    errors = field_errors(answer.content.decode())
    assert "请填写咨询内容" in errors and "请填写政策解答" in errors and "联系电话应为数字" in errors
    assert not Consultation.objects.filter(question=CONSULTATION["question"]).exists()


def test_units_see_their_own_consultations_and_the_center_sees_all(browse, person):
    consultation_log(actor=person("aojiang"), asker_name="鳌江来客", question="鳌江工业地价几何", answer="答")
    assert "鳌江工业地价几何" not in browse("kunyang").get("/intake/consultations/").content.decode()
    center_page = browse("center").get("/intake/consultations/").content.decode()
    assert "鳌江工业地价几何" in center_page and "鳌***" in center_page and "鳌江来客" not in center_page


def test_the_inspector_reads_consultations_without_a_form_and_cannot_log(browse):
    inspector = browse("inspector")
    html = inspector.get("/intake/consultations/").content.decode()
    assert 'name="asker_name"' not in html
    assert inspector.post("/intake/consultations/", CONSULTATION).status_code == 403
    assert not Consultation.objects.filter(question=CONSULTATION["question"]).exists()


ENTRY = {"action": "entry", "entry-category": "investment_promotion", "entry-project_name": "智能装备产业园项目",
         "entry-company_name": "浙江智造装备有限公司", "entry-credit_code": "", "entry-contact_name": "周总",
         "entry-contact_phone": "13811112222", "entry-location": "330326401", "entry-industrial": "yes",
         "entry-investment_wan": "25000", "entry-description": "新建智能装备生产线"}


def test_investment_promotion_staff_add_a_directory_entry(browse):
    zsj = browse("zsj")
    assert "录入目录库项目" in zsj.get("/intake/directory/").content.decode()
    answer = zsj.post("/intake/directory/", ENTRY)
    assert answer.status_code == 302
    entry = DirectoryEntry.objects.get(project_name="智能装备产业园项目")
    assert entry.location.name == "鳌江园区" and entry.source_department.code == "zsj" and entry.industrial


def test_a_bad_directory_entry_shows_field_errors(browse):
    answer = browse("zsj").post("/intake/directory/", {**ENTRY, "entry-investment_wan": "-1",
                                                       "entry-location": "", "entry-project_name": ""})
    assert answer.status_code == 422
    errors = field_errors(answer.content.decode())
    assert "总投资应为大于 0 的数字" in errors and "建设地点" in errors and "请填写项目名称" in errors
    assert not DirectoryEntry.objects.filter(company_name="浙江智造装备有限公司").exists()


def test_an_agent_registers_a_request_from_a_directory_entry(browse, person):
    entry = directory_add(actor=person("zsj"), category="investment_promotion", project_name="目录库项目甲",
                          company_name="甲公司", credit_code=credit_code("91330326MA2H8K7Q3"),
                          contact_name="吴经理", contact_phone="13822223333", location="鳌江镇",
                          investment_wan="8000")
    aojiang = browse("aojiang")
    listing = aojiang.get("/intake/directory/").content.decode()
    assert f"/cases/requests/new/?directory={entry.pk}" in listing and "据此登记代办" in listing
    assert "录入目录库项目" not in listing and "发放代办联系卡" not in listing
    form = aojiang.get(f"/cases/requests/new/?directory={entry.pk}").content.decode()
    assert 'value="目录库项目甲"' in form and 'value="13822223333"' in form
    assert re.search(r'<option value="330326101" selected>鳌江镇</option>', form)
    token = re.search(r'name="token" value="([0-9a-f]+)"', form).group(1)
    fields = {"source": "department", "company_name": "甲公司", "credit_code": entry.credit_code,
              "contact_name": "吴经理", "contact_phone": "13822223333", "project_name": "目录库项目甲",
              "location": "330326101", "category": "investment_promotion", "industrial": "yes",
              "investment_wan": "8000", "directory_entry": str(entry.pk), "token": token}
    assert aojiang.post("/cases/requests/new/", fields).status_code == 302
    row = Request.objects.get(idempotency_key__endswith=f":{token}")
    assert row.directory_entry == entry and row.source == "department"
    entry.refresh_from_db()
    assert entry.status == "in_agency"


def test_a_commerce_officer_issues_a_card_that_is_then_used_once(browse, person):
    swj = browse("swj")
    answer = swj.post("/intake/directory/", {"action": "card", "card-company_name": "乙公司",
                                             "card-credit_code": credit_code("91330326MA2H8K7Q4"),
                                             "card-project_name": "乙项目", "card-kind": "full_service"})
    assert answer.status_code == 302
    card = ContactCard.objects.get(project_name="乙项目")
    assert card.issuer.code == "swj"
    html = swj.get("/intake/directory/").content.decode()
    assert card.number in html and "未使用" in html


def test_a_card_with_a_bad_credit_code_is_refused_and_an_agent_cannot_issue_cards(browse):
    bad = browse("zsj").post("/intake/directory/", {"action": "card", "card-company_name": "丙公司",
                                                    "card-credit_code": "123", "card-project_name": "丙项目",
                                                    "card-kind": "full_service"})
    assert bad.status_code == 422 and field_errors(bad.content.decode())
    refused = browse("aojiang").post("/intake/directory/", {"action": "card", "card-company_name": "丙公司",
                                                            "card-credit_code": credit_code("91330326MA2H8K7Q5"),
                                                            "card-project_name": "丙项目", "card-kind": "full_service"})
    assert refused.status_code == 403
    assert not ContactCard.objects.filter(project_name="丙项目").exists()


def test_the_directory_lists_cards_and_filters_by_category(browse, person):
    card = card_issue(actor=person("ztpt"), company_name="丁公司", credit_code=credit_code("91330326MA2H8K7Q6"),
                      project_name="丁项目")
    directory_add(actor=person("ztpt"), category="government_investment", project_name="政府投资项目乙",
                  company_name="平阳县城投", location="昆阳镇", investment_wan="3000", industrial=False)
    center = browse("center")
    html = center.get("/intake/directory/").content.decode()
    assert card.number in html and "政府投资项目乙" in html
    filtered = center.get("/intake/directory/", {"category": "investment_promotion"}).content.decode()
    assert "政府投资项目乙" not in filtered


def test_an_owner_only_account_cannot_open_the_directory(browse, person):
    from daiban.org.models import User
    from daiban.org.services import role_grant

    owner = User.objects.create_user(username="owner-x", password="demo-pass-2026")
    role_grant(actor=None, user=owner, role="owner")
    assert browse("owner-x").get("/intake/directory/").status_code == 403
    assert browse("owner-x").get("/intake/consultations/").status_code == 403
