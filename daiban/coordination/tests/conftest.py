"""A 鳌江镇 case in progress (the agent 王建国 `aojiang`, unit administrator `ajadmin`), built with the services."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import request_payload
from daiban.cases.services import case_agreement_set, case_team_set, request_accept
from daiban.coordination import services
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.plans.services import plan_generate

D = dt.date.fromisoformat
MONDAY = "2026-11-02"


def make_case(person, *, location: str = "鳌江镇", agent: str = "aojiang", project: str = "年产20万台精密减速机项目"):
    with clock.frozen(MONDAY):
        request, _ = request_submit(data=RequestData(**request_payload(
            investment_wan=3000, category="other", location=location, project_name=project)))
        case = request_accept(actor=person(agent), request=request)
        case_agreement_set(actor=person(agent), case=case, item_codes=["L02", "L06", "L05C", "G02", "S01", "S02"])
        case_team_set(actor=person(agent), case=case, agent=agent, liaisons=["fgj", "sthj", "zrj", "zjj"])
        plan_generate(actor=person(agent), case=case, start_date=D(MONDAY))
    return case


@pytest.fixture
def case(person):
    return make_case(person)


@pytest.fixture
def issue(case, person):
    """Raised by the agent on Monday 2026-11-02: the planning permit is stuck on a boundary dispute."""
    with clock.frozen(MONDAY):
        return services.issue_raise(
            actor=person("aojiang"), case=case, title="地块东侧边界争议影响规划许可申报",
            description="相邻地块权属人对东侧界址有异议，建设工程规划许可无法受理", departments=["zrj", "zjj"],
            item_code="G02", blocks_item=True, deadline_workdays=3)


def item(case, code):
    return case.items.select_related("catalog_item").get(catalog_item__code=code)
