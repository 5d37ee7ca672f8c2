"""A read's SQL written once per shape: a queryset whose SQL differs from an earlier one's only in its values.

The assessment dashboard groups ~16 rollup reads a page (assessment.figures.read_together), each a queryset
filtered by the period's days and the reader's units. Django writes each one's SQL afresh, which costs about as
much as PostgreSQL takes to answer it. Here a queryset's shape is read off its filters (the tables and joins, the
lookups with their columns, the kind and number of each value) without writing SQL: the first queryset of a shape
is compiled, the statement kept with the place of the filter values among its parameters, and a later one of that
shape only puts its own values there.

Only plain filters take part: column lookups whose values are dates, numbers, strings or lists of them, combined
by AND, OR and NOT. A queryset with anything else (a subquery, an expression on either side, an annotation, a
value whose SQL would depend on it, such as an integer past 64 bits) is compiled every time, as is one whose first
compilation did not give its filter values in order. With settings.SQL_SHAPES_CHECK (the tests) every statement
taken from here is also compiled and compared, so each test of a read checks this module too."""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup
from django.db.models.sql import Query
from django.db.models.sql.where import NothingNode, WhereNode

T = TypeVar("T")

SIZE = 512  # shapes kept per process (a shape is one statement's text: a few kilobytes)
_SCALARS = (bool, int, float, Decimal, str, dt.date)  # datetime is a date; each passed to the driver as it is
_INT64 = range(-2**63, 2**63)
LOOKUPS = frozenset({"exact", "in", "range", "gt", "gte", "lt", "lte", "isnull"})  # their values pass unchanged


class _Unshaped(Exception):
    """The queryset has something this module does not read; it is compiled as usual."""


class _Empty(Exception):
    """The queryset matches nothing (.none(), or an IN of no value): no statement, as the ORM answers."""


@dataclass(frozen=True)
class _Statement(Generic[T]):
    sql: str
    before: tuple[Any, ...]  # the parameters ahead of the filters' (the selected expressions')
    after: tuple[Any, ...]  # and behind them (grouping)
    note: T


def _value(value: Any) -> type:
    if type(value) is int and value not in _INT64:
        raise _Unshaped  # Django answers an out-of-range integer without SQL (no row, or every row)
    if not isinstance(value, _SCALARS):
        raise _Unshaped
    return type(value)


def _lookup(node: Lookup, values: list, connection: BaseDatabaseWrapper) -> Hashable:
    lhs, rhs = node.lhs, node.rhs
    if type(lhs) is not Col or node.lookup_name not in LOOKUPS:
        raise _Unshaped
    column = (lhs.alias, lhs.target.column)
    if node.lookup_name == "isnull" or (node.lookup_name == "exact" and type(rhs) is bool):
        if type(rhs) is not bool:
            raise _Unshaped
        return type(node), column, rhs  # IS [NOT] NULL, [NOT] column: the value is in the SQL, not a parameter
    if node.lookup_name == "in":
        if not isinstance(rhs, (list, tuple)):
            raise _Unshaped  # a set's order is its own: the first compilation's would not hold
        given = [value for value in dict.fromkeys(rhs) if value is not None]  # as In.process_rhs keeps them
        if not given:
            raise _Empty
    elif isinstance(rhs, (list, tuple)):
        if node.lookup_name != "range" or len(rhs) != 2:
            raise _Unshaped
        given = list(rhs)
    else:
        given = [rhs]
    kinds = tuple(_value(value) for value in given)
    # each value as the lookup hands it to the driver (a date as text on SQLite): FieldGetDbPrepValueMixin's way
    field = lhs.output_field
    prepare = getattr(getattr(field, "target_field", None), "get_db_prep_value", None) or field.get_db_prep_value
    values.extend(prepare(value, connection, prepared=True) for value in given)
    return type(node), column, kinds


def _where(node: Any, values: list, connection: BaseDatabaseWrapper) -> Hashable:
    if type(node) is WhereNode:
        return node.connector, node.negated, tuple(_where(child, values, connection) for child in node.children)
    if type(node) is NothingNode:
        raise _Empty
    if isinstance(node, Lookup):
        return _lookup(node, values, connection)
    raise _Unshaped


