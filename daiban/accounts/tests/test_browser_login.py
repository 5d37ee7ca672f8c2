"""The login steps in a real browser: password, then the authenticator's code; and a first login that
sets up the authenticator from the QR code page."""
from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import DEMO_PASSWORD, screenshot, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, username: str, start: str = "/login/") -> None:
    page.goto(start)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_an_administrator_sets_up_the_authenticator_at_the_first_login(page_at):
    TOTPDevice.objects.filter(user__username="secadmin").delete()
    page = page_at(375, 800)
    password_step(page, "secadmin")
    assert "/login/enrol/" in page.url
    assert page.locator(".qr svg").is_visible() and page.locator("code.secret").inner_text()
    screenshot(page, "login-enrol-phone")
    page.fill("input[name=code]", totp_code("secadmin", confirmed=False))
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator("ul.codes li").count() == 10
    with page.expect_navigation():
        page.click("text=我已保存，继续")
    assert page.locator("h1").inner_text() == "工作台"
    assert "账号管理" in page.locator(".menu").inner_text()


def test_a_wrong_code_is_refused_in_chinese_and_the_right_one_logs_in(page_at):
    page = page_at()
    password_step(page, "aojiang", start="/cases/")
    assert "/login/code/" in page.url
    right = totp_code("aojiang")
    page.fill("input[name=code]", f"{(int(right) + 1) % 10**6:06d}")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "动态口令不正确" in page.locator(".errorlist").inner_text()
    page.wait_for_timeout(1100)  # the authenticator is throttled for a second after a wrong code
    page.fill("input[name=code]", totp_code("aojiang"))
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/cases/"), "back to the page first asked for"
