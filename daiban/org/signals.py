"""Logins and failed logins are audit events."""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from daiban.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(event_type="auth.login", actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(event_type="auth.logout", actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept; the password never is.
    audit_record(event_type="auth.login_failed", actor_name=str(credentials.get("username", ""))[:150],
                 new={"username": str(credentials.get("username", ""))[:150]}, outcome="failure")
