"""Who may verify the chain, and which accesses become events."""
from __future__ import annotations

import json

from daiban.audit.models import AuditEvent


def test_the_audit_administrator_verifies_the_chain_through_the_api(api_as):
    answer = api_as("auditor").get("audit/verify")
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "events": AuditEvent.objects.count(), "first_bad_seq": None,
                             "problems": [], "checkpoint": None}


def test_the_system_administrator_cannot_read_the_audit_trail(api_as, client, person):
    assert api_as("sysadmin").get("audit/verify").status_code == 403
    assert client.login(username="sysadmin")
    assert client.get("/audit/").status_code == 404
    assert client.get("/admin/audit/auditevent/").status_code == 404


def test_the_audit_administrator_reads_the_log_page(client, person):
    assert client.login(username="auditor")
    page = client.get("/audit/?verify=1")
    assert page.status_code == 200
    assert "审计链完整" in page.content.decode()


def test_logins_failed_logins_and_refused_accesses_are_events(client, api_as):
    client.post("/login/", {"username": "aojiang", "password": "wrong-password"})
    assert client.login(username="aojiang")
    api_as("aojiang").get("audit/verify")
    kinds = list(AuditEvent.objects.order_by("-seq").values_list("event_type", flat=True)[:5])
    assert "auth.login_failed" in kinds and "auth.login" in kinds and "access.refused" in kinds
    failed = AuditEvent.objects.filter(event_type="auth.login_failed").latest("seq")
    assert failed.outcome == "failure" and "wrong-password" not in json.dumps(failed.new)


def test_an_event_records_the_source_ip_and_request_id(client, demo):
    client.post("/api/v1/auth/token", {"username": "fgj", "password": "nope-nope"}, content_type="application/json",
                headers={"X-Request-ID": "req-12345"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(event_type="auth.login_failed").latest("seq")
    assert (event.ip, event.request_id) == ("10.1.2.3", "req-12345")


def test_audit_verify_command_prints_the_result(capsys, demo):
    from django.core.management import call_command

    call_command("audit_verify")
    assert json.loads(capsys.readouterr().out)["ok"] is True
