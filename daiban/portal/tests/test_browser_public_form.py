"""On a phone, a company asks for the service from the WeChat menu page and then follows its progress."""
from __future__ import annotations

import pytest

from conftest import credit_code, screenshot
from daiban.lib import codes
from daiban.lib.codes import normalise_query_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_CODE = credit_code("91330326MA2H8K7Q3")
BAD_CODE = GOOD_CODE[:17] + ("1" if GOOD_CODE[17] != "1" else "2")


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def fill_request(page, code: str) -> None:
    page.fill("#id_company_name", "平阳县鳌江精密传动有限公司")
    page.fill("#id_credit_code", code)
    page.fill("#id_company_address", "平阳县鳌江镇兴港路88号")
    page.fill("#id_contact_name", "张伟")
    page.fill("#id_contact_phone", "13857712345")
    page.fill("#id_project_name", "年产20万台精密减速机项目")
    page.select_option("#id_location", label="鳌江镇")
    page.select_option("#id_category", label="招商引资")
    page.check("#id_industrial_0")
    page.fill("#id_investment_wan", "12000")
    page.fill("#id_description", "新建厂房及配套用房，总建筑面积约3.2万平方米")
    page.check("#id_voluntary")


def test_a_company_applies_on_a_phone_and_queries_its_progress(page_at):
    page = page_at(375, 812)
    page.goto("/portal/m/apply/")
    assert page.locator("h1").inner_text() == "申请代办服务"
    assert scroll_width(page) <= 375, "the phone page must not scroll sideways"
    screenshot(page, "portal-phone-form")

    fill_request(page, BAD_CODE)
    page.click(".sticky-submit button")
    error = page.locator("#id_credit_code_error")
    assert "校验位不正确" in error.inner_text()
    assert page.input_value("#id_credit_code") == BAD_CODE
    assert page.input_value("#id_company_name") == "平阳县鳌江精密传动有限公司"
    assert page.input_value("#id_location") == "330326101"
    assert page.is_checked("#id_industrial_0") and page.is_checked("#id_voluntary")
    assert scroll_width(page) <= 375
    # The first field in error is scrolled to and focused, not left somewhere below the fold.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_credit_code'")
    assert page.locator("#id_credit_code").evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }")
    screenshot(page, "portal-phone-form-error")

    page.fill("#id_credit_code", GOOD_CODE)
    page.click(".sticky-submit button")
    page.wait_for_url("**/portal/apply/done/")
    tracking_no = page.locator("#tracking-no").inner_text()
    query_code = page.locator("#query-code").inner_text()
    assert tracking_no.startswith("DB") and len(normalise_query_code(query_code)) == codes.LENGTH
    assert "请妥善保存查询码" in page.content()
    assert scroll_width(page) <= 375
    screenshot(page, "portal-phone-done")

    page.goto(f"/portal/progress/?tracking_no={tracking_no}")
    assert page.input_value("#id_tracking_no") == tracking_no
    page.fill("#id_query_code", query_code)
    page.click(".query button[type=submit]")
    page.locator(".result").wait_for()
    assert "待联系" in page.locator(".status").inner_text()
    assert "138****2345" in page.locator(".result").inner_text()
    assert page.locator(".timeline li").count() >= 1
    assert scroll_width(page) <= 375
    screenshot(page, "portal-phone-progress")


def test_the_home_and_website_form_look_right_on_a_phone_and_a_desk(page_at):
    phone = page_at(375, 812)
    phone.goto("/portal/")
    assert scroll_width(phone) <= 375
    phone.locator("details.points summary").first.click()
    assert scroll_width(phone) <= 375
    screenshot(phone, "portal-phone-home")

    desk = page_at(1280, 900)
    desk.goto("/portal/")
    screenshot(desk, "portal-desk-home")
    desk.goto("/portal/apply/")
    desk.click("button[type=submit]")
    assert "请填写单位名称" in desk.locator("#id_company_name_error").inner_text()
    assert "自愿申请" in desk.locator("#id_voluntary_error").inner_text()
    screenshot(desk, "portal-desk-form-errors")
