"""The staff pages of a case: the list, the case page, the entrusted items, the team and the papers."""
from __future__ import annotations

import re

import pytest

from conftest import credit_code, request_payload
from daiban.cases import agency_team
from daiban.cases.models import Case, CaseDocument
from daiban.cases.selectors import team_of
from daiban.cases.services import request_accept
from daiban.intake.models import Request


@pytest.fixture
def browse(client, person):
    def login(username: str):
        assert client.login(username=username)
        return client

    return login


@pytest.fixture
def new_case(api_as, person):
    """An accepted 鳌江镇 case (by default the 1.2亿元 industrial investment-promotion project)."""

    def make(**overrides) -> Case:
        body = api_as(None).post("public/requests", request_payload(**overrides)).json()
        row = Request.objects.get(tracking_no=body["tracking_no"])
        return request_accept(actor=person("aojiang"), request=row)

    return make


def field_errors(html: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S))


def test_the_case_list_shows_cases_in_scope_only(browse, new_case):
    case = new_case()
    html = browse("aojiang").get("/cases/").content.decode()
    assert case.request.tracking_no in html and "未指派" in html and 'name="unit"' not in html
    assert case.request.tracking_no not in browse("kunyang").get("/cases/").content.decode()
    county = browse("center").get("/cases/", {"status": "accepted", "unit": case.unit_id}).content.decode()
    assert case.request.tracking_no in county and 'name="unit"' in county
    assert case.request.tracking_no not in browse("center").get("/cases/", {"status": "completed"}).content.decode()


@pytest.mark.parametrize("username", ["aojiang", "center", "inspector", "leader", "ajadmin"])
def test_the_case_page_opens_for_the_unit_the_center_and_the_readers(browse, new_case, username):
    case = new_case()
    page = browse(username).get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "已受理" in html and case.project.name in html and "代办登记表" in html


def test_the_case_page_answers_404_outside_the_scope(browse, new_case):
    case = new_case()
    kunyang = browse("kunyang")
    for path in ("", "agreement/", "team/", "documents/registration.docx"):
        assert kunyang.get(f"/cases/{case.pk}/{path}").status_code == 404, path
    assert kunyang.post(f"/cases/{case.pk}/", {"action": "major"}).status_code == 404


def test_the_case_page_shows_items_team_rules_and_collaboration(browse, new_case):
    case = new_case()
    html = browse("aojiang").get(f"/cases/{case.pk}/").content.decode()
    assert agency_team.RULE_MESSAGES["lead_leader"] in html and agency_team.RULE_MESSAGES["supervisor"] in html
    assert "三部门协同" in html and "项目引进" in html
    assert f"/cases/{case.pk}/agreement/" in html and f"/cases/{case.pk}/team/" in html
    assert "认定为重大项目" not in html, "only the center designates major projects"


def test_a_small_project_has_no_leader_rules_and_no_collaboration(browse, new_case):
    case = new_case(category="other", investment_wan=800)
    html = browse("aojiang").get(f"/cases/{case.pk}/").content.decode()
    assert agency_team.RULE_MESSAGES["lead_leader"] not in html and "三部门协同" not in html


def test_readers_see_no_forms_and_their_posts_are_refused(browse, new_case):
    case = new_case()
    inspector = browse("inspector")
    html = inspector.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="action"' not in html and "/agreement/" not in html and "/team/" not in html
    assert inspector.get(f"/cases/{case.pk}/agreement/").status_code == 403
    assert inspector.get(f"/cases/{case.pk}/team/").status_code == 403
    assert inspector.post(f"/cases/{case.pk}/agreement/", {"item_codes": ["L02"]}).status_code == 403
    assert inspector.post(f"/cases/{case.pk}/", {"action": "sign", "kind": "registration",
                                                  "owner_signatory": "张伟"}).status_code == 403
    assert inspector.post(f"/cases/{case.pk}/", {"action": "major", "major": "1"}).status_code == 403
    case.refresh_from_db()
    assert case.items.count() == 0 and not case.project.major
    assert not case.documents.filter(signed_at__isnull=False).exists()


def test_the_agreement_form_groups_items_by_stage_and_sets_the_chosen_ones(browse, new_case):
    case = new_case()
    aojiang = browse("aojiang")
    form = aojiang.get(f"/cases/{case.pk}/agreement/").content.decode()
    assert "立项用地规划许可" in form and "施工许可" in form and "全选" in form and "发展和改革局" in form
    answer = aojiang.post(f"/cases/{case.pk}/agreement/", {"item_codes": ["L02", "L05", "S04"]})
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.status == "entrusted"
    assert sorted(case.items.values_list("catalog_item__code", flat=True)) == ["L02", "L05", "S04"]
    assert case.documents.filter(kind=CaseDocument.Kind.AGREEMENT).exists()
    again = aojiang.get(f"/cases/{case.pk}/agreement/").content.decode()
    assert 'value="L05" checked' in again


def test_an_empty_or_unknown_choice_of_items_is_refused_in_chinese(browse, new_case):
    case = new_case()
    aojiang = browse("aojiang")
    empty = aojiang.post(f"/cases/{case.pk}/agreement/", {})
    assert empty.status_code == 422 and "请至少选择一个委托代办事项" in field_errors(empty.content.decode())
    unknown = aojiang.post(f"/cases/{case.pk}/agreement/", {"item_codes": ["L02", "ZZ99"]})
    assert unknown.status_code == 422 and "ZZ99" in field_errors(unknown.content.decode())
    case.refresh_from_db()
    assert case.status == "accepted" and case.items.count() == 0


