"""Background duty of the provincial outbox (run by huey's consumer)."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.lib.lease import lease_task
from daiban.provincial.delivery import deliver_pending


@db_periodic_task(crontab(minute="*"))
@lease_task("deliver-provincial-reports")
def deliver_provincial_reports() -> int:
    # The lock keeps one run at a time; the row claiming in delivery.py keeps a report from going out
    # twice even without it.
    return deliver_pending()
