"""Sending what the notification outbox holds, by the one outbox mechanism (daiban/lib/outbox.py): claim due
rows, send each through its channel (channels.py), back off after a failure, give up after MAX_ATTEMPTS.
The gateway and the mail server drop a repeat by the row's message_id."""
from __future__ import annotations

import datetime as dt

from daiban.lib.outbox import Outbox
from daiban.notify.channels import SENDERS, DeliveryError
from daiban.notify.models import Notification

MAX_ATTEMPTS = 8


def _send(notification: Notification) -> None:
    SENDERS[notification.channel](notification)


OUTBOX = Outbox(
    name="notification", model=Notification, send=_send, failure=DeliveryError, max_attempts=MAX_ATTEMPTS,
    # Longer than a whole batch can take (100 rows x the 5 s gateway timeout).
    lease=dt.timedelta(minutes=15),
    pending=lambda rows: rows.select_related("recipient"),
    # An in-app message is read in the app: there is nothing to send again.
    replayable=lambda row: row.channel != Notification.Channel.IN_APP,
)
backoff = OUTBOX.backoff


def deliver_pending(limit: int = 100) -> int:
    """Send up to `limit` due notifications; returns how many were sent."""
    return OUTBOX.deliver_pending(limit)


