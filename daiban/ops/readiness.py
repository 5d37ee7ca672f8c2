"""What /readyz and the system page check: the database, Redis, a live worker, a recent audit checkpoint."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from daiban.audit import checkpoints
from daiban.ops.models import WorkerHeartbeat


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # any failure to reach it means not ready
        return {"ok": False, "detail": f"数据库不可用：{exc.__class__.__name__}"}


def _redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "detail": "未配置 Redis（内置队列与本机缓存）"}
    import redis  # only when Redis is configured (the built-in queue and cache need none)

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "detail": f"Redis 不可用：{exc.__class__.__name__}"}


def _worker(now) -> dict:
    limit = timedelta(minutes=settings.WORKER_HEARTBEAT_MINUTES)
    latest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if latest is None:
        return {"ok": False, "detail": "后台任务进程从未报到"}
    age = now - latest.beat_at
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=now - limit).count()
    return {"ok": age <= limit, "age_seconds": int(age.total_seconds()), "alive": alive,
            **({} if age <= limit else {"detail": f"后台任务进程已 {int(age.total_seconds() // 60)} 分钟无心跳"})}


def _checkpoint(now) -> dict:
    limit = timedelta(minutes=settings.CHECKPOINT_MAX_AGE_MINUTES)
    latest = None
    try:
        for store in checkpoints.stores():
            for record in reversed(store.records()):
                try:
                    found = checkpoints.parse(record)
                except checkpoints.CheckpointError:
                    continue
                latest = found if latest is None or found.at > latest.at else latest
                break
    except checkpoints.CheckpointError as exc:
        return {"ok": False, "detail": str(exc)}
    if latest is None:
        return {"ok": False, "detail": "尚无审计检查点"}
    age = now - latest.at
    return {"ok": age <= limit, "age_seconds": int(age.total_seconds()),
            **({} if age <= limit else {"detail": f"最近的审计检查点已 {int(age.total_seconds() // 60)} 分钟"})}


def readiness(now=None) -> dict:
    now = now or timezone.now()
    checks = {"database": _database(), "redis": _redis()}
    if checks["database"]["ok"]:
        checks["worker"] = _worker(now)
    checks["audit_checkpoint"] = _checkpoint(now)
    return {"ready": all(check["ok"] for check in checks.values()), "checks": checks}
