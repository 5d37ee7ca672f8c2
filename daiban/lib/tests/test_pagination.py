"""Every API list pages the same way: `limit` and an opaque `cursor` in, {items, total, next_cursor} out."""
from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone

from conftest import request_payload
from daiban.cases.models import Case
from daiban.cases.services import request_accept
from daiban.intake.services import request_register
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.lib.pagination import paginate
from daiban.policy.models import Article
from daiban.policy.services import policy_create

pytestmark = pytest.mark.django_db


def walk(api, path: str, limit: int, **params) -> tuple[list[dict], list[int | None]]:
    """Every item of a list, page by page; also the totals each page reported."""
    items, totals, cursor = [], [], None
    for _ in range(1000):
        page = api.get(path, {**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.content
        body = page.json()
        assert set(body) >= {"items", "total", "next_cursor"} and len(body["items"]) <= limit
        items += body["items"]
        totals.append(body["total"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items, totals
    raise AssertionError("the cursor never ended")


def test_walking_the_cases_two_at_a_time_gives_every_case_once_newest_first(api_as):
    center = api_as("center")
    everything = center.get("cases", {"limit": 200}).json()
    walked, totals = walk(center, "cases", 2)
    assert walked == everything["items"] and len(walked) == everything["total"] == Case.objects.count() > 4
    assert set(totals) == {everything["total"]}
    accepted = list(Case.objects.filter(pk__in=[c["id"] for c in walked]).values_list("pk", "accepted_at"))
    assert [pk for pk, _ in sorted(accepted, key=lambda row: (row[1], row[0]), reverse=True)] == [
        c["id"] for c in walked]


def test_cases_accepted_at_the_same_moment_are_neither_repeated_nor_skipped(api_as):
    Case.objects.update(accepted_at=timezone.make_aware(dt.datetime(2026, 9, 1, 10, 0)))
    walked, _ = walk(api_as("center"), "cases", 3)
    ids = [c["id"] for c in walked]
    assert ids == sorted(Case.objects.values_list("pk", flat=True), reverse=True)


def test_a_case_accepted_while_paging_does_not_shift_the_pages(api_as, person):
    center = api_as("center")
    first = center.get("cases", {"limit": 3}).json()
    before = [c["id"] for c in center.get("cases", {"limit": 200}).json()["items"]]
    agent = person("aojiang")
    latest = Case.objects.latest("accepted_at").accepted_at
    with clock.frozen(latest + dt.timedelta(hours=1)):
        row, _ = request_register(actor=agent, data=RequestData(**request_payload()))
        new_case = request_accept(actor=agent, request=row)
    rest, _ = walk(center, "cases", 3, cursor=first["next_cursor"])
    assert [c["id"] for c in first["items"] + rest] == before
    assert center.get("cases", {"limit": 1}).json()["items"][0]["id"] == new_case.pk


def test_drafts_without_a_date_come_last_in_their_group_on_every_database(api_as, person):
    center = person("center")
    for title in ("草稿甲", "草稿乙"):
        policy_create(actor=center, kind="news", title=title, body="正文")
    policy_create(actor=center, kind="news", title="有日期的草稿", body="正文", publish_date="2026-01-05")
    everything = api_as("center").get("policy/manage/articles", {"limit": 200}).json()["items"]
    walked, _ = walk(api_as("center"), "policy/manage/articles", 1)
    assert walked == everything
    ours = [a["title"] for a in walked if a["title"] in {"有日期的草稿", "草稿甲", "草稿乙"}]
    assert ours == ["有日期的草稿", "草稿乙", "草稿甲"]


def test_ranked_search_hits_page_by_position(api_as):
    public = api_as(None)
    everything = public.get("policy/search", {"q": "许可", "limit": 200}).json()
    walked, totals = walk(public, "policy/search", 2, q="许可")
    assert walked == everything["items"] and len(walked) > 2 and set(totals) == {len(walked)}


@pytest.mark.parametrize("cursor", [
    "not-a-cursor",
    base64.urlsafe_b64encode(b'{"o": 2}').decode(),            # a position where a keyset is expected
    base64.urlsafe_b64encode(b'{"k": ["yesterday", 1]}').decode(),  # not a time
    base64.urlsafe_b64encode(b'{"k": [1]}').decode(),          # too few values
    base64.urlsafe_b64encode(b'["k"]').decode(),
])
def test_a_cursor_that_did_not_come_from_the_list_answers_422(api_as, cursor):
    answer = api_as("center").get("cases", {"cursor": cursor})
    assert answer.status_code == 422
    assert answer.json()["code"] == "validation.invalid" and answer.json()["fields"][0]["field"] == "cursor"


@pytest.mark.parametrize("limit", [0, 201, -5])
def test_a_limit_outside_1_to_200_answers_422(api_as, limit):
    answer = api_as("center").get("cases", {"limit": limit})
    assert answer.status_code == 422 and answer.json()["fields"][0]["field"] == "limit"


def test_a_longer_page_costs_no_more_queries(api_as, django_assert_max_num_queries, django_assert_num_queries):
    center = api_as("center")
    center.get("issues", {"limit": 1})  # the token and the caller are cached after this
    with django_assert_max_num_queries(50) as short:
        center.get("cases", {"limit": 2})
    with django_assert_num_queries(len(short.captured_queries)):
        center.get("cases", {"limit": 200})


def test_paginate_orders_nulls_last_and_keys_on_the_primary_key(person):
    center = person("center")
    for title, day in (("甲", None), ("乙", "2026-03-01"), ("丙", None), ("丁", "2026-03-01")):
        policy_create(actor=center, kind="news", title=title, body="正文", publish_date=day)
    rows = Article.objects.filter(title__in=["甲", "乙", "丙", "丁"])

    class Page:
        limit, cursor = 1, None

    seen = []
    while True:
        page = paginate(rows, Page, order=["-publish_date"], row=lambda a: a.title)
        seen += page["items"]
        if page["next_cursor"] is None:
            break
        Page.cursor = page["next_cursor"]
    assert seen == ["丁", "乙", "丙", "甲"]
