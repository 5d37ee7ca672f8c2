"""Signed checkpoints outside the database make a cut tail visible, whatever the insider does to the head."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conftest import in_parallel
from daiban.audit import checkpoints
from daiban.audit.checkpoints import CheckpointError
from daiban.audit.models import AuditEvent, AuditHead, VerifyRun
from daiban.audit.protection import protection_lifted
from daiban.audit.runs import verify_run
from daiban.audit.services import audit_checkpoint, audit_record, audit_verify
from daiban.audit.tasks import write_audit_checkpoint
from daiban.lib.jsonutil import canonical
from daiban.lib.peer import Peer


def _events(n: int, person) -> list[AuditEvent]:
    actor = person("secadmin")
    return [audit_record(event_type="org.role_granted", actor=actor, obj=actor, new={"i": i}) for i in range(n)]


def _lines(directory) -> list[dict]:
    path = directory / checkpoints.FILE_NAME
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _sql(statement: str, params=()) -> None:
    with protection_lifted(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _codes(result) -> set[str]:
    return {problem.code for problem in result.problems}


def _cut_tail(n: int) -> None:
    """The insider's attack: delete the last n events straight in the database."""
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    _sql("DELETE FROM audit_auditevent WHERE seq > %s", [last - n])


def test_the_duty_writes_a_signed_checkpoint_of_the_head(person, checkpoint_dir):
    _events(2, person)
    head = AuditHead.objects.get()
    assert write_audit_checkpoint.call_local() == [str(checkpoint_dir / checkpoints.FILE_NAME)]
    [line] = _lines(checkpoint_dir)
    assert (line["kind"], line["seq"], line["mac"]) == ("head", head.seq, head.mac)
    assert checkpoints.parse(line).seq == head.seq


def test_anyone_holding_the_public_key_can_check_a_checkpoint(person, checkpoint_dir, capsys):
    _events(1, person)
    audit_checkpoint()
    call_command("audit_checkpoint", public_key=True)
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(capsys.readouterr().out.strip()))
    [line] = _lines(checkpoint_dir)
    signed = {k: line[k] for k in ("kind", "seq", "mac", "at")}
    key.verify(base64.b64decode(line["sig"]), canonical(signed))  # raises if it does not verify


def test_a_checkpoint_is_written_once_while_the_head_stands_still_and_again_when_it_moves(person, checkpoint_dir):
    _events(1, person)
    now = timezone.now()
    audit_checkpoint(now=now)
    assert audit_checkpoint(now=now + timedelta(minutes=10)) == []
    assert len(_lines(checkpoint_dir)) == 1
    assert audit_checkpoint(now=now + checkpoints.HEARTBEAT) != []  # at least hourly even when quiet
    _events(1, person)
    audit_checkpoint(now=now + checkpoints.HEARTBEAT + timedelta(minutes=1))
    assert [line["seq"] for line in _lines(checkpoint_dir)] == [AuditHead.objects.get().seq - 1] * 2 + [
        AuditHead.objects.get().seq]


def test_two_workers_at_once_write_one_checkpoint(person, checkpoint_dir):
    _events(1, person)
    now = timezone.now()
    results = in_parallel([lambda: audit_checkpoint(now=now)] * 4)
    assert all(isinstance(result, list) for result in results), results
    # The workers read the committed head (the seeded chain); the file holds it once.
    assert len(_lines(checkpoint_dir)) == 1


def test_deleting_the_last_120_events_and_setting_the_head_back_fails_verification(person):
    _events(130, person)
    audit_checkpoint()
    _cut_tail(120)
    last = AuditEvent.objects.order_by("-seq").first()
    _sql("UPDATE audit_audithead SET seq = %s, mac = %s", [last.seq, last.mac])
    result = audit_verify()
    assert not result.ok
    assert {"audit.head_rewritten", "audit.tail_cut"} <= _codes(result)
    assert result.first_bad_seq == last.seq


def test_restoring_an_earlier_sealed_head_over_a_cut_tail_still_fails_against_the_checkpoint(person):
    _events(10, person)
    snapshot = AuditHead.objects.values("seq", "mac", "seal").get()  # an old backup of the head row
    _events(120, person)
    audit_checkpoint()
    _cut_tail(120)
    _sql("UPDATE audit_audithead SET seq = %s, mac = %s, seal = %s", [snapshot["seq"], snapshot["mac"], snapshot["seal"]])
    result = audit_verify()
    assert not result.ok and _codes(result) == {"audit.tail_cut"}
    assert result.first_bad_seq == snapshot["seq"] + 1
    assert "截断" in result.problems[0].detail


def test_the_duty_never_checkpoints_a_head_below_the_latest_checkpoint(person, checkpoint_dir):
    _events(5, person)
    snapshot = AuditHead.objects.values("seq", "mac", "seal").get()
    _events(3, person)
    audit_checkpoint()
    _cut_tail(3)
    _sql("UPDATE audit_audithead SET seq = %s, mac = %s, seal = %s", [snapshot["seq"], snapshot["mac"], snapshot["seal"]])
    with pytest.raises(CheckpointError, match="低于最近的检查点"):
        audit_checkpoint(now=timezone.now() + timedelta(hours=2))
    assert len(_lines(checkpoint_dir)) == 1


