"""Who may act: the one vocabulary of permission for services. A service's first lines call one of these
(or `refuse` with its own reason); pages turn the refusal into 403/404 through `org/pages.py`, the API through
its exception handlers (daiban/api.py). Every refusal is an `access.refused` audit event that outlives the
service's rolled-back transaction (daiban/audit/refusals.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from daiban.audit.refusals import audit_refusal
from daiban.lib.errors import Forbidden
from daiban.org.roles import CASE_WORKER_ROLES, Role
from daiban.org.scope import scope_of


def require_role(user, *roles: str, action: str = "") -> None:
    if user is not None and getattr(user, "is_authenticated", False) and user.has_role(*roles):
        return
    refuse(user, action=action, required_roles=roles)


REFUSED = "您没有执行此操作的权限"


def refuse(user, *, action: str, why: str = "", required_roles: Iterable[str] = ()) -> NoReturn:
    """The one refusal: records the refused access as an audit event (`action`, `why`, `required_roles`),
    kept even when the surrounding transaction rolls back, then raises Forbidden. The person is told `why`
    (Chinese) when there is one, otherwise that they may not do this."""
    audit_refusal(actor=user, new={"required_roles": sorted(required_roles), "action": action, "why": why})
    raise Forbidden(why or REFUSED)


def require_worker(user, action: str) -> None:
    """For pages that only exist to act (a form page): readers are refused, and the refusal recorded."""
    require_role(user, *CASE_WORKER_ROLES, action=action)


def is_worker(user) -> bool:
    """A case worker (agent, chief agent, unit or center administrator): pages show their actions."""
    return user.has_role(*CASE_WORKER_ROLES)


def require_unit_worker(user, body_id: int | None, *, action: str, what: str) -> None:
    """A case worker (agent, chief agent, unit or center administrator) whose scope covers the agency
    body whose work `what` is; anyone else is refused and the refusal recorded."""
    require_role(user, *CASE_WORKER_ROLES, action=action)
    if not scope_of(user).covers_body(body_id):
        refuse(user, action=action, why=f"{what}不在本人数据范围内")


def require_account_manager(actor, target, *, action: str) -> None:
    """三权分立: accounts, roles and credentials are the security administrator's to manage, and
    never its own (it cannot give itself another role, reset its own password or unlock itself)."""
    require_role(actor, Role.SECURITY_ADMIN, action=action)
    if target is not None and target.pk == actor.pk:
        refuse(actor, action=action, why="安全保密管理员不能管理本人的账号、角色或凭据")
