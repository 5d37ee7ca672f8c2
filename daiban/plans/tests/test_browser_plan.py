"""The plan in a real browser: the agent plans and dispatches, the liaison officer finishes, the owner follows."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import DEMO_PASSWORD, login, request_payload, screenshot
from daiban.cases.services import case_agreement_set, case_team_set, request_accept
from daiban.intake.services import owner_account_create, request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = "2026-12-14"  # a Monday: the permit falls in January 2027, whose holidays are not yet published
TODAY_BIG = "2026-11-27"


@pytest.fixture
def frozen_today():
    with clock.frozen(TODAY):  # the live server runs in this process and reads the same clock
        yield


@pytest.fixture
def entrusted(person, frozen_today):
    request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
    case = request_accept(actor=person("aojiang"), request=request)
    case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05", "S04"])
    case_team_set(actor=person("aojiang"), case=case, agent="aojiang", liaisons=["fgj", "sthj", "zjj"])
    owner = owner_account_create(actor=None, company=request.company, username="jingmi", password=DEMO_PASSWORD,
                                 full_name="张伟", mobile="13857712345")
    owner.password_must_change = False  # the owner has replaced the initial password already
    owner.save(update_fields=["password_must_change"])
    return case


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def drawn_pixels(page, selector: str) -> int:
    """How many pixels of the chart's canvas ECharts has painted (0 for a blank canvas)."""
    return page.evaluate("""(selector) => {
        const canvas = document.querySelector(selector + " canvas");
        if (!canvas || !canvas.width || !canvas.height) { return 0; }
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted += 1; } }
        return painted;
    }""", selector)


def assert_charts_drawn(page) -> None:
    for chart in ("#plan-flowchart", "#plan-gantt"):
        page.locator(f"{chart} canvas").first.wait_for(state="visible")
        assert drawn_pixels(page, chart) > 2000, f"{chart} is blank"


def test_the_plan_is_made_dispatched_finished_and_followed_in_the_browser(page_at, entrusted):
    case = entrusted
    agent = page_at(1280, 900)
    login(agent, "aojiang")
    agent.goto(f"/cases/{case.pk}/")
    assert agent.locator("#plan input[name=start_date]").input_value() == TODAY
    with agent.expect_navigation():
        agent.click("#plan button[name=generate]")
    assert "已生成代办任务分解计划表" in agent.locator(".messages").inner_text()
    assert_charts_drawn(agent)
    assert "暂定" in agent.locator("#plan").inner_text()
    assert "该日期所在年度的节假日安排尚未公布" in agent.locator("#plan .provisional").inner_text()
    assert "L02" in agent.locator("#plan .critical-path").inner_text()
    agent.locator("#plan-charts").scroll_into_view_if_needed()
    screenshot(agent, "plan-desk")

    # On a phone the page does not scroll sideways: the table and the flowchart scroll in their frames.
    agent.set_viewport_size({"width": 375, "height": 740})
    agent.reload()
    assert_charts_drawn(agent)
    no_sideways_scroll(agent)
    gantt_width = agent.evaluate("document.querySelector('#plan-gantt canvas').getBoundingClientRect().width")
    assert gantt_width <= 375, "the timetable resizes to the phone"
    screenshot(agent, "plan-phone")
    agent.set_viewport_size({"width": 1280, "height": 900})
    agent.reload()

    with agent.expect_navigation():  # htmx answers HX-Refresh: the page reloads with the new state
        agent.click("#item-L02 button[data-action=dispatch]")
    assert "派单至" in agent.locator(".messages").inner_text()
    assert "已派单" in agent.locator("#item-L02").inner_text()
    assert "发展和改革局" in agent.locator("#item-L02").inner_text()

    # The liaison officer of 发改局: the home panel, his items, accept, finish with an approval number.
    liaison = page_at(1280, 900)
    login(liaison, "fgj")
    assert "派至本部门的事项" in liaison.content()
    liaison.goto("/plans/my-items/")
    assert "企业投资项目备案" in liaison.locator("table").inner_text()
    with liaison.expect_navigation():
        liaison.click("button[data-action=start]")
    assert "已受理" in liaison.locator(".messages").inner_text()
    screenshot(liaison, "my-items-desk")
    with liaison.expect_navigation(url=re.compile(r".*/plans/cases/\d+/items/L02/.*")):
        liaison.click("td.ops a:text-is('办理')")
    liaison.click("details.action:has(form[data-action=finish]) > summary")
    finish = liaison.locator("form[data-action=finish]")
    finish.locator("input[name=approval_no]").fill("")
    with liaison.expect_response(lambda r: "/items/L02/" in r.url and r.request.method == "POST"):
        finish.locator("button").click()
    assert "请填写批准文号或证照编号" in liaison.locator("#act-L02 .errorlist").inner_text()  # swapped in place
    screenshot(liaison, "item-finish-error-desk")
    finish = liaison.locator("form[data-action=finish]")
    finish.locator("input[name=approval_no]").fill("2612-330326-04-01-000321")
    with liaison.expect_navigation():
        finish.locator("button").click()
    assert "已办结" in liaison.locator("#act-L02 summary").inner_text()

    # The owner follows the progress: read-only, no staff forms, the pictures and the next step.
    owner = page_at(375, 740)
    login(owner, "jingmi")
    owner.goto(f"/cases/{case.pk}/")
    done = owner.locator(".done-group").inner_text()
    assert "企业投资项目备案" in done and "2612-330326-04-01-000321" in done
    assert "环境影响评价" in owner.locator(".next-steps").inner_text()
    assert owner.locator("form[action*='/plans/']").count() == 0
    assert owner.locator("#worklog, #visits, .item-card").count() == 0
    assert_charts_drawn(owner)
    no_sideways_scroll(owner)
    screenshot(owner, "plan-owner-phone")


