"""The case page and the case API read a case in a fixed number of queries, whatever the case holds."""
from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from conftest import StaffClient
from daiban.api import api
from daiban.audit.models import AuditEvent
from daiban.cases.models import Case, CaseDocument, CaseItem, CollaborationPhase, TeamMember, TeamRole
from daiban.cases.selectors import case_answer, case_detail, cases_for, with_case_json, with_case_reads
from daiban.catalog.models import CatalogItem
from daiban.lib import clock
from daiban.lib.errors import NotFound
from daiban.lib.prefetch import unpack_json_children
from daiban.org.models import User
from daiban.org.scope import get_in_scope
from daiban.plans.models import WorkLog

PAGE_QUERIES = 15  # 4 of them the session, user, roles, unread notices; the catalog is read once per revision
API_QUERIES = 6  # 5 of them the test client's session and token with the user's roles; 1 reads the case
BEARER_QUERIES = 2  # a caller with only a token: the token with its user and roles, then the case


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    assert answer.status_code == 200
    return len(captured)


def _add_items(case: Case, count: int, **level) -> None:
    for catalog_item in CatalogItem.objects.filter(**level).exclude(pk__in=case.items.values("catalog_item"))[:count]:
        CaseItem.objects.create(case=case, catalog_item=catalog_item)


def _grow(case: Case) -> None:
    """More items (county and city level), forms and work log lines than before."""
    author = User.objects.get(username="center")
    _add_items(case, 4)
    _add_items(case, 2, department__region__level="city")
    for kind in ("registration", "agreement", "plan"):
        CaseDocument.objects.create(case=case, kind=kind, serial_no=f"X{kind}", version=99, content=b"x",
                                    sha256=hashlib.sha256(b"x").hexdigest(), generated_at=clock.now(),
                                    generated_by=author)
    WorkLog.objects.bulk_create([WorkLog(case=case, author=author, day=clock.today(), content=f"日志{i}",
                                         created_at=clock.now()) for i in range(30)])


@pytest.mark.django_db
def test_the_case_page_and_answer_take_as_many_queries_for_a_bigger_case(client, api_as):
    api = api_as("center")
    client.login("center")
    case = Case.objects.annotate(n=Count("items")).order_by("-n")[0]
    _add_items(case, 1, department__region__level="city")  # a city-level item: its county department is looked up
    page = lambda: client.get(f"/cases/{case.pk}/")  # noqa: E731
    answer = lambda: api.get(f"cases/{case.pk}")  # noqa: E731
    page(), answer()  # warm: caches of the calendar and the catalog
    before = (_queries(page), _queries(answer))
    _grow(case)
    after = (_queries(page), _queries(answer))
    assert after == before
    assert before[0] <= PAGE_QUERIES and before[1] <= API_QUERIES


@pytest.mark.django_db
def test_the_case_answer_read_in_one_query_equals_the_one_read_from_loaded_objects():
    case = Case.objects.annotate(n=Count("items")).order_by("-n")[0]
    _grow(case)
    TeamMember.objects.get_or_create(case=case, user=User.objects.get(username="fgj"), role=TeamRole.LIAISON)
    CollaborationPhase.objects.update_or_create(case=case, phase="signing", defaults={
        "owner_body": "investment", "handed_over_at": clock.today(), "handed_over_to": "县发改局", "note": "已交接"})
    with CaptureQueriesContext(connection) as captured:
        lean = case_detail(with_case_json(Case.objects.select_related(
            "request", "unit", "project__company", "project__location")).get(pk=case.pk))
    loaded = with_case_reads(Case.objects.all()).get(pk=case.pk)
    unpack_json_children(loaded)
    loaded = case_detail(loaded)
    assert len(captured) == 1
    assert lean == loaded
    assert len(lean["items"]) == case.items.count() and lean["documents"] and lean["collaboration"]
    assert "fgj" in lean["team"]["liaisons"]


@pytest.mark.django_db
def test_a_token_caller_reads_a_case_in_two_queries_whatever_it_holds(demo, api_as):
    api = api_as("center")
    api.client = StaffClient()  # the token alone, no page session beside it
    case = Case.objects.annotate(n=Count("items")).order_by("-n")[0]
    answer = lambda: api.get(f"cases/{case.pk}")  # noqa: E731
    answer()
    before = _queries(answer)
    _grow(case)
    assert _queries(answer) == before == BEARER_QUERIES


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["center", "aojiang", "fgj", "kunyang"])
def test_the_case_answer_equals_the_scoped_read_for_every_case_in_scope(demo, username):
    user = User.objects.get(username=username)
    cases = list(cases_for(user).values_list("pk", flat=True))
    assert cases
    for pk in cases:
        with CaptureQueriesContext(connection) as captured:
            answer = case_answer(user, pk)
        assert len(captured) == 1
        assert answer == case_detail(get_in_scope(with_case_json(cases_for(user)), pk=pk, user=user))


@pytest.mark.django_db
def test_a_case_outside_the_callers_scope_answers_not_found_and_is_kept_as_a_refusal(demo, api_as):
    user = User.objects.get(username="aojiang")
    outside = Case.objects.exclude(pk__in=cases_for(user).values("pk")).first()
    assert outside is not None
    with pytest.raises(NotFound):
        case_answer(user, outside.pk)
    refused = api_as("aojiang").get(f"cases/{outside.pk}")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    refusals = AuditEvent.objects.filter(event_type="access.refused", actor_name="aojiang",
                                         new__object_id=str(outside.pk))
    assert refusals.count() == 2
    assert api_as("aojiang").get("cases/987654321").status_code == 404  # no such case: nothing to refuse
    assert api_as("center").get(f"cases/{2**70}").status_code == 404  # past any key's range
    assert refusals.count() == 2


@pytest.mark.django_db
def test_the_case_answer_is_written_as_the_apis_renderer_writes_it(demo, api_as):
    case = Case.objects.annotate(n=Count("items")).order_by("-n")[0]
    answer = api_as("center").get(f"cases/{case.pk}")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json; charset=utf-8"
    center = User.objects.get(username="center")
    expected = case_detail(get_in_scope(with_case_json(cases_for(center)), pk=case.pk, user=center))
    assert answer.content.decode() == api.renderer.render(None, expected, response_status=200)
