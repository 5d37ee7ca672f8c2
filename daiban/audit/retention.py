"""How long audit events are kept: at least six months (GB/T 22239-2019 8.1.4.3 c; 网络安全法 第二十一条).

One rule: an event may be purged only when it and every event before it are older than the cutoff,
so a purge removes a prefix of the chain and never an event younger than the retention period. The
chain then starts at a sealed anchor (models.AuditAnchor). On PostgreSQL the append-only trigger
enforces the same floor: it lets a DELETE through only inside a purge and only for an event older
than RETENTION_FLOOR_DAYS by the database's own clock.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection

# Six calendar months are at most 184 days (July to December); settings refuse fewer.
RETENTION_FLOOR_DAYS = 184


def purge_cutoff(now: datetime, retention_days: int) -> datetime:
    """Events written at or after this moment are kept."""
    return now - timedelta(days=max(retention_days, RETENTION_FLOOR_DAYS))


@contextmanager
def deletion_allowed():
    """Inside a purge's transaction: the trigger lets old events be deleted (and nothing else)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL daiban.audit_purge = 'on'")
    yield
    # After an error the transaction (or savepoint) rolls back, and the setting with it.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL daiban.audit_purge = 'off'")
