"""Account lockout, kept by django-axes (settings.AXES_*): 5 failures of one account from any
address, on pages or the API, lock it for 30 minutes. These functions read and clear that state."""
from __future__ import annotations

from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def is_locked(request, username: str) -> bool:
    """The decision itself, as axes' backend takes it inside authenticate()."""
    return AxesProxyHandler.is_locked(request, {"username": username})


def locks(*, username: str | None = None, now: datetime | None = None) -> dict[str, datetime]:
    """Locked accounts (or this one) and when each lock ends: the sum axes takes, for pages and messages."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    if username is not None:
        recent = recent.filter(username=username)
    rows = (recent.values("username").annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT))
    return {row["username"]: row["last"] + settings.AXES_COOLOFF_TIME for row in rows}


def locked_until(username: str, *, now: datetime | None = None) -> datetime | None:
    return locks(username=username, now=now).get(username)


def expired_lock_clear(username: str, *, now: datetime | None = None) -> bool:
    """Removes failures older than the cool-off; True if they had locked the account (the lock ran out)."""
    now = now or timezone.now()
    stale = AccessAttempt.objects.filter(username=username, attempt_time__lt=now - settings.AXES_COOLOFF_TIME)
    failures = stale.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
    if failures:
        stale.delete()
    return failures >= settings.AXES_FAILURE_LIMIT


def failures_clear(username: str) -> int:
    """Forgets the account's failures (a successful login, or an unlock by the security administrator)."""
    return AxesProxyHandler.reset_attempts(username=username)
