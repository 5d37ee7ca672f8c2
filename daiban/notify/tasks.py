"""Background duties of the outbox (run by `manage.py run_huey`, which `serve` starts)."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.lib.lease import lease_task
from daiban.notify.delivery import deliver_pending

# One delivery run at a time across all consumers of this queue; the row claiming in delivery.py
# keeps a message from going out twice even without it. A lease left by a killed worker expires.
DELIVERY_LOCK = "deliver-notifications"


@db_periodic_task(crontab(minute="*"))
@lease_task(DELIVERY_LOCK)
def deliver_notifications() -> int:
    return deliver_pending()
