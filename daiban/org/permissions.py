"""Who may act. Services call these first; a refusal is an audit event too."""
from __future__ import annotations

from daiban.lib.errors import Forbidden


def require_role(user, *roles: str, action: str = "") -> None:
    if user is not None and getattr(user, "is_authenticated", False) and user.has_role(*roles):
        return
    refuse(user, action=action, required_roles=roles)


def refuse(user, *, action: str, required_roles=(), why: str = "") -> None:
    """Records the refused access as an audit event, then raises Forbidden."""
    from daiban.audit.services import audit_record  # audit imports org; avoid the cycle at import time

    audit_record(
        event_type="access.refused",
        actor=user if getattr(user, "is_authenticated", False) else None,
        new={"required_roles": sorted(required_roles), "action": action, "why": why},
        outcome="denied",
    )
    raise Forbidden("您没有执行此操作的权限")
