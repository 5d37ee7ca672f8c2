"""Errors raised by service functions and turned into answers by the API and the pages.

Messages are Chinese because they reach people unchanged. Every error also carries a stable machine code
(`<area>.<reason>`) that API clients branch on; ERROR_CODES lists them all, with the HTTP status each comes
with, and docs/api.md shows the same table (a test keeps the two and every `code=` in the code in step).
"""
from __future__ import annotations

from typing import Any

ERROR_CODES: dict[str, tuple[int, str]] = {
    # The HTTP request itself
    "request.malformed_json": (400, "请求体不是有效的 JSON（或不是 UTF-8 编码）"),
    "request.bad": (400, "请求无法处理（如主机名不被允许、请求头有误）"),
    "request.unknown_path": (404, "没有这个接口地址"),
    "request.method_not_allowed": (405, "该接口地址不支持这种请求方法；响应头 Allow 列出支持的方法"),
    "request.too_large": (413, "请求体过大"),
    # Who is calling
    "auth.required": (401, "未登录，或接口令牌缺失、无效、已过期"),
    "auth.invalid_credentials": (401, "用户名或密码错误（换取令牌时）"),
    "auth.otp_required": (401, "此账号须填写动态口令 otp（换取令牌时）"),
    "auth.otp_invalid": (401, "动态口令不正确、已过期或已使用过（换取令牌时）"),
    "auth.password_change_required": (401, "初始密码或已超过 90 天的密码须先在网页登录后修改"),
    "auth.otp_enrolment_required": (403, "此账号须先在网页登录并设置手机验证器，才能换取令牌"),
    "auth.locked": (429, "连续 5 次登录失败，账号锁定 30 分钟（换取令牌时）"),
    "auth.csrf_failed": (403, "以页面会话调用接口时缺少或带错了 CSRF 令牌"),
    "permission.denied": (403, "当前用户的角色不能执行此操作"),
    "not_found": (404, "对象不存在，或不在当前用户的数据范围内"),
    # Input
    "validation.invalid": (422, "输入有误；fields 逐项列出字段和原因"),
    "idempotency.conflict": (422, "同一个 Idempotency-Key 已用于内容不同的请求"),
    "idempotency.in_progress": (409, "同一个 Idempotency-Key 的请求仍在处理中，请稍后重试"),
    "rate_limited": (429, "请求过于频繁；响应头 Retry-After 给出等待秒数"),
    # The state of the thing acted on
    "state.conflict": (409, "对象当前的状态不允许此操作"),
    "intake.already_decided": (409, "代办申请已受理或已不予受理"),
    "case.closed": (409, "案件已办结或终止，只能查阅"),
    "case.not_closed": (409, "案件尚未办结或终止"),
    "case.state_conflict": (409, "案件当前的状态不允许此操作（如代办已开始实施后修改委托事项）"),
    "plan.items_dispatched": (409, "已有事项派单办理，计划不能重新生成"),
    "progress_report.none_due": (409, "本期进度反馈已发送或尚不能发送"),
    "catalog.item_in_use": (409, "在办案件仍有该事项未办结：不能停用（或须指定替代事项），时限变更须适用于已排计划的事项"),
    "catalog.item_inactive": (409, "事项已从事项库停用，不能派单"),
    "item.state_conflict": (409, "委托事项当前的状态不允许此操作（如未受理的事项不能办结）"),
    "closure.not_started": (409, "代办尚未开始实施，不能办结"),
    "closure.items_open": (409, "尚有委托事项未办结，不能办结"),
    "closure.nothing_approved": (409, "没有获得批准的事项，不能办结（应办理委托终止）"),
    "closure.already_filed": (409, "办结单或终止单已归档"),
    "closure.handover_unsigned": (409, "业主尚未签收资料清单，不能归档"),
    "closure.not_backfilled": (409, "归档不是待确认的补录（未补录或已确认）"),
    "evaluation.already_submitted": (409, "评价或回访记录已提交，不能修改"),
    "evaluation.link_spent": (409, "评价链接已使用、已过期或已作废"),
    "evaluation.nothing_to_rate": (409, "本案没有审批部门办理过事项，无需评价"),
    "evaluation.item_unfinished": (409, "事项尚未办结，办结后才能评价"),
    "goodbad.state_conflict": (409, "差评当前所处的环节不允许此操作"),
    "issue.state_conflict": (409, "协调问题当前的状态不允许此操作"),
    "issue.top_tier": (409, "协调问题已在最高层级，不能再升级"),
    "issue.changed": (409, "协调问题已被他人处理；请重新读取后再操作"),
    "linked.state_conflict": (409, "联动代办请求当前的状态不允许此操作"),
    "meeting.record_missing": (409, "会议记录尚未填写"),
    "meeting.not_held": (409, "会议尚未到召开时间，不能签名确认会议记录"),
    "meeting.record_changed": (409, "会议记录已修改，签名所确认的内容指纹与当前记录不一致"),
    "policy.state_conflict": (409, "文章已发布（或尚未发布）"),
    "calendar.already_confirmed": (409, "该年度的工作日安排已经确认"),
    "outbox.already_sent": (409, "通知或省平台报文已发送成功，无需重新发送"),
    "import.already_confirmed": (409, "该台帐导入文件已确认导入过"),
    # Our side
    "server.error": (500, "服务器内部错误（已记录日志）"),
}


def error_body(code: str, detail: str, fields: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The one JSON shape of every API error."""
    return {"code": code, "detail": detail, "fields": fields or []}


class ServiceError(Exception):
    status = 400
    code = "request.bad"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def as_body(self) -> dict[str, Any]:
        return error_body(self.code, self.message)


class ValidationFailed(ServiceError):
    """Bad input. `errors` maps a field name (or "__all__") to a Chinese message."""

    status = 422
    code = "validation.invalid"

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        super().__init__("；".join(errors.values()))

    def as_detail(self) -> list[dict[str, str]]:
        return [{"field": field, "message": message} for field, message in self.errors.items()]

    def as_body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.as_detail())


class Forbidden(ServiceError):
    status = 403
    code = "permission.denied"


class NotFound(ServiceError):
    """Also raised for objects outside the caller's data scope: they answer as if absent."""

    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The object is not in a state that allows the action (e.g. a closed case): name the state in `code`."""

    status = 409
    code = "state.conflict"
