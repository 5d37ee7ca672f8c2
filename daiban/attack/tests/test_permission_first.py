"""A role without rights learns nothing: roles that only read are refused every API write with 403 before the
body, the path's object or its state is looked at (never a 422 or a 409), and the refusal is audited."""
from __future__ import annotations

import re

import pytest

from daiban.api import api
from daiban.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

# Writes a reader may call: the public request form (no login at all) and the two marked open_to_readers.
OPEN = {("post", "/api/v1/public/requests"), ("post", "/api/v1/personal-data/reveal"),
        ("post", "/api/v1/auth/token"), ("delete", "/api/v1/auth/token")}


def writes():
    """Every write that needs a login (public ones, like the owner's evaluation link, need none)."""
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if method != "get" and (method, path) not in OPEN and operation.get("security"):
                yield method, path


@pytest.mark.parametrize("username", ["inspector", "auditor"])
def test_a_reader_gets_403_from_every_write_whatever_it_sends(api_as, username):
    caller = api_as(username)
    answers = {}
    for method, path in writes():
        url = re.sub(r"\{[^}]+\}", "1", path)
        answer = caller.delete(url) if method == "delete" else getattr(caller, method)(url, {"bogus": "\x01"})
        answers[f"{method.upper()} {path}"] = (answer.status_code, answer.json()["code"])
    assert answers and set(answers.values()) == {(403, "permission.denied")}, answers


def test_the_refusal_comes_before_a_bad_idempotency_key_and_is_audited(api_as, person):
    before = AuditEvent.objects.filter(event_type="access.refused", actor_id=person("inspector").pk).count()
    answer = api_as("inspector").post("cases/1/items/L05/finish", {}, headers={"Idempotency-Key": "\u4e2d" * 300})
    assert answer.status_code == 403
    assert AuditEvent.objects.filter(event_type="access.refused", actor_id=person("inspector").pk).count() == before + 1


def test_a_reader_still_ends_its_own_token(api_as):
    caller = api_as("inspector")
    assert caller.delete("auth/token").status_code == 204


def test_every_write_declares_the_403_in_its_openapi_description():
    schema = api.get_openapi_schema()
    missing = [f"{method} {path}" for method, path in writes()
               if "403" not in schema["paths"][path][method]["responses"]
               and 403 not in schema["paths"][path][method]["responses"]]
    assert missing == []
