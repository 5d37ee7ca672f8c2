"""The whole service in a real browser (issue 15): one 1.2亿元 industrial project from the company's phone to the
auditor, each person in a separate browser context logged in through the real login page (password + TOTP).
Each step checks its text, that Chinese renders as glyphs, that the page does not scroll sideways (375 px for the
company's and the owner's phone pages), that axe-core finds no serious violation, and saves a screenshot
(test-artifacts/journey-*.png; docs/tour is made from them by docs/tour/make_tour.py).

The clock is frozen and moved through March 2026 (the live server's threads read the same clock): request,
acceptance, items, agreement, team and plan on the 2nd; the filing (its number is the project code) on the 3rd;
an issue up the ladder to the county center and a joint meeting whose record is signed, corrected and signed
again on the 4th–6th; the city-level EIA paused for the expert review, done locally, reported up on time; the
half-monthly report on the 16th; every item done, completion and filing on the 24th; evaluation, return visit
and the inspector's alert; the ledger, dashboard, public progress page and the audit trail on the 31st.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import credit_code, login, screenshot
from daiban.audit.models import VerifyRun
from daiban.audit.runs import verify_run
from daiban.cases.models import Case
from daiban.coordination.models import LinkedRequest
from daiban.lib import clock
from daiban.org.models import User
from daiban.plans.duties import send_progress_reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Two strings drawn with the page's own font: real glyphs differ from the boxes of unassigned code points.
GLYPHS = """(text) => {
  const font = getComputedStyle(document.body).font;
  const draw = (s) => { const c = document.createElement('canvas'); c.width = 200; c.height = 40;
    const g = c.getContext('2d'); g.font = font; g.fillText(s, 2, 30); return c.toDataURL(); };
  return draw(text) !== draw('\\u0378\\u0379\\u0380\\u0381'.slice(0, text.length));
}"""


ITEMS = ("L01", "L02", "L03", "L05C", "S04")  # land contract, filing, land-use permit, city-level EIA, permit
OWNER_PASSWORD = "Aojiang#2026"
HEADS = ("zrjhead", "jxjhead")  # the department heads at the joint meeting
PROJECT_CODE = "2603-330326-04-01-000518"  # the 备案 number gives the project code

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core-4.10.2.min.js"


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page (axe vendored from npm, evaluated from disk)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                          ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")
    return found


def check_step(page, name: str, *texts: str) -> None:
    """The step's page shows its texts, renders Chinese as glyphs, does not scroll sideways, has no serious
    accessibility violation; screenshot."""
    body = page.locator("body").inner_text()
    for text in texts:
        assert text in body, f"{name}: {text!r} not on {page.url}"
    assert page.evaluate(GLYPHS, "代办"), f"{name}: Chinese renders as boxes"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {page.url} scrolls sideways ({width}px)"
    violations = axe_violations(page)
    screenshot(page, f"journey-{name}")
    assert not violations, f"{name}: {page.url} {violations}"


def tab_to(page, selector: str) -> None:
    for _ in range(60):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page, selector: str, label: str) -> None:
    tab_to(page, selector)
    for _ in range(60):
        if page.evaluate("(s) => document.querySelector(s).selectedOptions[0].text", selector) == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label} not reachable in {selector}")


def item_action(page, code: str, action: str, **fields: str) -> None:
    """Opens the item's action (start, pause, resume, local_done, report_up, finish) on the item's page and submits
    it with the fields typed in; the page reloads with the new state."""
    page.click(f"#act-{code} details.action:has(form[data-action={action}]) > summary")
    form = page.locator(f"#act-{code} form[data-action={action}]")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button").click()


def query_progress(page, tracking_no: str, query_code: str) -> None:
    """The public progress query, as the company makes it with its tracking number and query code."""
    page.goto("/portal/progress/")
    page.fill("#id_tracking_no", tracking_no)
    page.fill("#id_query_code", query_code)
    with page.expect_navigation():
        page.click("form button[type=submit]")


class People:
    """Each person's own browser context, logged in once through the real login page (password + TOTP)."""

    def __init__(self, page_at):
        self.page_at = page_at
        self.pages: dict[str, object] = {}

    def __call__(self, username: str, width: int = 1280, height: int = 900):
        if username not in self.pages:
            self.pages[username] = page = self.page_at(width, height)
            page.set_default_timeout(15_000)
            login(page, username)
        return self.pages[username]


