"""The JSON API under /api/v1/: assembles the routers of the apps and answers every refusal in one shape.

Every error is {"code": "<area>.<reason>", "detail": "<中文说明>", "fields": [...]} (daiban/lib/errors.py lists
the codes); the OpenAPI schema declares, for each operation, every refusal it can answer (daiban/api_schema.py).
"""
from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from daiban.accounts.api import router as auth_router
from daiban.accounts.apiauth import STAFF_AUTH
from daiban.accounts.readonly import permission_first
from daiban.adoption.api import router as adoption_router
from daiban.api_schema import DeclaredErrorsSchema
from daiban.assessment.api import router as assessment_router
from daiban.audit.refusals import keep_refusals
from daiban.cases.api import acceptance as acceptance_router
from daiban.cases.api import router as cases_router
from daiban.catalog.api import router as catalog_router
from daiban.closure.api import alerts as closure_alerts_router
from daiban.closure.api import public as closure_public_router
from daiban.closure.api import router as closure_router
from daiban.coordination.api import router as coordination_router
from daiban.desk.api import router as desk_router
from daiban.desk.audit_api import router as audit_router
from daiban.goodbad.api import public as goodbad_public_router
from daiban.goodbad.api import router as goodbad_router
from daiban.idempotency.replay import idempotent
from daiban.intake.api import public as public_router
from daiban.intake.api import router as intake_router
from daiban.lib.apierrors import error_response
from daiban.lib.dbretry import retry_on_serialization_failure
from daiban.lib.errors import ServiceError
from daiban.lib.jsonutil import dumps
from daiban.lib.ratelimit import RateLimited
from daiban.notify.api import router as notify_router
from daiban.plans import catalog_api  # noqa: F401  (adds PATCH /catalog/items/{code} to the catalog's router)
from daiban.plans.api import router as plans_router
from daiban.policy.api import router as policy_router
from daiban.provincial.api import router as provincial_router
from daiban.teams.api import router as teams_router
from daiban.workdays.api import router as calendar_router


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese kept readable (no \\uXXXX escapes)."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        return dumps(data)


class DaibanAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> DeclaredErrorsSchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DeclaredErrorsSchema(self, path_prefix)


api = DaibanAPI(
    title="平阳县企业投资项目政府代办服务 API",
    version="1",
    description="代办服务系统的 JSON 接口。所有写操作均经服务层校验权限、在事务中执行并记录审计事件。"
                "认证、分页、错误码、幂等键和 Python 示例见 docs/api.md。",
    renderer=ChineseJSONRenderer(),
    auth=STAFF_AUTH,
    urls_namespace="api",
)
api.add_decorator(idempotent, mode="view")
api.add_decorator(retry_on_serialization_failure, mode="view")  # outside the key's transaction
api.add_decorator(permission_first, mode="view")  # added last, so it runs first

_NINJA_MESSAGES = {
    "missing": "此项必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数部分位数过多",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为是/否（true/false）",
    "bool_type": "应为是/否（true/false）",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00",
    "datetime_from_date_parsing": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00",
    "datetime_type": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "json_invalid": "请求体不是有效的 JSON",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "too_long": "条目过多",
    "extra_forbidden": "不认识这个字段",
    "enum": "不是可选的值",
    "literal_error": "不是可选的值",
}


def _field_name(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload", "form")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [
        {"field": _field_name(list(error.get("loc", []))),
         "message": _NINJA_MESSAGES.get(error.get("type", ""), "格式不正确")}
        for error in exc.errors
    ]
    detail = "；".join(f"{f['field']}：{f['message']}" for f in fields) or None
    return error_response("validation.invalid", detail, fields)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    keep_refusals()  # a refusal recorded inside the service's rolled-back transaction
    body = exc.as_body()
    response = error_response(body["code"], body["detail"], body["fields"], status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response("auth.required", "请先登录，或在 Authorization 请求头中提供有效的接口令牌")
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Raised by django-ninja itself: an unreadable body (400) or a page session without its CSRF token (403).
    if exc.status_code == 400:
        return error_response("request.malformed_json", "请求体不是有效的 JSON（应为 UTF-8 编码的 JSON 对象）")
    if exc.status_code == 403:
        return error_response("auth.csrf_failed", "以页面会话调用接口须带 X-CSRFToken 请求头；程序请改用接口令牌")
    return error_response("request.bad", status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response("not_found")


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response("request.too_large")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django logs it, signals it and writes its 500 page; ApiErrorShape turns that page into the JSON shape.
    raise exc


# The apps' routers (a router never imports this module: the API is assembled on top of the apps).
api.add_router("/auth", auth_router)
api.add_router("/audit", audit_router)
api.add_router("/catalog", catalog_router)
api.add_router("/", calendar_router)
api.add_router("/public", public_router)
api.add_router("/public", closure_public_router)
api.add_router("/public", goodbad_public_router)
api.add_router("/", intake_router)
api.add_router("/", acceptance_router)
api.add_router("/cases", cases_router)
api.add_router("/cases", plans_router)
api.add_router("/", coordination_router)
api.add_router("/cases", closure_router)
api.add_router("/closure", closure_alerts_router)
api.add_router("/provincial", provincial_router)
api.add_router("/policy", policy_router)
api.add_router("/teams", teams_router)
api.add_router("/", assessment_router)
api.add_router("/", goodbad_router)
api.add_router("/", desk_router)
api.add_router("/notifications", notify_router)
api.add_router("/imports", adoption_router)
