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
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Avg, Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import BaseExpression, Col, F, Star
from django.db.models.lookups import Lookup
from django.db.models.sql import Query
from django.db.models.sql.where import NothingNode, WhereNode

T = TypeVar("T")

SIZE = 512  # shapes kept per process (a shape is one statement's text: a few kilobytes)
_SCALARS = (bool, int, float, Decimal, str, dt.date)  # datetime is a date; each passed to the driver as it is
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


def _value(value: Any, field: Any, connection: BaseDatabaseWrapper) -> type:
    if not isinstance(value, _SCALARS):
        raise _Unshaped
    if type(value) is int:
        # Django writes no condition, or none of the statement, for an integer outside the column's range (a
        # negative one on a positive field, one past 32 bits on PostgreSQL's integer): its SQL depends on the value
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Unshaped
    return type(value)


def _lookup(node: Lookup, values: list, connection: BaseDatabaseWrapper, everywhere: bool) -> Hashable:
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
        if not given:  # no row, as Django answers it: when every row must match it; else Django's own SQL
            raise _Empty if everywhere else _Unshaped
    elif isinstance(rhs, (list, tuple)):
        if node.lookup_name != "range" or len(rhs) != 2:
            raise _Unshaped
        given = list(rhs)
    else:
        given = [rhs]
    # each value as the lookup hands it to the driver (a date as text on SQLite): FieldGetDbPrepValueMixin's way, by
    # the field a foreign key points at
    field = getattr(lhs.output_field, "target_field", None) or lhs.output_field
    kinds = tuple(_value(value, field, connection) for value in given)
    values.extend(field.get_db_prep_value(value, connection, prepared=True) for value in given)
    return type(node), column, kinds


def _where(node: Any, values: list, connection: BaseDatabaseWrapper, everywhere: bool = True) -> Hashable:
    """The node's shape, its values added to `values`. `everywhere`: every row must match the node (it is reached
    from the root through ANDs only), so a part that matches nothing leaves the whole statement matching nothing."""
    if type(node) is WhereNode:
        inner = everywhere and node.connector == "AND" and not node.negated
        return node.connector, node.negated, tuple(_where(child, values, connection, inner)
                                                   for child in node.children)
    if type(node) is NothingNode:
        raise _Empty if everywhere else _Unshaped
    if isinstance(node, Lookup):
        return _lookup(node, values, connection, everywhere)
    raise _Unshaped


def _shape(query: Query, values: list, connection: BaseDatabaseWrapper) -> Hashable:
    if (query.annotations or query.extra or query.extra_tables or query.combinator or query.distinct
            or query.values_select or query.select or query.group_by is not None or query.low_mark
            or query.high_mark is not None or query.select_for_update or getattr(query, "_filtered_relations", None)
            or query.where.contains_aggregate):
        raise _Unshaped  # a FilteredRelation's condition, say, is written in a join, with values of its own
    joins = tuple((alias, join.table_name, getattr(join, "join_type", None), getattr(join, "parent_alias", None),
                   getattr(getattr(join, "join_field", None), "name", None), getattr(join, "nullable", None),
                   bool(query.alias_refcount.get(alias)))  # a join no longer used is not written
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

    def sql(self, queryset: QuerySet, *, key: Hashable | None,
            build: Callable[[QuerySet], QuerySet]) -> tuple[str, tuple, T] | None:
        """The statement of build(queryset), its parameters and the note; None when it matches nothing. A None
        `key` (what build adds could not be told apart, see expression_key): compiled every time."""
        def fresh() -> tuple[str, tuple, T] | None:
            return self._compiled(build(queryset).query, queryset.db)[0]

        values: list = []
        try:
            if key is None:
                raise _Unshaped
            shape = (queryset.db, key, _shape(queryset.query, values, connections[queryset.db]))
        except _Empty:
            return None
        except _Unshaped:
            return fresh()
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
            return fresh()
        answer = statement.sql, (*statement.before, *values, *statement.after), statement.note
        if settings.SQL_SHAPES_CHECK:
            compiled = fresh()
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
        except FullResultSet:  # no condition (every row): the statement has no WHERE clause
            where_sql, where_params = "", []
        clause = f" WHERE {where_sql}" if where_sql else ""
        if clause and sql.count(clause) != 1:
            return answer, None
        ahead = sql[:sql.index(clause)] if clause else ""
        start = ahead.count("%s") - ahead.count("%%s") if clause else len(params)
        end = start + len(where_params)
        if list(where_params) != values or list(params[start:end]) != values:
            return answer, None
        return answer, _Statement(sql, tuple(params[:start]), tuple(params[end:]), note)


_SUMS = (Avg, Count, Max, Min, Sum)


def expression_key(expression: Any) -> Hashable | None:
    """What tells two of a read's expressions apart (a group key, an aggregate), or None when this module cannot
    say (a subquery, a filter): a column, or a plain aggregate of one, by its class, column and distinct; another
    expression (TruncMonth, a constant) by Django's own `identity`, its constructor's arguments."""
    if type(expression) is F:
        return F, repr(expression)  # F(catalog_item__department)
    if (type(expression) in _SUMS and expression.filter is None and expression.default is None
            and "output_field" not in expression.__dict__ and len(expression.source_expressions) == 1):
        source = expression.source_expressions[0]
        if type(source) is F:
            return type(expression), repr(source), expression.distinct
        if type(source) is Star:
            return type(expression), "*", expression.distinct
    for part in expression.flatten():
        if isinstance(part, (BaseExpression, Q)) and (getattr(part, "subquery", False) or isinstance(
                part, (Subquery, OuterRef, Q)) or getattr(part, "filter", None) is not None):
            return None  # a subquery's identity is its queryset's, which lives no longer than the read
    return expression.identity
