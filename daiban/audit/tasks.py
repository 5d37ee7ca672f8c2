"""The checkpoint duty: a signed checkpoint of the chain head outside the database (checkpoints.py)."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from daiban.audit.runs import verify_run
from daiban.audit.services import audit_checkpoint
from daiban.lib.lease import lease_task


# Every 10 minutes; writes only when the head moved or the latest checkpoint is 50 minutes old, so
# at least one an hour. The lock and the file lock in checkpoints.py keep two workers from writing twice.
@db_periodic_task(crontab(minute="*/10"))
@lease_task("audit-checkpoint")
def write_audit_checkpoint() -> list[str]:
    return audit_checkpoint()


@db_task()
def run_verify(run_id: int) -> None:
    verify_run(run_id)
