"""The OpenAPI schema with every refusal an operation can answer, each with the one error body.

An operation declares in its `response=` what only it can answer (403, 409, a 404 without a path parameter,
429). What follows from its signature is added here, so no operation forgets it: 401 where it needs a login,
400 and 413 where it reads a JSON body, 404 where its path names an object, 422 where it reads any input, and
403 on every write that needs a login (roles that only read are refused before anything else), and
for POSTs the Idempotency-Key header with its 409 and 422.
"""
from __future__ import annotations

from typing import Any

from ninja.openapi.schema import BODY_CONTENT_TYPES, REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation

from daiban.accounts.readonly import WRITE_METHODS
from daiban.idempotency.replay import HEADER, accepts_key
from daiban.lib.errors import ERROR_CODES
from daiban.lib.schemas import Error

_STATUS_TEXT = {
    400: "请求无法解析", 401: "需要登录或有效的接口令牌", 403: "无权执行", 404: "对象或地址不存在（或不在数据范围内）",
    409: "对象当前的状态不允许此操作", 413: "请求体过大", 422: "输入有误", 429: "请求过于频繁",
}


def implied_statuses(operation: Operation) -> set[int]:
    sources = {model.__ninja_param_source__ for model in operation.models}
    statuses: set[int] = set()
    if operation.auth_callbacks:
        statuses.add(401)
        if set(operation.methods) & WRITE_METHODS and not getattr(operation.view_func, "open_to_readers", False):
            statuses.add(403)  # a role that only reads (daiban/accounts/readonly.py)
    if sources & set(BODY_CONTENT_TYPES):
        statuses |= {400, 413}
    if "path" in sources:
        statuses.add(404)
    if sources:
        statuses.add(422)
    if accepts_key(operation):
        statuses |= {409, 422}
    return statuses


# What only the exchange of credentials for a token answers (an operation without a login).
LOGIN_STEP_CODES = {"auth.invalid_credentials", "auth.otp_required", "auth.otp_invalid", "auth.otp_enrolment_required",
                    "auth.locked"}


def _codes(status: int, operation: Operation) -> list[str]:
    """The codes an answer of this status can carry: those of the Idempotency-Key only where it is accepted,
    a wrong password only where one is given (an operation without a login)."""
    def applies(code: str) -> bool:
        if code.startswith("idempotency."):
            return accepts_key(operation)
        if code in LOGIN_STEP_CODES:
            return not operation.auth_callbacks
        return True

    return [code for code, (code_status, _) in ERROR_CODES.items() if code_status == status and applies(code)]


class DeclaredErrorsSchema(OpenAPISchema):
    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        responses = details["responses"]
        for status in sorted(implied_statuses(operation) - set(responses)):
            responses[status] = {"content": {"application/json": {"schema": {"$ref": self._error_ref()}}}}
        for status, response in responses.items():
            if status >= 400:
                codes = "、".join(_codes(status, operation))
                response["description"] = f"{_STATUS_TEXT.get(status, '错误')}。code 可能为：{codes}（见 docs/api.md）"
        if accepts_key(operation):
            details["parameters"].append({
                "in": "header", "name": HEADER, "required": False, "schema": {"type": "string", "maxLength": 255},
                "description": "可选。同一个键重发同一请求时返回第一次的结果（响应头 Idempotent-Replayed: true），"
                               "不会重复创建；同一个键用于不同请求时 422 idempotency.conflict。建议用 UUID，保留 24 小时。",
            })
        return details

    def _error_ref(self) -> str:
        if Error.__name__ not in self.schemas:
            schema = Error.model_json_schema(ref_template=REF_TEMPLATE)
            self.add_schema_definitions(schema.pop("$defs", {}))
            self.schemas[Error.__name__] = schema
        return REF_TEMPLATE.format(model=Error.__name__)
