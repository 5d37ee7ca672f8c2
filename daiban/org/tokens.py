"""API bearer tokens: random, shown once, stored as SHA-256 digests, expiring."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.org.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_issue(*, username: str, password: str, request=None) -> tuple[str, datetime] | None:
    """Checks the credentials (a failure is audited by Django's signal) and issues a token."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expires_at__lt=timezone.now()).delete()
        ApiToken.objects.create(user=user, digest=_digest(token), expires_at=expires_at)
        audit_record(event_type="auth.token_issued", actor=user, obj=user,
                     new={"expires_at": expires_at.isoformat()})
    return token, expires_at


def token_user(token: str) -> User | None:
    row = (ApiToken.objects.select_related("user", "user__body")
           .filter(digest=_digest(token), expires_at__gt=timezone.now()).first())
    if row is None or not row.user.is_active:
        return None
    return row.user
