"""The request and case lists page by keyset: as many queries deep in a long list as on a short one."""
from __future__ import annotations

import re

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daiban.cases import views
from daiban.cases.models import Case
from daiban.intake.models import Request
from daiban.org.models import AgencyBody


def _copies(count: int) -> None:
    """`count` more requests, each with its case, copied from the demo's first case."""
    case = Case.objects.select_related("request").order_by("pk").first()
    for i in range(count):
        request = case.request
        request.pk, request.tracking_no, request.idempotency_key = None, f"DB1999{i:08d}", None
        request.save()
        copy = Case.objects.get(pk=case.pk)
        copy.pk, copy.request = None, request
        copy.save()


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(captured), answer.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cases/", "/cases/requests/"])
def test_a_list_takes_as_many_queries_with_more_rows(client, url, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)  # more than a page at both sizes
    client.login("center")
    client.get(url)
    few, _ = _queries(client, url)
    _copies(12)
    many, html = _queries(client, url)
    assert many == few
    assert "下一页" in html


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["center", "aojiang", "fgj"])
def test_the_scope_of_a_list_needs_no_distinct(person, username):
    for rows in (views.cases_for(person(username)), views.requests_for(person(username))):
        try:
            sql = str(rows.query)
        except EmptyResultSet:  # nothing in scope: no query at all
            sql = ""
        assert "DISTINCT" not in sql


@pytest.mark.django_db
def test_following_next_pages_shows_every_request_once(client, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 4)
    client.login("center")
    _copies(6)
    seen, url = [], "/cases/requests/"
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r"/cases/requests/(\d+)/", html)
        found = re.search(r'href="(\?[^"]*after=[^"]+)">下一页', html)
        url = "/cases/requests/" + found.group(1).replace("&amp;", "&") if found else None
    ids = list(dict.fromkeys(seen))
    assert sorted(map(int, ids)) == sorted(Request.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_altered_cursor_shows_the_first_page(client):
    client.login("center")
    answer = client.get("/cases/requests/?after=not-a-cursor")
    assert answer.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cases/", "/cases/requests/", "/assessment/ledger/"])
def test_the_unit_filter_offers_every_unit_by_its_township_and_keeps_the_chosen_one(client, url):
    units = AgencyBody.objects.filter(kind=AgencyBody.Kind.UNIT).select_related("region")
    chosen = units.get(region__name="鳌江镇")
    client.login("center")
    html = client.get(url, {"unit": chosen.pk}).content.decode()
    assert html.count('<option value="') - html.count('<option value="">') >= units.count()
    assert f'<option value="{chosen.pk}" selected>鳌江镇</option>' in html
    assert all(f'<option value="{unit.pk}"' in html for unit in units)
