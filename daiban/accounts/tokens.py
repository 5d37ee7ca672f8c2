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
from django.utils import timezone

from daiban.accounts import lockout
from daiban.accounts.authentication import LOCKED_MESSAGE, Outcome, account_lock, code_step, password_step
from daiban.accounts.policy import SecondFactor, demo_bypass, password_change_needed, second_factor_needed
from daiban.accounts.second_factor import Factor
from daiban.audit.services import audit_record
from daiban.org.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    detail: str


INVALID = Refusal(401, "auth.invalid_credentials", "用户名或密码错误")
LOCKED = Refusal(429, "auth.locked", LOCKED_MESSAGE)
CODE_NEEDED = Refusal(401, "auth.otp_required", "此账号需要动态口令：请在 otp 字段填写手机验证器显示的 6 位数字，或一个恢复码")
CODE_WRONG = Refusal(401, "auth.otp_invalid", "动态口令不正确或已使用过")
ENROL_FIRST = Refusal(403, "auth.otp_enrolment_required", "此账号须先在网页登录并设置动态口令（手机验证器），才能申请接口令牌")


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime


def _refusal(step, wrong: Refusal) -> Refusal | None:
    if step.outcome is Outcome.LOCKED:
        return LOCKED
    return None if step.ok else wrong


def token_issue(request, *, username: str, password: str, code: str | None) -> Issued | Refusal:
    step = password_step(request, username=username, password=password)
    if (refusal := _refusal(step, INVALID)) is not None:
        return refusal
    user = step.user
    factor = Factor.DEMO if demo_bypass(user) else Factor.NONE
    needed = second_factor_needed(user)
    if needed is SecondFactor.ENROL:
        return ENROL_FIRST
    if needed is SecondFactor.VERIFY:
        if not code:
            return CODE_NEEDED
        step = code_step(request, user=user, code=code)
        if (refusal := _refusal(step, CODE_WRONG)) is not None:
            return refusal
        factor = step.factor
    change = password_change_needed(user)
    if change is not None:
        return Refusal(403, "auth.password_change_required", f"{change.message}（请在网页登录后修改，再申请接口令牌）")
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


def token_user(token: str) -> User | None:
    row = (ApiToken.objects.select_related("user", "user__body")
           .filter(digest=_digest(token), expires_at__gt=timezone.now()).first())
    if row is None or not row.user.is_active:
        return None
    return row.user


def token_revoke(*, actor: User, token: str) -> bool:
    """Ends the token presented; False if it was already gone."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(digest=_digest(token), user=actor).delete()
        if deleted:
            audit_record(event_type="auth.token_revoked", actor=actor, obj=actor)
    return bool(deleted)
