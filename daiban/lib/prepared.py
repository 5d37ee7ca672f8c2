"""Reads whose SQL is written once: a queryset compiled once per database, then only run with new values.

Django writes a queryset's SQL again each time it is evaluated. For a read with JSON subqueries (the case API's
items, team, forms and collaboration in the case's row) writing it costs several times running it: about 4 ms of
Python against a statement PostgreSQL answers in a fraction of a millisecond. `Prepared` builds the queryset once
with placeholder values, keeps its SQL, where the placeholders sit among its parameters, and its columns'
converters (decryption, JSON, decimals, dates as Django gives them), and afterwards only runs the statement.

The row comes back as model instances, the related rows joined in (`related`, as select_related would) and the
annotations as attributes: the same objects the queryset would give, so the code that reads them is unchanged.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=models.Model)


def _cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """On PostgreSQL a cursor that binds its parameters on the server, so that psycopg prepares the statement on
    each pooled connection (settings: prepare_threshold) and PostgreSQL plans it once there, not on every call:
    planning the case read took 0.75 ms against 0.17 ms of running it. Counted and logged like any cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg  # the PostgreSQL driver is optional

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw: Any = psycopg.Cursor(connection.connection)  # what make_cursor wraps, whatever the stubs say
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


@dataclass(frozen=True)
class _Part:
    """One model instance of the row: at `path` (() for the row's own model), read from columns prefix + attname."""
    path: tuple[str, ...]
    model: type[models.Model]
    prefix: str
    attnames: tuple[str, ...]
    cache: str = ""  # where the parent keeps it (the relation's accessor)
    back: str | None = None  # where it keeps the parent, for a one-to-one either way (as select_related does)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, int]  # placeholder name → its position among params
    compiler: SQLCompiler
    converters: dict[int, Any]  # the compiler's, per column: the columns come back as the queryset gives them
    names: tuple[str, ...]  # the columns, in order
    annotations: tuple[str, ...]  # those of them that are the queryset's annotations (set on the row's instance)
    pk_column: str  # the row's primary key as the SQL names it, for `within`
    parts: tuple[_Part, ...]


class Prepared(Generic[M]):
    """`build(**placeholders)` is the queryset (of model M, filtered by the placeholders); run with the real values.

    Placeholders are ints (compared with integer keys) or strings that appear nowhere else in the statement's
    parameters (checked when the statement is compiled). The statement must end with its WHERE clause (no
    ordering or limit), so that `within` can add to it."""

    def __init__(self, build: Callable[..., models.QuerySet[M]], *, related: tuple[str, ...] = (),
                 **placeholders: int | str) -> None:
        self._build = build
        self._related = related
        self._placeholders = placeholders
        self._compiled: dict[str, _Compiled] = {}

    def first(self, *, within: models.QuerySet[M] | None = None, using: str = "default", **values: Any) -> M | None:
        """The row for `values`, if it is also among the rows of `within` (a queryset of the same model, say the
        caller's data scope, compiled as a subquery on each call), else None."""
        if any(type(value) is int and not -2**63 <= value < 2**63 for value in values.values()):
            return None  # matches no 64-bit key (as Django's lookups answer); SQLite's driver would raise
        compiled = self._compiled.get(using) or self._compile(using)
        params = list(compiled.params)
        for name, value in values.items():
            params[compiled.slots[name]] = value
        sql = compiled.sql
        if within is not None and within.query.where:
            try:
                inner, inner_params = within.order_by().values("pk").query.get_compiler(using=using).as_sql()
            except EmptyResultSet:
                return None  # an empty scope: nothing is within it
            sql = f"{sql} AND {compiled.pk_column} IN ({inner})"
            params.extend(inner_params)
        with _cursor(connections[using]) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchmany(1)
        if not rows:
            return None
        row = next(compiled.compiler.apply_converters(rows, compiled.converters)) if compiled.converters else rows[0]
        return self._instance(compiled, dict(zip(compiled.names, row, strict=True)), using)

    def _parts(self, model: type[models.Model]) -> list[_Part]:
        parts = [_Part((), model, "", tuple(f.attname for f in model._meta.concrete_fields))]
        for path in self._related:
            names = tuple(path.split("__"))
            related = model
            cache, back = "", None
            for name in names:
                field = related._meta.get_field(name)
                if not (field.many_to_one or field.one_to_one) or (field.auto_created and not field.one_to_one):
                    raise ValueError(f"{path}: only forward relations and reverse one-to-one ones, as select_related "
                                     "takes them")
                cache = field.cache_name  # type: ignore[union-attr]
                back = (field.field.cache_name if field.auto_created  # type: ignore[union-attr]
                        else field.remote_field.cache_name if field.one_to_one else None)  # type: ignore[union-attr]
                related = field.related_model  # type: ignore[assignment]
            parts.append(_Part(names, related, path + "__", tuple(f.attname for f in related._meta.concrete_fields),
                               cache, back))
        return parts

    def _compile(self, using: str) -> _Compiled:
        built = self._build(**self._placeholders).order_by()
        model = built.model
        parts = self._parts(model)
        columns = [part.prefix + attname for part in parts for attname in part.attnames]
        rows = built.values(*columns, *built.query.annotations)
        compiler = rows.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        tail = sql[sql.rfind(" WHERE "):] if " WHERE " in sql else ""
        if not tail or any(word in tail for word in (" ORDER BY ", " GROUP BY ", " LIMIT ", " HAVING ")):
            raise ValueError(f"a prepared read ends with its WHERE clause: {sql}")
        slots = {}
        for name, placeholder in self._placeholders.items():
            where = [n for n, param in enumerate(params) if param == placeholder and type(param) is type(placeholder)]
            if len(where) != 1:
                raise ValueError(f"placeholder {name}={placeholder!r} is {len(where)} times among {params!r}")
            slots[name] = where[0]
        query = rows.query
        names = tuple(query.selected) if query.selected else (
            *query.extra_select, *query.values_select, *query.annotation_select)
        meta = model._meta
        quote = connections[using].ops.quote_name
        converters = compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])
        compiled = _Compiled(sql=sql, params=tuple(params), slots=slots, compiler=compiler, converters=converters,
                             names=names, annotations=tuple(built.query.annotations),
                             pk_column=f"{quote(meta.db_table)}.{quote(meta.pk.column or meta.pk.attname)}", parts=tuple(parts))
        self._compiled[using] = compiled
        return compiled

    def _instance(self, compiled: _Compiled, row: dict[str, Any], using: str) -> M:
        made: dict[tuple[str, ...], models.Model | None] = {}
        for part in compiled.parts:
            values = [row[part.prefix + attname] for attname in part.attnames]
            pk = row[part.prefix + part.model._meta.pk.attname]
            instance = None if pk is None else part.model.from_db(using, list(part.attnames), values)
            made[part.path] = instance
            if part.path:
                parent = made[part.path[:-1]]
                if parent is not None:
                    parent._state.fields_cache[part.cache] = instance
                    if instance is not None and part.back is not None:
                        instance._state.fields_cache[part.back] = parent  # a plan's case, a request's case
        root = made[()]
        assert root is not None  # the row's own primary key is never NULL
        for name in compiled.annotations:
            if name not in root.__dict__:
                setattr(root, name, row[name])  # an annotation, as the queryset sets it
        return root  # type: ignore[return-value]
