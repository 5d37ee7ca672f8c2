"""The application's runtime role owns nothing: it cannot drop the trigger, nor rewrite or delete the trail."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from conftest import request_payload
from daiban.audit.management.commands.db_roles import grant_runtime_role
from daiban.audit.models import AuditEvent
from daiban.audit.runs import verify_run
from daiban.audit.services import audit_record, audit_verify
from daiban.lib.dbroles import create_role, runtime_grants

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="database roles and privileges exist on PostgreSQL only; SQLite has no roles (`make test-postgres` runs these)")


@pytest.fixture
def runtime_role(db) -> str:
    """The runtime role, created and granted by the same statements as `manage.py db_roles` (rolled back after)."""
    role = f"{connection.settings_dict['NAME']}_runtime"[:63]
    with connection.cursor() as cursor:
        for statement in create_role(role, None):
            cursor.execute(statement)
    grant_runtime_role(role)
    return role


@contextmanager
def acting_as(role: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


REFUSED = [
    "DROP TRIGGER daiban_audit_append_only ON audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER daiban_audit_append_only",
    "UPDATE audit_auditevent SET body = replace(body, 'secadmin', 'eve')",  # (the other columns follow the body)
    "ALTER TABLE audit_auditevent ALTER COLUMN actor_name DROP EXPRESSION",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "SET session_replication_role = replica",
    "DELETE FROM audit_auditanchor",
    "UPDATE django_migrations SET app = 'x'",
    "DROP TABLE intake_request",
    "CREATE TABLE public.shadow (id int)",
]


@postgresql_only
@pytest.mark.parametrize("statement", REFUSED)
def test_the_runtime_role_is_refused(runtime_role, person, statement):
    audit_record(event_type="org.role_granted", actor=person("secadmin"))
    with acting_as(runtime_role):
        with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert audit_verify().ok


@postgresql_only
def test_the_application_works_as_the_runtime_role(runtime_role, api_as):
    before = AuditEvent.objects.count()
    with acting_as(runtime_role):
        answer = api_as(None).post("public/requests", request_payload())
        assert answer.status_code == 201, answer.content
        queued = api_as("auditor").get("audit/verify").json()["run"]["id"]
        verify_run(queued)  # what the worker does, as the runtime role too
        assert api_as("auditor").get("audit/verify").json()["ok"] is True
    assert AuditEvent.objects.count() > before


def test_the_grants_only_take_away_from_the_audit_table():
    statements = runtime_grants("daiban_app", append_only=("audit_auditevent",), read_only=("django_migrations",))
    assert "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_auditevent FROM daiban_app" in statements
    with pytest.raises(ValueError):
        runtime_grants("app; DROP TABLE x", append_only=(), read_only=())