def test_the_team_form_is_prefilled_with_the_proposal(browse, new_case):
    case = new_case()
    html = browse("aojiang").get(f"/cases/{case.pk}/team/").content.decode()
    proposal = agency_team.propose(case).as_usernames()
    assert re.search(rf'<option value="{proposal["agent"]}" selected>', html)
    assert re.search(rf'<option value="{proposal["lead_leader"]}" selected>', html)
    assert "系统按规则建议" in html


def test_a_team_without_a_lead_leader_breaks_the_5000_wan_rule_and_is_shown_why(browse, new_case):
    case = new_case(investment_wan=6000)  # ≥ 5000万: a section-level leader leads; below 1亿: no supervisor
    answer = browse("aojiang").post(f"/cases/{case.pk}/team/", {"agent": "aojiang"})
    assert answer.status_code == 422
    errors = field_errors(answer.content.decode())
    assert agency_team.RULE_MESSAGES["lead_leader"] in errors
    assert agency_team.RULE_MESSAGES["supervisor"] not in errors
    assert team_of(case)["agent"] is None


def test_a_lawful_team_is_saved(browse, new_case):
    case = new_case()
    aojiang = browse("aojiang")
    aojiang.post(f"/cases/{case.pk}/agreement/", {"item_codes": ["L02", "L05", "S04"]})
    proposal = agency_team.propose(case).as_usernames()
    fields = {k: v for k, v in proposal.items() if v and k != "liaisons"}
    answer = aojiang.post(f"/cases/{case.pk}/team/", {**fields, "liaisons": proposal["liaisons"]})
    assert answer.status_code == 302, field_errors(answer.content.decode())
    assert team_of(case) == proposal
    html = aojiang.get(f"/cases/{case.pk}/").content.decode()
    assert "王建国" in html and "牵头代办领导" in html


def test_the_registration_form_downloads_as_docx(browse, new_case):
    case = new_case()
    answer = browse("aojiang").get(f"/cases/{case.pk}/documents/registration.docx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert answer.content[:2] == b"PK"
    assert browse("aojiang").get(f"/cases/{case.pk}/documents/completion.docx").status_code == 404


def test_the_owners_signature_is_recorded_and_needs_a_name(browse, new_case):
    case = new_case()
    aojiang = browse("aojiang")
    empty = aojiang.post(f"/cases/{case.pk}/", {"action": "sign", "kind": "registration", "owner_signatory": ""})
    assert empty.status_code == 422 and "请填写业主签字人" in field_errors(empty.content.decode())
    aojiang.post(f"/cases/{case.pk}/", {"action": "sign", "kind": "registration", "owner_signatory": "张伟"})
    document = case.documents.get(kind="registration")
    assert document.signed_by_owner == "张伟" and document.signed_at is not None
    assert "已签署" in aojiang.get(f"/cases/{case.pk}/").content.decode()


def test_a_collaboration_phase_is_updated_from_the_case_page(browse, new_case):
    case = new_case()
    answer = browse("aojiang").post(f"/cases/{case.pk}/", {
        "action": "collaboration", "phase": "introduction", "handed_over_at": "2026-03-01",
        "handed_over_to": "鳌江镇投资项目代办服务站", "note": "项目资料已移交"})
    assert answer.status_code == 302
    row = case.collaboration.get(phase="introduction")
    assert str(row.handed_over_at) == "2026-03-01" and row.note == "项目资料已移交"
    bad = browse("aojiang").post(f"/cases/{case.pk}/", {"action": "collaboration", "phase": "introduction",
                                                         "handed_over_at": "昨天"})
    assert bad.status_code == 422 and "请输入正确的日期" in field_errors(bad.content.decode())


def test_only_the_center_designates_a_major_project(browse, new_case):
    case = new_case(investment_wan=3000)
    assert browse("aojiang").post(f"/cases/{case.pk}/", {"action": "major", "major": "1"}).status_code == 403
    center = browse("center")
    assert "认定为重大项目" in center.get(f"/cases/{case.pk}/").content.decode()
    center.post(f"/cases/{case.pk}/", {"action": "major", "major": "1"})
    case.project.refresh_from_db()
    assert case.project.major
    assert agency_team.chief_agent_message() in center.get(f"/cases/{case.pk}/").content.decode()


def test_the_home_page_lists_cases_awaiting_their_agreement(browse, new_case):
    case = new_case()
    html = browse("aojiang").get("/").content.decode()
    assert "已受理待签协议" in html and case.request.tracking_no in html and "待选择委托事项" in html


def test_an_owner_sees_its_own_case_and_chooses_the_items_but_not_the_team(browse, new_case):
    from daiban.org.models import User
    from daiban.org.services import role_grant

    case, other = new_case(), new_case(company_name="另一家公司", credit_code=credit_code("91330326MA2H8K7Q5"))
    owner = User.objects.create_user(username="owner-aj", password="demo-pass-2026", full_name="张伟")
    role_grant(actor=None, user=owner, role="owner")
    case.project.company.owner_users.add(owner)
    page = browse("owner-aj")
    listing = page.get("/cases/").content.decode()
    assert case.request.tracking_no in listing and other.request.tracking_no not in listing
    assert page.get(f"/cases/{other.pk}/").status_code == 404
    assert 'name="action"' not in page.get(f"/cases/{case.pk}/").content.decode()
    assert page.post(f"/cases/{case.pk}/agreement/", {"item_codes": ["L02"]}).status_code == 302
    assert page.get(f"/cases/{case.pk}/team/").status_code == 403
