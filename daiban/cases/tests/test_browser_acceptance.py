"""An online request is contacted and accepted by the 鳌江镇 agent in a real browser, on a phone."""
from __future__ import annotations

import re

import pytest

from conftest import login, request_payload, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def test_an_online_request_is_contacted_and_accepted_in_the_browser(page_at):
    page = page_at(375, 740)
    answer = page.request.post("/api/v1/public/requests", data=request_payload())
    assert answer.status == 201, answer.text()
    tracking_no = answer.json()["tracking_no"]

    login(page, "aojiang")
    assert "待联系的代办申请" in page.content() and tracking_no in page.content()
    # The window form on a phone: one column, and an empty submission answers field by field in Chinese.
    page.goto("/cases/requests/new/")
    with page.expect_navigation():
        page.click("text=提交登记")
    assert "请填写单位名称" in page.locator(".field-error").first.inner_text()
    no_sideways_scroll(page)
    screenshot(page, "request-form-errors-phone")

    page.goto("/cases/requests/?status=new")
    no_sideways_scroll(page)
    screenshot(page, "requests-phone")
    page.click(f"text={tracking_no}")
    page.wait_for_url(re.compile(r".*/cases/requests/\d+/$"))
    assert "年产20万台精密减速机项目" in page.locator("h1").inner_text()

    page.fill("textarea[name=note]", "已电话联系张伟，了解项目用地和审批需求")
    with page.expect_navigation():
        page.click("#contact button")
    assert "已记录首次联系" in page.locator(".messages").inner_text()
    assert "已联系待审查" in page.content()

    page.check("input[name=in_county]")
    page.check("input[name=industrial_policy]")
    page.check("input[name=voluntary]")
    screenshot(page, "request-review-phone")
    with page.expect_navigation(url=re.compile(r".*/cases/\d+/$")):
        page.click("button[name=accept]")
    assert "已受理" in page.locator(".case-status").inner_text()
    assert "代办登记表" in page.content()
    no_sideways_scroll(page)
    screenshot(page, "case-accepted-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    screenshot(page, "case-accepted-desk")

    # The owner's choice of items, on a phone: "全选本阶段" ticks a whole stage.
    page.set_viewport_size({"width": 375, "height": 740})
    # the page loaded, its script with it: a box ticked before the script ran would tick nothing else
    with page.expect_navigation(url=re.compile(r".*/cases/\d+/agreement/$")):
        page.click("text=选择委托事项")
    page.check("section[data-stage='1'] input[data-check-stage]")
    page.uncheck("input[name=item_codes][value=L05C]")  # 环评报告表 or 报告书: one or the other
    chosen = page.locator("section[data-stage='1'] input[name=item_codes]:checked").count()
    assert chosen > 1 and f"已选 {chosen} 项" in page.locator("#chosen-count").inner_text()
    no_sideways_scroll(page)
    screenshot(page, "agreement-phone")
    with page.expect_navigation(url=re.compile(r".*/cases/\d+/$")):
        page.click("text=确定委托事项并生成协议")
    assert "已委托" in page.locator(".case-status").inner_text()
    page.click("text=确定代办团队")
    no_sideways_scroll(page)
    screenshot(page, "team-phone")
