"""What the accounts part keeps besides the user row: recovery codes and the sessions a person holds."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class RecoveryCode(models.Model):
    """A one-time code for a lost phone. Shown once; only a keyed digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "恢复码"
        indexes = [models.Index(fields=["user", "digest"])]


class LoginSession(models.Model):
    """A session opened by a login, so that disabling an account or resetting its credentials ends
    every session it holds, whichever session engine stores them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "登录会话"
