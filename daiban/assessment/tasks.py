"""Background duties of assessment: thin wrappers around the services, run by huey's consumer."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from daiban.assessment.services import export_run, exports_purge, exports_requeue_stale


@db_task()
def run_export(export_id: str) -> None:
    export_run(export_id)


@db_periodic_task(crontab(minute="20", hour="*"))
def purge_old_exports() -> int:
    return exports_purge()


@db_periodic_task(crontab(minute="*/5"))
def requeue_stale_exports() -> int:
    return exports_requeue_stale()
