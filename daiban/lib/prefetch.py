"""Reads that use what a page already fetched at once (prefetch_related), else ask the database themselves."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, ForeignObjectRel, Model, QuerySet, prefetch_related_objects
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from daiban.lib.aggregates import json_rows


def prefetched(instance, name: str, otherwise: Iterable) -> list:
    """The rows of `instance`'s relation `name` as prefetched, or `otherwise` (a queryset) when they were not."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else list(otherwise)


# -- small child lists read in the parent's row ---------------------------------------------------------------
# A page that shows a case and, per item, its pauses and escalations would spend one query on each relation.
# `with_json_children` reads such lists inside the parent's own row (a JSON list per relation and parent);
# `unpack_json_children` turns them into model instances in the relation's prefetch cache, so the readers
# below (`prefetched`, `relation.all()`) use them as if prefetch_related had read them. For lists without
# relations of their own that the page follows (each would be a query per row).

_PREFIX = "json__"


def prefetch_as(instances: list[Model], queryset: QuerySet) -> None:
    """Prefetch on `instances` (read some other way, say a prepared read) the related rows `queryset` would."""
    prefetch_related_objects(instances, *queryset._prefetch_related_lookups)  # type: ignore[attr-defined]


def with_json_children(parents: QuerySet, *relations: str) -> QuerySet:
    """`parents` annotated with the rows of each reverse relation (its related_name) as a JSON list."""
    annotations = {}
    for relation in relations:
        field = parents.model._meta.get_field(relation)
        child = field.related_model
        annotations[_PREFIX + relation] = json_rows(child._default_manager.all(), parent=field.field.name,
                                                    row=json_of(child))
    return parents.annotate(**annotations)


def _value(field, value):
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = value if isinstance(value, dt.datetime) else parse_datetime(value)
        if moment is not None and settings.USE_TZ and timezone.is_naive(moment):
            return timezone.make_aware(moment, dt.UTC)
        return moment
    if isinstance(field, models.DateField):
        return value if isinstance(value, dt.date) else parse_date(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    return value


def json_value(model, name: str, value):
    """One column of `model` read back from a JSON row as the database would give it (a moment, a day...)."""
    return _value(model._meta.get_field(name), value)


def json_of(model) -> JSONObject:
    """Every column of `model` as one JSON object (the JSON form of a row that from_json_rows reads back)."""
    return JSONObject(**{f.attname: F(f.attname) for f in model._meta.concrete_fields})


def from_json_rows(model, rows: list[dict] | None, *, db: str | None = None) -> list:
    """Model instances (as if read from the database) from the JSON rows of json_of(model)."""
    fields = model._meta.concrete_fields
    return [model.from_db(db, [f.attname for f in fields], [_value(f, row.get(f.attname)) for f in fields])
            for row in rows or []]


def _sort(rows: list, model) -> None:
    """In the model's ordering (plain field names; pk when it has none), nulls last."""
    names = [name for name in (model._meta.ordering or ["pk"]) if isinstance(name, str) and "__" not in name]
    for name in reversed(names):  # stable sorts, the last key first
        field = name.lstrip("-")
        rows.sort(key=_nulls_last(field), reverse=name.startswith("-"))


def _nulls_last(field: str) -> Callable[[Any], tuple[bool, Any]]:
    return lambda obj: (getattr(obj, field) is None, getattr(obj, field) or 0)


def unpack_json_children(parent: Model) -> None:
    """The JSON lists of with_json_children as the relations' prefetched rows, in the model's ordering; then the
    same for the parent's prefetched children (a case's items read with theirs)."""
    for name in [name for name in vars(parent) if name.startswith(_PREFIX)]:
        relation = name[len(_PREFIX):]
        field = parent._meta.get_field(relation)
        if not isinstance(field, ForeignObjectRel):
            raise TypeError(f"{relation} is not a reverse relation")  # with_json_children reads only those
        child = field.related_model
        rows = from_json_rows(child, vars(parent).pop(name), db=parent._state.db)
        for row in rows:
            field.field.set_cached_value(row, parent)
        _sort(rows, child)
        cached = getattr(parent, relation).all()
        cached._result_cache, cached._prefetch_done = rows, True
        vars(parent).setdefault("_prefetched_objects_cache", {})[relation] = cached
    for children in list(getattr(parent, "_prefetched_objects_cache", {}).values()):
        for child in children:
            if any(name.startswith(_PREFIX) for name in vars(child)):
                unpack_json_children(child)
