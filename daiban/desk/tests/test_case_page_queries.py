"""The case page reads a case in as many queries however many of its items are paused."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from daiban.cases.models import Case
from daiban.cases.states import ItemStatus
from daiban.lib import clock
from daiban.org.models import User
from daiban.plans.deadlines import open_pause_workdays
from daiban.plans.models import Pause


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _pause(item, started_on: dt.date) -> None:
    item.status, item.started_on = ItemStatus.SUSPENDED, item.started_on or started_on
    item.save(update_fields=["status", "started_on"])
    Pause.objects.create(item=item, kind=Pause.Kind.EXPERT_REVIEW, reason="专家评审", started_on=started_on,
                         rule="行政许可法第四十五条", recorded_by=User.objects.get(username="center"))


@pytest.mark.django_db
def test_the_case_page_takes_as_many_queries_with_paused_items(client):
    case = Case.objects.annotate(n=Count("items")).order_by("-n")[0]
    items = list(case.items.order_by("pk"))
    url = f"/cases/{case.pk}/"
    client.login("center")
    _pause(items[0], clock.today() - dt.timedelta(days=3))
    client.get(url)  # warm: caches of the calendar and the catalog
    one = _queries(client, url)
    for item in items[1:4]:
        _pause(item, clock.today() - dt.timedelta(days=5))
    assert _queries(client, url) == one


@pytest.mark.django_db
def test_an_open_pause_counts_from_its_start_whether_or_not_the_pauses_were_read_with_the_item():
    item = Case.objects.annotate(n=Count("items")).order_by("-n")[0].items.order_by("pk")[0]
    today = clock.today()
    _pause(item, today - dt.timedelta(days=14))
    Pause.objects.filter(item=item).update(ended_on=today - dt.timedelta(days=10))
    _pause(item, today - dt.timedelta(days=7))
    read_alone = open_pause_workdays(type(item).objects.get(pk=item.pk), today)
    read_with = open_pause_workdays(type(item).objects.prefetch_related("pauses").get(pk=item.pk), today)
    assert read_alone == read_with > 0
