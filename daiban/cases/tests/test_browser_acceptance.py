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
    page.goto("/cases/requests/?status=new")
    no_sideways_scroll(page)
    screenshot(page, "requests-phone")
    page.click(f"text={tracking_no}")
    page.wait_for_url(re.compile(r".*/cases/requests/\d+/$"))
    assert "年产20万台精密减速机项目" in page.locator("h1").inner_text()

    page.fill("textarea[name=note]", "已电话联系张伟，了解项目用地和审批需求")
    page.click("text=记录联系")
    screenshot(page, "debug-after-contact")
    assert "已记录首次联系" in page.locator(".messages").inner_text()
    assert "已联系待审查" in page.content()

    page.check("input[name=in_county]")
    page.check("input[name=industrial_policy]")
    page.check("input[name=voluntary]")
    screenshot(page, "request-review-phone")
    page.click("button[name=accept]")
    page.wait_for_url(re.compile(r".*/cases/\d+/$"))
    assert "已受理" in page.locator(".case-status").inner_text()
    assert "代办登记表" in page.content()
    no_sideways_scroll(page)
    screenshot(page, "case-accepted-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    screenshot(page, "case-accepted-desk")
