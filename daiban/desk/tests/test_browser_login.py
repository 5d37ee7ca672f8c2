"""A person logs in with a real browser and finds the workbench, on a desk and on a phone."""
from __future__ import annotations

import pytest

from conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_logs_in_on_a_phone_and_sees_the_workbench(page_at):
    page = page_at(375, 740)
    login(page, "aojiang")
    assert page.locator("h1").inner_text() == "工作台"
    assert "王建国" in page.locator(".who").inner_text()
    screenshot(page, "workbench-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the workbench must not scroll sideways on a phone"


def test_a_wrong_password_is_refused_in_chinese(page_at):
    page = page_at()
    page.goto("/login/")
    page.fill("input[name=username]", "aojiang")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".error").inner_text()
