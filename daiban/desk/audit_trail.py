"""The audit trail's own actions for the audit administrator, above the trail (which knows no roles)."""
from __future__ import annotations

from daiban.audit.models import VerifyRun
from daiban.audit.runs import verify_queue
from daiban.org.permissions import require_role
from daiban.org.roles import Role


def verify_start(*, actor, fresh: bool = False) -> VerifyRun:
    """Starts a background verification of the chain, or answers the one under way or just finished
    (audit.runs.verify_queue). Audit administrator only."""
    require_role(actor, Role.AUDIT_ADMIN, action="audit_verify")
    return verify_queue(actor=actor, fresh=fresh)
