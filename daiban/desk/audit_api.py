"""The audit trail's API (校验审计链): on top with the desk's audit pages, since it checks org's roles and audit sits
below org."""
from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from daiban.audit.runs import verify_answer
from daiban.desk.audit_trail import verify_start
from daiban.lib.schemas import errors

router = Router(tags=["审计"])


class ProblemOut(Schema):
    code: str
    detail: str
    seq: int | None


class CheckpointOut(Schema):
    seq: int
    at: datetime


class RunOut(Schema):
    id: int
    status: str
    events_done: int
    events_total: int
    percent: int
    processes: int
    started_at: datetime
    finished_at: datetime | None
    error: str


class VerifyOut(Schema):
    ok: bool | None
    events: int
    first_bad_seq: int | None
    problems: list[ProblemOut]
    checkpoint: CheckpointOut | None
    run: RunOut


@router.get("/verify", response={200: VerifyOut, **errors(403, 404, 422)},
            summary="校验审计链（仅安全审计员）：事件、链头校验码和库外检查点；在后台进行，轮询本接口看进度和结果",
            description="没有进行中的校验、且最近的结果已超过 10 分钟（或 fresh=true）时，发起一次后台校验；否则返回进行中"
                        "或最近一次的校验。run.status：queued、running、done、failed；完成前 ok 为 null、events 为已校验条数。"
                        "problems 列出发现的问题：audit.event_altered（事件被改动、删除或插入）、audit.head_rewritten"
                        "（链头被改写）、audit.tail_cut（链尾被截断）、audit.checkpoint_mismatch、audit.checkpoint_invalid、"
                        "audit.checkpoint_missing（超过一小时的事件无检查点）、audit.anchor_invalid、"
                        "audit.table_altered（审计表的列不再由事件内容计算，表结构被改动）。"
                        "不在 DAIBAN_ADMIN_NETWORKS 内的地址调用时 404（request.unknown_path）。")
def verify(request, fresh: bool = False):
    return verify_answer(verify_start(actor=request.user, fresh=fresh))
