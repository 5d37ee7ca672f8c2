"""An owner evaluates through the one-time link on a phone and answers that someone asked for a gift;
the discipline inspector logs in and finds the alert."""
from __future__ import annotations

import pytest

from conftest import login, screenshot
from daiban.cases.models import Case
from daiban.closure.evaluations import evaluation_link_issue
from daiban.notify.selectors import unread_count
from daiban.org.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def choose(page, field: str, label: str) -> None:
    page.locator(f"#{field}-field label", has_text=label).click()


def test_an_owner_reports_a_gift_request_through_the_link_on_a_phone_and_the_inspector_sees_it(page_at):
    case = Case.objects.get(request__idempotency_key="demo-4")  # 昆阳: terminated, not yet evaluated
    _, token = evaluation_link_issue(actor=User.objects.get(username="kunyang"), case=case)
    unread_before = unread_count(User.objects.get(username="inspector"))  # the demo's own alerts

    page = page_at(375, 812)
    page.goto(f"/closure/evaluate/{token}/")
    assert page.locator("h1").inner_text() == "代办服务评价"
    assert "昆阳老城片区商业街区更新项目" in page.content()
    no_sideways_scroll(page)
    screenshot(page, "evaluation-link-phone")

    with page.expect_navigation():
        page.click("text=提交评价")  # nothing chosen: every question answers in Chinese
    assert "请选择评价等级" in page.locator("#grade-field").inner_text()
    assert "请回答代办过程中是否有人索取费用或礼品" in page.locator("#fee_asked-field").inner_text()
    screenshot(page, "evaluation-link-errors-phone")

    page.locator("#grade-field label").filter(has_text="基本满意").click()
    for field, score in (("attitude", "4分"), ("efficiency", "3分"), ("quality", "4分"), ("overall", "3分")):
        choose(page, field, score)  # the scores stay, as optional detail
    page.fill("textarea[name=comments]", "代办员很负责，但个别环节等待较久。")
    choose(page, "fee_asked", "是")
    page.fill("textarea[name=fee_details]", "某部门窗口人员暗示需送购物卡")
    no_sideways_scroll(page)
    screenshot(page, "evaluation-link-filled-phone")
    with page.expect_navigation():
        page.click("text=提交评价")
    assert "评价已提交，感谢您的支持" in page.locator("#thanks").inner_text()
    assert "已即时转交纪检监察部门" in page.content()
    screenshot(page, "evaluation-link-done-phone")

    page.goto(f"/closure/evaluate/{token}/")  # the link is spent
    assert "评价提交后不能修改" in page.locator("#problem").inner_text()

    login(page, "inspector")
    panel = page.locator("section.panel").filter(has=page.locator("h2", has_text="索取费用或礼品线索"))
    assert "昆阳老城片区商业街区更新项目" in panel.inner_text()
    assert f"({unread_before + 1})" in page.locator("#unread-count").inner_text()  # this alert, at once
    screenshot(page, "inspector-home-phone")
    page.goto("/closure/fee-alerts/")
    row = page.locator("tr.fee-alert").first
    assert "某部门窗口人员暗示需送购物卡" in row.inner_text() and "昆阳镇" in row.inner_text()
    no_sideways_scroll(page)
    screenshot(page, "inspector-fee-alerts-phone")
