"""Hooks that follow a catalog item's change: apps above the catalog that keep figures derived from an item
(the statistics' rollups keep its limit and department) register a function taking the item and the names of
the changed fields; catalog_item_update calls them all inside the transaction of the change, so a hook that
fails undoes the change. Register at import time of the app (AppConfig.ready).
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from daiban.lib.hooks import Hooks

_hooks: Hooks[[Any, Collection[str]]] = Hooks()
register, run = _hooks.register, _hooks.run
