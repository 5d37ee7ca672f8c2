"""Who may verify the chain, and which accesses become events."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from daiban.audit.models import AuditEvent, VerifyRun
from daiban.audit.runs import verify_run
from daiban.desk.audit_trail import verify_start
from daiban.lib import clock


def test_the_audit_administrator_verifies_the_chain_in_the_background_through_the_api(
        api_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        started = api_as("auditor").get("audit/verify")
    assert started.status_code == 200 and len(queued) == 1  # the background task, queued once the run is saved
    assert started.json()["ok"] is None and started.json()["run"]["status"] == "queued"
    run_id = started.json()["run"]["id"]
    verify_run(run_id)  # what the worker does
    answer = api_as("auditor").get("audit/verify").json()
    run = answer.pop("run")
    assert answer == {"ok": True, "events": run["events_done"], "first_bad_seq": None, "problems": [],
                      "checkpoint": None}
    assert (run["id"], run["status"], run["percent"]) == (run_id, "done", 100)
    assert 0 < run["events_done"] <= AuditEvent.objects.count()
    assert api_as("auditor").get("audit/verify?fresh=true").json()["run"]["id"] != run_id


def test_a_run_left_by_a_killed_worker_gives_way_to_a_new_one(api_as, person):
    left = VerifyRun.objects.create(status=VerifyRun.Status.RUNNING, created_at=clock.now() - timedelta(hours=1),
                                    touched_at=clock.now() - timedelta(minutes=11))
    run = verify_start(actor=person("auditor"))
    assert run.pk != left.pk and VerifyRun.objects.get(pk=left.pk).status == VerifyRun.Status.FAILED
    assert verify_start(actor=person("auditor")).pk == run.pk  # under way: followed, not started twice


def test_the_system_administrator_cannot_read_the_audit_trail(api_as, client, person):
    assert api_as("sysadmin").get("audit/verify").status_code == 403
    assert client.login(username="sysadmin")
    assert client.get("/audit/").status_code == 404
    assert client.get("/admin/audit/auditevent/").status_code == 404


def test_the_audit_administrator_starts_a_verification_and_the_page_follows_it(client, person):
    assert client.login(username="auditor")
    assert client.post("/audit/verify/").status_code == 302
    run = VerifyRun.objects.get()
    queued = client.get("/audit/").content.decode()
    assert f'hx-get="/audit/verify/{run.pk}/"' in queued and "排队中" in queued
    verify_run(run.pk)
    done = client.get(f"/audit/verify/{run.pk}/").content.decode()
    assert "审计链完整" in done and "hx-get" not in done
    assert "审计链完整" in client.get("/audit/").content.decode()


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


@pytest.mark.django_db(transaction=True)
def test_a_worker_outside_any_transaction_reports_progress_while_it_reads_the_chain(person):
    """The worker's own case: no surrounding transaction, so on PostgreSQL the chain streams over a connection of its
    own while the progress is written through Django's (one connection cannot do both at once)."""
    run = verify_start(actor=person("auditor"), fresh=True)
    verify_run(run.pk)  # what the worker does (a no-op if the queued task already ran it)
    run.refresh_from_db()
    assert (run.status, run.result["ok"], run.percent) == (VerifyRun.Status.DONE, True, 100)
    assert run.events_done == AuditEvent.objects.count()  # the whole chain, the run's own start included
