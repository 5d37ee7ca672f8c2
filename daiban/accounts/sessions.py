"""Staff sessions: opened only after the last login step, with a new id; ended after 30 idle
minutes, 12 hours after the login, at logout, and when the account is disabled or its credentials
are reset. Between the password and the code the session holds only a pending login, never a user."""
from __future__ import annotations

import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.utils import timezone

from daiban.accounts.models import LoginSession
from daiban.audit.services import audit_record
from daiban.org.models import ApiToken, User

AUTH_AT = "daiban_auth_at"
SEEN_AT = "daiban_seen_at"
FACTOR = "daiban_factor"
PENDING = "daiban_pending"
VIA = "daiban_via"  # how the session began: "password" or "sso"
# The checked ID token of a single sign-on: the hint that ends the provider's session at logout.
ID_TOKEN = "daiban_sso_id_token"
PENDING_SECONDS = 300
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION = 60
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def pending_begin(request, user: User, *, via: str = "password") -> None:
    """The first factor (password or single sign-on) was right; the session remembers whom and how,
    for the next step only (new id, no login)."""
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "at": time.time(), "via": via}


def pending_user(request) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user"), is_active=True).first()


def pending_end(request) -> None:
    request.session.pop(PENDING, None)


def session_begin(request, user: User, *, factor: str, via: str | None = None) -> None:
    """Logs the user in (Django gives the session a new id) and records the login, and how it began
    when not by password (`via`, or the pending login's)."""
    via = via or (request.session.get(PENDING) or {}).get("via", "password")
    pending_end(request)
    login(request, user, backend=_BACKEND)
    now = time.time()
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    request.session[FACTOR] = factor
    request.session[VIA] = via
    if via != "sso":  # an abandoned single sign-on's token must not log a password session out at the provider
        request.session.pop(ID_TOKEN, None)
    request.session.save()
    with transaction.atomic():
        LoginSession.objects.filter(user=user, started_at__lt=timezone.now() - timedelta(
            seconds=settings.SESSION_ABSOLUTE_SECONDS)).delete()
        LoginSession.objects.get_or_create(session_key=request.session.session_key,
                                           defaults={"user": user, "started_at": timezone.now()})
        audit_record(event_type="auth.login", actor=user, obj=user,
                     new={"second_factor": factor, **({"via": via} if via != "password" else {})})


def session_ended_why(request, *, now: float | None = None) -> str | None:
    """Why this logged-in session is over, or None while it is valid."""
    now = now or time.time()
    session = request.session
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if auth_at is None or seen_at is None or FACTOR not in session:
        return "未经登录页建立的会话"
    if now - auth_at > settings.SESSION_ABSOLUTE_SECONDS:
        return "超过 12 小时"
    if now - seen_at > settings.SESSION_IDLE_SECONDS:
        return "闲置超过 30 分钟"
    return None


def session_touch(request, *, now: float | None = None) -> None:
    now = now or time.time()
    if now - request.session.get(SEEN_AT, 0) >= SEEN_RESOLUTION:
        request.session[SEEN_AT] = now


def session_factor(request) -> str:
    return request.session.get(FACTOR, "")


def session_via(request) -> str:
    return request.session.get(VIA, "password")


def sessions_end(user: User, *, keep: str | None = None) -> int:
    """Ends every session of the user (but `keep`) and revokes its API tokens; returns the sessions ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = LoginSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    ApiToken.objects.filter(user=user).delete()
    return len(keys)


def session_rekey(request, old_key: str | None) -> None:
    """The session got a new id (a password change keeps it alive): follow it."""
    if old_key and request.session.session_key != old_key:
        LoginSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)
