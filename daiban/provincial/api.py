"""The provincial outbox, for the center and the system administrator."""
from __future__ import annotations

from typing import Any

from ninja import Query, Router

from daiban.lib.errors import NotFound
from daiban.lib.pagination import paginate
from daiban.lib.schemas import AnyPage, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.permissions import require_role
from daiban.provincial import selectors
from daiban.provincial.models import ProvincialMessage
from daiban.provincial.services import OUTBOX_ADMIN_ROLES, provincial_replay

router = Router(tags=["省平台报送"])


@router.get("/messages", response={200: AnyPage, **errors(403)},
            summary="省平台报送记录：状态、次数、最近一次错误（status=pending/sent/failed/problem；新的在前）")
def list_messages(request: StaffRequest, page: Query[PageIn], status: str = "") -> dict[str, Any]:
    require_role(request.user, *OUTBOX_ADMIN_ROLES, action="provincial_messages")
    return paginate(selectors.messages(status), page, order=["-created_at", "-id"], row=selectors.message_row)


@router.get("/messages/{message_pk}", response={200: dict, **errors(403)}, summary="一条报文及其内容")
def get_message(request: StaffRequest, message_pk: int) -> dict:
    require_role(request.user, *OUTBOX_ADMIN_ROLES, action="provincial_message")
    message = ProvincialMessage.objects.filter(pk=message_pk).first()
    if message is None:
        raise NotFound("没有这条报文")
    return {**selectors.message_row(message), "payload": message.payload}


@router.post("/messages/{message_pk}/replay", response={200: dict, **errors(403, 409)},
             summary="重新报送失败（或积压）的报文，报文编号不变")
def replay(request: StaffRequest, message_pk: int) -> dict:
    require_role(request.user, *OUTBOX_ADMIN_ROLES, action="provincial_replay")
    message = ProvincialMessage.objects.filter(pk=message_pk).first()
    if message is None:
        raise NotFound("没有这条报文")
    return selectors.message_row(provincial_replay(actor=request.user, message=message))
