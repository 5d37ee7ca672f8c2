"""The agent completes a case in the browser and files it; the center watches the provincial reports."""
from __future__ import annotations

import re

import pytest

from conftest import login, screenshot
from daiban.closure.tests.conftest import Builder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def test_the_agent_completes_and_files_a_case_and_the_center_sees_the_reports(page_at, person):
    build = Builder(person)
    case = build.case(on="2026-09-01")
    build.finish_all(case, on="2026-09-01")

    page = page_at(1280, 900)
    login(page, "aojiang")
    page.goto(f"/closure/cases/{case.pk}/")
    assert "可以填写办结单" in page.content()
    page.get_by_role("link", name="填写办结单").click()
    page.wait_for_url(re.compile(r".*/complete/$"))
    assert page.locator("input[name=handover-0-document]").input_value().startswith("企业投资项目备案（赋码）批准文件")
    page.fill("input[name=handover-1-copies]", "0")
    with page.expect_navigation():
        page.click("text=确认办结，生成办结单")
    assert "份数至少为 1" in page.locator("table.handover").inner_text()
    screenshot(page, "closure-complete-errors-desk")
    page.fill("input[name=handover-1-copies]", "2")
    page.fill("textarea[name=opinion]", "委托事项均已按时办结")
    with page.expect_navigation(url=re.compile(rf".*/closure/cases/{case.pk}/$")):
        page.click("text=确认办结，生成办结单")
    assert "已办结" in page.locator(".case-status").inner_text()
    page.fill("input[name=signatory]", "张伟")
    with page.expect_navigation():
        page.click("text=登记业主签收")
    with page.expect_navigation():
        page.click("text=登记归档")
    assert "按时归档" in page.locator("#filing-state").inner_text()
    screenshot(page, "closure-case-desk")

    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    no_sideways_scroll(page)
    screenshot(page, "closure-case-phone")
    with page.expect_download() as download:
        page.click("text=下载案卷（.zip）")
    assert download.value.suggested_filename.endswith("案卷.zip")

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "center")
    page.goto("/provincial/")
    assert "尚未配置省平台地址" in page.content() and "办结" in page.content()
    screenshot(page, "provincial-outbox-desk")
