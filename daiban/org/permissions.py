"""Who may act. Services call these first; a refusal is an audit event too."""
from __future__ import annotations

from daiban.lib.errors import Forbidden
from daiban.org.roles import CASE_WORKER_ROLES, Role


def require_role(user, *roles: str, action: str = "") -> None:
    if user is not None and getattr(user, "is_authenticated", False) and user.has_role(*roles):
        return
    refuse(user, action=action, required_roles=roles)


def refuse(user, *, action: str, required_roles=(), why: str = "") -> None:
    """Records the refused access as an audit event, then raises Forbidden."""
    from daiban.audit.refusals import audit_refusal  # audit imports org; avoid the cycle at import time

    audit_refusal(actor=user, new={"required_roles": sorted(required_roles), "action": action, "why": why})
    raise Forbidden("您没有执行此操作的权限")


def require_worker(user, action: str) -> None:
    """For pages that only exist to act (a form page): readers are refused, and the refusal recorded."""
    require_role(user, *CASE_WORKER_ROLES, action=action)


def is_worker(user) -> bool:
    """A case worker (agent, chief agent, unit or center administrator): pages show their actions."""
    return user.has_role(*CASE_WORKER_ROLES)


def require_unit_worker(user, body_id: int | None, *, action: str, what: str) -> None:
    """A case worker (agent, chief agent, unit or center administrator) whose scope covers the agency
    body whose work `what` is; anyone else is refused and the refusal recorded."""
    from daiban.org.scope import scope_of

    require_role(user, *CASE_WORKER_ROLES, action=action)
    if not scope_of(user).covers_body(body_id):
        refuse(user, action=action, why=f"{what}不在本人数据范围内")


def require_account_manager(actor, target, *, action: str) -> None:
    """三权分立: accounts, roles and credentials are the security administrator's to manage, and
    never its own (it cannot give itself another role, reset its own password or unlock itself)."""
    require_role(actor, Role.SECURITY_ADMIN, action=action)
    if target is not None and target.pk == actor.pk:
        refuse(actor, action=action, why="安全保密管理员不能管理本人的账号、角色或凭据")
