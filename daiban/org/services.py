"""Writes on people and roles."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from daiban.audit.services import audit_record
from daiban.lib.errors import ValidationFailed
from daiban.org.models import AgencyBody, Department, Region, RoleGrant, User
from daiban.org.permissions import require_account_manager
from daiban.org.roles import SEPARATED_ADMIN_ROLES, Role

# Roles whose holders may open the Django admin (reference data; accounts shown read-only).
ADMIN_SITE_ROLES = frozenset({Role.SYS_ADMIN, Role.CENTER_ADMIN, Role.SECURITY_ADMIN})


def password_check(password: str, user: User) -> None:
    """The password rules (settings.AUTH_PASSWORD_VALIDATORS) as a field error in Chinese."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed({"password": "".join(error.messages)}) from None


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str,
    mobile: str = "",
    title: str = "",
    body: AgencyBody | None = None,
    department: Department | None = None,
    region: Region | None = None,
    section_level: bool = False,
    department_head: bool = False,
    senior_agent: bool = False,
    password_is_hash: bool = False,
    password_must_change: bool = True,
) -> User:
    """Creates an account. `actor=None` is the system itself (demo loader, first set-up); otherwise
    only the security administrator creates accounts (三权分立).

    The password given is an initial one: it must be changed at the first login. `password_is_hash`
    lets a bulk loader hash one password once instead of once per account.
    """
    if actor is not None:
        require_account_manager(actor, None, action="user_create")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationFailed({"username": "该用户名已被使用"})
        user = User(username=username, full_name=full_name, mobile=mobile, title=title, body=body,
                    department=department, region=region, section_level=section_level,
                    department_head=department_head, senior_agent=senior_agent,
                    password_changed_at=timezone.now(), password_must_change=password_must_change)
        if password_is_hash:
            user.password = password
        else:
            password_check(password, user)
            user.set_password(password)
        user.save()
        audit_record(event_type="org.user_created", actor=actor, obj=user,
                     new={"username": username, "full_name": full_name,
                          "body": body.name if body else None, "department": department.name if department else None})
    return user


def role_grant(*, actor: User | None, user: User, role: str) -> RoleGrant:
    """Grants a role. Roles are the security administrator's to give, never to itself (三权分立)."""
    if actor is not None:
        require_account_manager(actor, user, action="role_grant")
    role = Role(role)
    held = set(user.role_grants.values_list("role", flat=True))
    if role in held:
        return user.role_grants.get(role=role)
    if role in SEPARATED_ADMIN_ROLES and held & SEPARATED_ADMIN_ROLES:
        raise ValidationFailed({"role": "系统管理员、安全保密管理员、安全审计员三者互斥，同一人不能兼任"})
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role)
            if role in ADMIN_SITE_ROLES and not user.is_staff:
                user.is_staff = True  # may open the Django admin for reference data
                user.save(update_fields=["is_staff"])
            audit_record(event_type="org.role_granted", actor=actor, obj=user, new={"role": role.value})
    except IntegrityError:
        # A concurrent grant won the race; the database constraint keeps the rule.
        raise ValidationFailed({"role": "系统管理员、安全保密管理员、安全审计员三者互斥，同一人不能兼任"}) from None
    user.__dict__.pop("roles", None)
    return grant


def role_revoke(*, actor: User | None, user: User, role: str) -> None:
    if actor is not None:
        require_account_manager(actor, user, action="role_revoke")
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
        if deleted:
            still_admin = RoleGrant.objects.filter(user=user, role__in=sorted(ADMIN_SITE_ROLES)).exists()
            if user.is_staff and not still_admin:
                user.is_staff = False
                user.save(update_fields=["is_staff"])
            audit_record(event_type="org.role_revoked", actor=actor, obj=user, old={"role": role})
    user.__dict__.pop("roles", None)