def test_a_project_goes_from_a_phone_request_to_a_filed_and_evaluated_case(page_at):
    people = People(page_at)
    with clock.frozen("2026-03-02 09:30"):  # a Monday; the live server's threads read the same clock
        tracking_no, query_code = request_and_acceptance(page_at, people)
        case = Case.objects.get(request__tracking_no=tracking_no)
        entrustment(page_at, people, case)
    with clock.frozen("2026-03-03 10:00"):
        approvals_begin(people, case)
    coordination(people, case)
    city_item(people, case)
    completion(people, case)
    after_completion(people, case, tracking_no, query_code)


def request_and_acceptance(page_at, people: People) -> tuple[str, str]:
    company = people.pages["company"] = page_at(375, 812)
    company.goto("/portal/m/apply/")
    check_step(company, "01-company-form", "申请代办服务")
    company.keyboard.press("Tab")
    type_into(company, "#id_company_name", "平阳县鳌江精密传动有限公司")
    type_into(company, "#id_credit_code", credit_code("91330326MA2H8K7Q3"))
    type_into(company, "#id_company_address", "平阳县鳌江镇兴港路88号")
    type_into(company, "#id_contact_name", "张伟")
    type_into(company, "#id_contact_phone", "13857712345")
    type_into(company, "#id_project_name", "年产20万台精密减速机项目")
    choose(company, "#id_location", "鳌江镇")
    choose(company, "#id_category", "招商引资")
    tab_to(company, "#id_industrial_0")
    company.keyboard.press("Space")
    type_into(company, "#id_investment_wan", "12000")
    type_into(company, "#id_description", "新建厂房及配套用房，总建筑面积约3.2万平方米")
    tab_to(company, "#id_voluntary")
    company.keyboard.press("Space")
    tab_to(company, ".sticky-submit button")
    with company.expect_navigation(url="**/portal/apply/done/"):
        company.keyboard.press("Enter")
    tracking_no = company.locator("#tracking-no").inner_text()
    query_code = company.locator("#query-code").inner_text()
    check_step(company, "02-company-tracking-number", tracking_no)

    unit = people("aojiang")
    unit.goto("/cases/requests/?status=new")
    unit.click(f"text={tracking_no}")
    unit.wait_for_url(re.compile(r".*/cases/requests/\d+/$"))
    check_step(unit, "03-unit-request", "年产20万台精密减速机项目", "首次联系")
    unit.check("input[name=in_county]")
    unit.check("input[name=industrial_policy]")
    unit.check("input[name=voluntary]")
    with unit.expect_navigation():
        unit.click("button[name=accept]")
    check_step(unit, "04-unit-contact-first", "请先在“首次联系”中记录与企业联系的情况")

    unit.fill("#contact textarea[name=note]", "已电话联系张伟，了解项目用地和审批需求")
    with unit.expect_navigation():
        unit.click("#contact button")
    with unit.expect_navigation():
        unit.click("button[name=accept]")
    check_step(unit, "05-unit-confirm-checks", "请逐项勾选确认受理条件后再受理")
    assert "县域范围内，不予受理" not in unit.content()

    unit.check("input[name=in_county]")
    unit.check("input[name=industrial_policy]")
    unit.check("input[name=voluntary]")
    with unit.expect_navigation(url=re.compile(r".*/cases/\d+/$")):
        unit.click("button[name=accept]")
    check_step(unit, "06-unit-case-accepted", "已受理")

    query_progress(company, tracking_no, query_code)
    check_step(company, "07-company-progress", "已受理")
    return tracking_no, query_code


