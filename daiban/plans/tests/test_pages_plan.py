"""The plan's pages: the section on the case page and the item forms, each going through its service."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from conftest import request_payload
from daiban.cases.services import case_agreement_set, case_team_set, request_accept
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.plans import services
from daiban.plans.models import ItemTransition, ItemUrge, Pause

D = dt.date.fromisoformat
HTMX = {"HX-Request": "true"}


@pytest.fixture
def browse(client, person):
    def login(username: str):
        assert client.login(username=username)
        return client

    return login


def make_case(person, codes, *, liaisons=("fgj", "sthj", "zjj"), on="2026-11-02"):
    with clock.frozen(on):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=list(codes))
        case_team_set(actor=person("aojiang"), case=case, agent="aojiang", liaisons=list(liaisons))
    return case


@pytest.fixture
def entrusted(person):
    """A 鳌江镇 case with L02 → L05 → the permit S04, its liaisons fgj, sthj and zjj; no plan yet."""
    return make_case(person, ["L02", "L05", "S04"])


def plan(case, person, on="2026-11-02"):
    with clock.frozen(on):
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D(on))
    return case


@pytest.fixture
def planned(entrusted, person):
    return plan(entrusted, person)


def item(case, code):
    return case.items.select_related("catalog_item", "case").get(catalog_item__code=code)


def errors(html: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))


def act(client, case, code, action, **data):
    return client.post(f"/plans/cases/{case.pk}/items/{code}/", {"action": action, **data})


def item_forms(html: str, code: str) -> set[str]:
    """The actions whose forms the page offers on the item (in its card below the table)."""
    start = html.index(f'id="act-{code}"')
    end = html.find('<details class="item-card', start)
    card = html[start:end if end > 0 else len(html)]
    return set(re.findall(r'class="action-form" data-action="(\w+)"', card))


# -- the plan -------------------------------------------------------------------------------------------------


def test_the_agent_generates_the_plan_on_the_case_page(browse, entrusted):
    aojiang = browse("aojiang")
    with clock.frozen("2026-11-02"):
        html = aojiang.get(f"/cases/{entrusted.pk}/").content.decode()
        assert "生成代办计划" in html and 'id="plan-flowchart"' not in html
        answer = aojiang.post(f"/plans/cases/{entrusted.pk}/generate/", {"start_date": "2026-11-02"})
        assert answer.status_code == 302 and answer["Location"] == f"/cases/{entrusted.pk}/#plan"
        html = aojiang.get(f"/cases/{entrusted.pk}/").content.decode()
    entrusted.refresh_from_db()
    assert entrusted.plan.start_date == D("2026-11-02") and entrusted.status == "in_progress"
    assert 'id="plan-flowchart"' in html and 'id="plan-gantt"' in html and "vendor/echarts-5.6.0.min.js" in html
    assert "https://" not in html.split('id="plan-charts"')[1].split("</section>")[0]
    assert "预计取得施工许可" in html and "符合百日目标" in html and "目标 100 个工作日以内" in html
    assert f"/cases/{entrusted.pk}/documents/plan.docx" in html
    assert 'id="item-L02"' in html and "待派单" in html
    assert re.search(r'class="critical-path">.*L02.*L05.*S04', html, re.S)


def test_the_charts_are_drawn_from_the_plan_with_today_and_the_due_dates(browse, planned):
    with clock.frozen("2026-11-04"):
        html = browse("aojiang").get(f"/cases/{planned.pk}/").content.decode()
    data = json.loads(re.search(r'<script id="plan-chart-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert data["today"] == "2026-11-04" and data["critical_path"] == ["L02", "L05", "S04"]
    assert data["permit"] == planned.plan.projected_permit_date.isoformat()
    assert [s["label"] for s in data["stages"]] == ["立项用地规划许可", "施工许可"]
    l05 = next(i for i in data["items"] if i["code"] == "L05")
    assert l05["prerequisites"] == ["L02"] and l05["critical"] and l05["start"] == "2026-11-03"
    l02 = next(i for i in data["items"] if i["code"] == "L02")
    assert l02["warning"] == "overdue" and l02["running_due"] == "2026-11-03"  # not dispatched in time


def test_an_empty_start_date_is_refused_beside_the_field(browse, entrusted):
    aojiang = browse("aojiang")
    answer = aojiang.post(f"/plans/cases/{entrusted.pk}/generate/", {"start_date": ""})
    assert answer.status_code == 422 and "请填写计划开始日期" in errors(answer.content.decode())
    partial = aojiang.post(f"/plans/cases/{entrusted.pk}/generate/", {"start_date": "2020-01-01"}, headers=HTMX)
    html = partial.content.decode()
    assert partial.status_code == 200 and html.lstrip().startswith('<section class="card htmx-box" id="plan">')
    assert "早于受理日期一年以上" in errors(html)
    assert not hasattr(entrusted, "plan") or entrusted.plan is None


def test_a_plan_running_into_2027_carries_the_provisional_warning(browse, entrusted, person):
    with clock.frozen("2026-12-14"):
        services.plan_generate(actor=person("aojiang"), case=entrusted, start_date=D("2026-12-14"))
        html = browse("aojiang").get(f"/cases/{entrusted.pk}/").content.decode()
    assert 'class="provisional"' in html and "该日期所在年度的节假日安排尚未公布，日期为暂定" in html
    s04 = html[html.index('id="item-S04"'):]
    assert "2027-01-08" in s04[:2000] and '<span class="provisional-tag"' in s04[:2000]


def test_a_plan_within_published_holidays_has_no_provisional_warning(browse, planned):
    html = browse("aojiang").get(f"/cases/{planned.pk}/").content.decode()
    assert 'class="provisional"' not in html and '<span class="provisional-tag"' not in html


def test_the_plan_has_a_page_of_its_own_and_readers_see_it_without_forms(browse, planned):
    html = browse("inspector").get(f"/plans/cases/{planned.pk}/").content.decode()
    assert 'id="plan-gantt"' in html and "代办计划与实施" in html
    assert 'class="action-form"' not in html and "/generate/" not in html and 'name="content"' not in html


def test_the_reads_built_once_for_the_page_serve_each_person_their_own_scope(browse, planned):
    # plans.selectors builds the page's reads once per process; the scope is each request's own filter
    for username, status in [("aojiang", 200), ("kunyang", 404), ("fgj", 200), ("slj", 404), ("aojiang", 200)]:
        assert browse(username).get(f"/plans/cases/{planned.pk}/").status_code == status


@pytest.mark.parametrize("username", ["kunyang", "slj"])
def test_everything_outside_the_scope_answers_404(browse, planned, username):
    other = browse(username)  # another township's agent; a liaison whose department has no item here
    assert other.get(f"/plans/cases/{planned.pk}/").status_code == 404
    assert other.get(f"/plans/cases/{planned.pk}/items/L02/").status_code == 404
    assert act(other, planned, "L02", "dispatch").status_code == 404
    assert other.post(f"/plans/cases/{planned.pk}/worklog/", {"day": "2026-11-02", "content": "x"}).status_code == 404
    assert item(planned, "L02").status == "pending"


# -- items in motion ------------------------------------------------------------------------------------------


def test_the_agent_dispatches_to_the_team_liaison_through_the_service(browse, planned):
    aojiang = browse("aojiang")
    html = aojiang.get(f"/cases/{planned.pk}/").content.decode()
    assert {"dispatch", "move", "withdraw"} <= item_forms(html, "L02") and "start" not in item_forms(html, "L02")
    answer = act(aojiang, planned, "L02", "dispatch", next=f"/cases/{planned.pk}/#item-L02")
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{planned.pk}/#item-L02"
    l02 = item(planned, "L02")
    assert l02.status == "dispatched" and l02.liaison.username == "fgj"
    assert ItemTransition.objects.filter(item=l02, to_status="dispatched", by__username="aojiang").exists()
    html = aojiang.get(f"/cases/{planned.pk}/").content.decode()
    assert "已将“企业投资项目备案（赋码）”派单至" in html
    assert {"urge", "withdraw"} <= item_forms(html, "L02") and "dispatch" not in item_forms(html, "L02")


def test_an_outside_next_address_is_not_followed(browse, planned):
    answer = act(browse("aojiang"), planned, "L02", "dispatch", next="https://example.com/")
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{planned.pk}/#item-L02"


def test_the_departments_liaison_accepts_and_finishes_with_an_approval_number(browse, planned, person):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L02"))
    fgj = browse("fgj")
    html = fgj.get(f"/cases/{planned.pk}/").content.decode()
    assert item_forms(html, "L02") == {"start"} and item_forms(html, "L05") == set()
    with clock.frozen("2026-11-03"):
        assert act(fgj, planned, "L02", "start", started_on="2026-11-03").status_code == 302
        assert item(planned, "L02").due_on == D("2026-11-04")
        assert item_forms(fgj.get(f"/cases/{planned.pk}/").content.decode(), "L02") == {"pause", "finish"}
        missing = act(fgj, planned, "L02", "finish", result="approved", approval_no=" ")
        assert missing.status_code == 422 and "请填写批准文号或证照编号" in errors(missing.content.decode())
        assert item(planned, "L02").status == "in_progress"
        done = act(fgj, planned, "L02", "finish", result="approved", approval_no="2611-330326-04-01-000123")
    assert done.status_code == 302
    l02 = item(planned, "L02")
    assert l02.status == "approved" and l02.approval_no == "2611-330326-04-01-000123"
    assert l02.finished_on == D("2026-11-03")


def test_a_refusal_needs_a_reason(browse, planned, person):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L02"))
    services.item_start(actor=person("fgj"), item=item(planned, "L02"))
    fgj = browse("fgj")
    answer = act(fgj, planned, "L02", "finish", result="refused", note="")
    assert answer.status_code == 422 and "不予许可须写明理由" in errors(answer.content.decode())
    assert act(fgj, planned, "L02", "finish", result="refused", note="不符合产业政策").status_code == 302
    assert item(planned, "L02").status == "refused"


def test_a_liaison_of_another_department_gets_no_form_and_a_403(browse, planned, person):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L02"))
    sthj = browse("sthj")  # 生态环境局: sees the case for L05, may not act on 发改局's L02
    html = sthj.get(f"/cases/{planned.pk}/").content.decode()
    assert item_forms(html, "L02") == set() and 'data-action="start"' not in html
    assert act(sthj, planned, "L02", "start").status_code == 403
    assert item(planned, "L02").status == "dispatched"
    assert act(browse("aojiang"), planned, "L02", "start").status_code == 403  # the agent does not accept


def test_a_change_outside_the_state_table_is_answered_beside_the_form(browse, planned):
    answer = act(browse("fgj"), planned, "L02", "finish", result="approved", approval_no="x")
    assert answer.status_code == 422 and "事项当前为“待派单”" in errors(answer.content.decode())


def test_with_htmx_a_refusal_swaps_the_card_and_a_success_reloads_the_page(browse, planned, person):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L02"))
    services.item_start(actor=person("fgj"), item=item(planned, "L02"))
    fgj = browse("fgj")
    refused = fgj.post(f"/plans/cases/{planned.pk}/items/L02/", {"action": "pause", "kind": "hearing", "reason": ""},
                       headers=HTMX)
    html = refused.content.decode()
    assert refused.status_code == 200 and html.lstrip().startswith('<details class="item-card')
    assert 'id="act-L02"' in html and " open" in html.split(">")[0] and "请填写暂停事由" in errors(html)
    done = fgj.post(f"/plans/cases/{planned.pk}/items/L02/", {"action": "pause", "kind": "hearing",
                                                              "reason": "组织听证"}, headers=HTMX)
    assert done.status_code == 200 and done["HX-Refresh"] == "true"
    assert item(planned, "L02").status == "suspended"


def test_a_pause_shows_the_rule_used_and_the_resumption_moves_the_due_date(browse, planned, person):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L05"))
    sthj = browse("sthj")
    with clock.frozen("2026-11-02"):
        act(sthj, planned, "L05", "start", started_on="2026-11-02")
    with clock.frozen("2026-11-03"):
        assert act(sthj, planned, "L05", "pause", kind="correction", reason="缺少图纸").status_code == 302
        html = sthj.get(f"/cases/{planned.pk}/").content.decode()
    assert "材料补正" in html and "不重新起算" in html and "缺少图纸" in html
    assert Pause.objects.get(item=item(planned, "L05")).kind == "correction"
    with clock.frozen("2026-11-05"):  # the agent brings the papers: he may resume a correction too
        assert "resume" in item_forms(browse("aojiang").get(f"/cases/{planned.pk}/").content.decode(), "L05")
        assert act(browse("aojiang"), planned, "L05", "resume").status_code == 302
    l05 = item(planned, "L05")
    assert l05.status == "in_progress" and l05.paused_workdays == 2 and l05.due_on == D("2026-11-18")


def test_a_city_level_item_is_reported_up_and_a_late_report_flagged(browse, person):
    case = make_case(person, ["L02", "L05C"], liaisons=["fgj"])
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(case, "L05C"))
    sthj = browse("sthj")  # the county bureau does the local steps of the city's item
    assert "L05C" in sthj.get("/plans/my-items/").content.decode()
    with clock.frozen("2026-11-10"):
        assert act(sthj, case, "L05C", "start", started_on="2026-11-02").status_code == 302
        assert "local_done" in item_forms(sthj.get(f"/cases/{case.pk}/").content.decode(), "L05C")
        assert act(sthj, case, "L05C", "local_done", done_on="2026-11-06").status_code == 302
        waiting = sthj.get(f"/cases/{case.pk}/").content.decode()
        assert "report_up" in item_forms(waiting, "L05C") and "尚未上报" in waiting
        answer = act(sthj, case, "L05C", "report_up", reported_on="2026-11-10")
        assert answer.status_code == 302
        html = sthj.get(f"/cases/{case.pk}/").content.decode()
    assert item(case, "L05C").status == "reported_up"
    assert "超时上报" in html and "超过 1 个工作日" in html


def test_the_agent_urges_and_the_unit_administrator_supervises(browse, planned, person):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L05"))
    aojiang, html = browse("aojiang"), browse("aojiang").get(f"/cases/{planned.pk}/").content.decode()
    assert "urge" in item_forms(html, "L05") and "supervise" not in item_forms(html, "L05")
    assert act(aojiang, planned, "L05", "urge", note="请加快审查").status_code == 302
    assert act(aojiang, planned, "L05", "supervise", note="督办").status_code == 403
    leader = browse("leader").get(f"/cases/{planned.pk}/").content.decode()
    assert item_forms(leader, "L05") == {"supervise"}, "a leader reads and supervises, nothing more"
    ajadmin = browse("ajadmin")
    assert "supervise" in item_forms(ajadmin.get(f"/cases/{planned.pk}/").content.decode(), "L05")
    with clock.frozen("2026-11-05"):
        late = act(ajadmin, planned, "L05", "supervise", note="限期办结", respond_by="2026-11-01")
        assert late.status_code == 422 and "不能早于今天" in errors(late.content.decode())
        assert act(ajadmin, planned, "L05", "supervise", note="限期办结", respond_by="2026-11-10").status_code == 302
    urges = ItemUrge.objects.filter(item=item(planned, "L05")).order_by("id")
    assert [(u.kind, u.by.username, u.to.username) for u in urges] == [("urge", "aojiang", "sthj"),
                                                                       ("supervise", "ajadmin", "sthj")]
    html = browse("aojiang").get(f"/cases/{planned.pk}/").content.decode()
    assert "限期办结" in html and "请加快审查" in html and "要求 2026-11-10 前办结" in html


def test_the_agent_moves_planned_dates_with_a_reason_and_the_followers_move(browse, planned):
    aojiang = browse("aojiang")
    before = item(planned, "S04").planned_due
    empty = act(aojiang, planned, "L05", "move", planned_due="2026-11-30", reason="")
    assert empty.status_code == 422 and "调整计划日期须说明理由" in errors(empty.content.decode())
    moved = act(aojiang, planned, "L05", "move", planned_due="2026-11-30", reason="环评报告编制延期")
    assert moved.status_code == 302
    assert item(planned, "L05").planned_due == D("2026-11-30") and item(planned, "S04").planned_due > before


def test_the_agent_withdraws_an_item_with_a_reason(browse, planned):
    aojiang = browse("aojiang")
    assert act(aojiang, planned, "S04", "withdraw", reason="").status_code == 422
    assert act(aojiang, planned, "S04", "withdraw", reason="业主决定自行办理").status_code == 302
    assert item(planned, "S04").status == "withdrawn"
    assert item_forms(aojiang.get(f"/cases/{planned.pk}/").content.decode(), "S04") == set()


def test_an_unknown_action_changes_nothing(browse, planned):
    answer = act(browse("aojiang"), planned, "L02", "approve_everything")
    assert answer.status_code == 302 and item(planned, "L02").status == "pending"
