"""API bearer tokens: random, shown once, stored as SHA-256 digests, expiring, revocable.

A token is issued on the same steps as a page login (authentication.py): the password, then the
second factor where the account has or needs one (the `otp` field), the same lockout and events.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from daiban.accounts import lockout
from daiban.accounts.authentication import LOCKED_MESSAGE, Outcome, account_lock, code_step, password_step
from daiban.accounts.policy import SecondFactor, demo_bypass, password_change_needed, second_factor_needed
from daiban.accounts.second_factor import Factor
from daiban.audit.services import audit_record
from daiban.lib.aggregates import json_rows
from daiban.lib.errors import ERROR_CODES, ServiceError
from daiban.lib.prepared import Prepared
from daiban.org.models import ApiToken, RoleGrant, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenRefused(ServiceError):
    """A refusal of the exchange; its HTTP status is the one ERROR_CODES gives its code."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)
        self.status = ERROR_CODES[code][0]


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime


def _lock_checked(step) -> bool:
    """Whether the step passed; a locked account is refused here, whichever step found it."""
    if step.outcome is Outcome.LOCKED:
        raise TokenRefused(LOCKED_MESSAGE, code="auth.locked")
    return step.ok


def token_issue(request, *, username: str, password: str, code: str | None) -> Issued:
    """Raises TokenRefused (locked, wrong password or code, code missing, authenticator or new password due)."""
    step = password_step(request, username=username, password=password)
    if not _lock_checked(step):
        raise TokenRefused("用户名或密码错误", code="auth.invalid_credentials")
    user = step.user
    assert user is not None  # a step that passed names its user
    factor = Factor.DEMO if demo_bypass(user) else Factor.NONE
    needed = second_factor_needed(user)
    if needed is SecondFactor.ENROL:
        raise TokenRefused("此账号须先在网页登录并设置动态口令（手机验证器），才能申请接口令牌",
                           code="auth.otp_enrolment_required")
    if needed is SecondFactor.VERIFY:
        if not code:
            raise TokenRefused("此账号需要动态口令：请在 otp 字段填写手机验证器显示的 6 位数字，或一个恢复码",
                               code="auth.otp_required")
        step = code_step(request, user=user, code=code)
        if not _lock_checked(step):
            raise TokenRefused("动态口令不正确、已过期或已使用过", code="auth.otp_invalid")
        factor = step.factor
    change = password_change_needed(user)
    if change is not None:
        raise TokenRefused(f"{change.message}（请在网页登录后修改，再申请接口令牌）", code="auth.password_change_required")
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    with transaction.atomic():
        account_lock(user.username)
        lockout.failures_clear(user.username)
        ApiToken.objects.filter(user=user, expires_at__lt=timezone.now()).delete()
        ApiToken.objects.create(user=user, digest=_digest(token), expires_at=expires_at)
        audit_record(event_type="auth.token_issued", actor=user, obj=user,
                     new={"expires_at": expires_at.isoformat(), "second_factor": factor})
    return Issued(token, expires_at)


# The token with its user, the user's agency body and roles in one statement, its SQL written once
# (lib/prepared.py): every API call reads it afresh, so a revoked token or a deactivated account is refused at once.
_TOKEN_READ = Prepared(
    lambda digest: ApiToken.objects.filter(digest=digest).annotate(
        user_roles=json_rows(RoleGrant.objects, parent="user", row=F("role"), outer="user")),
    related=("user", "user__body"), digest="prepared:token-digest")


def token_user(token: str) -> User | None:
    row = _TOKEN_READ.first(digest=_digest(token))
    if row is None or row.expires_at <= timezone.now() or not row.user.is_active:
        return None
    user = row.user
    vars(user)["roles"] = frozenset(getattr(row, "user_roles", None) or ())  # User.roles, read in the same statement
    return user


def token_revoke(*, actor: User, token: str) -> bool:
    """Ends the token presented; False if it was already gone."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(digest=_digest(token), user=actor).delete()
        if deleted:
            audit_record(event_type="auth.token_revoked", actor=actor, obj=actor)
    return bool(deleted)