def entrustment(page_at, people: People, case: Case) -> None:
    """The owner chooses its items on the phone; the agreement is generated; the agent sets the team the rules
    propose; the plan is generated and checked; the first items are dispatched."""
    secadmin = people("secadmin")  # the security administrator opens the owner's account on its page
    secadmin.goto("/accounts/manage/owners/new/")
    secadmin.fill("#id_credit_code", case.project.company.credit_code)
    secadmin.fill("#id_username", "jingmi")
    secadmin.fill("#id_full_name", "张伟")
    secadmin.fill("#id_mobile", "13857712345")
    with secadmin.expect_navigation():
        secadmin.click("form button.primary")
    initial = secadmin.locator("code.secret").inner_text()  # shown once, handed to the owner
    owner = people.pages["jingmi"] = page_at(375, 812)
    login(owner, "jingmi", initial)
    owner.fill("input[name=current]", initial)  # the initial password is replaced at the first login
    owner.fill("input[name=new_password]", OWNER_PASSWORD)
    owner.fill("input[name=repeat]", OWNER_PASSWORD)
    with owner.expect_navigation():
        owner.get_by_role("button", name="修改密码").click()
    assert "/accounts/password/" not in owner.url, owner.locator(".errorlist").all_inner_texts()
    owner.goto(f"/cases/{case.pk}/agreement/")
    for code in ITEMS:
        owner.check(f"input[name=item_codes][value={code}]")
    check_step(owner, "08-owner-chooses-items", "选择委托代办事项", "已选 5 项")
    with owner.expect_navigation(url=re.compile(r".*/cases/\d+/$")):
        owner.click("text=确定委托事项并生成协议")
    check_step(owner, "09-owner-agreement", "已委托", "委托代办协议已生成")

    unit = people("aojiang")
    unit.goto(f"/cases/{case.pk}/team/")
    check_step(unit, "10-unit-team-proposed", "系统按规则建议的人选", "乡科级领导干部牵头", "主要负责人督办")
    with unit.expect_navigation(url=re.compile(r".*/cases/\d+/$")):
        unit.get_by_role("button", name="确定团队").click()
    team = unit.locator("#team").inner_text()
    for role in ("首席代办员", "牵头代办领导", "督办负责人", "代办联络员"):
        assert role in team, f"{role} not in the team"
    unit.locator("#plan").scroll_into_view_if_needed()
    with unit.expect_navigation():
        unit.click("#plan button[name=generate]")
    plan = unit.locator("#plan").inner_text()
    assert "符合百日目标" in plan and "L05C" in unit.locator("#plan .critical-path").inner_text()
    for chart in ("#plan-flowchart", "#plan-gantt"):
        unit.locator(f"{chart} canvas").first.wait_for(state="visible")
    assert "预警" not in plan and "逾期" not in plan  # nothing dispatched yet: no warning on the case
    unit.locator("#plan").scroll_into_view_if_needed()
    check_step(unit, "11-unit-plan", "已生成代办任务分解计划表", "百日目标", "关键路径")
    for code in ("L01", "L02"):
        with unit.expect_navigation():
            unit.click(f"#item-{code} button[data-action=dispatch]")
        assert "已派单" in unit.locator(f"#item-{code}").inner_text()
    check_step(unit, "12-unit-dispatched", "派单至")


