"""What waits for a person on the home page: the panels each app registers (daiban/lib/panels.py)."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from daiban.assessment.selectors import stale_exports
from daiban.lib.panels import PANEL_PROVIDERS, Panel
from daiban.ops.models import WorkerHeartbeat
from daiban.ops.readiness import readiness
from daiban.org.roles import Role


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
