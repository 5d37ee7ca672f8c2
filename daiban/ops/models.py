"""What the machines of a deployment tell each other through the database."""
from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per background worker process, touched every HEARTBEAT_SECONDS while it runs."""

    worker = models.CharField("进程", max_length=120, unique=True)  # host:pid
    started_at = models.DateTimeField("启动时间")
    beat_at = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务进程心跳"

    def __str__(self) -> str:
        return self.worker


class PeriodicRun(models.Model):
    """A periodic duty claimed for one period (a minute of its schedule): the first scheduler to insert the
    row enqueues it, every other machine's scheduler finds it taken and enqueues nothing."""

    name = models.CharField("任务", max_length=200)
    period = models.DateTimeField("周期")
    claimed_by = models.CharField("调度进程", max_length=120)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "周期任务记录"
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.period:%Y-%m-%d %H:%M}"
