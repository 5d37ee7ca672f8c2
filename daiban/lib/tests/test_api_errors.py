"""Every API error is one JSON shape with a stable code and a Chinese explanation, whatever went wrong."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from conftest import StaffClient, request_payload
from daiban.intake.models import Request
from daiban.lib.apierrors import ApiErrorShape
from daiban.lib.errors import ERROR_CODES

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def shape(answer) -> dict:
    """The error body, after checking it is the one shape, in readable Chinese."""
    assert answer["Content-Type"] == "application/json; charset=utf-8", answer.content
    assert b"\\u" not in answer.content
    body = json.loads(answer.content)
    assert set(body) == {"code", "detail", "fields"} and body["detail"], body
    assert re.search(r"[\u4e00-\u9fff]", body["detail"]), body
    return body


def test_a_body_that_is_not_json_answers_400_malformed_json(client):
    for body in (b'{"username": "aojiang",', "用户名".encode("gbk"), b"\xff\xfe"):
        answer = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert answer.status_code == 400
        assert shape(answer)["code"] == "request.malformed_json"


def test_a_wrong_method_answers_405_in_chinese_and_keeps_the_allow_header(api_as):
    answer = api_as("aojiang").delete("cases")
    assert answer.status_code == 405 and set(answer["Allow"].split(", ")) == {"GET", "POST"}
    body = shape(answer)
    assert body["code"] == "request.method_not_allowed" and "DELETE" in body["detail"]


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/cases/", "/api/v1/cases/1/nothing",
                                  "/api/v1/v2/cases"])
def test_an_unknown_path_answers_404_in_json_not_an_html_page(client, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert shape(answer)["code"] == "request.unknown_path"


def test_no_login_answers_401_auth_required_with_the_bearer_challenge(api_as):
    answer = api_as(None).get("cases")
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Bearer")
    assert shape(answer)["code"] == "auth.required"
    expired = Client().get("/api/v1/cases", headers={"Authorization": "Bearer not-a-token"})
    assert shape(expired)["code"] == "auth.required"


def test_a_page_session_without_its_csrf_token_answers_403_csrf_failed(person):
    browser = StaffClient(enforce_csrf_checks=True)
    assert browser.login(username="aojiang")
    answer = browser.post("/api/v1/consultations", {"asker_name": "陈晓东"}, content_type="application/json")
    assert answer.status_code == 403 and shape(answer)["code"] == "auth.csrf_failed"


def test_a_refusal_answers_403_permission_denied_with_its_reason(api_as):
    answer = api_as("inspector").post("cases", request_payload())
    assert answer.status_code == 403
    assert shape(answer) == {"code": "permission.denied", "detail": "只读角色不能写入", "fields": []}


def test_a_case_out_of_scope_answers_404_not_found(api_as):
    aojiang_case = Request.objects.get(idempotency_key="demo-4").case
    answer = api_as("aojiang").get(f"cases/{aojiang_case.pk}")
    assert answer.status_code == 404 and shape(answer)["code"] == "not_found"


def test_a_closed_case_answers_409_case_closed(api_as):
    terminated = Request.objects.get(idempotency_key="demo-4").case
    answer = api_as("kunyang").post(f"cases/{terminated.pk}/worklog", {"day": "2026-09-01", "content": "回访"})
    assert answer.status_code == 409
    assert shape(answer) == {"code": "case.closed", "detail": "案件已办结或终止，只能查阅", "fields": []}


def test_bad_input_answers_422_with_every_field_named(api_as):
    answer = api_as("aojiang").post("cases", {**request_payload(), "investment_wan": "很多", "industrial": "也许"})
    assert answer.status_code == 422
    body = shape(answer)
    assert body["code"] == "validation.invalid"
    assert {(f["field"], f["message"]) for f in body["fields"]} == {
        ("investment_wan", "应为数字"), ("industrial", "应为是/否（true/false）")}
    service_refusal = api_as("aojiang").post("cases", request_payload(credit_code="91330326MA2H8K7Q30"))
    assert shape(service_refusal)["code"] == "validation.invalid"
    assert [f["field"] for f in service_refusal.json()["fields"]] == ["credit_code"]


def test_too_many_requests_answer_429_rate_limited_with_retry_after(api_as, settings):
    settings.PUBLIC_QUERY_LIMIT = 1
    public = api_as(None)
    public.get("public/progress", {"tracking_no": "DB0", "query_code": "0"})
    answer = public.get("public/progress", {"tracking_no": "DB0", "query_code": "0"})
    assert answer.status_code == 429 and shape(answer)["code"] == "rate_limited"
    assert 1 <= int(answer["Retry-After"]) <= settings.PUBLIC_WINDOW_SECONDS


def test_a_body_over_the_size_limit_answers_413(api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = api_as("aojiang").post("cases", {**request_payload(), "description": "厂房" * 2000})
    assert answer.status_code == 413 and shape(answer)["code"] == "request.too_large"


def test_a_server_error_under_the_api_becomes_the_json_shape_and_a_page_stays_html():
    factory = RequestFactory()
    api_answer = ApiErrorShape(server_error)(factory.get("/api/v1/cases"))
    assert api_answer.status_code == 500 and shape(api_answer)["code"] == "server.error"
    page_answer = ApiErrorShape(server_error)(factory.get("/cases/"))
    assert page_answer.status_code == 500 and page_answer["Content-Type"].startswith("text/html")


ERROR_CLASSES = {"ServiceError", "ValidationFailed", "Forbidden", "NotFound", "Conflict", "RateLimited"}


def _name(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _codes_in_source() -> set[str]:
    """Every code the project's code gives an error: `Conflict(…, code="…")`, `error_response("…")`, and the
    `code = "…"` of an error class."""
    codes = set()
    for path in (ROOT / "daiban").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        error_classes = ERROR_CLASSES | {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                                         and {_name(base) for base in node.bases} & ERROR_CLASSES}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in error_classes:
                codes |= {k.value.value for k in node.keywords if k.arg == "code" and isinstance(k.value, ast.Constant)}
            if isinstance(node, ast.Call) and _name(node.func) == "error_response" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    codes.add(node.args[0].value)
            if isinstance(node, ast.ClassDef) and node.name in error_classes:
                codes |= {stmt.value.value for stmt in node.body if isinstance(stmt, ast.Assign)
                          and [_name(t) for t in stmt.targets] == ["code"] and isinstance(stmt.value, ast.Constant)}
    return codes


def test_every_code_the_code_raises_is_registered_with_its_status():
    codes = _codes_in_source()
    assert {"case.closed", "not_found", "rate_limited", "auth.invalid_credentials"} <= codes
    unregistered = codes - set(ERROR_CODES)
    assert not unregistered, f"codes missing from daiban/lib/errors.py ERROR_CODES: {sorted(unregistered)}"


def test_docs_api_md_lists_every_code_with_its_status():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_.]+)` \| (\d{3}) \|", text, flags=re.M))
    assert rows == {code: str(status) for code, (status, _) in ERROR_CODES.items()}
