"""Background duties of the outbox (run by `manage.py run_huey`, which `serve` starts)."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from daiban.notify.delivery import deliver_pending

# One delivery run at a time across all consumers of this queue; the row claiming in delivery.py
# keeps a message from going out twice even without it. `serve` starts its consumer with
# --flush-locks, so a lock left by a killed worker does not outlive it.
DELIVERY_LOCK = "deliver-notifications"


@db_periodic_task(crontab(minute="*"))
@lock_task(DELIVERY_LOCK)
def deliver_notifications() -> int:
    return deliver_pending()
