"""Hooks that follow a change of a case's team: apps above the cases that keep figures by the case's agent (the
statistics by agent) register a function taking the case's id; the services that write a team (case_team_set, the
ledger import) call them all inside the transaction of the change, after the team's rows are written, so a hook
that fails undoes the change. Register at import time of the app (AppConfig.ready)."""
from __future__ import annotations

from daiban.lib.hooks import Hooks

_hooks: Hooks[[int]] = Hooks()
register, run = _hooks.register, _hooks.run
