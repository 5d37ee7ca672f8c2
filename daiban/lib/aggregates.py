"""Aggregates Django lacks on every database we run: a JSON list of a column's values per group."""
from __future__ import annotations

from django.db.models import Aggregate, JSONField, Manager, OuterRef, QuerySet, Subquery


class JSONList(Aggregate):
    """JSON array of the expression over the group: jsonb_agg on PostgreSQL, json_group_array on SQLite.
    The order inside the array is not defined: callers sort what they read."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def json_rows(children: QuerySet | Manager, *, parent: str, row, outer: str = "pk") -> Subquery:
    """The rows of `children` whose `parent` is the outer row's `outer`, as one JSON list (`row`: a JSONObject
    or one column)."""
    grouped = children.filter(**{parent: OuterRef(outer)}).order_by().values(parent).annotate(rows=JSONList(row))
    return Subquery(grouped.values("rows"), output_field=JSONField())
