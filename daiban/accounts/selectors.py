"""What the security administrator sees of the accounts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.accounts.lockout import locked_until
from daiban.accounts.models import LoginSession, RecoveryCode
from daiban.accounts.policy import password_expires_at
from daiban.lib.personal import lookup_hash
from daiban.org.models import RoleGrant, User
from daiban.org.roles import STAFF_ROLES


def accounts_list(*, query: str = "") -> QuerySet[User]:
    users = (User.objects.select_related("body", "department").prefetch_related("role_grants")
             .annotate(has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
             .order_by("username"))
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    return users


@dataclass(frozen=True)
class AccountState:
    user: User
    locked_until: datetime | None
    has_authenticator: bool
    recovery_codes: int
    sessions: int
    password_expires_at: datetime | None


def account_state(user: User) -> AccountState:
    return AccountState(
        user=user,
        locked_until=locked_until(user.username),
        has_authenticator=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        recovery_codes=RecoveryCode.objects.filter(user=user).count(),
        sessions=LoginSession.objects.filter(user=user).count(),
        password_expires_at=password_expires_at(user),
    )


def sso_accounts(claim_value: str) -> list[User]:
    """The staff accounts (enabled or not) the provider's claim names, by user name or by mobile
    number (settings.OIDC_MATCH); a project owner's account is never one. More than one is a refusal."""
    if settings.OIDC_MATCH == "mobile":
        digest = lookup_hash(claim_value, kind="phone")
        found = User.objects.filter(mobile_hash=digest) if digest else User.objects.none()
    else:
        found = User.objects.filter(username=claim_value)
    staff = RoleGrant.objects.filter(user=OuterRef("pk"), role__in=sorted(STAFF_ROLES))
    return list(found.filter(Exists(staff)).order_by("pk")[:2])
