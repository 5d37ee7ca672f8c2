"""The dashboard, the ledger export and the public page in a real browser (Chromium)."""
from __future__ import annotations

import pytest

from conftest import login, screenshot
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MARCH = "from=2025-03-01&to=2025-03-31"


@pytest.fixture
def march(demo):
    build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", completed="2025-03-20",
                   project="年产5万套阀门项目", items=[ItemSpec("L05", "2025-03-05", "2025-03-14"),
                                                  ItemSpec("L02", "2025-03-05", "2025-03-10")]))
    build(CaseSpec("昆阳镇", "2025-03-10", "2025-03-11", agent="kunyang", project="昆阳商业综合体项目",
                   items=[ItemSpec("G02", "2025-03-12")]))


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def test_the_dashboard_draws_its_charts_and_a_click_lists_the_units_cases(march, page_at):
    page = page_at()
    login(page, "center")
    page.goto(f"/assessment/?{MARCH}&by=unit")
    for chart in ("#chart-months", "#chart-units", "#chart-departments"):
        page.wait_for_selector(f"{chart} canvas")
    screenshot(page, "assessment-dashboard")
    page.click("table.rank-table >> text=鳌江镇投资项目代办服务站")
    page.wait_for_selector("#drill >> text=年产5万套阀门项目")
    assert "昆阳商业综合体项目" not in page.locator("#drill").inner_text()
    href = page.locator("#drill a", has_text="T2025").first.get_attribute("href")
    assert href.startswith("/cases/")


def test_the_dashboard_fits_a_phone(march, page_at):
    page = page_at(375, 740)
    login(page, "leader")
    page.goto(f"/assessment/?{MARCH}&by=department")
    page.wait_for_selector("#chart-departments canvas")
    no_sideways_scroll(page)
    screenshot(page, "assessment-dashboard-phone")


def test_the_ledger_export_shows_its_progress_and_downloads(march, page_at, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True  # the worker runs in the page's own process for this test
    try:
        page = page_at()
        login(page, "center")
        page.goto(f"/assessment/ledger/?{MARCH}")
        assert "年产5万套阀门项目" in page.content()
        page.click("text=导出台帐（Excel）")
        page.wait_for_selector("#exports >> text=已完成，共 2 行")
        screenshot(page, "assessment-ledger-export")
        with page.expect_download() as download:
            page.click("#exports >> text=下载 .xlsx")
        assert download.value.suggested_filename.endswith(".xlsx")
    finally:
        HUEY.immediate = False


def test_the_public_page_draws_the_year_without_a_login(march, page_at):
    page = page_at(375, 740)
    page.goto("/assessment/public/?year=2025")
    page.wait_for_selector("#chart-public canvas")
    assert "年产5万套阀门项目" not in page.content()
    no_sideways_scroll(page)
    screenshot(page, "assessment-public-phone")
