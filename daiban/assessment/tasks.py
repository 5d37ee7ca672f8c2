"""Background duties of assessment: thin wrappers around the services, run by huey's consumer."""
from __future__ import annotations

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from daiban.assessment.agents import agents_rebuild
from daiban.assessment.services import export_run, exports_purge, exports_requeue_stale
from daiban.lib.lease import lease_task
from daiban.workdays import recompute as calendar_hooks


@db_task()
def run_export(export_id: str) -> None:
    export_run(export_id)


@db_periodic_task(crontab(minute="20", hour="*"))
def purge_old_exports() -> int:
    return exports_purge()


@db_periodic_task(crontab(minute="*/5"))
def requeue_stale_exports() -> int:
    return exports_requeue_stale()


@db_task()
@lease_task("assessment-agent-rollups-rebuild", seconds=1800)
def rebuild_agent_rollups() -> int:
    return agents_rebuild()


@calendar_hooks.register
def agent_rollups_after_calendar_change(year: int) -> None:
    """Every finished item's working days move with the calendar: the figures by agent are counted again after the
    change commits (as plans.rollup_hooks queues the item rollups')."""
    transaction.on_commit(rebuild_agent_rollups)
