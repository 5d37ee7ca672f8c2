"""The bottleneck view as a monthly trend, read from the evidence histogram (issue 16)."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.assessment.selectors import practice_trend
from daiban.catalog.models import CatalogItem
from daiban.plans.evidence import evidence_import
from daiban.plans.models import DurationCount, DurationFigure

D = dt.date.fromisoformat


@pytest.fixture
def practice(demo):
    DurationCount.objects.all().delete()
    DurationFigure.objects.all().delete()
    l05, l02 = CatalogItem.objects.get(code="L05"), CatalogItem.objects.get(code="L02")
    evidence_import(source="test", rows=[
        (l05.pk, l05.department_id, D("2026-05-06"), 12), (l05.pk, l05.department_id, D("2026-05-20"), 14),
        (l05.pk, l05.department_id, D("2026-06-15"), 20),
        (l02.pk, l02.department_id, D("2026-05-06"), 1), (l02.pk, l02.department_id, D("2026-06-06"), 1),
        (l05.pk, l05.department_id, D("2025-01-10"), 90),  # outside six months
    ])


def test_items_and_departments_over_their_promise_come_worst_first_with_each_months_excess(
        practice, django_assert_num_queries):
    with django_assert_num_queries(3):
        trend = practice_trend(D("2026-06-30"), months=6)
    assert trend["months"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    [l05] = trend["items"]  # L02 took exactly its one working day: not listed
    # May: (12 + 14) / 2 − 10 = 3; June: 20 − 10 = 10; overall (12 + 14 + 20) / 3 = 15.3, 5.3 over.
    assert (l05["code"], l05["mean"], l05["limit"], l05["excess"]) == ("L05", 15.3, 10, 5.3)
    assert l05["by_month"] == [None, None, None, None, 3.0, 10.0]
    assert [d["name"] for d in trend["departments"]] == ["生态环境局"]


def test_the_dashboard_shows_the_trend(practice, client):
    from conftest import DEMO_PASSWORD

    assert client.login(username="center", password=DEMO_PASSWORD)
    page = client.get("/assessment/", {"from": "2026-06-01", "to": "2026-06-30"})
    text = page.content.decode()
    assert page.status_code == 200 and "逐月趋势" in text and "L05 环境影响评价审批（报告表）" in text
