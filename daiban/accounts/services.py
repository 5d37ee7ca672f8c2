"""Writes on credentials. A person changes their own password and authenticator; everything done to
another's account is the security administrator's (三权分立: org.permissions.require_account_manager)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.accounts import lockout
from daiban.accounts.models import RecoveryCode
from daiban.accounts.passwords import initial_password
from daiban.accounts.second_factor import recovery_codes_make
from daiban.accounts.sessions import sessions_end
from daiban.audit.services import audit_record
from daiban.intake.models import Company
from daiban.intake.services import owner_account_create
from daiban.lib.errors import ValidationFailed
from daiban.lib.validators import credit_code_error
from daiban.org.models import AgencyBody, Department, User
from daiban.org.permissions import require_account_manager
from daiban.org.services import password_check, user_create


def _locked_row(user: User) -> User:
    """The account's row, locked as authentication.account_lock does (the same order everywhere)."""
    return User.objects.select_for_update(no_key=True).get(pk=user.pk)


def password_change(*, actor: User, new_password: str, keep_session: str | None = None) -> None:
    """The holder sets a new password (the current one was checked by authentication.password_step).
    Their other sessions and API tokens end."""
    with transaction.atomic():
        user = _locked_row(actor)
        was_initial = user.password_must_change
        password_check(new_password, user)
        if user.check_password(new_password):
            raise ValidationFailed({"new_password": "新密码不能与当前密码相同"})
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.password_must_change = False
        user.save(update_fields=["password", "password_changed_at", "password_must_change"])
        sessions_end(user, keep=keep_session)
        audit_record(event_type="auth.password_changed", actor=actor, obj=user,
                     new={"was_initial": was_initial})
    actor.password = user.password
    actor.password_changed_at, actor.password_must_change = user.password_changed_at, False


def password_reset(*, actor: User, user: User) -> str:
    """A new random initial password, shown once to the security administrator; the holder must
    change it at the next login. Every session and token of the account ends."""
    require_account_manager(actor, user, action="password_reset")
    password = initial_password()
    with transaction.atomic():
        user = _locked_row(user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.password_must_change = True
        user.save(update_fields=["password", "password_changed_at", "password_must_change"])
        ended = sessions_end(user)
        audit_record(event_type="auth.password_reset", actor=actor, obj=user, new={"sessions_ended": ended})
    return password


def second_factor_enrol(*, actor: User, device: TOTPDevice) -> list[str]:
    """Confirms the authenticator the holder has just proven (a code was accepted), replaces any
    earlier one, and gives new recovery codes (returned once, stored only as digests)."""
    with transaction.atomic():
        _locked_row(actor)
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk, user=actor).update(confirmed=True)
        codes = recovery_codes_make(actor)
        audit_record(event_type="auth.second_factor_enrolled", actor=actor, obj=actor,
                     new={"device": device.name, "recovery_codes": len(codes)})
    return codes


def recovery_codes_renew(*, actor: User) -> list[str]:
    with transaction.atomic():
        _locked_row(actor)
        codes = recovery_codes_make(actor)
        audit_record(event_type="auth.recovery_codes_renewed", actor=actor, obj=actor, new={"count": len(codes)})
    return codes


def second_factor_reset(*, actor: User, user: User) -> None:
    """For a lost phone: the authenticator and recovery codes go; the holder sets up a new one at the
    next login. Every session and token of the account ends."""
    require_account_manager(actor, user, action="second_factor_reset")
    with transaction.atomic():
        user = _locked_row(user)
        devices, _ = TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        ended = sessions_end(user)
        audit_record(event_type="auth.second_factor_reset", actor=actor, obj=user,
                     new={"devices": devices, "sessions_ended": ended})


def account_unlock(*, actor: User, user: User) -> bool:
    """Lifts a lockout before its 30 minutes end; False (and nothing recorded) if none was there."""
    require_account_manager(actor, user, action="account_unlock")
    with transaction.atomic():
        user = _locked_row(user)
        was_locked = lockout.locked_until(user.username)
        if lockout.failures_clear(user.username) == 0:
            return False
        audit_record(event_type="auth.unlocked", actor=actor, obj=user,
                     new={"username": user.username, "was_locked": was_locked is not None})
    return True


def account_set_active(*, actor: User, user: User, active: bool) -> bool:
    """Disables (every session and token ends at once) or enables an account; False if unchanged."""
    require_account_manager(actor, user, action="account_enable" if active else "account_disable")
    with transaction.atomic():
        user = _locked_row(user)
        if user.is_active == active:
            return False
        user.is_active = active
        user.save(update_fields=["is_active"])
        ended = 0 if active else sessions_end(user)
        audit_record(event_type="org.user_enabled" if active else "org.user_disabled", actor=actor, obj=user,
                     new={"sessions_ended": ended})
    return True


def account_open(*, actor: User, username: str, full_name: str, mobile: str = "", title: str = "",
                 body: AgencyBody | None = None, department: Department | None = None) -> tuple[User, str]:
    """A new account with a random initial password (returned once), to be changed at first login."""
    password = initial_password()
    user = user_create(actor=actor, username=username.strip(), password=password, full_name=full_name.strip(),
                       mobile=mobile.strip(), title=title.strip(), body=body, department=department)
    return user, password


def owner_account_open(*, actor: User, credit_code: str, username: str, full_name: str,
                       mobile: str = "") -> tuple[User, str]:
    """An account for a company's owner (项目业主), the company found by its credit code, with a random initial
    password (returned once, changed at the first login); intake.owner_account_create grants the role and audits."""
    require_account_manager(actor, None, action="owner_account_create")
    code = credit_code.strip().upper()
    problem = credit_code_error(code)
    company = None if problem else Company.objects.filter(credit_code=code).first()
    if company is None:
        raise ValidationFailed({"credit_code": problem or "未找到该统一社会信用代码的企业：企业须先提交过代办申请"})
    password = initial_password()
    user = owner_account_create(actor=actor, company=company, username=username.strip(), password=password,
                                full_name=full_name.strip(), mobile=mobile.strip())
    return user, password
