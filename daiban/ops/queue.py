"""The background queue as several machines run it: each consumer process writes a heartbeat, and each
periodic duty is enqueued once per period across all the machines' schedulers (a row claimed in the
database, daiban.ops.models.PeriodicRun), not once per scheduler.

settings.HUEY names these classes; huey's Django integration loads them while the app registry is being
populated, so the models are imported only when a consumer first uses them.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import huey
from django.db import IntegrityError, close_old_connections, connection, transaction
from huey.api import PeriodicTask
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 30
KEEP_RUNS_DAYS = 7


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(now: datetime | None = None) -> None:
    from daiban.ops.models import WorkerHeartbeat  # this module loads before the models (see above)

    now = now or datetime.now(UTC)
    updated = WorkerHeartbeat.objects.filter(worker=worker_name()).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.get_or_create(worker=worker_name(), defaults={"started_at": now, "beat_at": now})


def claim(name: str, timestamp: datetime) -> bool:
    """True for the one scheduler that claims `name` for the minute of `timestamp` (naive UTC, huey's)."""
    from daiban.ops.models import PeriodicRun  # this module loads before the models (see above)

    period = timestamp.replace(second=0, microsecond=0, tzinfo=UTC)
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(name=name, period=period, claimed_by=worker_name())
    except IntegrityError:
        return False
    if period.minute == 0 and period.hour == 0:
        PeriodicRun.objects.filter(period__lt=period - timedelta(days=KEEP_RUNS_DAYS)).delete()
    return True


def _finished(signal: str, task, *args, **kwargs) -> None:
    from daiban.ops.models import PeriodicRun  # this module loads before the models (see above)

    if not isinstance(task, PeriodicTask):
        return
    try:
        run = PeriodicRun.objects.filter(name=task.name, finished_at=None).order_by("-period").first()
        if run is not None:
            PeriodicRun.objects.filter(pk=run.pk).update(finished_at=datetime.now(UTC))
    finally:
        close_old_connections()


class _DeploymentHuey(huey.Huey):  # before huey's RedisHuey or SqliteHuey in the classes below
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)(_finished)

    def read_periodic(self, timestamp):
        due = super().read_periodic(timestamp)
        if not due:
            return due
        timestamp = timestamp or self._get_timestamp()
        try:
            return [task for task in due if claim(task.name, timestamp)]
        except Exception:  # database unreachable: enqueue nothing now, the next period tries again
            log.warning("周期任务未能登记（数据库不可用），本周期跳过", exc_info=True)
            return []
        finally:
            connection.close()

    def create_consumer(self, **options):
        consumer = super().create_consumer(**options)
        threading.Thread(target=self._beat_forever, name="daiban-heartbeat", daemon=True).start()
        return consumer

    @staticmethod
    def _beat_forever() -> None:
        while True:
            try:
                beat()
            except Exception:  # the database may be away for a moment; the next beat tries again
                log.warning("后台任务进程心跳写入失败", exc_info=True)
            finally:
                connection.close()
            time.sleep(HEARTBEAT_SECONDS)


class RedisHuey(_DeploymentHuey, huey.RedisHuey):
    pass


class SqliteHuey(_DeploymentHuey, huey.SqliteHuey):
    pass
