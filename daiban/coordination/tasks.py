"""Scheduled duties of coordination: thin wrappers around duties.py, run by huey's consumer."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.coordination.duties import alert_deadlines
from daiban.lib.lease import lease_task


@db_periodic_task(crontab(minute="10", hour="*"))
@lease_task("coordination-deadline-alerts")
def coordination_deadline_alerts() -> int:
    return alert_deadlines()
