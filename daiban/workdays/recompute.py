"""Hooks that recompute stored deadlines when a year's calendar changes.

Apps that store due dates register a function taking the year; calendar services call them all
inside the transaction of the change, after the in-process calendar has been rebuilt, so a hook
that fails undoes the change. Register at import time of the app (AppConfig.ready).
"""
from __future__ import annotations

from daiban.lib.hooks import Hooks

_hooks: Hooks[[int]] = Hooks()
register, unregister, run = _hooks.register, _hooks.unregister, _hooks.run
