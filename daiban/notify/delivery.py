"""Sending what the outbox holds: claim due rows, send each, record the outcome.

Two workers may run this at once (two consumers, or the periodic task overlapping itself). A row is
claimed by moving its next_attempt_at past a lease with an UPDATE that only matches while the row is
still due; whoever gets a count of 1 sends it, everyone else skips it. Sending happens outside any
transaction, so a slow gateway never holds a database lock. A worker that dies mid-send leaves the
row pending; it is tried again when the lease ends (the gateway drops the repeat by message_id).
"""
from __future__ import annotations

import datetime as dt
import logging

from daiban.lib import clock, retry
from daiban.notify.channels import SENDERS, DeliveryError
from daiban.notify.models import Notification

Status = Notification.Status
log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF_MINUTES = 60
# Longer than a whole batch can take (100 rows x the 5 s gateway timeout).
LEASE = dt.timedelta(minutes=15)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the attempts-th failure: 1, 2, 4, 8 … minutes, at most an hour."""
    return retry.backoff(attempts, max_minutes=MAX_BACKOFF_MINUTES)


def deliver_pending(limit: int = 100) -> int:
    """Send up to `limit` due notifications; returns how many were sent."""
    sent = 0
    for notification in _claim(limit):
        if _send(notification):
            sent += 1
    return sent


def _claim(limit: int) -> list[Notification]:
    pending = Notification.objects.filter(status=Status.PENDING).select_related("recipient")
    return retry.claim_due(pending, limit=limit, lease=LEASE, now=clock.now())


def _send(notification: Notification) -> bool:
    try:
        SENDERS[notification.channel](notification)
    except DeliveryError as exc:
        _failed(notification, str(exc))
        return False
    except Exception as exc:  # a bug in a sender must not stop the rest of the batch
        log.exception("notification %s: unexpected error while sending", notification.pk)
        _failed(notification, f"内部错误：{exc!r}")
        return False
    Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
        status=Status.SENT, sent_at=clock.now(), last_error="")
    return True


def _failed(notification: Notification, error: str) -> None:
    attempts = notification.attempts + 1
    now = clock.now()
    status = Status.FAILED if attempts >= MAX_ATTEMPTS else Status.PENDING
    log.warning("notification %s (%s) attempt %s failed: %s", notification.pk, notification.channel, attempts, error)
    Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
        attempts=attempts, last_error=error[:2000], status=status, next_attempt_at=now + backoff(attempts))
