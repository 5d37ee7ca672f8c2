"""Prefetched reads whose SQL is written once: a queryset built once per process, compiled once for each number of
parent rows, then run with the parents' keys put in place.

The case page prefetches the case's items, team, documents and visits and the items' urges: querysets that differ
from one request to the next only in the keys of the rows they belong to (`case_id IN (…)`, `item_id IN (…)`).
Django writes each one's SQL afresh (columns, joins, JSON subqueries, ordering): about 8 ms of a 40 ms page at
province scale, more than PostgreSQL takes to run them. `written_once(queryset)` marks a queryset that lives as long
as the process (a Prefetch's, in a page's reads built once). When prefetch_related filters a clone of it by the
parents' keys and nothing else about it changed, the clone's compiler is the one kept for that many keys, its
statement run with these keys in place of the placeholder keys it was compiled with.

Anything else made from a marked queryset (another filter, a count, values(), a slice) finds its query changed and
is compiled as usual. With settings.SQL_SHAPES_CHECK (the tests) every statement taken from here is also compiled
afresh and compared."""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import BaseExpression, Col
from django.db.models.lookups import In
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.datastructures import BaseTable
from django.db.models.sql.where import AND, WhereNode

# The placeholder keys a statement is compiled with (the k-th is PLACEHOLDER + k): no real key comes near them, and
# each must appear exactly once among the compiled statement's parameters for the statement to be kept.
PLACEHOLDER = 8_765_432_100_000_000
# What filtering a clone by the parents' keys changes besides the WHERE clause, none of it written in the SQL:
# the reference counts of aliases and which were used while filtering, the joins made and trimmed on the way
# (compared by the joins still used), and whether the next filter reuses aliases.
_FILTERING = frozenset({"where", "alias_refcount", "used_aliases", "alias_map", "table_map", "filter_is_sticky",
                        "_lookup_joins"})


@dataclass(frozen=True)
class _Kept:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where the k-th key goes among params
    compiler: SQLCompiler  # of the placeholder query: its columns and joined rows are the same for any keys


def _live(query: Query) -> dict:
    """The query's joins that its SQL writes (an alias no longer referenced is left out of FROM), but its own table:
    a queryset that has neither filtered nor annotated has no alias yet, which its first filter makes."""
    return {alias: join for alias, join in query.alias_map.items()
            if query.alias_refcount.get(alias) and not isinstance(join, BaseTable)}


def _same(mine: Any, theirs: Any) -> bool:
    """Whether an attribute of the filtered query is the base's: expressions by identity (a clone shares them; two
    equal ones may still write different SQL, Value(1) and Value(True)), containers element by element."""
    if mine is theirs:
        return True
    if type(mine) is not type(theirs) or isinstance(mine, BaseExpression):
        return False
    if isinstance(mine, dict):
        return mine.keys() == theirs.keys() and all(_same(value, theirs[key]) for key, value in mine.items())
    if isinstance(mine, (list, tuple)):
        return len(mine) == len(theirs) and all(_same(a, b) for a, b in zip(mine, theirs, strict=True))
    return bool(mine == theirs)


def _cached(name: str) -> bool:
    return name.endswith("_cache") or name == "base_table"  # worked out from the rest on first use


