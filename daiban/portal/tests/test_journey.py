"""The whole service in a real browser (issue 15): each person in a separate browser context, logged in through
the real login page (password + TOTP), every page checked for Chinese glyphs, no sideways scroll at 375 px and a
screenshot per step (test-artifacts/journey-*.png; the tour in docs/tour is made from them).

Steps driven so far: the company submits its request on a 375 px phone with the keyboard alone and keeps its
tracking number and query code; the 鳌江镇 unit cannot accept before recording the first contact, records it,
is asked to confirm when it ticks nothing, and accepts; the company reads its progress on the phone.

TODO steps (not driven yet): the owner chooses items; the agreement is generated; the team is set by the
proposal; the plan is generated and checked (flowchart, timetable, critical path, 100-day figure); items are
dispatched; liaison officers start, pause for expert review, resume and finish with approval numbers; one item
goes up to the city and is reported upward on time; an issue climbs the ladder to a joint meeting, two heads
sign, the record is edited and signed again; the owner reads its half-monthly report on the phone; the case is
completed and filed; the owner evaluates through the one-time link; a return visit records a fee report and the
inspector sees the alert; the ledger, dashboard and public progress page show the case (masked); the auditor
verifies the trail.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import credit_code, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Two strings drawn with the page's own font: real glyphs differ from the boxes of unassigned code points.
GLYPHS = """(text) => {
  const font = getComputedStyle(document.body).font;
  const draw = (s) => { const c = document.createElement('canvas'); c.width = 200; c.height = 40;
    const g = c.getContext('2d'); g.font = font; g.fillText(s, 2, 30); return c.toDataURL(); };
  return draw(text) !== draw('\\u0378\\u0379\\u0380\\u0381'.slice(0, text.length));
}"""


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


def test_a_project_goes_from_a_phone_request_to_an_accepted_case(page_at):
    company = page_at(375, 812)
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

    unit = page_at(1280, 900)
    login(unit, "aojiang")
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

    company.goto("/portal/progress/")
    company.fill("#id_tracking_no", tracking_no)
    company.fill("#id_query_code", query_code)
    with company.expect_navigation():
        company.click("form button[type=submit]")
    check_step(company, "07-company-progress", "已受理")