def approvals_begin(people: People, case: Case) -> None:
    """The 发改局 liaison officer records the project (its 备案 number is the project code); 自然资源 starts the
    land contract."""
    fgj = people("fgj")
    fgj.goto("/plans/my-items/")
    check_step(fgj, "13-liaison-my-items", "派至本部门的事项", "企业投资项目备案")
    with fgj.expect_navigation():
        fgj.click(f"#item-{case.pk}-L02 button[data-action=start]")
    fgj.goto(f"/plans/cases/{case.pk}/items/L02/")
    item_action(fgj, "L02", "finish", approval_no=PROJECT_CODE)
    check_step(fgj, "14-liaison-filing-number", "已办结", PROJECT_CODE)
    assert Case.objects.get(pk=case.pk).project.project_code == PROJECT_CODE

    unit = people("aojiang")
    unit.goto(f"/cases/{case.pk}/")
    with unit.expect_navigation():
        unit.click("#item-L05C button[data-action=dispatch]")
    zrj = people("zrj")
    zrj.goto("/plans/my-items/")
    with zrj.expect_navigation():
        zrj.click(f"#item-{case.pk}-L01 button[data-action=start]")
    assert "已受理" in zrj.locator(".messages").inner_text()


def coordination(people: People, case: Case) -> None:
    """The land contract is blocked: the agent raises an issue, takes it up to his unit, the unit to the county center,
    which answers through the linked request; the unit convenes a joint
    meeting; two department heads sign the record, the record is corrected, the signatures are voided and the
    heads sign again; the resolution is carried out and the land contract is signed."""
    with clock.frozen("2026-03-04 10:00"):
        agent = people("aojiang")
        agent.goto(f"/coordination/cases/{case.pk}/issues/new/?item=L01")
        agent.fill("input[name=title]", "出让地块东侧界址争议影响出让合同签订")
        agent.fill("textarea[name=description]", "相邻地块权属人对东侧界址有异议，出让合同暂不能签订")
        agent.check("input[name=departments][value=zrj]")
        agent.fill("input[name=deadline_workdays]", "2")
        with agent.expect_navigation(url=re.compile(r".*/coordination/issues/\d+/$")):
            agent.click("form.card button.primary")
        issue_url = agent.url
        agent.click("text=升级到上一层级")
        agent.fill("#escalate-form textarea[name=reason]", "界址争议涉及自然资源和规划、经信两部门，请镇代办服务站组织协调")
        agent.fill("#escalate-form input[name=deadline_workdays]", "3")
        with agent.expect_navigation():
            agent.click("#escalate-form button[name=escalate]")
        check_step(agent, "15-issue-up-the-ladder", "第2层级", "鳌江镇投资项目代办服务站", "升级")
        agent.goto(f"/cases/{case.pk}/")
        assert "协调中：出让地块东侧界址争议" in agent.locator("#items").inner_text()

        unit = people("ajadmin")  # a county matter: the station takes it up to the county center (ladder level 3)
        unit.goto(issue_url)
        unit.click("text=升级到上一层级")
        unit.fill("#escalate-form textarea[name=reason]", "界址复测需县自然资源和规划局派员，镇级无法协调，申请县代办中心协调")
        unit.fill("#escalate-form input[name=deadline_workdays]", "3")
        with unit.expect_navigation():
            unit.click("#escalate-form button[name=escalate]")
        tiers = unit.locator("#tiers li")
        assert tiers.count() == 3
        for n, (handler, by) in enumerate((("鳌江镇投资项目代办服务站", "aojiang"),
                                           ("平阳县投资项目代办服务中心", "ajadmin")), start=2):
            level = tiers.nth(n - 1).inner_text()
            assert f"第{n}层级" in level and f"协调主体：{handler}" in level, level
            assert User.objects.get(username=by).display_name in level, level

        county = people("zxagent")  # the county center's agent answers through the linked request the level opened
        county.goto(f"/coordination/linked/{LinkedRequest.objects.get(issue__case=case).pk}/")
        with county.expect_navigation():
            county.click("#accept-form button[name=accept]")
        county.fill("#feedback-form textarea[name=feedback]",
                    "县代办中心已协调县自然资源和规划局派员参加，请鳌江镇代办服务站召开联席会议")
        with county.expect_navigation():
            county.click("#feedback-form button[name=send]")
        assert "县代办中心已协调" in county.locator("body").inner_text(), (
            county.locator(".errorlist, .messages, #feedback-form").all_inner_texts())

        unit.goto(issue_url)
        with unit.expect_navigation():
            unit.click("text=召开联席会议协调")
        unit.fill("input[name=held_at]", "2026-03-05T09:30")
        unit.fill("input[name=place]", "鳌江镇行政服务中心三楼会议室")
        unit.fill("textarea[name=agenda]", "协调出让地块东侧界址争议，明确复测和出让合同签订安排")
        for head in HEADS:
            unit.check(f"input[name=invitees][value={head}]")
        with unit.expect_navigation(url=re.compile(r".*/coordination/meetings/\d+/$")):
            unit.click("form.card button.primary")
        meeting_url = unit.url

    with clock.frozen("2026-03-05 11:00"):
        for head in HEADS:
            unit.check(f"input[name=present][value={head}]")
        unit.fill("textarea[name=discussion]", "与会部门同意先行组织现场复测，复测确认界址后签订出让合同")
        unit.locator("textarea[name=res_content]").nth(0).fill("组织现场复测，出具界址确认意见")
        unit.locator("select[name=res_department]").nth(0).select_option("zrj")
        unit.locator("input[name=res_due]").nth(0).fill("2")
        with unit.expect_navigation():
            unit.click("button[name=record]")
        assert "第1版会议记录" in unit.locator("#record-version").inner_text()
    with clock.frozen("2026-03-05 11:30"):
        for head in HEADS:
            sign(people, head, meeting_url, version=1)
    with clock.frozen("2026-03-05 14:00"):  # the convener corrects the record: the signatures are void
        unit.reload()
        unit.click("#record summary")
        unit.fill("textarea[name=discussion]", "与会部门同意先行组织现场复测（3月6日上午），复测确认界址后即签订出让合同")
        with unit.expect_navigation():
            unit.click("button[name=record]")
        check_step(unit, "17-meeting-record-corrected", "第2版会议记录", "签名已因记录修改而作废")
    with clock.frozen("2026-03-05 15:00"):
        for head in HEADS:
            sign(people, head, meeting_url, version=2)
        unit.reload()
        check_step(unit, "18-meeting-signed-again", "出席的部门负责人均已签名确认")
        assert unit.locator("#attendance").inner_text().count("已签名") == 2

    with clock.frozen("2026-03-06 16:00"):
        row = unit.locator("#resolutions tbody tr").nth(0)
        row.locator("input[name=note]").fill("3月6日完成现场复测，已出具界址确认意见")
        with unit.expect_navigation():
            row.locator("button[name=done]").click()
        assert "已落实" in unit.locator("#resolutions").inner_text()
        unit.goto(issue_url)
        unit.click("text=提出解决方案（交代办员确认）")
        unit.fill("#resolve-form textarea[name=resolution]",
                  "联席会议议定：自然资源和规划局3月6日完成现场复测并出具界址确认意见，界址已确认，可签订出让合同")
        with unit.expect_navigation():
            unit.click("#resolve-form button[name=resolve]")
        agent.goto(issue_url)
        agent.check("#confirm-form input[name=accepted][value=yes]")
        with agent.expect_navigation():
            agent.click("#confirm-form button[name=confirm]")
        check_step(agent, "19-issue-resolved", "已解决")
        zrj = people("zrj")
        zrj.goto(f"/plans/cases/{case.pk}/items/L01/")
        item_action(zrj, "L01", "finish", approval_no="3303262026A00031")
        agent.goto(f"/cases/{case.pk}/")
        with agent.expect_navigation():
            agent.click("#item-L03 button[data-action=dispatch]")
        zrj.goto(f"/plans/cases/{case.pk}/items/L03/")
        item_action(zrj, "L03", "start")
        item_action(zrj, "L03", "finish", approval_no="地字第330326202600061号")
        check_step(zrj, "20-liaison-land-permit", "已办结", "地字第330326202600061号")


