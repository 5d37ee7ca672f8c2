"""A prefetch whose SQL is written once reads what Django's own prefetch reads, compiling once per number of parents."""
from __future__ import annotations

import copy
import pickle

import pytest
from django.db.models import Count, F, Prefetch, QuerySet, Value, prefetch_related_objects
from django.db.models.sql import compiler

from daiban.lib.aggregates import json_rows
from daiban.lib.once import prefetches_written_once, statements_of, written_once
from daiban.org.models import AgencyBody, RoleGrant, User


def _staff() -> QuerySet[User]:
    """Users as a page reads them: a joined row, a JSON subquery of their roles, an ordering."""
    return (User.objects.select_related("department")
            .annotate(user_roles=json_rows(RoleGrant.objects, parent="user", row=F("role"), outer="pk"))
            .order_by("username"))


def _compilations(monkeypatch) -> list[str]:
    """The models of the statements compiled from now on (not their subqueries)."""
    compiled: list[str] = []
    depth = [0]
    as_sql = compiler.SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        if not depth[0]:
            compiled.append(self.query.model.__name__)
        depth[0] += 1
        try:
            return as_sql(self, *args, **kwargs)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(compiler.SQLCompiler, "as_sql", counting)
    return compiled


def _read(bodies: list[AgencyBody], staff: QuerySet[User]) -> list[list[tuple]]:
    """Each body's staff as prefetched: the rows, the joined department and the annotation, in order."""
    fresh = [AgencyBody.objects.get(pk=body.pk) for body in bodies]
    prefetch_related_objects(fresh, Prefetch("staff", staff))
    return [[(user.pk, user.username, user.department.name if user.department else None, user.user_roles,
              user.body is body) for user in body.staff.all()] for body in fresh]


def _bodies_with_staff() -> list[AgencyBody]:
    return list(AgencyBody.objects.annotate(n=Count("staff")).filter(n__gt=0).order_by("pk"))


@pytest.mark.django_db
def test_a_marked_prefetch_is_compiled_once_per_number_of_parents_and_reads_what_django_reads(demo, settings,
                                                                                                monkeypatch):
    settings.SQL_SHAPES_CHECK = False  # the kept statements alone, as in production
    bodies = _bodies_with_staff()
    assert len(bodies) >= 4
    marked = written_once(_staff())
    expected = {n: _read(chosen, _staff()) for n, chosen in
                enumerate((bodies[:2], bodies[2:4], bodies[:3], [bodies[1]]))}
    compiled = _compilations(monkeypatch)
    answers = {n: _read(chosen, marked) for n, chosen in
               enumerate((bodies[:2], bodies[2:4], bodies[:3], [bodies[1]]))}
    assert answers == expected
    assert any(rows for rows in expected[1])  # the keys chose the rows: the first pair's statement would not pass
    statements = statements_of(marked)
    assert statements is not None
    assert sorted(count for _, _, count in statements.kept) == [1, 2, 3]  # two parents, three, one
    assert statements.compiled == 3
    assert compiled.count("User") == 3  # the four reads of staff compiled three statements


@pytest.mark.django_db
def test_keys_repeated_or_null_are_written_as_django_writes_them(demo):
    bodies = _bodies_with_staff()
    marked = written_once(_staff())
    for keys in ([bodies[0].pk, bodies[1].pk], [bodies[1].pk, None, bodies[1].pk, bodies[0].pk], [bodies[0].pk, None]):
        assert list(marked.filter(body__in=keys)) == list(_staff().filter(body__in=keys))
        assert [u.user_roles for u in marked.filter(body__in=keys)] == [u.user_roles for u in
                                                                        _staff().filter(body__in=keys)]


@pytest.mark.django_db
def test_anything_else_made_from_a_marked_queryset_is_compiled_as_usual(demo):
    bodies = _bodies_with_staff()
    keys = [bodies[0].pk, bodies[1].pk]
    marked = written_once(_staff())
    others = [
        lambda rows: rows.filter(is_active=True).filter(body__in=keys),  # another filter before the keys
        lambda rows: rows.filter(body__in=keys).filter(is_active=True),  # … or after them
        lambda rows: rows.exclude(body__in=keys),
        lambda rows: rows.filter(body__in=keys).order_by("-pk"),
        lambda rows: rows.filter(body__in=keys)[:2],
        lambda rows: rows.filter(department__name__in=["县发展和改革局"]),  # a join the keys' filter needs
        lambda rows: rows.filter(body__in=keys).values("pk", "username"),
        lambda rows: rows.filter(body__in=keys).select_related("body"),
        lambda rows: rows.filter(body__in=keys).annotate(grants=Count("role_grants")),
    ]
    for made in others:
        assert list(made(marked)) == list(made(_staff()))
    assert marked.filter(body__in=keys).count() == _staff().filter(body__in=keys).count()
    assert marked.filter(body__in=keys).exists()
    assert statements_of(marked).kept == {}  # none of them was the marked queryset filtered by keys alone


