"""Login failures, lockouts and logouts are audit events (successful logins: sessions.session_begin)."""
from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from daiban.accounts.models import LoginSession
from daiban.audit.services import audit_record


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, step: str = "password", **kwargs) -> None:
    # The username tried is kept; the password or code never is.
    username = str(credentials.get("username", ""))[:150]
    audit_record(event_type="auth.login_failed", actor_name=username, new={"username": username, "step": step},
                 outcome="failure")


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    until = timezone.now() + settings.AXES_COOLOFF_TIME
    audit_record(event_type="auth.locked", actor_name=str(username or "")[:150], outcome="denied",
                 new={"username": username, "until": until.isoformat(timespec="seconds"),
                      "failures": settings.AXES_FAILURE_LIMIT})


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    audit_record(event_type="auth.logout", actor=user, obj=user)
    if request is not None and request.session.session_key:
        LoginSession.objects.filter(session_key=request.session.session_key).delete()
