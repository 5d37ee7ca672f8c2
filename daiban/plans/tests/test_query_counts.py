"""The plan page, the case page with a plan, the plan answer and the plan's .docx read a case in a fixed number
of queries, whatever it holds (issue 16: the plan page took 24 queries at 90,087 cases)."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daiban.cases.models import CaseDocument
from daiban.cases.tests.test_query_counts import PAGE_QUERIES, _add_items, _grow
from daiban.catalog.models import CatalogItem
from daiban.coordination.models import Issue
from daiban.lib import clock
from daiban.org.models import User
from daiban.plans.models import DurationFigure, Escalation, ItemUrge, OwnerVisit, Pause, ProgressReport
from daiban.plans.paperwork import plan_paper
from daiban.plans.tests.test_pages_plan import make_case, plan
from daiban.workdays import loader

PLAN_ANSWER_QUERIES = 10  # 5 of them the test client's session and token with the user's roles


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    assert getattr(answer, "status_code", 200) == 200
    return len(captured)


def _grow_plan(case) -> None:
    """More items, forms and work log lines (as the case page's test grows a case), and on every item the records
    the plan section shows: pauses, urges, escalations, visits, coordination issues; progress reports; evidence
    for every catalog item on the case, so each item's expected dates come from a sample, not the legal limit."""
    _grow(case)
    center, fgj = User.objects.get(username="center"), User.objects.get(username="fgj")
    now, today = clock.now(), clock.today()
    for item in case.items.all():
        Pause.objects.create(item=item, kind="correction", reason="补正", started_on=today, ended_on=today,
                             rule="补正材料时间不计入", recorded_by=center)
        ItemUrge.objects.create(item=item, kind="urge", by=center, to=fgj, at=now, note="请抓紧")
        Escalation.objects.create(item=item, level=1, at=now, elapsed_workdays=3, limit_workdays=2)
        OwnerVisit.objects.create(case=case, day=today, reason="补充材料", item=item, recorded_by=center)
    for n in range(3):
        document = CaseDocument.objects.create(case=case, kind="progress", serial_no=f"P{n}", version=1,
                                               content=b"x", sha256=hashlib.sha256(b"x").hexdigest(),
                                               generated_at=now, generated_by=center, subject=f"p{n}")
        day = today - dt.timedelta(days=16 * n)
        ProgressReport.objects.create(case=case, period_start=day, period_end=day, summary={}, document=document,
                                      created_at=now)
    for n, item in enumerate(case.items.all()):
        Issue.objects.create(case=case, item=item, blocks_item=True, title=f"办证难{n}", raised_by=center,
                             raised_at=now, status="closed" if n % 2 else "open")
    for catalog in CatalogItem.objects.filter(pk__in=case.items.values("catalog_item")):
        for department in (None, catalog.department_id):
            DurationFigure.objects.update_or_create(catalog_item=catalog, department_id=department, defaults={
                "window_from": today, "sample": 12, "median": 3, "p80": 5, "mean": 4, "updated_at": now})


@pytest.mark.django_db
def test_the_plan_page_answer_and_docx_take_as_many_queries_for_a_bigger_case(client, api_as, person, monkeypatch):
    monkeypatch.setattr(loader, "REVISION_CHECK_SECONDS", 3600)  # the calendar's revision is read once, not by time
    case = plan(make_case(person, ["L02", "L05", "S04"]), person)
    _add_items(case, 1, department__region__level="city")  # a city-level item: its county department is looked up
    client.login("aojiang")
    api = api_as("aojiang")
    calls = {
        "plan page": lambda: client.get(f"/plans/cases/{case.pk}/"),
        "case page": lambda: client.get(f"/cases/{case.pk}/"),
        "plan answer": lambda: api.get(f"cases/{case.pk}/plan"),
        "plan .docx": lambda: client.get(f"/cases/{case.pk}/documents/plan.docx"),
        "plan .docx data": lambda: plan_paper(case),
    }
    for call in calls.values():
        call()  # warm: caches of the calendar and the catalog
    before = {name: _queries(call) for name, call in calls.items()}
    _grow_plan(case)
    page = client.get(f"/plans/cases/{case.pk}/").content.decode()
    assert "中位 3.0 / 80% 5.0 日（12件）" in page and "办证难" in page  # the evidence and the issue are shown
    after = {name: _queries(call) for name, call in calls.items()}
    assert after == before
    assert before["plan page"] <= PAGE_QUERIES and before["case page"] <= PAGE_QUERIES
    assert before["plan answer"] <= PLAN_ANSWER_QUERIES
