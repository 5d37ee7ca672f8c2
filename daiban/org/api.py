from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status

from daiban.idempotency.replay import without_idempotency_key
from daiban.lib.errors import ServiceError
from daiban.lib.schemas import errors
from daiban.org.tokens import token_issue

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


class BadCredentials(ServiceError):
    status = 401
    code = "auth.invalid_credentials"


@router.post("/token", response={200: TokenOut, **errors(401)}, auth=None, summary="用用户名和密码换取接口令牌")
@without_idempotency_key
def issue_token(request, payload: TokenIn):
    """令牌有效期见 `expires_at`，以请求头 `Authorization: Bearer <token>` 携带。

    令牌不会保存在幂等记录中，所以本接口不接受 Idempotency-Key。"""
    issued = token_issue(username=payload.username, password=payload.password, request=request)
    if issued is None:
        raise BadCredentials("用户名或密码错误")
    token, expires_at = issued
    return Status(200, {"token": token, "expires_at": expires_at})
