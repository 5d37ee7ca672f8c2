"""Rules that are the county's own (issue 9 §6): settings with defaults, named as the county's rule."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from conftest import request_payload
from daiban.cases import agency_team
from daiban.cases.models import Case
from daiban.cases.services import case_agreement_set, request_accept
from daiban.intake.deadlines import first_contact_deadline
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed


@pytest.fixture
def make_case(person):
    def make(**overrides) -> Case:
        request, _ = request_submit(data=RequestData(**request_payload(category="other", **overrides)))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05", "S04"])
        return case

    return make


@pytest.mark.parametrize("investment, major", [(10000, True), ("9999.99", False), (10000.01, True)])
def test_a_project_is_major_from_exactly_10000_wan(make_case, investment, major):
    assert agency_team.is_major(make_case(investment_wan=investment)) is major


def test_the_major_project_threshold_is_the_countys_setting(make_case):
    case = make_case(investment_wan=6000)
    assert not agency_team.is_major(case)
    with override_settings(MAJOR_PROJECT_WAN=5000):
        assert agency_team.is_major(case)
        assert "本县规则：总投资5000万元及以上的项目为重大项目" in agency_team.chief_agent_message()


def test_the_chief_agent_message_names_the_countys_own_rule_not_a_seed_article(make_case, person):
    message = agency_team.chief_agent_message()
    assert "本县规则：总投资1亿元及以上的项目为重大项目（实施办法未规定金额）" in message
    assert "本县规则：首席代办员须为项目属地的乡科级干部、县发展和改革局干部、代办业务骨干" in message
    case = make_case(investment_wan=10000)
    with pytest.raises(ValidationFailed) as refusal:
        from daiban.cases.services import case_team_set

        case_team_set(actor=person("aojiang"), case=case, agent="aojiang")
    assert refusal.value.errors["chief_agent"] == message


def test_who_may_be_chief_agent_is_the_countys_setting(make_case, person):
    case = make_case(investment_wan=20000)
    chief = person("chief")  # a section-level cadre of 鳌江镇, not a senior agent
    assert agency_team.qualifies("chief_agent", chief, case)
    with override_settings(CHIEF_AGENT_QUALIFICATIONS=["senior_agent"]):
        assert not agency_team.qualifies("chief_agent", chief, case)
        assert "本县规则：首席代办员须为代办业务骨干" in agency_team.chief_agent_message()


@pytest.mark.parametrize("workdays, received, due", [
    (1, "2026-11-06", "2026-11-09"),  # Friday: the next working day is Monday
    (2, "2026-11-06", "2026-11-10"),
    (1, "2026-10-01", "2026-10-09"),  # National Day: deemed received 10-08, due the day after
])
def test_the_first_contact_period_is_the_countys_setting(db, workdays, received, due):
    with override_settings(FIRST_CONTACT_WORKDAYS=workdays):
        assert first_contact_deadline(dt.date.fromisoformat(received)).due_on == dt.date.fromisoformat(due)


def test_a_request_gets_its_first_contact_deadline_from_the_setting(db, demo):
    with override_settings(FIRST_CONTACT_WORKDAYS=3), clock.frozen("2026-11-02"):
        request, _ = request_submit(data=RequestData(**request_payload()))
    assert request.first_contact_due == dt.date(2026, 11, 5)


def test_the_rules_page_lists_each_rule_with_its_setting(client, person):
    assert client.login(username="aojiang")
    html = client.get("/rules/").content.decode()
    for setting in ("DAIBAN_FIRST_CONTACT_WORKDAYS", "DAIBAN_MAJOR_PROJECT_WAN", "DAIBAN_CHIEF_AGENT_QUALIFICATIONS"):
        assert setting in html
    assert "本县规则：收到代办申请后1个工作日内首次联系企业" in html and "10000万元" in html
