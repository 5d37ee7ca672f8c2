"""The API's error shape at the edges the operations never see: an unknown path, a wrong method, and any
answer under /api/v1/ that something other than an operation wrote (Django's 400, 404 and 500 pages).

The operations' own refusals are written by the exception handlers in daiban/api.py; this module makes the
rest say the same thing in the same JSON.
"""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from daiban.lib.errors import ERROR_CODES, error_body
from daiban.lib.jsonutil import json_answer

API_PREFIX = "/api/v1/"

# What an answer that did not come from an operation means, by its status.
_CODE_FOR_STATUS = {
    400: "request.bad",
    403: "permission.denied",
    404: "request.unknown_path",
    405: "request.method_not_allowed",
    413: "request.too_large",
}


def error_response(code: str, detail: str | None = None, fields: list[dict[str, str]] | None = None, *,
                   status: int | None = None) -> HttpResponse:
    default_status, default_detail = ERROR_CODES.get(code, (400, "请求无法处理"))
    return json_answer(error_body(code, detail or default_detail, fields), status=status or default_status)


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every path under /api/v1/ that no operation has."""
    return error_response("request.unknown_path", f"没有这个接口地址：{request.path}；接口清单见 /api/v1/docs")


def _is_error_shape(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiErrorShape:
    """Gives every error answer under /api/v1/ the one JSON shape, whoever wrote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400 or _is_error_shape(response):
            return response
        status = response.status_code
        code = _CODE_FOR_STATUS.get(status, "server.error" if status >= 500 else "request.bad")
        detail = None
        if code == "request.method_not_allowed":
            detail = f"该接口地址不支持 {request.method} 方法；支持：{response.get('Allow', '')}"
        shaped = error_response(code, detail, status=status)
        for header in ("Allow", "Retry-After"):
            if header in response:
                shaped[header] = response[header]
        return shaped
