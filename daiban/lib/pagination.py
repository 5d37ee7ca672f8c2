"""One way to page through every API list: `limit` and an opaque `cursor` in, {items, total, next_cursor} out.

A query set is paged by keyset on its ordering (the last row's values, pk last as the tie-break), so a page
costs the same deep in a long list and rows added meanwhile neither repeat nor go missing. A list computed in
Python (ranked search hits, a case's few items) is paged by position.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any, Protocol

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Model, Q, QuerySet

from daiban.lib.counts import cached_count
from daiban.lib.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_BAD_CURSOR = "分页游标无效，请从第一页重新开始（cursor 应原样取自上一页答复的 next_cursor）"


class PageRequest(Protocol):
    limit: int
    cursor: str | None


def paginate(rows: QuerySet | Sequence, page: PageRequest, *, order: Sequence[str] = (),
             row: Callable[[Any], Any] = lambda obj: obj, count: bool = True) -> dict[str, Any]:
    """A page of `rows`. Query sets need `order` (field names, "-" for descending; keyset on them and pk);
    `row` turns each object into its JSON form; `count=False` leaves `total` null where counting is dear."""
    limit = max(1, min(page.limit, MAX_LIMIT))
    if isinstance(rows, QuerySet):
        if not order:
            raise ValueError("paginate() needs the ordering of a query set")
        return _keyset(rows, order, limit, page.cursor, row, count)
    return _by_position(rows, limit, page.cursor, row)


@dataclass
class KeysetPage:
    """A page of a long list shown on a page: the next page's cursor and a count kept a minute (lib.counts),
    exact when the whole list fits on the first page."""

    rows: list
    next_cursor: str | None
    first: bool
    count: int
    exact: bool

    def __iter__(self):
        return iter(self.rows)


@dataclass
class _PageArgs:
    limit: int
    cursor: str | None


def keyset_page(rows: QuerySet, *, cursor: str | None, order: str, per_page: int) -> KeysetPage:
    """A page of a list page by keyset on `order` (an indexed ordering; pk breaks ties) without OFFSET or a
    COUNT on every view; a cursor altered by hand gives the first page."""
    cursor = cursor or None
    try:
        found = paginate(rows, _PageArgs(per_page, cursor), order=[order], count=False)
    except ValidationFailed:
        cursor, found = None, paginate(rows, _PageArgs(per_page, None), order=[order], count=False)
    exact = cursor is None and found["next_cursor"] is None
    count = len(found["items"]) if exact else cached_count(rows)
    return KeysetPage(found["items"], found["next_cursor"], cursor is None, count, exact)


def whole(rows: Sequence, *, row: Callable[[Any], Any] = lambda obj: obj) -> dict[str, Any]:
    """A short list known in full (what a write made, such as one case's ratings) in the same shape."""
    items = [row(obj) for obj in rows]
    return {"items": items, "total": len(items), "next_cursor": None}


def _keyset(rows: QuerySet, order: Sequence[str], limit: int, cursor: str | None,
            row: Callable[[Any], Any], count: bool) -> dict[str, Any]:
    keys = _keys(order)
    fields = [_field(rows.model, name) for name, _ in keys]
    total = rows.count() if count else None
    ordered = rows.order_by(*[_ordering(name, desc, field.null) for (name, desc), field in zip(keys, fields, strict=True)])
    if cursor:
        values = _decode(cursor, "k")
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValidationFailed({"cursor": _BAD_CURSOR})
        ordered = ordered.filter(_after(keys, fields, [_typed(f, v) for f, v in zip(fields, values, strict=True)]))
    found = list(ordered[:limit + 1])
    next_cursor = None
    if len(found) > limit:
        found = found[:limit]
        next_cursor = _encode("k", [_plain(_value(found[-1], name)) for name, _ in keys])
    return {"items": [row(obj) for obj in found], "total": total, "next_cursor": next_cursor}


def _by_position(rows: Sequence, limit: int, cursor: str | None, row: Callable[[Any], Any]) -> dict[str, Any]:
    start = _decode(cursor, "o") if cursor else 0
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        raise ValidationFailed({"cursor": _BAD_CURSOR})
    chunk = list(rows[start:start + limit + 1])
    next_cursor = _encode("o", start + limit) if len(chunk) > limit else None
    return {"items": [row(obj) for obj in chunk[:limit]], "total": len(rows), "next_cursor": next_cursor}


def _keys(order: Sequence[str]) -> list[tuple[str, bool]]:
    keys = [(name.lstrip("-"), name.startswith("-")) for name in order]
    if keys[-1][0] not in ("pk", "id"):
        keys.append(("pk", keys[0][1]))
    return keys


def _ordering(name: str, desc: bool, nullable: bool):
    if not nullable:
        return f"-{name}" if desc else name
    return F(name).desc(nulls_last=True) if desc else F(name).asc(nulls_last=True)


def _field(model: type[Model], path: str):
    """The model field at the end of a lookup path such as "request__received_at"."""
    parts = path.split("__")
    for part in parts[:-1]:
        related = model._meta.get_field(part).related_model
        assert related is not None and related != "self", f"{part} is not a relation"
        model = related
    last = parts[-1]
    return model._meta.pk if last == "pk" else model._meta.get_field(last)


def _after(keys: list[tuple[str, bool]], fields: list, values: list) -> Q:
    """Rows after `values` in the ordering: nulls come last in either direction."""
    terms = []
    same = Q()
    for (name, desc), field, value in zip(keys, fields, values, strict=True):
        if value is None:  # nothing non-null comes after a null
            same &= Q(**{f"{name}__isnull": True})
            continue
        beyond = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
        if field.null:
            beyond |= Q(**{f"{name}__isnull": True})
        terms.append(same & beyond)
        same &= Q(**{name: value})
    return reduce(operator.or_, terms, Q(pk__in=[]))


def _value(obj: Any, path: str) -> Any:
    """The value at `path` of a model instance, or of a values() row (a dict keyed by the whole path)."""
    if isinstance(obj, dict):
        return obj[path]
    for part in path.split("__"):
        obj = getattr(obj, part) if obj is not None else None
    return obj


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    return value


def _typed(field, value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str | int | float | bool):
        raise ValidationFailed({"cursor": _BAD_CURSOR})
    try:
        return (field.target_field if field.is_relation else field).to_python(value)
    except (ValidationError, ValueError, TypeError, FieldDoesNotExist):
        raise ValidationFailed({"cursor": _BAD_CURSOR}) from None


def _encode(kind: str, value: Any) -> str:
    text = json.dumps({kind: value}, ensure_ascii=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def _decode(cursor: str, kind: str) -> Any:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        data = json.loads(text)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed({"cursor": _BAD_CURSOR}) from None
    if not isinstance(data, dict) or list(data) != [kind]:
        raise ValidationFailed({"cursor": _BAD_CURSOR})
    return data[kind]
