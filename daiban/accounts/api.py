from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from daiban.accounts.apiauth import BearerToken
from daiban.accounts.tokens import Issued, token_issue, token_revoke
from daiban.lib.schemas import Problem

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)
    otp: str | None = Field(None, max_length=32, description="动态口令：手机验证器显示的 6 位数字，或一个恢复码。"
                            "设置了动态口令的账号（及须使用动态口令的账号）必填。")


class TokenOut(Schema):
    token: str
    expires_at: datetime


class AuthError(Schema):
    code: str
    detail: str
    fields: list[Problem] = []


@router.post("/token", response={200: TokenOut, 401: AuthError, 403: AuthError, 429: AuthError}, auth=None,
             summary="用用户名、密码（及动态口令）换取接口令牌",
             description="401 auth.invalid_credentials 用户名或密码错误；401 auth.otp_required 须填写 otp；"
                         "401 auth.otp_invalid 动态口令错误或已用过；403 auth.otp_enrolment_required 须先在网页设置动态口令；"
                         "403 auth.password_change_required 须先在网页修改密码；"
                         "429 auth.locked 连续失败 5 次，账号锁定 30 分钟。")
def issue_token(request, payload: TokenIn):
    answer = token_issue(request, username=payload.username, password=payload.password, code=payload.otp)
    if isinstance(answer, Issued):
        return Status(200, {"token": answer.token, "expires_at": answer.expires_at})
    return Status(answer.status, {"code": answer.code, "detail": answer.detail, "fields": []})


@router.delete("/token", response={204: None}, auth=[BearerToken()], summary="撤销本次使用的接口令牌")
def revoke_token(request):
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    token_revoke(actor=request.user, token=token)
    return Status(204, None)
