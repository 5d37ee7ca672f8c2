"""What a database column can hold, checked before every save, the same on SQLite and PostgreSQL.

PostgreSQL refuses a NUL character, a string longer than its column and a number with too many digits with an
error (a 500 if nobody catches it); SQLite silently stores them. One check, connected to every model's pre_save,
turns them into a ValidationFailed naming the field, so the API answers 422 in its one shape and a page shows the
message at the field. The edge (daiban/lib/hostile.py) refuses NUL before anything is read; this is the net below.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import connection, models

from daiban.lib.errors import ValidationFailed

INTEGER_FIELDS = (models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
                  models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)


def too_big(field: models.Field, value) -> str | None:
    """The Chinese reason `value` does not fit `field`'s column, or None."""
    label = str(field.verbose_name)
    if isinstance(field, models.JSONField) and _has_nul(value):
        return f"{label}：含有不允许的字符（空字符）"
    if isinstance(value, str):
        if "\x00" in value:
            return f"{label}：含有不允许的字符（空字符）"
        if field.max_length is not None and len(value) > field.max_length:
            return f"{label}：最多 {field.max_length} 个字，现有 {len(value)} 个"
        return None
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal | int | float):
        return _decimal_too_big(field, Decimal(str(value)), label)
    if isinstance(field, INTEGER_FIELDS) and isinstance(value, int) and not isinstance(value, bool):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            return f"{label}：数值超出允许范围"
    return None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _decimal_too_big(field: models.DecimalField, value: Decimal, label: str) -> str | None:
    if not value.is_finite():
        return f"{label}：应为有限的数字"
    whole_digits = len(str(abs(int(value)))) if abs(value) >= 1 else 0
    if whole_digits > field.max_digits - field.decimal_places:
        return f"{label}：数值过大（整数部分最多 {field.max_digits - field.decimal_places} 位）"
    return None


def check_fits(sender, instance: models.Model, raw: bool = False, **kwargs) -> None:
    """pre_save receiver: refuses the save when any field's value cannot be stored as it is."""
    if raw or not sender.__module__.startswith("daiban."):  # loading fixtures; Django's and libraries' own models
        return
    problems = {}
    for field in instance._meta.concrete_fields:
        reason = too_big(field, getattr(instance, field.attname, None))
        if reason:
            problems[field.name] = reason
    if problems:
        raise ValidationFailed(problems)
