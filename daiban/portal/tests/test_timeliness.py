"""承诺时限 / 实际平均 on the public portal (issue 16, seed §7.5)."""
from __future__ import annotations

from daiban.plans.models import DurationFigure


def test_the_portal_shows_each_main_items_promise_and_its_real_average_without_cases(demo, client):
    page = client.get("/portal/timeliness/")
    text = page.content.decode()
    assert page.status_code == 200
    l05 = DurationFigure.objects.get(catalog_item__code="L05", department__isnull=True)
    assert "承诺时限" in text and "实际平均" in text and "环境影响评价审批（报告表）" in text
    assert f">{l05.mean}<" in text  # the demo county's 18.3 against a promised 10
    assert "样本不足" in text  # items with fewer than eight finished
    for private in ("精工传动", "陈国栋", "1395770"):
        assert private not in text


def test_the_portal_home_links_to_it(demo, client):
    assert "/portal/timeliness/" in client.get("/portal/").content.decode()
