"""Hooks that follow a catalog item's change: apps above the catalog that keep figures derived from an item
(the statistics' rollups keep its limit and department) register a function taking the item and the names of
the changed fields; catalog_item_update calls them all inside the transaction of the change, so a hook that
fails undoes the change. Register at import time of the app (AppConfig.ready).
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

Hook = Callable[[Any, Collection[str]], None]

_hooks: list[Hook] = []


def register(fn: Hook) -> Hook:
    """Add a hook; usable as a decorator. Registering the same function twice keeps one."""
    if fn not in _hooks:
        _hooks.append(fn)
    return fn


def run(item: Any, changed: Collection[str]) -> None:
    for fn in list(_hooks):
        fn(item, changed)
