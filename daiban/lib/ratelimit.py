"""A fixed-window rate limit on the shared cache (Redis in production, local memory otherwise)."""
from __future__ import annotations

import time

from django.core.cache import cache

from daiban.lib.errors import ServiceError


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def check(scope: str, who: str, *, limit: int, window_seconds: int) -> None:
    """Raises RateLimited after `limit` hits by `who` within the current window."""
    now = time.time()
    window = int(now // window_seconds)
    key = f"rl:{scope}:{who}:{window}"
    if cache.add(key, 1, timeout=window_seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window_seconds + 1)
            count = 1
    if count > limit:
        raise RateLimited("操作过于频繁，请稍后再试", retry_after=max(1, int((window + 1) * window_seconds - now)))