def sign(people: People, head: str, meeting_url: str, *, version: int) -> None:
    page = people(head)
    page.goto(meeting_url)
    assert f"第{version}版会议记录" in page.locator("#sign-form").inner_text()
    if version == 1 and head == HEADS[0]:
        check_step(page, "16-head-signs-the-record", "请阅读第1版会议记录")
    with page.expect_navigation():
        page.click("button[name=sign]")
    assert "已签名确认会议记录" in page.locator(".messages").inner_text()


def city_item(people: People, case: Case) -> None:
    """The city-level EIA: started, paused for the expert review and resumed; done locally, reported up to the
    city within one working day, approved."""
    sthj = people("sthj")
    with clock.frozen("2026-03-04 10:00"):
        sthj.goto("/plans/my-items/")
        with sthj.expect_navigation():
            sthj.click(f"#item-{case.pk}-L05C button[data-action=start]")
    with clock.frozen("2026-03-09 10:00"):
        sthj.goto(f"/plans/cases/{case.pk}/items/L05C/")
        item_action(sthj, "L05C", "pause", kind="expert_review", reason="环境影响报告书技术评估专家评审会")
        check_step(sthj, "21-liaison-paused-for-experts", "专家评审", "暂停中")
    with clock.frozen("2026-03-13 10:00"):
        sthj.reload()
        item_action(sthj, "L05C", "resume")
        assert "不计 4 个工作日" in sthj.locator("#act-L05C").inner_text()
        unit = people("aojiang")
        unit.goto(f"/cases/{case.pk}/")
        unit.click("#progress-reports summary")
        check_step(unit, "22-unit-report-preview", "预览下一期", "提前发送本期")
    with clock.frozen("2026-03-16 08:00"):
        assert send_progress_reports() == 1  # the background duty of the 16th
    with clock.frozen("2026-03-16 12:00"):
        owner = people("jingmi", 375, 812)
        owner.goto("/notify/")
        check_step(owner, "23-owner-half-month-report", "代办进度反馈（03.01—03.15）")
        sthj.goto(f"/plans/cases/{case.pk}/items/L05C/")
        item_action(sthj, "L05C", "local_done")
        assert "上报期限 2026-03-17" in sthj.locator("#act-L05C").inner_text()
    with clock.frozen("2026-03-17 10:00"):
        sthj.reload()
        item_action(sthj, "L05C", "report_up", note="报温州市生态环境局审批")
        check_step(sthj, "24-liaison-reported-up", "按时上报")
    with clock.frozen("2026-03-20 10:00"):
        sthj.reload()
        item_action(sthj, "L05C", "finish", approval_no="温环建〔2026〕18号")
        assert "已办结" in sthj.locator("#act-L05C").inner_text()


