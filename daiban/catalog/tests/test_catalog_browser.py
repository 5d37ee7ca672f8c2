"""The catalog in a real browser: readable on a phone; the center's form shows errors at the field."""
from __future__ import annotations

import pytest

from conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_reads_the_catalog_and_a_guide_on_a_phone(page_at):
    page = page_at(375, 740)
    page.goto("/catalog/")
    assert page.locator("h1").inner_text() == "事项库"
    assert page.evaluate("document.body.scrollWidth") <= 375, "only the tables may scroll sideways"
    page.click("text=环境影响评价审批（报告表）")
    page.wait_for_url("**/catalog/L05/")
    assert "环评编制机构" in page.locator("main").inner_text()
    screenshot(page, "catalog-guide-phone")


def test_the_center_corrects_a_refused_limit_on_the_edit_form(page_at):
    page = page_at()
    login(page, "center")
    page.goto("/catalog/L06/edit/")
    page.fill("input[name=limit_workdays]", "0")
    page.click("button.primary")
    assert "承诺时限应为 1 至 365 个工作日" in page.locator(".field-error").inner_text()
    screenshot(page, "catalog-edit-refused")
    page.fill("input[name=limit_workdays]", "12")
    page.click("button.primary")
    page.wait_for_url("**/catalog/L06/")
    assert "12 个工作日" in page.locator("main").inner_text()
    page.goto("/catalog/")
    screenshot(page, "catalog-list-center")
