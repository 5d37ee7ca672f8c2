"""The one source of 'now' and 'today' (Asia/Shanghai), so tests can freeze it with `frozen()`."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localtime(now()).date()


@contextmanager
def frozen(at: dt.datetime | dt.date | str):
    """Freeze the clock; a date freezes it at 10:00 local time on that day."""
    global _frozen
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at) if "T" in at or " " in at else dt.date.fromisoformat(at)
    if not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time(10, 0))
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    previous, _frozen = _frozen, at
    try:
        yield at
    finally:
        _frozen = previous
