"""Who must do what to log in: the account rules, each in one function every caller uses.

The demo accounts (made by seed_demo) log in with their password alone, but only while
DAIBAN_DEBUG is on; with debug off no account is excused from any rule here.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.org.models import User
from daiban.org.roles import SECOND_FACTOR_ROLES, STAFF_ROLES


def demo_bypass(user: User) -> bool:
    return bool(settings.DEBUG and user.is_demo)


class PasswordChange(Enum):
    INITIAL = "initial"  # set by the security administrator (or at creation): the holder changes it
    EXPIRED = "expired"  # a staff password older than PASSWORD_MAX_AGE_DAYS

    @property
    def message(self) -> str:
        if self is PasswordChange.INITIAL:
            return "这是管理员设置的初始密码，请先修改密码。"
        return f"密码已使用超过 {settings.PASSWORD_MAX_AGE_DAYS} 天，请修改密码。"


def password_expires_at(user: User) -> datetime | None:
    """When a staff password expires; None for accounts whose passwords do not expire."""
    if not user.is_staff_account:
        return None
    changed = user.password_changed_at or user.date_joined
    return changed + timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def password_change_needed(user: User, *, now: datetime | None = None, via: str = "password") -> PasswordChange | None:
    """The password to change before anything else, for a session begun by `via`. A session begun by single
    sign-on never used the password: its age or initial state is put to whoever next logs in with it (the
    break-glass login, a token), not to someone who only ever signs in through the provider."""
    if demo_bypass(user) or via == "sso":
        return None
    if user.password_must_change:
        return PasswordChange.INITIAL
    expires = password_expires_at(user)
    if expires is not None and expires <= (now or timezone.now()):
        return PasswordChange.EXPIRED
    return None


def must_use_second_factor(user: User) -> bool:
    roles = user.roles
    if roles & SECOND_FACTOR_ROLES:
        return True
    return settings.SECOND_FACTOR_REQUIRED_FOR == "staff" and bool(roles & STAFF_ROLES)


class SecondFactor(Enum):
    VERIFY = "verify"  # has an authenticator: a code is asked after the password
    ENROL = "enrol"  # must have one and has none: set it up before the first session


def second_factor_needed(user: User) -> SecondFactor | None:
    if demo_bypass(user):
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return SecondFactor.VERIFY
    if must_use_second_factor(user):
        return SecondFactor.ENROL
    return None


def provider_factor_accepted(user: User, *, vouched: bool) -> bool:
    """A single sign-on provider's own second factor (vouched for in the ID token, settings.OIDC_MFA_*)
    stands for our code, but never for the three administrators and the center administrator."""
    return vouched and not (user.roles & SECOND_FACTOR_ROLES)
