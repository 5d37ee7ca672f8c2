"""Reads of the provincial outbox."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from daiban.lib import clock
from daiban.provincial.models import ProvincialMessage

Status = ProvincialMessage.Status

# A pending report this old counts as a problem too (the platform or the worker is down).
STUCK_AFTER = dt.timedelta(minutes=30)


def messages(status: str = "") -> QuerySet[ProvincialMessage]:
    rows = ProvincialMessage.objects.select_related("case", "case__request", "case__project", "item",
                                                    "item__catalog_item")
    if status == "problem":
        rows = rows.filter(problems())
    elif status in Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def problems() -> Q:
    return Q(status=Status.FAILED) | Q(status=Status.PENDING, created_at__lte=clock.now() - STUCK_AFTER)


def counts() -> dict[str, int]:
    row = ProvincialMessage.objects.aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)), sent=Count("pk", filter=Q(status=Status.SENT)),
        failed=Count("pk", filter=Q(status=Status.FAILED)), problem=Count("pk", filter=problems()))
    return row


def message_row(message: ProvincialMessage) -> dict:
    return {"id": message.pk, "message_id": message.message_id, "event": message.event,
            "event_label": message.get_event_display(), "tracking_no": message.case.request.tracking_no,
            "case_id": message.case_id, "occurred_at": message.occurred_at, "status": message.status,
            "status_label": message.get_status_display(), "attempts": message.attempts,
            "next_attempt_at": message.next_attempt_at if message.status == Status.PENDING else None,
            "last_error": message.last_error, "sent_at": message.sent_at}
