"""The one credential check of the login page, the token endpoint and the password change: the
password step, then the second-factor step. Every failure of either step counts toward the lockout
and is an audit event; attempts on one account are taken one at a time (its row is locked), so
parallel guesses cannot slip past the limit."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction

from daiban.accounts import lockout
from daiban.accounts.second_factor import Factor, confirmed_device, recovery_code_use, totp_matches
from daiban.accounts.selectors import sso_accounts
from daiban.audit.services import audit_record
from daiban.org.models import User


class Outcome(Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    REFUSED = "refused"  # single sign-on: the provider proved someone we do not let in (why: `Step.why`)


@dataclass(frozen=True)
class Step:
    outcome: Outcome
    user: User | None = None
    factor: str = ""
    why: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


LOCKED_MESSAGE = "该账号因连续 5 次登录失败已被锁定 30 分钟，请稍后再试，或联系安全保密管理员解锁。"


def _refused_while_locked(username: str, step: str) -> Step:
    audit_record(event_type="auth.login_failed", actor_name=username, outcome="denied",
                 new={"username": username, "step": step, "why": "账号已锁定"})
    return Step(Outcome.LOCKED)


def account_lock(username: str) -> User | None:
    """Locks the account's row for this transaction: attempts on one account queue here. The lock is
    taken first in every transaction on an account's credentials (one order, no deadlock); NO KEY
    UPDATE leaves inserts of rows that refer to the user (tokens, sessions) free to go on."""
    return User.objects.select_for_update(no_key=True).filter(username=username).first()


def password_step(request, *, username: str, password: str) -> Step:
    username = (username or "").strip()[:150]
    with transaction.atomic():
        account_lock(username)
        if lockout.expired_lock_clear(username):
            audit_record(event_type="auth.unlocked", actor_name="系统", new={"username": username, "why": "锁定期满"})
        if lockout.is_locked(request, username):
            return _refused_while_locked(username, "password")
        # A wrong password (or an unknown or disabled account) sends user_login_failed: axes counts
        # it and locks at the limit, signals.py records it.
        user = authenticate(request, username=username, password=password)
        if user is None:
            return Step(Outcome.LOCKED if lockout.is_locked(request, username) else Outcome.WRONG)
        return Step(Outcome.OK, user=user)


def code_step(request, *, user: User, code: str, device=None) -> Step:
    """Checks a code of the authenticator (or of `device`, the one being set up) or a recovery code."""
    with transaction.atomic():
        account_lock(user.username)
        if lockout.is_locked(request, user.username):
            return _refused_while_locked(user.username, "code")
        enrolling = device is not None
        device = device or confirmed_device(user)
        if device is not None:
            device = type(device).objects.select_for_update(no_key=True).filter(pk=device.pk).first()
        if device is not None and totp_matches(device, code):
            return Step(Outcome.OK, user=user, factor=Factor.TOTP)
        if not enrolling and recovery_code_use(user, code):
            audit_record(event_type="auth.recovery_code_used", actor=user, obj=user,
                         new={"left": user.recovery_codes.count()})
            return Step(Outcome.OK, user=user, factor=Factor.RECOVERY)
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request,
                               step="code")
        return Step(Outcome.LOCKED if lockout.is_locked(request, user.username) else Outcome.WRONG, user=user)


def sso_refused(*, name: str, why: str) -> Step:
    """A single sign-on that does not let anyone in: recorded with the name the provider gave, if any.
    It does not count toward the lockout: nothing was guessed here, the provider checked the password."""
    audit_record(event_type="auth.login_failed", actor_name=name[:150], outcome="failure",
                 new={"username": name[:150], "step": "sso", "why": why[:300]})
    return Step(Outcome.REFUSED, why=why)


def sso_step(request, *, claim_value: str) -> Step:
    """The first factor by single sign-on: the provider's (checked) claim names exactly one existing,
    enabled, unlocked staff account. No account is ever created here."""
    with transaction.atomic():
        found = sso_accounts(claim_value)
        if len(found) != 1:
            return sso_refused(name=claim_value, why="没有对应的工作人员账号" if not found else "对应多个工作人员账号")
        user = account_lock(found[0].username)
        if user is None:  # removed since sso_accounts read it
            return sso_refused(name=claim_value, why="没有对应的工作人员账号")
        if lockout.expired_lock_clear(user.username):
            audit_record(event_type="auth.unlocked", actor_name="系统", new={"username": user.username, "why": "锁定期满"})
        if lockout.is_locked(request, user.username):
            return _refused_while_locked(user.username, "sso")
        if not user.is_active:
            return sso_refused(name=user.username, why="账号已停用")
        return Step(Outcome.OK, user=user)
