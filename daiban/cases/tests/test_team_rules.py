"""The team by the seed's rules: leaders at 5000万 and 1亿, a chief agent for major projects."""
from __future__ import annotations

import pytest

from conftest import request_payload
from daiban.cases.models import Case, TeamMember
from daiban.cases.services import case_agreement_set, request_accept
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData


@pytest.fixture
def make_case(person):
    def make(items=("L02", "L05", "S04"), **overrides) -> Case:
        request, _ = request_submit(data=RequestData(**request_payload(**overrides)))
        agent = person("kunyang" if request.unit.region.name == "昆阳镇" else "aojiang")
        case = request_accept(actor=agent, request=request)
        case_agreement_set(actor=agent, case=case, item_codes=list(items))
        return case

    return make


def put_team(api, case, **team):
    body = {"agent": "aojiang", "chief_agent": None, "lead_leader": None, "supervisor": None, "liaisons": []}
    body.update(team)
    return api.put(f"cases/{case.pk}/team", body)


def errors(answer) -> dict:
    return {e["field"]: e["message"] for e in answer.json()["fields"]}


def test_the_proposal_for_a_major_1_2_yi_promotion_project_is_lawful_and_accepted(api_as, make_case):
    case = make_case(investment_wan=12000)
    api = api_as("aojiang")
    proposal = api.get(f"cases/{case.pk}/team/proposal").json()
    assert proposal["agent"] == "aojiang"
    assert proposal["lead_leader"] == "ajleader" and proposal["supervisor"] == "jxjhead"
    assert proposal["chief_agent"] == "chief"
    assert set(proposal["liaisons"]) == {"fgj", "sthj", "zjj"}
    answer = api.put(f"cases/{case.pk}/team", proposal)
    assert answer.status_code == 200 and answer.json() == proposal
    assert api.get(f"cases/{case.pk}").json()["team"] == proposal


def test_a_team_without_a_lead_leader_at_5000_wan_is_refused_naming_the_rule(api_as, make_case):
    case = make_case(investment_wan=5000, category="returning_merchant")
    answer = put_team(api_as("aojiang"), case)
    assert answer.status_code == 422
    assert "5000万元以上" in errors(answer)["lead_leader"] and "supervisor" not in errors(answer)
    assert not TeamMember.objects.filter(case=case).exists()
    assert put_team(api_as("aojiang"), case, lead_leader="ajleader").status_code == 200


def test_just_under_5000_wan_needs_no_leader(api_as, make_case):
    case = make_case(investment_wan=4999.99)
    assert put_team(api_as("aojiang"), case).status_code == 200


def test_a_non_industrial_promotion_project_needs_no_leader(api_as, make_case):
    case = make_case(investment_wan=8000, industrial=False)
    assert put_team(api_as("aojiang"), case).status_code == 200


def test_1_yi_needs_a_county_department_head_supervising(api_as, make_case):
    case = make_case(investment_wan=10000)
    answer = put_team(api_as("aojiang"), case, lead_leader="ajleader", chief_agent="chief",
                      liaisons=["fgj", "sthj", "zjj"])
    assert "1亿元以上" in errors(answer)["supervisor"]
    assert put_team(api_as("aojiang"), case, lead_leader="ajleader", chief_agent="chief", supervisor="jxjhead",
                    liaisons=["fgj", "sthj", "zjj"]).status_code == 200


def test_a_leader_of_another_township_does_not_count(api_as, make_case):
    case = make_case(investment_wan=6000)
    answer = put_team(api_as("aojiang"), case, lead_leader="kyleader")
    assert "属地乡科级" in errors(answer)["lead_leader"]


def test_a_major_project_needs_a_chief_agent_and_every_departments_liaison(api_as, make_case):
    case = make_case(investment_wan=20000, category="other")
    answer = put_team(api_as("aojiang"), case)
    assert "首席代办员" in errors(answer)["chief_agent"]
    assert "每个审批部门" in errors(answer)["liaisons"]
    answer = put_team(api_as("aojiang"), case, chief_agent="chief", liaisons=["fgj", "sthj"])
    assert set(errors(answer)) == {"liaisons"}
    assert put_team(api_as("aojiang"), case, chief_agent="chief", liaisons=["fgj", "sthj", "zjj"]).status_code == 200


def test_a_project_the_center_designates_major_needs_a_chief_agent(api_as, make_case):
    case = make_case(investment_wan=900, category="other")
    assert put_team(api_as("aojiang"), case).status_code == 200
    assert api_as("aojiang").post(f"cases/{case.pk}/major", {"major": True}).status_code == 403
    assert api_as("center").post(f"cases/{case.pk}/major", {"major": True}).json()["project"]["major"] is True
    assert "chief_agent" in errors(put_team(api_as("aojiang"), case, liaisons=["fgj", "sthj", "zjj"]))


def test_the_agent_must_belong_to_the_cases_unit(api_as, make_case):
    case = make_case(investment_wan=900, category="other")
    answer = put_team(api_as("aojiang"), case, agent="kunyang")
    assert "承办代办机构的代办员" in errors(answer)["agent"]


def test_an_unknown_person_is_named_in_the_error(api_as, make_case):
    case = make_case(investment_wan=900, category="other")
    assert "nobody" in errors(put_team(api_as("aojiang"), case, agent="nobody"))["agent"]


def test_a_liaison_of_a_department_without_items_is_refused(api_as, make_case):
    case = make_case(investment_wan=900, category="other", items=["L02"])
    assert "liaisons" in errors(put_team(api_as("aojiang"), case, liaisons=["gdgs"]))


def test_promotion_cases_carry_the_three_department_collaboration(api_as, make_case):
    promoted = make_case(investment_wan=6000)
    other = make_case(investment_wan=900, category="other")
    phases = api_as("aojiang").get(f"cases/{promoted.pk}").json()["collaboration"]
    assert [p["phase"] for p in phases] == ["introduction", "signing", "approval", "landing"]
    assert api_as("aojiang").get(f"cases/{other.pk}").json()["collaboration"] == []
    answer = api_as("aojiang").put(f"cases/{promoted.pk}/collaboration/signing",
                                   {"handed_over_at": "2026-11-20", "handed_over_to": "鳌江镇代办服务站"})
    assert answer.json()["collaboration"][1]["handed_over_to"] == "鳌江镇代办服务站"
