from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from daiban.accounts.apiauth import BearerToken
from daiban.accounts.tokens import token_issue, token_revoke
from daiban.lib.schemas import errors, open_to_readers, without_idempotency_key
from daiban.org.http import StaffRequest

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)
    otp: str | None = Field(None, max_length=32, description="动态口令：手机验证器显示的 6 位数字，或一个恢复码。"
                            "设置了手机验证器的账号（工作人员都须设置）必填。")


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post("/token", response={200: TokenOut, **errors(401, 403, 429)}, auth=None,
             summary="用用户名、密码和动态口令换取接口令牌")
@without_idempotency_key
def issue_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """令牌有效期见 `expires_at`，以请求头 `Authorization: Bearer <token>` 携带；`DELETE` 本地址撤销。

    同一账号连续 5 次失败（密码或动态口令）锁定 30 分钟。令牌不会保存在幂等记录中，所以本接口不接受 Idempotency-Key。"""
    issued = token_issue(request, username=payload.username, password=payload.password, code=payload.otp)
    return Status(200, {"token": issued.token, "expires_at": issued.expires_at})


@router.delete("/token", response={204: None}, auth=[BearerToken()], summary="撤销本次使用的接口令牌")
@open_to_readers
def revoke_token(request: StaffRequest) -> Status[None]:
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    token_revoke(actor=request.user, token=token)
    return Status(204, None)