@pytest.mark.django_db
def test_keys_of_another_column_are_another_statement_and_equal_expressions_are_not_the_same(demo, settings):
    settings.SQL_SHAPES_CHECK = False  # what production answers
    bodies = _bodies_with_staff()
    people = list(User.objects.filter(body__isnull=False).order_by("pk").values_list("pk", flat=True))
    marked = written_once(_staff())
    by_body, by_pk = [bodies[0].pk, bodies[1].pk], [people[0], people[-1]]
    assert list(marked.filter(body__in=by_body)) == list(_staff().filter(body__in=by_body))
    assert list(marked.filter(pk__in=by_pk)) == list(_staff().filter(pk__in=by_pk))  # as many keys, another column
    assert len(statements_of(marked).kept) == 2
    flagged = written_once(User.objects.annotate(flag=Value(1)).order_by("pk"))
    assert [u.flag for u in flagged.filter(body__in=by_body)] == [1] * len(list(_staff().filter(body__in=by_body)))
    assert Value(1) == Value(True)  # equal to Django, yet written apart: the annotation is the query's own
    assert [(type(u.flag), u.flag) for u in flagged.annotate(flag=Value(True)).filter(body__in=by_body)] == [
        (type(u.flag), u.flag) for u in User.objects.annotate(flag=Value(True)).filter(body__in=by_body)]
    assert len(statements_of(flagged).kept) == 1  # the first read's; the second was compiled as usual


@pytest.mark.django_db
def test_a_condition_equal_to_the_base_s_but_not_its_own_is_compiled_as_usual(demo, settings, monkeypatch):
    settings.SQL_SHAPES_CHECK = False
    keys = [body.pk for body in _bodies_with_staff()[:2]]
    filtered = written_once(User.objects.filter(is_active=True).order_by("pk"))
    expected = list(User.objects.filter(is_active=True, body__in=keys).order_by("pk"))
    assert list(filtered.filter(body__in=keys)) == expected
    other = filtered.all()
    other.query.where.children[-1] = copy.copy(other.query.where.children[-1])  # equal to Django, not the base's own
    compiled = _compilations(monkeypatch)
    assert list(other.filter(body__in=keys)) == expected
    assert compiled == ["User"]  # compiled afresh, not taken from the kept statement
    assert list(filtered.filter(body__in=keys)) == expected
    assert compiled == ["User"]  # the base filtered by keys alone still takes it


@pytest.mark.django_db
def test_a_marked_query_pickles_without_its_statements(demo, settings):
    settings.SQL_SHAPES_CHECK = False
    bodies = _bodies_with_staff()
    keys = [bodies[0].pk, bodies[1].pk]
    marked = written_once(_staff())
    expected = list(marked.filter(body__in=keys))
    again = pickle.loads(pickle.dumps(marked.filter(body__in=keys)))
    assert list(again) == expected
    assert statements_of(again) is not statements_of(marked)  # its own, empty: no lock or connection was pickled


@pytest.mark.django_db
def test_a_kept_statement_is_compared_with_django_s_own_in_the_tests(demo, settings):
    settings.SQL_SHAPES_CHECK = True
    bodies = _bodies_with_staff()
    marked = written_once(_staff())
    assert _read(bodies[:2], marked) == _read(bodies[:2], _staff())
    statements = statements_of(marked)
    (key, kept), = statements.kept.items()
    statements.kept[key] = type(kept)(kept.sql.replace("ORDER BY", "ORDER BY 1,"), kept.params, kept.slots,
                                      kept.compiler)
    with pytest.raises(AssertionError, match="written once differs"):
        _read(bodies[2:4], marked)


@pytest.mark.django_db
def test_a_read_s_prefetches_can_be_marked_together(demo, settings, monkeypatch):
    settings.SQL_SHAPES_CHECK = False
    bodies = _bodies_with_staff()
    reads = prefetches_written_once(AgencyBody.objects.prefetch_related(Prefetch("staff", _staff()), "windows"))
    staff = reads._prefetch_related_lookups[0].queryset
    assert statements_of(staff) is not None
    for chosen in (bodies[:2], bodies[2:4]):
        fresh = [AgencyBody.objects.get(pk=body.pk) for body in chosen]
        prefetch_related_objects(fresh, *reads._prefetch_related_lookups)
        assert [[u.pk for u in body.staff.all()] for body in fresh] == [
            list(_staff().filter(body=body).values_list("pk", flat=True)) for body in fresh]
    assert statements_of(staff).compiled == 1