class _Statements:
    """The statements of one marked queryset, per database, column and number of keys (None: this one cannot be
    kept)."""

    def __init__(self, base: Query) -> None:
        self.base = base
        self.kept: dict[tuple[str, Col, int], _Kept | None] = {}
        self.lock = threading.Lock()
        self.compiled = 0  # statements compiled here (the tests count them)

    def __getstate__(self) -> dict:
        return {"base": self.base}  # a pickled query (say, in a prefetched row) keeps no statement, lock or connection

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["base"])  # type: ignore[misc]

    def keys_of(self, query: Query) -> tuple[Col, list[int]] | None:
        """The column and the parents' keys when `query` is the base filtered by them and nothing else, else None."""
        base, where = self.base, query.where
        if (type(where) is not WhereNode or where.connector != AND or where.negated
                or len(where.children) != len(base.where.children) + 1
                or not _same(where.children[:-1], base.where.children)):
            return None
        last = where.children[-1]
        if not isinstance(last, In) or type(last.lhs) is not Col or not isinstance(last.rhs, (list, tuple)):
            return None
        keys = list(dict.fromkeys(key for key in last.rhs if key is not None))  # as In.process_rhs writes them
        if not keys or any(type(key) is not int or not -2**63 <= key < 2**63 for key in keys):
            return None
        mine, theirs = vars(query), vars(base)
        for name in mine.keys() | theirs.keys():
            if name in _FILTERING or _cached(name):
                continue
            if name not in mine or name not in theirs or not _same(mine[name], theirs[name]):
                return None
        if _live(query) != _live(base):
            return None
        return last.lhs, keys

    def compiler(self, query: Query, using: str, column: Col, keys: list[int]) -> SQLCompiler | None:
        """A compiler of `query` that writes nothing (the kept statement with these keys), or None: compile it."""
        kept = self._kept(query, using, column, len(keys))
        if kept is None:
            return None
        params = list(kept.params)
        for slot, key in zip(kept.slots, keys, strict=True):
            params[slot] = key
        answer = (kept.sql, tuple(params))
        if settings.SQL_SHAPES_CHECK:
            fresh = Query.get_compiler(query, using=using).as_sql()
            if (fresh[0], tuple(fresh[1])) != answer:
                raise AssertionError(f"a statement written once differs from the queryset's own:\n{answer}\n{fresh}")
        compiler = copy.copy(kept.compiler)
        compiler.query, compiler.using, compiler.connection = query, using, connections[using]  # this thread's
        compiler.as_sql = lambda with_limits=True, with_col_aliases=False: answer  # type: ignore[method-assign]
        return compiler

    def _kept(self, query: Query, using: str, column: Col, count: int) -> _Kept | None:
        key = (using, column, count)  # the column: another relation's keys, as many, are another statement
        with self.lock:
            if key in self.kept:
                return self.kept[key]
        kept = self._compile(query, using, count)
        with self.lock:
            self.kept[key] = kept
        return kept

    def _compile(self, query: Query, using: str, count: int) -> _Kept | None:
        self.compiled += 1
        placeholders = [PLACEHOLDER + k for k in range(count)]
        written = query.clone()
        last: Any = copy.copy(written.where.children[-1])  # the In lookup of the keys (keys_of)
        last.rhs = placeholders
        written.where.children[-1] = last
        compiler = Query.get_compiler(written, using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        slots = []
        for placeholder in placeholders:
            found = [n for n, param in enumerate(params) if type(param) is int and param == placeholder]
            if len(found) != 1:
                return None
            slots.append(found[0])
        return _Kept(sql, tuple(params), tuple(slots), compiler)


class _WrittenOnce(Query):
    """A Query that takes its compiler from its _Statements when it is the marked one filtered by parents' keys."""

    written_once: _Statements

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if using is not None and connection is None and elide_empty:
            statements = self.written_once
            found = statements.keys_of(self)
            if found is not None and (compiler := statements.compiler(self, using, *found)) is not None:
                return compiler
        return super().get_compiler(using, connection, elide_empty)


def written_once(queryset: QuerySet) -> QuerySet:
    """`queryset` (a copy) marked so that prefetch_related's reads of it are compiled once per number of parents.
    Mark only a queryset that lives as long as the process (its statements are kept with it)."""
    marked = queryset.all()
    query = marked.query
    query.__class__ = _WrittenOnce
    query.written_once = _Statements(query)  # type: ignore[attr-defined]
    return marked


def statements_of(queryset: QuerySet) -> _Statements | None:
    """The statements kept for a marked queryset (the tests count them)."""
    return vars(queryset.query).get("written_once")


def prefetches_written_once(queryset: QuerySet) -> QuerySet:
    """`queryset` with the querysets of its Prefetch lookups marked (written_once); for reads built once per process."""
    lookups = []
    for lookup in queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        if isinstance(lookup, Prefetch) and (own := lookup.queryset) is not None:
            lookup = copy.copy(lookup)
            lookup.queryset = written_once(own)
        lookups.append(lookup)
    return queryset.prefetch_related(None).prefetch_related(*lookups)
