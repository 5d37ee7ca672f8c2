from __future__ import annotations

from ninja import Router, Schema

from daiban.audit.services import audit_verify
from daiban.lib.schemas import errors
from daiban.org.permissions import require_role
from daiban.org.roles import Role

router = Router(tags=["审计"])


class VerifyOut(Schema):
    ok: bool
    events: int
    first_bad_seq: int | None = None


@router.get("/verify", response={200: VerifyOut, **errors(403)}, exclude_none=True, summary="校验审计链（仅安全审计员）")
def verify(request):
    require_role(request.user, Role.AUDIT_ADMIN, action="audit_verify")
    return audit_verify().as_dict()
