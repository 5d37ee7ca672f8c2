"""Scheduled duties of the front door: thin wrappers around intake.duties, run by huey's consumer."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from daiban.intake.duties import alert_first_contact


@db_periodic_task(crontab(minute="20", hour="8-18"))
@lock_task("intake-first-contact")
def first_contact_overdue() -> int:
    return alert_first_contact()
