"""Scheduled duties: thin wrappers around the services, run by huey's consumer."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from daiban.lib.lease import lease_task
from daiban.plans.duties import escalate_overdue, send_progress_reports, warn_beyond_practice, watch_reports_up
from daiban.plans.evidence import evidence_refresh_if_moved
from daiban.plans.rollups import rollups_rebuild


@db_periodic_task(crontab(minute="*/15"))
@lease_task("plans-escalate-overdue")
def escalate_overdue_items() -> int:
    return escalate_overdue()


@db_periodic_task(crontab(minute="10", hour="8-18"))
@lease_task("plans-watch-reports-up")
def watch_items_reported_up() -> int:
    return watch_reports_up()


@db_periodic_task(crontab(minute="5", hour="8,14"))
@lease_task("plans-progress-reports")
def half_monthly_progress_reports() -> int:
    # Runs twice a day every day: on the 1st and 16th it sends; on other days it catches up once a
    # report day that passed while the server was down.
    return send_progress_reports()


@db_periodic_task(crontab(minute="20", hour="7"))
@lease_task("plans-evidence")
def evidence_duties() -> int:
    # Each morning: the window of the figures moves when a month begins, then items past their
    # department's 80th percentile are told to the agents (once per item).
    evidence_refresh_if_moved()
    return warn_beyond_practice()


@db_task()
@lease_task("plans-rollups-rebuild", seconds=1800)
def rebuild_rollups() -> dict[str, int]:
    # Queued when the working-day calendar changes (plans.rollup_hooks).
    return rollups_rebuild()
