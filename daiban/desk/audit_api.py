"""The audit trail's API (校验审计链): on top with the desk's audit pages, since it checks org's roles and audit sits
below org."""
from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from daiban.audit.services import audit_verify
from daiban.lib.schemas import errors
from daiban.org.permissions import require_role
from daiban.org.roles import Role

router = Router(tags=["审计"])


class ProblemOut(Schema):
    code: str
    detail: str
    seq: int | None


class CheckpointOut(Schema):
    seq: int
    at: datetime


class VerifyOut(Schema):
    ok: bool
    events: int
    first_bad_seq: int | None
    problems: list[ProblemOut]
    checkpoint: CheckpointOut | None


@router.get("/verify", response={200: VerifyOut, **errors(403, 404)},
            summary="校验审计链（仅安全审计员）：事件、链头校验码和库外检查点",
            description="problems 列出发现的问题：audit.event_altered（事件被改动、删除或插入）、audit.head_rewritten"
                        "（链头被改写）、audit.tail_cut（链尾被截断）、audit.checkpoint_mismatch、audit.checkpoint_invalid、"
                        "audit.checkpoint_missing（超过一小时的事件无检查点）、audit.anchor_invalid。"
                        "不在 DAIBAN_ADMIN_NETWORKS 内的地址调用时 404（request.unknown_path）。")
def verify(request):
    require_role(request.user, Role.AUDIT_ADMIN, action="audit_verify")
    return audit_verify().as_dict()
