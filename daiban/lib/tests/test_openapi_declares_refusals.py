"""The OpenAPI schema declares every refusal an operation can answer, each with the one error body.

Besides the schema itself, every operation is called by strangers (anonymous, the discipline inspector, a
company owner, another unit's agent) with an empty and an unreadable body; the test settings' DeclaredResponses
check fails the test on any answer its operation does not declare, and none may be a 5xx.
"""
from __future__ import annotations

import re

import pytest

from daiban.api import api
from daiban.intake.models import Request

pytestmark = pytest.mark.django_db
ERROR_REF = "#/components/schemas/Error"


def operations() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema()
    return [(path, method, op) for path, methods in schema["paths"].items() for method, op in methods.items()]


def test_every_error_response_of_every_operation_is_the_error_shape():
    found = operations()
    assert len(found) > 100
    for path, method, op in found:
        for status, response in op["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (method, path, status)
                assert "code 可能为" in response["description"], (method, path, status)


def test_what_follows_from_an_operations_signature_is_declared():
    for path, method, op in operations():
        declared = {int(s) for s in op["responses"]}
        has_body = "requestBody" in op
        reads_input = bool(op["parameters"]) or has_body
        assert not op.get("security") or 401 in declared, (method, path)
        assert not has_body or {400, 413, 422} <= declared, (method, path)
        assert "{" not in path or 404 in declared, (method, path)
        assert not reads_input or 422 in declared, (method, path)


def _path_values() -> dict[str, str]:
    case = Request.objects.get(idempotency_key="demo-1").case  # 鳌江镇's case
    return {"case_id": str(case.pk), "request_id": str(case.request_id), "code": "L02", "kind": "registration",
            "phase": "introduction"}


def _url(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "999999"), path)


@pytest.mark.parametrize("who", [None, "inspector", "owner1", "kunyang"])
def test_strangers_and_bad_bodies_get_only_declared_answers_and_never_a_5xx(api_as, who):
    caller = api_as(who)
    values = _path_values()
    for path, method, op in operations():
        url = _url(path, values)
        bodies = [{}, "{not json"] if "requestBody" in op else [None]
        for body in bodies:
            if method in ("get", "delete"):
                answer = getattr(caller.client, method)(url, headers=caller.headers)
            else:
                answer = getattr(caller.client, method)(url, body if body is not None else {},
                                                        content_type="application/json", headers=caller.headers)
            assert answer.status_code < 500, (who, method, url, answer.content[:300])