def completion(people: People, case: Case) -> None:
    """The construction permit, the last item; the case is completed, signed for and filed on time."""
    unit = people("aojiang")
    with clock.frozen("2026-03-20 14:00"):
        unit.goto(f"/cases/{case.pk}/")
        with unit.expect_navigation():
            unit.click("#item-S04 button[data-action=dispatch]")
        zjj = people("zjj")
        zjj.goto(f"/plans/cases/{case.pk}/items/S04/")
        item_action(zjj, "S04", "start")
    with clock.frozen("2026-03-24 10:00"):
        zjj.reload()
        item_action(zjj, "S04", "finish", approval_no="330326202603240101")
        unit.goto(f"/cases/{case.pk}/")
        check_step(unit, "25-unit-every-item-done", *ITEMS, "330326202603240101")
        assert unit.locator("#plan-items tbody .tag", has_text="已办结").count() == len(ITEMS)
        unit.goto(f"/closure/cases/{case.pk}/")
        unit.get_by_role("link", name="填写办结单").click()
        unit.fill("textarea[name=opinion]", "委托事项均已按期办结，批准文件已移交业主")
        with unit.expect_navigation():
            unit.click("text=确认办结，生成办结单")
        assert unit.url.endswith(f"/closure/cases/{case.pk}/"), unit.locator(".errorlist, .error, .messages").all_inner_texts()
        unit.fill("input[name=signatory]", "张伟")
        with unit.expect_navigation():
            unit.click("text=登记业主签收")
        with unit.expect_navigation():
            unit.click("text=登记归档")
        check_step(unit, "26-unit-completed-and-filed", "已办结", "按时归档")


