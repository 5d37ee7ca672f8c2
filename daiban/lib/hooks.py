"""A list of functions that apps above register and the app below runs, so a lower part can have a higher one act
without importing it (catalog.hooks, workdays.recompute, cases.hooks, plans.rollups' count hook)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Hooks(Generic[P]):
    """The registered functions, run in the order they were registered (at import time of their app)."""

    def __init__(self) -> None:
        self._fns: list[Callable[P, None]] = []

    def register(self, fn: Callable[P, None]) -> Callable[P, None]:
        """Add a hook; usable as a decorator. Registering the same function twice keeps one."""
        if fn not in self._fns:
            self._fns.append(fn)
        return fn

    def unregister(self, fn: Callable[P, None]) -> None:
        if fn in self._fns:
            self._fns.remove(fn)

    def run(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for fn in list(self._fns):
            fn(*args, **kwargs)
