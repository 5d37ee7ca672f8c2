"""A write that lost a race inside the database (a serialization failure or a deadlock) is run again.

PostgreSQL answers such a transaction with SQLSTATE 40001 or 40P01 and rolls it back whole; nothing of it is
kept, so running the same request again is safe and is what the documentation asks of the application. Only
the outermost caller can retry (inside someone else's transaction the rollback is theirs to handle).
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import wraps

from django.db import OperationalError, connection

RETRIED_STATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
ATTEMPTS = 4


def is_retryable(error: BaseException) -> bool:
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return isinstance(error, OperationalError) and state in RETRIED_STATES


def retry_on_serialization_failure(run: Callable) -> Callable:
    """Wraps a view or a django-ninja Operation.run (NinjaAPI.add_decorator(..., mode="view"))."""

    @wraps(run)
    def run_retrying(request, *args, **kwargs):
        for attempt in range(1, ATTEMPTS):
            try:
                return run(request, *args, **kwargs)
            except OperationalError as error:
                if connection.in_atomic_block or not is_retryable(error):
                    raise
                time.sleep(random.uniform(0.5, 1.5) * 0.01 * 2 ** attempt)  # the other finishes; jitter parts the two
        return run(request, *args, **kwargs)

    return run_retrying
