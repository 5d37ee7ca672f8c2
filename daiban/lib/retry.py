"""How long an outbox waits before trying a failed delivery again (notifications, provincial reports)."""
from __future__ import annotations

import datetime as dt


def backoff(attempts: int, *, first_minutes: int = 1, max_minutes: int = 60) -> dt.timedelta:
    """The wait after the attempts-th failure: 1, 2, 4, 8 … minutes (doubling from first_minutes),
    at most max_minutes."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    return dt.timedelta(minutes=min(first_minutes * 2 ** (attempts - 1), max_minutes))


def claim_due(pending, *, limit: int, lease: dt.timedelta, now: dt.datetime) -> list:
    """Claims up to `limit` rows of `pending` (an outbox queryset of pending rows with a
    `next_attempt_at`) that are due, so that no other worker sends them meanwhile.

    A row is claimed by moving its next attempt `lease` ahead, only while it is still as read: a
    worker that dies mid-send leaves the row to be tried again when the lease ends. On PostgreSQL
    rows another worker is claiming right now are skipped, not waited for; SQLite ignores FOR
    UPDATE, and its IMMEDIATE transactions already run one writer at a time.
    """
    from django.db import transaction

    with transaction.atomic():
        due = list(pending.select_for_update(skip_locked=True, of=("self",))
                   .filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")[:limit])
        claimed = []
        for row in due:
            until = now + lease
            if pending.model.objects.filter(pk=row.pk, status=row.status,
                                            next_attempt_at=row.next_attempt_at).update(next_attempt_at=until):
                row.next_attempt_at = until
                claimed.append(row)
    return claimed
