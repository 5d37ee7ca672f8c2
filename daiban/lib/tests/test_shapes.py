"""A statement kept for a queryset's shape is the one Django writes for it, with this queryset's own values."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Trunc, TruncMonth
from django.db.models.sql import compiler
from django.utils import timezone

from daiban.closure.models import Closure
from daiban.lib import shapes
from daiban.lib.shapes import Shapes, expression_key
from daiban.org.models import AgencyBody, RoleGrant, User


def _by_body(rows: QuerySet) -> QuerySet:
    return rows.order_by().values(group=F("body")).annotate(people=Count("pk"))


def _names(query) -> tuple[str, ...]:
    return tuple(query.annotations)


def _own(queryset: QuerySet) -> tuple[str, tuple] | None:
    """What Django writes for the grouped queryset, from scratch."""
    try:
        sql, params = _by_body(queryset).query.sql_with_params()
    except Exception:  # EmptyResultSet: nothing can match
        return None
    return sql, tuple(params)


def _rows(statement: tuple[str, tuple, object] | None) -> list[tuple]:
    if statement is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(statement[0], statement[1])
        return sorted(cursor.fetchall(), key=repr)


KEY = (expression_key(F("body")), (("people", expression_key(Count("pk"))),))


def _answer(kept: Shapes, queryset: QuerySet):
    return kept.sql(queryset, key=KEY, build=_by_body)


def _compilations(monkeypatch) -> list[int]:
    counted = [0]
    as_sql = compiler.SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        counted[0] += 1
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(compiler.SQLCompiler, "as_sql", counting)
    return counted


@pytest.mark.django_db
def test_querysets_of_one_shape_are_compiled_once_and_each_gets_its_own_values_and_rows(demo, settings,
                                                                                         monkeypatch):
    settings.SQL_SHAPES_CHECK = False  # the kept statements alone, as in production
    kept = Shapes(_names)
    bodies = list(AgencyBody.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()

    def shaped(first: int, second: int, since: dt.datetime, active: bool) -> QuerySet:
        return User.objects.filter(Q(body__in=[first, second]) | Q(is_superuser=True), date_joined__gte=since,
                                   is_active=active).exclude(username="nobody")

    querysets = [shaped(bodies[0], bodies[1], now - dt.timedelta(days=400), True),
                 shaped(bodies[2], bodies[-1], now - dt.timedelta(days=1), True),
                 shaped(bodies[1], bodies[3], now - dt.timedelta(days=4000), True)]
    expected = [(_own(queryset), _rows((*_own(queryset), None))) for queryset in querysets]  # type: ignore[arg-type]
    compiled = _compilations(monkeypatch)
    answers = [_answer(kept, queryset) for queryset in querysets]
    assert compiled[0] == 1  # the first of the shape; the others took its statement
    for answer, (own, rows) in zip(answers, expected, strict=True):
        assert answer is not None
        assert answer[:2] == own
        assert answer[2] == ("group", "people")
        assert _rows(answer) == rows
    assert any(rows for _, rows in expected)  # the values chose rows: a statement with the first's would not pass


@pytest.mark.django_db
def test_a_list_of_another_length_or_another_kind_of_value_is_another_shape(demo):
    kept = Shapes(_names)
    bodies = list(AgencyBody.objects.values_list("pk", flat=True))
    for queryset in (User.objects.filter(body__in=bodies[:2]), User.objects.filter(body__in=bodies[:3]),
                     User.objects.filter(username="center"), User.objects.filter(username__in=["center"]),
                     User.objects.filter(last_login__isnull=True), User.objects.filter(last_login__isnull=False)):
        answer = _answer(kept, queryset)
        assert answer is not None and answer[:2] == _own(queryset)
    assert len(kept._kept) == 6


@pytest.mark.django_db
def test_an_in_list_is_read_as_django_reads_it_repeats_and_nulls_dropped(demo):
    kept = Shapes(_names)
    first, second = AgencyBody.objects.values_list("pk", flat=True)[:2]
    for values in ([first, second], [second, None, second, first], [first, first, None]):
        queryset = User.objects.filter(body__in=values)
        answer = _answer(kept, queryset)
        assert answer is not None and answer[:2] == _own(queryset)
        assert _rows(answer) == _rows((*_own(queryset), None))  # type: ignore[arg-type]


@pytest.mark.django_db
def test_what_matches_nothing_has_no_statement(demo):
    kept = Shapes(_names)
    for queryset in (User.objects.none(), User.objects.filter(body__in=[]), User.objects.filter(pk__in=[None]),
                     User.objects.filter(username="center").none()):
        assert _answer(kept, queryset) is None
        assert _own(queryset) is None


@pytest.mark.django_db
def test_what_it_cannot_read_is_compiled_every_time_and_answers_as_django_does(demo):
    kept = Shapes(_names)
    unread = [
        User.objects.filter(last_login__gt=F("date_joined")),  # a column on the right
        User.objects.filter(pk__in=RoleGrant.objects.values("user")),  # a subquery
        User.objects.filter(username__startswith="cen"),  # a value Django rewrites ("cen%")
        User.objects.annotate(month=TruncMonth("date_joined")).filter(month__isnull=False),  # an annotation
        User.objects.filter(pk__lt=2**70),  # past 64 bits: Django needs no WHERE at all
        User.objects.filter(pk__gt=2**70),  # … or no statement
    ]
    for queryset in unread * 2:
        answer = _answer(kept, queryset)
        assert (answer and answer[:2]) == _own(queryset)
    assert not kept._kept  # nothing kept: each was compiled


@pytest.mark.django_db
def test_with_the_check_on_a_kept_statement_that_differs_is_refused(demo, settings):
    settings.SQL_SHAPES_CHECK = True
    kept = Shapes(_names)
    queryset = User.objects.filter(username="center")
    assert _answer(kept, queryset) is not None
    (shape, statement), = kept._kept.items()
    kept._kept[shape] = shapes._Statement(statement.sql.replace("COUNT", "SUM"), statement.before, statement.after,
                                          statement.note)
    with pytest.raises(AssertionError, match="differs"):
        _answer(kept, User.objects.filter(username="fgj"))


@pytest.mark.django_db
def test_it_keeps_the_latest_shapes_up_to_its_size(demo, settings, monkeypatch):
    settings.SQL_SHAPES_CHECK = False
    monkeypatch.setattr(shapes, "SIZE", 2)
    kept = Shapes(_names)
    bodies = list(AgencyBody.objects.values_list("pk", flat=True))
    compiled = _compilations(monkeypatch)
    for n in (1, 2, 3):  # three shapes (IN lists of three lengths): the first is let go
        _answer(kept, User.objects.filter(body__in=bodies[:n]))
    assert (len(kept._kept), compiled[0]) == (2, 3)
    _answer(kept, User.objects.filter(body__in=bodies[1:4]))  # kept
    assert compiled[0] == 3
    _answer(kept, User.objects.filter(body__in=bodies[1:2]))  # let go: compiled again
    assert compiled[0] == 4


def _answers_as_django(kept: Shapes, queryset: QuerySet, build=_by_body) -> None:
    answer = kept.sql(queryset, key=KEY, build=build)
    try:
        own = build(queryset).query.sql_with_params()
    except EmptyResultSet:
        assert answer is None
        return
    assert answer is not None and answer[:2] == (own[0], tuple(own[1]))
    assert _rows(answer) == sorted(build(queryset).values_list(*build(queryset).query.values_select,
                                                               *build(queryset).query.annotation_select), key=repr)


@pytest.mark.django_db
def test_an_empty_in_list_under_or_or_not_is_a_condition_like_any_other(demo, settings):
    settings.SQL_SHAPES_CHECK = False
    kept = Shapes(_names)
    for queryset in (User.objects.filter(Q(body__in=[]) | Q(username="center")), User.objects.exclude(body__in=[]),
                     User.objects.filter(~Q(pk__in=[None]), is_active=True)):
        _answers_as_django(kept, queryset)
        assert _rows(kept.sql(queryset, key=KEY, build=_by_body))  # rows, not "nothing matches"


@pytest.mark.django_db
def test_an_integer_outside_its_column_s_range_is_written_as_django_writes_it(demo, settings):
    settings.SQL_SHAPES_CHECK = False
    Closure.objects.filter(pk=Closure.objects.order_by("pk").values("pk")[:1]).update(workdays_used=None)
    assert Closure.objects.filter(workdays_used__isnull=True).exists() and Closure.objects.count() > 1
    kept = Shapes(_names)

    def total(rows: QuerySet) -> QuerySet:
        return rows.order_by().values(group=Value(0)).annotate(n=Count("pk"))

    for queryset in (Closure.objects.filter(workdays_used__gte=3), Closure.objects.filter(workdays_used__gte=-1),
                     Closure.objects.filter(workdays_used__lt=-1), Closure.objects.filter(pk__gt=2**63)):
        _answers_as_django(kept, queryset, total)
    assert len(kept._kept) == 1  # only the value in range was kept


@pytest.mark.django_db
def test_a_queryset_without_conditions_is_kept_and_answered(demo, settings):
    settings.SQL_SHAPES_CHECK = False
    kept = Shapes(_names)
    for _ in range(2):
        _answers_as_django(kept, User.objects.all())
    assert len(kept._kept) == 1 and next(iter(kept._kept.values())) is not None


@pytest.mark.django_db
def test_a_filtered_relation_s_values_are_its_own(demo, settings):
    settings.SQL_SHAPES_CHECK = False
    kept = Shapes(_names)
    names = list(AgencyBody.objects.order_by("pk").values_list("name", flat=True)[:2])
    for name in names:
        _answers_as_django(kept, User.objects.annotate(
            unit=FilteredRelation("body", condition=Q(body__name=name))).filter(unit__isnull=False))
    assert not kept._kept


def test_expressions_are_told_apart_by_what_writes_their_sql():
    assert expression_key(Sum("finished")) == expression_key(Sum("finished")) != expression_key(Sum("on_time"))
    assert expression_key(Count("pk")) != expression_key(Count("pk", distinct=True)) != expression_key(Count("*"))
    assert expression_key(Trunc("date_joined", "month")) != expression_key(Trunc("date_joined", "year"))
    assert expression_key(TruncMonth("day")) == expression_key(TruncMonth("day"))
    assert expression_key(Value(0)) != expression_key(Value(1))
    assert expression_key(Count("pk", filter=Q(is_active=True))) is None  # a filter's values: compiled each time
    assert expression_key(Sum(Subquery(User.objects.filter(pk=OuterRef("agent")).values("pk")))) is None
