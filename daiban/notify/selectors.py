"""Reads for the message pages and the top bar."""
from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from daiban.lib import clock
from daiban.notify.models import Notification

Channel = Notification.Channel
Status = Notification.Status

# A pending delivery this old is shown to the administrators as well as failed ones.
STUCK_AFTER = dt.timedelta(minutes=30)


def inbox(user) -> QuerySet[Notification]:
    """The person's in-app messages, unread first, newest first within each."""
    return (
        Notification.objects.filter(recipient=user, channel=Channel.IN_APP)
        .annotate(read_order=Case(When(status=Status.READ, then=Value(1)), default=Value(0),
                                  output_field=IntegerField()))
        .order_by("read_order", "-created_at", "-id")
    )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, status=Status.SENT).count()


def delivery_problems() -> QuerySet[Notification]:
    """Failed deliveries and those still pending long after they were queued."""
    stuck = Q(status=Status.PENDING, created_at__lte=clock.now() - STUCK_AFTER)
    return (
        Notification.objects.filter(Q(status=Status.FAILED) | stuck)
        .exclude(channel=Channel.IN_APP)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def own_messages(user) -> QuerySet[Notification]:
    """The person's in-app messages, newest first (the API's list)."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).order_by("-created_at", "-id")
