"""Independent reads of one page run at once, each on its own database connection.

A page such as the assessment dashboard makes several reads that do not depend on each other. One after another,
the process waits for PostgreSQL on each while the machine's other cores sit idle; at once, one read's SQL runs
while another's Python does. `at_once` runs the first call in this thread and the others on a small pool of
threads, one pooled connection each (returned when the call ends).

It runs them one after another, in this thread, inside a transaction (a test's, or a write's): there they must
see what the transaction sees, which another connection would not."""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from django.conf import settings
from django.db import connection, connections

_threads: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _threads
    if _threads is None:  # made on first use, so a forked server process makes its own
        _threads = ThreadPoolExecutor(max_workers=settings.READ_THREADS, thread_name_prefix="daiban-read")
    return _threads


def _on_own_connection(call: Callable[[], Any]) -> Any:
    try:
        return call()
    finally:
        connections.close_all()  # back to the pool (or closed, without one)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """The calls' answers in order; an exception of any is raised here, after all have ended."""
    if len(calls) < 2 or not settings.READ_THREADS or connection.in_atomic_block:
        return [call() for call in calls]
    started = [_pool().submit(_on_own_connection, call) for call in calls[1:]]
    try:
        first = calls[0]()
    finally:
        wait(started)  # none outlives the request, whatever happened here
    return [first, *(future.result() for future in started)]
