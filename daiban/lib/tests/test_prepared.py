"""A prepared read answers what its queryset answers, in one query, its SQL written once."""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from daiban.cases.models import Case
from daiban.lib.aggregates import json_rows
from daiban.lib.prepared import Prepared
from daiban.org.models import AgencyBody, RoleGrant, User
from daiban.plans.models import TaskPlan

PEOPLE = Prepared(lambda username: User.objects.filter(username=username).annotate(
    granted=json_rows(RoleGrant.objects, parent="user", row=F("role"))), related=("body", "department"),
    username="prepared:username")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["aojiang", "fgj", "center"])
def test_it_gives_the_row_its_related_rows_and_annotations_as_the_queryset_does(demo, username):
    expected = User.objects.select_related("body", "department").get(username=username)
    roles = sorted(expected.roles)
    with CaptureQueriesContext(connection) as captured:
        found = PEOPLE.first(username=username)
        assert found is not None
        assert (found.pk, found.mobile, found.body, found.department) == (
            expected.pk, expected.mobile, expected.body, expected.department)
        assert sorted(found.granted or []) == roles
    assert len(captured) == 1  # the body and department (or their absence) came with the row


@pytest.mark.django_db
def test_it_finds_nothing_for_an_unknown_value_or_outside_within(demo):
    assert PEOPLE.first(username="nobody") is None
    assert PEOPLE.first(username="aojiang", within=User.objects.filter(body__isnull=True)) is None
    assert PEOPLE.first(username="aojiang", within=User.objects.filter(pk__in=[])) is None
    assert PEOPLE.first(username="aojiang", within=User.objects.filter(body__isnull=False)) is not None


@pytest.mark.django_db
def test_it_refuses_a_placeholder_that_is_not_in_the_statement_once(demo):
    twice = Prepared(lambda name: AgencyBody.objects.filter(name=name, address=name), name="prepared:x")
    with pytest.raises(ValueError, match="2 times"):
        twice.first(name="鳌江镇")
    ordered = Prepared(lambda name: AgencyBody.objects.filter(name=name).annotate(n=Count("staff")), name="p:y")
    with pytest.raises(ValueError, match="WHERE"):
        ordered.first(name="鳌江镇")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_statement_is_planned_once_per_connection(demo):
    for _ in range(3):
        assert PEOPLE.first(username="aojiang") is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['SELECT "org_user"."id"%'])
        assert cursor.fetchone()[0] == 1


CASE_WITH_PLAN = Prepared(lambda case_id: Case.objects.filter(pk=case_id),
                          related=("plan", "plan__generated_by", "request"), case_id=987_654_321_985)


@pytest.mark.django_db
def test_one_to_ones_either_way_come_with_the_row_as_select_related_brings_them(demo):
    planned = Case.objects.filter(plan__isnull=False).select_related("plan__generated_by").first()
    unplanned = Case.objects.filter(plan__isnull=True).first()
    assert planned is not None and unplanned is not None  # the demo county has both
    with CaptureQueriesContext(connection) as captured:
        found = CASE_WITH_PLAN.first(case_id=planned.pk)
        assert found is not None
        assert (found.plan.pk, found.plan.generated_by, found.plan.case) == (
            planned.plan.pk, planned.plan.generated_by, found)
        assert found.plan.case is found  # the way back without a query, as select_related sets it
        assert found.request.case is found  # and that of a one-to-one the row holds
        without = CASE_WITH_PLAN.first(case_id=unplanned.pk)
        assert without is not None
        with pytest.raises(TaskPlan.DoesNotExist):
            without.plan  # noqa: B018 — no plan, and no query to find that out
    assert len(captured) == 2