def after_completion(people: People, case: Case, tracking_no: str, query_code: str) -> None:
    """The owner evaluates through the one-time link; a return visit hears of a gift asked for and the inspector
    sees the alert; the center's ledger and dashboard and the public progress page show the case, masked; the
    auditor verifies the trail."""
    unit, company = people("aojiang"), people.pages["company"]
    with clock.frozen("2026-03-24 15:00"):
        with unit.expect_navigation():
            unit.click("text=生成业主评价链接")
        link = unit.locator("#issued-link a").inner_text()
        company.goto(link)
        check_step(company, "27-owner-evaluation-link", "代办服务评价", "年产20万台精密减速机项目")
        company.check("input[name=grade][value=very_satisfied]")
        for field in ("attitude", "efficiency", "quality", "overall"):
            company.check(f"input[name={field}][value='5']")
        company.fill("textarea[name=comments]", "代办员全程跟进，界址争议协调及时。")
        company.check("input[name=fee_asked][value=no]")
        with company.expect_navigation():
            company.click("text=提交评价")
        check_step(company, "28-owner-evaluated", "评价已提交，感谢您的支持")
        company.goto(link)
        assert "评价提交后不能修改" in company.locator("#problem").inner_text()  # the link is spent

    with clock.frozen("2026-03-27 10:00"):
        unit.reload()
        unit.click("#visits summary")
        unit.locator("select[name=visitor]").select_option("ajadmin")
        with unit.expect_navigation():
            unit.get_by_role("button", name="安排回访").click()
        visitor = people("ajadmin")
        visitor.goto(f"/closure/cases/{case.pk}/")
        visits = visitor.locator("#visits")
        visits.locator("textarea[name=note]").fill("电话回访业主张伟，对代办服务满意；反映某中介人员曾暗示需送购物卡")
        visits.locator("input[name=fee_asked][value=yes]").check()
        visits.locator("textarea[name=fee_details]").fill("环评编制阶段有中介人员暗示需送购物卡")
        with visitor.expect_navigation():
            visits.get_by_role("button", name="记录回访").click()
        check_step(visitor, "29-return-visit-fee-report", "业主反映有人索取费用或礼品")
        inspector = people("inspector")
        inspector.goto("/closure/fee-alerts/")
        check_step(inspector, "30-inspector-fee-alert", "环评编制阶段有中介人员暗示需送购物卡", "鳌江镇")

    with clock.frozen("2026-03-31 10:00"):
        center = people("center")
        center.goto("/assessment/ledger/?from=2026-03-01&to=2026-03-31")
        check_step(center, "31-center-ledger", tracking_no, "年产20万台精密减速机项目")
        assert "张伟" not in center.content() and "13857712345" not in center.content()
        center.goto("/assessment/?from=2026-03-01&to=2026-03-31&by=unit")
        center.wait_for_selector("#chart-units canvas")
        check_step(center, "32-center-dashboard", "鳌江镇投资项目代办服务站")
        query_progress(company, tracking_no, query_code)
        check_step(company, "33-public-progress", "已办结", "代办进度反馈")
        assert "张伟" not in company.content() and "13857712345" not in company.content()
        auditor = people("auditor")
        auditor.goto("/audit/")
        with auditor.expect_navigation():
            auditor.click("form[action='/audit/verify/'] button")
        verify_run(VerifyRun.objects.latest("pk").pk)  # the worker's task, run here
        auditor.reload()
        check_step(auditor, "34-auditor-verifies-the-trail", "审计链完整", "逐条校验通过")
