"""Data scope: which agency bodies' cases, which departments' items a person may see.

Anything outside one's scope answers 404 on pages and API alike, as if it did not exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from daiban.audit.refusals import audit_refusal
from daiban.lib.errors import NotFound
from daiban.org.models import AgencyBody, User
from daiban.org.roles import COUNTY_WIDE_ROLES, UNIT_ROLES, Role

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    county_wide: bool = False
    body_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    owner_user_id: int | None = None
    read_only: bool = True

    def covers_body(self, body_id: int | None) -> bool:
        """Whether the work of that agency body (its requests, cases, meetings) is in this scope."""
        return self.county_wide or body_id in self.body_ids

    @property
    def empty(self) -> bool:
        return not (self.county_wide or self.body_ids or self.department_ids or self.owner_user_id)


def scope_of(user: User | None) -> Scope:
    if user is None or not user.is_authenticated:
        return Scope()
    roles = user.roles
    county_wide = bool(roles & COUNTY_WIDE_ROLES)
    body_ids: set[int] = set()
    if roles & UNIT_ROLES and user.body is not None:
        if user.body.kind == AgencyBody.Kind.CENTER:
            county_wide = True  # the center's own staff work county-wide
        else:
            body_ids.add(user.body.pk)
    department_ids = {user.department_id} if Role.LIAISON in roles and user.department_id else set()
    owner = user.pk if Role.OWNER in roles else None
    writes = bool(roles - {Role.INSPECTOR, Role.LEADER, Role.AUDIT_ADMIN})
    return Scope(county_wide=county_wide, body_ids=frozenset(body_ids), department_ids=frozenset(department_ids),
                 owner_user_id=owner, read_only=not writes)


def get_in_scope(scoped: models.QuerySet[M], *, pk, user: User | None) -> M:
    """The object if it is in `scoped` (already filtered by scope), else NotFound.

    An object that exists but lies outside the caller's scope is recorded as a refused access.
    """
    try:
        return scoped.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):  # the model's DoesNotExist is one
        raise not_in_scope(scoped.model, pk=pk, user=user) from None


def not_in_scope(model: type[models.Model], *, pk, user: User | None) -> NotFound:
    """The NotFound for an object the caller's scoped read did not find; recorded as a refused access if it
    exists outside their scope."""
    if model._default_manager.filter(pk=pk).exists() if str(pk).isdigit() else False:
        audit_refusal(actor=user, new={"object_type": model._meta.label_lower, "object_id": str(pk)})
    return NotFound("未找到该对象，或不在您的数据范围内")
