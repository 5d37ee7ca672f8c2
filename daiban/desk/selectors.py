"""What waits for a person on the home page. Each later part of the service adds its panels here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from daiban.assessment.selectors import stale_exports
from daiban.ops.models import WorkerHeartbeat
from daiban.ops.readiness import readiness
from daiban.org.roles import Role


@dataclass
class Panel:
    title: str
    rows: list = field(default_factory=list)
    empty: str = "暂无待办"
    link: str = ""


PANEL_PROVIDERS: list = []


def panel_provider(fn):
    """Register a function user -> list[Panel] that contributes to the home page."""
    PANEL_PROVIDERS.append(fn)
    return fn


def waiting_for(user) -> list[Panel]:
    panels: list[Panel] = []
    for provider in PANEL_PROVIDERS:
        panels.extend(provider(user))
    if not panels and user.has_role(Role.AUDIT_ADMIN):
        panels.append(Panel(title="审计链", rows=[], empty="进入“审计日志”校验审计链", link="/audit/"))
    return panels


def system_status() -> dict:
    """What the system page shows: the readiness checks, every worker's last heartbeat, stale exports."""
    now = timezone.now()
    limit = timedelta(minutes=settings.WORKER_HEARTBEAT_MINUTES)
    workers = [{"worker": beat.worker, "started_at": beat.started_at, "beat_at": beat.beat_at,
                "alive": now - beat.beat_at <= limit}
               for beat in WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(days=1)).order_by("-beat_at")]
    return {"report": readiness(now), "workers": workers,
            "stale": list(stale_exports().select_related("requested_by")[:50]),
            "stale_minutes": settings.EXPORT_STALE_MINUTES}