def _shape(query: Query, values: list, connection: BaseDatabaseWrapper) -> Hashable:
    if (query.annotations or query.extra or query.combinator or query.distinct or query.values_select
            or query.select or query.group_by is not None or query.low_mark or query.high_mark is not None
            or query.select_for_update or query.where.contains_aggregate):
        raise _Unshaped
    joins = tuple((alias, join.table_name, getattr(join, "join_type", None), getattr(join, "parent_alias", None),
                   getattr(getattr(join, "join_field", None), "name", None), getattr(join, "nullable", None))
                  for alias, join in query.alias_map.items())
    return query.model, joins, _where(query.where, values, connection)


class Shapes(Generic[T]):
    """Statements by shape, for one kind of read. `sql(queryset, key=…, build=…)`: build(queryset) is the queryset
    to run (say grouped and summed), written the same for every queryset of a shape given the same `key`;
    `note(query)` is kept with the statement (whatever the caller needs of the built query)."""

    def __init__(self, note: Callable[[Query], T]) -> None:
        self._note = note
        self._kept: OrderedDict[Hashable, _Statement[T] | None] = OrderedDict()
        self._lock = threading.Lock()

    def sql(self, queryset: QuerySet, *, key: Hashable,
            build: Callable[[QuerySet], QuerySet]) -> tuple[str, tuple, T] | None:
        """The statement of build(queryset), its parameters and the note; None when it matches nothing."""
        values: list = []
        try:
            shape = (queryset.db, key, _shape(queryset.query, values, connections[queryset.db]))
        except _Empty:
            return None
        except _Unshaped:
            return self._compiled(build(queryset).query, queryset.db)[0]
        with self._lock:
            known = shape in self._kept
            statement = self._kept.get(shape)
            if known:
                self._kept.move_to_end(shape)
        if not known:
            answer, statement = self._compiled(build(queryset).query, queryset.db, values)
            with self._lock:
                self._kept[shape] = statement
                if len(self._kept) > SIZE:
                    self._kept.popitem(last=False)
            return answer
        if statement is None:  # a shape whose values this module could not place: compiled every time
            return self._compiled(build(queryset).query, queryset.db)[0]
        answer = statement.sql, (*statement.before, *values, *statement.after), statement.note
        if settings.SQL_SHAPES_CHECK:
            compiled = self._compiled(build(queryset).query, queryset.db)[0]
            if compiled is None or compiled[:2] != answer[:2]:
                raise AssertionError(f"a statement kept for its shape differs from the queryset's own:\n{answer[:2]}"
                                     f"\n{compiled and compiled[:2]}")
        return answer

    def _compiled(self, query: Query, using: str, values: list | None = None,
                  ) -> tuple[tuple[str, tuple, T] | None, _Statement[T] | None]:
        """The query's statement compiled now, and what to keep of it for its shape (None: nothing can be)."""
        compiler = query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None, None
        note = self._note(query)
        answer = sql, tuple(params), note
        if values is None:
            return answer, None
        # where the filters' values sit: after the parameters written ahead of the WHERE clause
        try:
            where_sql, where_params = compiler.compile(compiler.where)
        except EmptyResultSet:
            return answer, None
        clause = f" WHERE {where_sql}" if where_sql else ""
        if clause and sql.count(clause) != 1:
            return answer, None
        ahead = sql[:sql.index(clause)] if clause else ""
        start = ahead.count("%s") - ahead.count("%%s") if clause else len(params)
        end = start + len(where_params)
        if list(where_params) != values or list(params[start:end]) != values:
            return answer, None
        return answer, _Statement(sql, tuple(params[:start]), tuple(params[end:]), note)


def expression_key(expression: Any) -> Hashable:
    """What tells two expressions of a read's own apart (a group key, an aggregate) without Django's costly
    `identity`: what repr shows (class, arguments, distinct, filter) and an output field given explicitly."""
    return type(expression), repr(expression), type(expression.__dict__.get("output_field"))
