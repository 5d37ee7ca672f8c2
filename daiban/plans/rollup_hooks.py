"""The statistics' rollups never go stale: a catalog item's new limit or department recounts that item's rows
at once (a few hundred items at county scale), and a change of the working-day calendar, which moves every
item's working days, queues a rebuild of all of them after the change commits (plans.tasks.rebuild_rollups,
one run at a time across the workers)."""
from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from daiban.catalog import hooks as catalog_hooks
from daiban.plans.rollups import rollups_rebuild
from daiban.plans.tasks import rebuild_rollups
from daiban.workdays import recompute as calendar_hooks

# What of a catalog item a rollup row keeps (plans.rollups.FIELDS: its limit, and its department in the key).
COUNTED_FIELDS = frozenset({"limit_workdays", "department"})


@catalog_hooks.register
def rollups_after_catalog_change(item, changed: Collection[str]) -> None:
    if COUNTED_FIELDS.intersection(changed):
        rollups_rebuild(catalog_item_id=item.pk)


@calendar_hooks.register
def rollups_after_calendar_change(year: int) -> None:
    transaction.on_commit(rebuild_rollups)
