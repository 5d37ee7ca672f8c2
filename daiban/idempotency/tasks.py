"""Background duty: forget stored API answers once their keys have expired."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.idempotency.replay import purge_expired


@db_periodic_task(crontab(hour="3", minute="40"))
def purge_idempotency_keys() -> int:
    return purge_expired()
