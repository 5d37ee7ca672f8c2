"""A value worked out once and kept in the cache for a while, under a key that names all it depends on (a query, a
day, a version of the rows it counts). With the cache away (lib.cache fails open) it is worked out every time."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def kept(key: str, work: Callable[[], T], *, seconds: int) -> T:
    """The value kept under `key`, else `work()`, kept `seconds`. A value of None is never kept."""
    found = cache.get(key)
    if found is None:
        found = work()
        cache.set(key, found, seconds)
    return found
