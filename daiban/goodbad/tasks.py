"""Scheduled duty of 好差评: a thin wrapper around duties.py, run by huey's consumer."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.goodbad.duties import alert_bad_reviews
from daiban.lib.lease import lease_task


@db_periodic_task(crontab(minute="20", hour="*"))
@lease_task("goodbad-deadline-alerts")
def goodbad_deadline_alerts() -> int:
    return alert_bad_reviews()