def test_the_duty_refuses_a_head_whose_seal_does_not_verify(person, checkpoint_dir):
    _events(2, person)
    _sql("UPDATE audit_audithead SET seq = seq - 1")
    with pytest.raises(CheckpointError, match="链头校验码不符"):
        audit_checkpoint()
    assert _lines(checkpoint_dir) == []


def test_events_an_hour_old_without_a_checkpoint_are_reported(person):
    _events(1, person)
    assert audit_verify().ok  # not yet due
    later = timezone.now() + checkpoints.STALE_AFTER + timedelta(minutes=1)
    result = audit_verify(now=later)
    assert not result.ok and _codes(result) == {"audit.checkpoint_missing"}
    audit_checkpoint()
    assert audit_verify(now=later).ok
    _events(1, person)
    assert _codes(audit_verify(now=later + checkpoints.STALE_AFTER)) == {"audit.checkpoint_missing"}


def test_a_checkpoint_signed_with_another_key_or_edited_is_reported(person, checkpoint_dir):
    _events(1, person)
    audit_checkpoint()
    [line] = _lines(checkpoint_dir)
    forged = checkpoints.sign(checkpoints.parse(line), audit_key="an-insider-guessed-key-000")
    with open(checkpoint_dir / checkpoints.FILE_NAME, "a") as handle:
        handle.write(json.dumps(forged) + "\n")
    assert _codes(audit_verify()) == {"audit.checkpoint_invalid"}
    with open(checkpoint_dir / checkpoints.FILE_NAME, "a") as handle:
        handle.write(json.dumps({**line, "seq": line["seq"] - 1}) + "\n")
    assert "audit.checkpoint_invalid" in _codes(audit_verify())


def test_checkpoints_sent_to_a_remote_endpoint_catch_the_cut_too(person, settings):
    settings.AUDIT_CHECKPOINT_DIR = ""
    with Peer() as endpoint:
        settings.AUDIT_CHECKPOINT_URL = endpoint.url
        settings.AUDIT_CHECKPOINT_TOKEN = "checkpoint-token"
        _events(5, person)
        assert audit_checkpoint() == [endpoint.url]
        assert audit_checkpoint() == []  # the endpoint's latest already holds this head
        assert len(endpoint.requests) == 1
        assert endpoint.requests[0]["headers"]["Authorization"] == "Bearer checkpoint-token"
        assert audit_verify().checkpoint.seq == AuditHead.objects.get().seq
        snapshot = AuditEvent.objects.order_by("-seq")[2]
        _cut_tail(2)
        _sql("UPDATE audit_audithead SET seq = %s, mac = %s", [snapshot.seq, snapshot.mac])
        assert {"audit.tail_cut", "audit.head_rewritten"} <= _codes(audit_verify())


def test_an_unreachable_endpoint_is_reported_not_ignored(person, settings):
    settings.AUDIT_CHECKPOINT_DIR = ""
    settings.AUDIT_CHECKPOINT_URL = "http://127.0.0.1:9/checkpoints"
    with pytest.raises(CheckpointError, match="无法连接检查点服务"):
        audit_checkpoint()
    assert "audit.checkpoint_missing" in _codes(audit_verify())


def test_audit_verify_command_fails_and_names_the_cut(person, capsys):
    _events(3, person)
    audit_checkpoint()
    _cut_tail(2)
    with pytest.raises(SystemExit):
        call_command("audit_verify")
    answer = json.loads(capsys.readouterr().out)
    assert answer["ok"] is False and "audit.tail_cut" in {p["code"] for p in answer["problems"]}


def test_the_auditor_sees_each_problem_on_the_page(client, person):
    assert client.login("auditor")
    _events(3, person)
    audit_checkpoint()
    _cut_tail(2)
    assert client.post("/audit/verify/").status_code == 302  # queued for the worker, itself an audited event
    run = VerifyRun.objects.get()
    verify_run(run.pk)  # what the worker does with it
    run.refresh_from_db()
    page = client.get("/audit/").content.decode()
    # Starting the run wrote an event after the cut, so the cut shows as a break in the chain and as the
    # checkpoint's event gone (the same problems audit_verify names; test_events_written_after_a_cut_do_not_hide_it).
    checkpoint_seq = run.result["problems"][-1]["seq"]
    assert "审计链校验未通过" in page and "审计事件被改动、删除或插入" in page
    assert f"检查点记录的第 {checkpoint_seq} 条事件已被删除或改写" in page


def test_events_written_after_a_cut_do_not_hide_it(person):
    _events(3, person)
    audit_checkpoint()
    _cut_tail(2)
    _events(4, person)  # the application goes on writing after the insider's cut
    result = audit_verify()
    assert not result.ok and "audit.event_altered" in _codes(result)
