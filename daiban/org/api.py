from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status

from daiban.lib.schemas import Detail
from daiban.org.tokens import token_issue

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post("/token", response={200: TokenOut, 401: Detail}, auth=None, summary="用用户名和密码换取接口令牌")
def issue_token(request, payload: TokenIn):
    issued = token_issue(username=payload.username, password=payload.password, request=request)
    if issued is None:
        return Status(401, {"detail": "用户名或密码错误"})
    token, expires_at = issued
    return Status(200, {"token": token, "expires_at": expires_at})
