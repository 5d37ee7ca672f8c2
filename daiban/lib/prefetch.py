"""Reads that use what a page already fetched at once (prefetch_related), else ask the database themselves."""
from __future__ import annotations

from collections.abc import Iterable


def prefetched(instance, name: str, otherwise: Iterable) -> list:
    """The rows of `instance`'s relation `name` as prefetched, or `otherwise` (a queryset) when they were not."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else list(otherwise)
