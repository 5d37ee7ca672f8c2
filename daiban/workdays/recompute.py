"""Hooks that recompute stored deadlines when a year's calendar changes.

Apps that store due dates register a function taking the year; calendar services call them all
inside the transaction of the change, after the in-process calendar has been rebuilt, so a hook
that fails undoes the change. Register at import time of the app (AppConfig.ready).
"""
from __future__ import annotations

from collections.abc import Callable

Hook = Callable[[int], None]

_hooks: list[Hook] = []


def register(fn: Hook) -> Hook:
    """Add a hook; usable as a decorator. Registering the same function twice keeps one."""
    if fn not in _hooks:
        _hooks.append(fn)
    return fn


def unregister(fn: Hook) -> None:
    if fn in _hooks:
        _hooks.remove(fn)


def run(year: int) -> None:
    for fn in list(_hooks):
        fn(year)
