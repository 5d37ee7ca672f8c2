"""One run of a background duty at a time across every worker, on the shared cache (Redis).

huey's own lock_task never expires: a worker killed while holding it would stop the duty until someone
flushed the locks by hand, and flushing at start would clear the locks of other machines' running duties.
A lease expires by itself after `seconds`, so a killed holder blocks its duty for at most that long.
"""
from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

log = logging.getLogger(__name__)


def _acquire(key: str, token: str, seconds: int) -> bool:
    try:
        return bool(cache.add(key, token, timeout=seconds))
    except Exception:  # the cache is down: run anyway, the duties' row claiming keeps effects single
        log.warning("缓存不可用，任务租约 %s 未加锁即运行", key, exc_info=True)
        return True


def _release(key: str, token: str) -> None:
    try:
        if cache.get(key) == token:
            cache.delete(key)
    except Exception:
        log.warning("缓存不可用，任务租约 %s 将到期自动释放", key, exc_info=True)


def lease_task(name: str, *, seconds: int = 600) -> Callable:
    """Runs the wrapped duty only if no other worker holds the lease `name`; otherwise answers None."""

    def decorator(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key, token = f"lease:{name}", uuid.uuid4().hex
            if not _acquire(key, token, seconds):
                log.info("任务 %s 正由另一进程运行，本次跳过", name)
                return None
            try:
                return function(*args, **kwargs)
            finally:
                _release(key, token)

        return wrapper

    return decorator
