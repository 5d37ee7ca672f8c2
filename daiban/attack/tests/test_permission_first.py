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


# Bodies of the right shape (the schema is public) with values the services refuse: a 422 here would come from
# the service looking at the input before asking who sent it.
ITEM_WRITES = {"dispatch": {"liaison": ""}, "start": {}, "pause": {"kind": "x", "reason": ""}, "resume": {},
               "local-done": {}, "report-up": {}, "finish": {"approved": True, "approval_no": ""},
               "withdraw": {"reason": ""}, "urge": {"kind": "x", "note": ""}}


def test_a_liaison_on_the_case_gets_403_from_another_departments_item_whatever_it_sends(api_as, person):
    """zrj sees the 鳌江镇 demo case for its own department's item; on the environmental item it has no say, and
    an empty body must not tell it what the item's form or state would need (a 422 or a 409)."""
    from daiban.cases.models import Case

    case = Case.objects.get(request__idempotency_key="demo-1")
    own = person("zrj").department_id
    assert case.items.filter(catalog_item__department_id=own).exists()  # in its scope
    other = case.items.exclude(catalog_item__department_id=own).order_by("pk").first()
    caller = api_as("zrj")
    answers = {action: caller.post(f"cases/{case.pk}/items/{other.catalog_item.code}/{action}", body).status_code
               for action, body in ITEM_WRITES.items()}
    assert set(answers.values()) == {403}, answers
    assert other.status == type(other).objects.get(pk=other.pk).status
