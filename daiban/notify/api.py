"""The caller's own in-app messages: GET /api/v1/notifications."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema

from daiban.lib.links import absolute_url
from daiban.lib.pagination import paginate
from daiban.lib.schemas import Page, PageIn
from daiban.notify.models import Notification
from daiban.notify.selectors import own_messages
from daiban.org.http import StaffRequest

router = Router(tags=["通知"])


class NotificationOut(Schema):
    id: int
    event: str
    subject: str
    text: str
    link: str
    read: bool
    created_at: datetime


def _row(n: Notification) -> dict:
    return {"id": n.pk, "event": n.event, "subject": n.subject, "text": f"{n.subject}\n{n.body}".strip(),
            "link": absolute_url(n.link), "read": n.status == Notification.Status.READ, "created_at": n.created_at}


@router.get("", response=Page[NotificationOut], summary="本人的站内消息（新的在前）",
            description="text 为标题和内容，link 为相关页面的完整地址（DAIBAN_PUBLIC_URL），read 表示是否已读。")
def list_notifications(request: StaffRequest, page: Query[PageIn]) -> dict[str, Any]:
    return paginate(own_messages(request.user), page, order=["-created_at"], row=_row)
