"""API tokens: issued on the login steps (password, then the code), stored as digests, expiring and
revocable with DELETE /api/v1/auth/token."""
from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import DEMO_PASSWORD, totp_code
from daiban.accounts.tokens import token_user
from daiban.audit.models import AuditEvent
from daiban.cases.selectors import cases_for
from daiban.org.models import ApiToken, RoleGrant, User
from daiban.org.roles import Role


def issue(client, username: str):
    return client.post("/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD,
                                              "otp": totp_code(username)}, content_type="application/json")


def test_a_token_is_issued_on_password_and_code_and_stored_as_a_digest(client, demo):
    answer = issue(client, "aojiang")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"token", "expires_at"}
    assert not ApiToken.objects.filter(digest=body["token"]).exists()
    assert ApiToken.objects.filter(user__username="aojiang").count() == 1


def test_a_token_expires(api_as):
    caller = api_as("auditor")
    assert caller.get("audit/verify").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = caller.get("audit/verify")
    assert refused.status_code == 401 and "令牌" in refused.json()["detail"]


def test_a_token_is_revoked_with_delete_and_only_that_token(client, demo):
    first, second = issue(client, "aojiang").json()["token"], issue(client, "aojiang").json()["token"]
    revoked = client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {first}"})
    assert revoked.status_code == 204
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.token_revoked", actor_name="aojiang").count() == 1
    again = client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {first}"})
    assert again.status_code == 401


def test_revoking_needs_a_token(client, demo):
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_the_token_endpoint_and_its_refusals_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/auth/token"]
    assert {"200", "401", "403", "429"} <= set(operation["post"]["responses"])
    assert "otp" in schema["components"]["schemas"]["TokenIn"]["properties"]
    assert "delete" in operation


def test_a_token_is_read_with_its_user_body_and_roles_in_one_query(client, demo):
    token = issue(client, "aojiang").json()["token"]
    with CaptureQueriesContext(connection) as captured:
        user = token_user(token)
        assert user is not None and user.username == "aojiang"
        assert user.body is not None and user.body.name and Role.AGENT in user.roles
    assert len(captured) == 1
    assert user.roles == User.objects.get(username="aojiang").roles


def test_a_disabled_account_s_token_is_refused_at_the_next_call(client, demo):
    token = issue(client, "aojiang").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    User.objects.filter(username="aojiang").update(is_active=False)
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_a_role_taken_away_counts_from_the_next_call(client, demo):
    token = issue(client, "aojiang").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    case = cases_for(User.objects.get(username="aojiang")).first()
    assert case is not None
    assert client.get(f"/api/v1/cases/{case.pk}", headers=headers).status_code == 200
    RoleGrant.objects.filter(user__username="aojiang").delete()
    assert client.get(f"/api/v1/cases/{case.pk}", headers=headers).status_code == 404
    assert client.get("/api/v1/cases", headers=headers).json()["items"] == []


def test_a_revoked_token_is_refused_at_the_next_call_even_after_many_calls(client, demo):
    token = issue(client, "aojiang").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(3):
        assert client.get("/api/v1/cases", headers=headers).status_code == 200
    ApiToken.objects.filter(user__username="aojiang").delete()
    assert client.get("/api/v1/cases", headers=headers).status_code == 401
