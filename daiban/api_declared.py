"""The test run's check that the API answers only what its OpenAPI schema declares.

DeclaredResponses (a middleware the test settings add) looks at every answer under /api/v1/ that any test
provokes, through the test client or a live server: its status must be among the responses its operation
declares, and an error must have the one error shape. What breaks the rule is kept in `VIOLATIONS`, which
conftest.py turns into a failure of the test that provoked it.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse

from daiban.api import api

API_PREFIX = "/api/v1/"
VIOLATIONS: list[str] = []
# Answers that belong to no operation: the path or the method is unknown.
_OUTSIDE_OPERATIONS = {"request.unknown_path", "request.method_not_allowed"}


@cache
def _operations() -> list[tuple[re.Pattern, dict[str, set[str]]]]:
    schema = api.get_openapi_schema()
    table = []
    for path, methods in schema["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        table.append((pattern, {method.upper(): {str(s) for s in op["responses"]} for method, op in methods.items()}))
    # A literal path ("/cases/{id}/documents/x.docx") before a template that would also match it.
    return sorted(table, key=lambda row: row[0].pattern.count("[^/]+"))


def declared_statuses(path: str, method: str) -> set[str] | None:
    for pattern, methods in _operations():
        if pattern.match(path):
            return methods.get(method)
    return None


def problem(request: HttpRequest, response: HttpResponse) -> str | None:
    """What is wrong with this answer of the API, or None."""
    status = response.status_code
    where = f"{request.method} {request.path} → {status}"
    if status >= 400:
        try:
            body = json.loads(response.content)
        except ValueError:
            return f"{where}: the error body is not JSON"
        if not isinstance(body, dict) or set(body) != {"code", "detail", "fields"}:
            return f"{where}: the error body is not {{code, detail, fields}}: {body!r:.200}"
        if body["code"] in _OUTSIDE_OPERATIONS:
            return None
    if request.path.startswith(f"{API_PREFIX}docs") or request.path == f"{API_PREFIX}openapi.json":
        return None
    declared = declared_statuses(request.path, request.method or "")
    if declared is None:
        return f"{where}: no operation in the OpenAPI schema answers this path and method"
    if str(status) not in declared:
        return f"{where}: status not declared in the operation's responses ({', '.join(sorted(declared))})"
    return None


class DeclaredResponses:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and not response.streaming:
            found = problem(request, response)
            if found:
                VIOLATIONS.append(found)
        return response