ALL_ITEMS = ["L01", "L02", "L03", "L04", "L05", "G01", "G02", "S01", "S02", "S03", "S04", "U01", "U02", "U03",
             "U04"]


def test_a_big_plan_with_items_in_every_state_reads_well_on_a_desk_and_a_phone(page_at, person):
    """Fifteen items: done, paused and resumed, overdue and escalated, due today, not yet dispatched."""
    from daiban.plans import services
    from daiban.plans.duties import escalate_overdue, send_progress_reports

    D = dt.date.fromisoformat
    aojiang = person("aojiang")

    def item(code):
        return case.items.select_related("catalog_item", "case").get(catalog_item__code=code)

    with clock.frozen("2026-10-12"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=aojiang, request=request)
        case_agreement_set(actor=aojiang, case=case, item_codes=ALL_ITEMS)
        case_team_set(actor=aojiang, case=case, agent="aojiang", liaisons=["fgj", "sthj", "zrj", "zjj"])
        services.plan_generate(actor=aojiang, case=case, start_date=D("2026-10-12"))
        for code in ("L01", "L02", "L05"):
            services.item_dispatch(actor=aojiang, item=item(code))
        services.item_start(actor=person("fgj"), item=item("L02"))
        services.item_start(actor=person("zrj"), item=item("L01"))
    with clock.frozen("2026-10-13"):
        services.item_finish(actor=person("fgj"), item=item("L02"), approved=True,
                             approval_no="2610-330326-04-01-000888")
    with clock.frozen("2026-10-14"):
        services.item_start(actor=person("sthj"), item=item("L05"))
        services.item_pause(actor=person("zrj"), item=item("L01"), kind="correction", reason="出让合同附件缺少宗地图")
    with clock.frozen("2026-10-16"):
        services.item_resume(actor=aojiang, item=item("L01"))
        services.visit_record(actor=aojiang, case=case, day=D("2026-10-16"), reason="签订土地出让合同")
    with clock.frozen("2026-10-21"):
        services.item_finish(actor=person("zrj"), item=item("L01"), approved=True, approval_no="3303262026A00021")
        for code in ("L03", "L04"):
            services.item_dispatch(actor=aojiang, item=item(code))
        services.item_start(actor=person("zrj"), item=item("L03"))
    with clock.frozen("2026-10-22"):
        services.item_finish(actor=person("zrj"), item=item("L03"), approved=True,
                             approval_no="地字第330326202600045号")
    with clock.frozen("2026-11-20"):
        services.item_start(actor=person("bdc"), item=item("L04"))
        services.item_urge(actor=aojiang, item=item("L05"), kind="urge", note="环评审批已超期，请加快办理")
        services.visit_record(actor=aojiang, case=case, day=D("2026-11-20"), reason="不动产登记现场核验身份")
        services.worklog_add(actor=aojiang, case=case, day=D("2026-11-20"), content="陪同业主到不动产登记中心核验身份")
        services.item_dispatch(actor=aojiang, item=item("G01"))
    with clock.frozen(TODAY_BIG):
        escalate_overdue()
        services.item_urge(actor=person("ajadmin"), item=item("L05"), kind="supervise", note="限期办结",
                           respond_by=D("2026-12-01"))
        send_progress_reports()

    with clock.frozen(TODAY_BIG):
        page = page_at(1280, 900)
        login(page, "aojiang")
        assert "预警和逾期事项" in page.content() and "环境影响评价审批" in page.content()
        page.goto(f"/cases/{case.pk}/")
        assert_charts_drawn(page)
        assert "state-overdue" in page.locator("#item-L05").get_attribute("class")
        assert "state-warning" in page.locator("#item-L04").get_attribute("class")
        assert "业主到场超过一次" in page.locator("#visits .visit-flag").inner_text()
        # One report per half month since the plan (10-12): 10-01—15, 10-16—31 and 11-01—15, none dropped.
        assert page.locator("#progress-reports a[href$='.docx']").count() == 3
        page.click("#item-L05 a[data-open-card]")
        page.click("#item-L01 a[data-open-card]")
        assert "不重新起算" in page.locator("#act-L01").inner_text()
        assert "督办" in page.locator("#act-L05").inner_text()
        screenshot(page, "plan-big-desk")
        page.set_viewport_size({"width": 375, "height": 740})
        page.reload()
        assert_charts_drawn(page)
        no_sideways_scroll(page)
        screenshot(page, "plan-big-phone")

        unit = page_at(1280, 900)
        login(unit, "ajadmin")
        assert "逾期升级至本机构的事项" in unit.content() and "环境影响评价审批" in unit.content()
        screenshot(unit, "workbench-unit-admin")
