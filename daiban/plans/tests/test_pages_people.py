"""The plan as each person meets it: the owner's progress, the liaison officer's items, the home panels,
the work log and the owner's visits."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import DEMO_PASSWORD
from daiban.intake.services import owner_account_create
from daiban.lib import clock
from daiban.plans import services
from daiban.plans.duties import escalate_overdue, send_progress_reports
from daiban.plans.models import OwnerVisit, WorkLog
from daiban.plans.tests.test_pages_plan import errors, item, make_case, plan

D = dt.date.fromisoformat


@pytest.fixture
def browse(client, person):
    def login(username: str):
        assert client.login(username=username)
        return client

    return login


@pytest.fixture
def planned(person):
    """A 鳌江镇 case with L02 → L05 → the permit S04 planned from Monday 2026-11-02."""
    return plan(make_case(person, ["L02", "L05", "S04"]), person)


@pytest.fixture
def owner(planned):
    owner = owner_account_create(actor=None, company=planned.project.company, username="jingmi",
                                 password=DEMO_PASSWORD, full_name="张伟")
    owner.password_must_change = False  # the owner has replaced the initial password already
    owner.save(update_fields=["password_must_change"])
    return owner


def finish_l02(case, person, on="2026-11-03"):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(case, "L02"))
    with clock.frozen(on):
        services.item_start(actor=person("fgj"), item=item(case, "L02"))
        services.item_finish(actor=person("fgj"), item=item(case, "L02"), approved=True,
                             approval_no="2611-330326-04-01-000123")


# -- the owner ------------------------------------------------------------------------------------------------


def test_the_owner_follows_the_progress_read_only(browse, planned, owner, person):
    finish_l02(planned, person)
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L05"))
    services.worklog_add(actor=person("aojiang"), case=planned, day=D("2026-11-03"), content="内部：业主材料不齐")
    with clock.frozen("2026-11-05"):
        html = browse("jingmi").get(f"/cases/{planned.pk}/").content.decode()
    assert "代办进度" in html and "已办结 1 项" in html and "办理中 1 项" in html and "待办理 1 项" in html
    done = html[html.index('class="progress-group done-group"'):html.index('class="progress-group moving-group"')]
    assert "企业投资项目备案" in done and "2026-11-03" in done and "2611-330326-04-01-000123" in done
    assert 'id="plan-flowchart"' in html and 'id="plan-gantt"' in html
    assert f"/cases/{planned.pk}/documents/plan.docx" in html
    assert 'class="action-form"' not in html and 'action="/plans/' not in html, "no staff forms"
    assert "工作日志" not in html and "业主材料不齐" not in html and "催办" not in html and "业主到场" not in html


def test_the_owner_sees_what_finishing_an_item_put_forward(browse, planned, owner, person):
    finish_l02(planned, person)
    html = browse("jingmi").get(f"/cases/{planned.pk}/").content.decode()
    steps = html[html.index('class="next-steps"'):]
    assert "环境影响评价审批（报告表）" in steps[:1500] and "现在可以办理" in steps[:1500]
    assert "节能审查" in steps[:1500], "a service that usually follows and is not entrusted is suggested"


def test_the_owner_cannot_reach_the_staff_forms(browse, planned, owner):
    jingmi = browse("jingmi")
    assert jingmi.get(f"/plans/cases/{planned.pk}/items/L02/").status_code == 403
    assert jingmi.post(f"/plans/cases/{planned.pk}/items/L02/", {"action": "dispatch"}).status_code == 403
    assert jingmi.post(f"/plans/cases/{planned.pk}/worklog/", {"day": "2026-11-02", "content": "x"}).status_code == 403
    assert jingmi.post(f"/plans/cases/{planned.pk}/visits/", {"day": "2026-11-02", "reason": "x"}).status_code == 403
    assert item(planned, "L02").status == "pending" and not WorkLog.objects.filter(case=planned).exists()


def test_another_owner_sees_nothing_of_the_case(browse, planned):
    assert browse("owner1").get(f"/plans/cases/{planned.pk}/").status_code == 404
    assert browse("owner1").get(f"/cases/{planned.pk}/").status_code == 404


def test_the_progress_reports_are_listed_and_downloaded(browse, planned, owner, person):
    finish_l02(planned, person)
    with clock.frozen("2026-11-16"):
        assert send_progress_reports() >= 1
    report = planned.progress_reports.get()
    url = f"/plans/cases/{planned.pk}/progress/{report.pk}.docx"
    for username in ("aojiang", "jingmi"):
        html = browse(username).get(f"/cases/{planned.pk}/").content.decode()
        assert url in html and "2026-11-01 至 2026-11-15" in html
    answer = browse("jingmi").get(url)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert bytes(answer.content)[:2] == b"PK"
    assert browse("kunyang").get(url).status_code == 404
    assert browse("jingmi").get(f"/plans/cases/{planned.pk}/progress/{report.pk + 999}.docx").status_code == 404


# -- the liaison officer --------------------------------------------------------------------------------------


def test_the_liaison_lists_his_departments_items_overdue_first_and_accepts_one(browse, person):
    late = make_case(person, ["L02", "L05", "S04"])
    fresh = make_case(person, ["L02", "L05", "S04"])
    plan(late, person, "2026-11-02")
    plan(fresh, person, "2026-11-09")
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(late, "L02"))
    with clock.frozen("2026-11-09"):
        services.item_dispatch(actor=person("aojiang"), item=item(fresh, "L02"))
        fgj = browse("fgj")
        html = fgj.get("/plans/my-items/").content.decode()
    assert html.index(f'id="item-{late.pk}-L02"') < html.index(f'id="item-{fresh.pk}-L02"')
    assert f'id="item-{late.pk}-L02" class="state-overdue"' in html
    assert "L05" not in html, "another department's items are not listed"
    with clock.frozen("2026-11-09"):
        answer = fgj.post(f"/plans/cases/{fresh.pk}/items/L02/", {"action": "start", "next": "/plans/my-items/"})
    assert answer.status_code == 302 and answer["Location"] == "/plans/my-items/"
    assert item(fresh, "L02").status == "in_progress" and item(fresh, "L02").started_on == D("2026-11-09")
    item_page = fgj.get(f"/plans/cases/{fresh.pk}/items/L02/?next=/plans/my-items/").content.decode()
    assert 'data-action="finish"' in item_page and 'href="/plans/my-items/"' in item_page


def test_the_liaisons_page_is_for_liaison_officers(browse):
    assert browse("aojiang").get("/plans/my-items/").status_code == 403


def test_finished_items_are_on_their_own_tab(browse, planned, person):
    finish_l02(planned, person)
    fgj = browse("fgj")
    assert "企业投资项目备案" not in fgj.get("/plans/my-items/").content.decode()
    finished = fgj.get("/plans/my-items/", {"show": "finished"}).content.decode()
    assert "企业投资项目备案" in finished and "2611-330326-04-01-000123" in finished


# -- the home panels ------------------------------------------------------------------------------------------


def test_the_home_panels_show_each_person_what_waits(browse, planned, person):
    with clock.frozen("2026-11-02"):  # dispatched when the plan starts
        services.item_dispatch(actor=person("aojiang"), item=item(planned, "L05"))
    with clock.frozen("2026-11-02"):
        services.item_start(actor=person("sthj"), item=item(planned, "L05"))
    with clock.frozen("2026-12-01"):  # L05 due 11-16: 11 working days late, twice its limit reached
        escalate_overdue()
        sthj = browse("sthj").get("/").content.decode()
        assert "派至本部门的事项" in sthj and "环境影响评价审批（报告表）" in sthj
        agent = browse("aojiang").get("/").content.decode()
        assert "预警和逾期事项" in agent and "L05 环境影响评价审批（报告表）" in agent
        unit = browse("ajadmin").get("/").content.decode()
        assert "逾期升级至本机构的事项" in unit and "L05 环境影响评价审批（报告表）" in unit
        center = browse("center").get("/").content.decode()
        assert "逾期升级至县代办中心的事项" in center and "L05 环境影响评价审批（报告表）" in center
        kunyang = browse("kunyang").get("/").content.decode()
    assert "L05 环境影响评价审批（报告表）" not in kunyang


# -- the work log and the owner's visits ----------------------------------------------------------------------


def test_the_agent_keeps_the_work_log(browse, planned):
    aojiang = browse("aojiang")
    with clock.frozen("2026-11-03"):
        empty = aojiang.post(f"/plans/cases/{planned.pk}/worklog/", {"day": "2026-11-03", "content": " "})
        assert empty.status_code == 422 and "请填写工作内容" in errors(empty.content.decode())
        future = aojiang.post(f"/plans/cases/{planned.pk}/worklog/", {"day": "2026-11-04", "content": "x"},
                              headers={"HX-Request": "true"})
        assert future.status_code == 200 and "日志日期不能晚于今天" in errors(future.content.decode())
        assert future.content.decode().lstrip().startswith('<section class="card htmx-box" id="worklog">')
        answer = aojiang.post(f"/plans/cases/{planned.pk}/worklog/", {"day": "2026-11-03",
                                                                      "content": "陪同业主到发改局办理备案"})
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{planned.pk}/#worklog"
    html = aojiang.get(f"/cases/{planned.pk}/").content.decode()
    assert "陪同业主到发改局办理备案" in html and "2026-11-03" in html
    assert browse("inspector").get(f"/cases/{planned.pk}/").content.decode().count("陪同业主到发改局办理备案") == 1
    assert 'name="content"' not in browse("inspector").get(f"/cases/{planned.pk}/").content.decode()


def test_a_second_visit_of_the_owner_is_flagged_prominently(browse, planned):
    aojiang = browse("aojiang")
    url = f"/plans/cases/{planned.pk}/visits/"
    with clock.frozen("2026-11-05"):
        aojiang.post(url, {"day": "2026-11-02", "reason": "签订委托代办协议", "item": ""})
        once = aojiang.get(f"/cases/{planned.pk}/").content.decode()
        assert "签订委托代办协议" in once and 'class="visit-flag"' not in once
        answer = aojiang.post(url, {"day": "2026-11-04", "reason": "补签环评材料", "item": "L05"})
        assert answer.status_code == 302 and answer["Location"] == f"/cases/{planned.pk}/#visits"
        twice = aojiang.get(f"/cases/{planned.pk}/").content.decode()
    assert 'class="visit-flag"' in twice and "业主到场超过一次" in twice and "已到场 2 次" in twice
    assert "超过“最多跑一次”" in twice  # the message after recording
    assert OwnerVisit.objects.get(case=planned, day=D("2026-11-04")).item.catalog_item.code == "L05"
