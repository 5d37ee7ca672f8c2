"""The JSON API under /api/v1/: assembles the routers of the apps."""
from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from daiban.lib.errors import ServiceError, ValidationFailed
from daiban.lib.jsonutil import dumps
from daiban.org.apiauth import STAFF_AUTH


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese kept readable (no \\uXXXX escapes)."""

    def render(self, request, data, *, response_status):
        return dumps(data)


api = NinjaAPI(
    title="平阳县企业投资项目政府代办服务 API",
    version="1",
    description="代办服务系统的 JSON 接口。所有写操作均经服务层校验权限、在事务中执行并记录审计事件。",
    renderer=ChineseJSONRenderer(),
    auth=STAFF_AUTH,
    urls_namespace="api",
)

_NINJA_MESSAGES = {
    "missing": "此项必填",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是/否（true/false）",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "json_invalid": "请求体不是有效的 JSON",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
}


def _field_name(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request: HttpRequest, exc: NinjaValidationError):
    detail = [
        {"field": _field_name(list(error.get("loc", []))),
         "message": _NINJA_MESSAGES.get(error.get("type", ""), "格式不正确")}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ValidationFailed)
def _service_validation(request: HttpRequest, exc: ValidationFailed):
    return api.create_response(request, {"detail": exc.as_detail()}, status=422)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": "请先登录或提供有效的接口令牌"}, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _mount() -> None:
    from daiban.assessment.api import router as assessment_router
    from daiban.audit.api import router as audit_router
    from daiban.cases.api import router as cases_router
    from daiban.catalog.api import router as catalog_router
    from daiban.closure.api import alerts as closure_alerts_router
    from daiban.closure.api import router as closure_router
    from daiban.coordination.api import router as coordination_router
    from daiban.intake.api import public as public_router
    from daiban.intake.api import router as intake_router
    from daiban.org.api import router as auth_router
    from daiban.plans.api import router as plans_router
    from daiban.policy.api import router as policy_router
    from daiban.provincial.api import router as provincial_router
    from daiban.teams.api import router as teams_router
    from daiban.workdays.api import router as calendar_router

    api.add_router("/auth", auth_router)
    api.add_router("/audit", audit_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/", calendar_router)
    api.add_router("/public", public_router)
    api.add_router("/", intake_router)
    api.add_router("/cases", cases_router)
    api.add_router("/cases", plans_router)
    api.add_router("/", coordination_router)
    api.add_router("/cases", closure_router)
    api.add_router("/closure", closure_alerts_router)
    api.add_router("/provincial", provincial_router)
    api.add_router("/policy", policy_router)
    api.add_router("/teams", teams_router)
    api.add_router("/", assessment_router)


_mount()
