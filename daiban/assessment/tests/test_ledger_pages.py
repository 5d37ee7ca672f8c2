"""The ledger page pages by keyset on the acceptance time: as many queries deep in a long ledger as on a
short one, every case once when following 下一页, and a count kept a minute, labelled 共约."""
from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daiban.assessment import views
from daiban.assessment.ledger import ledger_rows, parse_filters
from daiban.assessment.scoped import Scoped
from daiban.cases.models import Case
from daiban.cases.tests.test_list_pages import _copies

URL = "/assessment/ledger/"


def _page(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(captured), answer.content.decode()


def _next(html: str) -> str | None:
    found = re.search(r'href="(\?[^"]*after=[^"]+)">下一页', html)
    return URL + found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.django_db
def test_the_ledger_takes_as_many_queries_with_more_cases_and_deeper_pages(client, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    client.login("center")
    client.get(URL)
    few, first = _page(client, URL)
    _copies(12)
    cache.clear()
    client.get(URL)  # the count, kept a minute
    many, html = _page(client, URL)
    deeper, _ = _page(client, _next(html))
    assert few == many == deeper
    assert "共约" in html and "下一页" in html


@pytest.mark.django_db
def test_following_the_ledgers_next_pages_shows_every_case_once(client, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 5)
    client.login("center")
    _copies(6)
    seen, url = [], URL
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r'<td><a href="/cases/(\d+)/">', html)
        url = _next(html)
    assert sorted(map(int, seen)) == sorted(Case.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_ledger_query_has_no_distinct_and_no_offset(person):
    for username in ("center", "aojiang"):
        sql = str(ledger_rows(Scoped.of(person(username)), parse_filters({})).query)
        assert "DISTINCT" not in sql and "OFFSET" not in sql
