"""The Redis cache, failing open: with Redis away a page still answers (rate limits let the request
through, the double-submit guard and the cached public figures step aside) and a warning is logged,
never a 500. The settings give it a one-second socket timeout so that a request waits little."""
from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60
_last_warning = [0.0]


def _warn(operation: str, error: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        log.warning("Redis 不可用（%s：%s），缓存与频率限制暂不生效", operation, error.__class__.__name__)


class FailOpenRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _warn("get", error)
            return default

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _warn("add", error)
            return True  # as if the key were new: a limit or guard lets the request through

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _warn("set", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _warn("incr", error)
            return delta

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _warn("delete", error)
            return False

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            _warn("clear", error)
            return False
