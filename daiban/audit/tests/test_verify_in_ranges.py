"""Verification in ranges cut at the signed checkpoints: each range found wrong where it is wrong, and the
parallel walk answers what the single walk answers."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from daiban.audit.bulk import audit_append_many
from daiban.audit.models import AuditEvent, AuditHead
from daiban.audit.protection import columns_made_plain, protection_lifted
from daiban.audit.services import _spans, audit_verify

EVENTS, EVERY = 3000, 125


def _chain(events: int = EVENTS) -> None:
    start = timezone.now() - timedelta(minutes=30)
    audit_append_many(({"event_type": "case.agreement_set", "actor_name": "center", "actor_id": 7,
                        "object_type": "cases.case", "object_id": str(i), "object_repr": f"案件 {i}「引号\\反斜杠」",
                        "old": None if i % 3 else {"状态": "受理"}, "new": {"n": i, "项目": f"项目\t{i}"},
                        "ip": "10.0.0.1" if i % 2 else "2001:db8::1", "created_at": start + timedelta(milliseconds=i)}
                       for i in range(events)), checkpoint_every=EVERY)


def _sql(statement: str, params=()) -> None:
    with protection_lifted(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _edit(statement: str, params=()) -> None:
    """An edit of the columns by someone who owns the table: its columns made plain first."""
    with protection_lifted():
        columns_made_plain()
    _sql(statement, params)


def _ranges():
    return _spans(settings.AUDIT_KEY, 0, "", AuditHead.objects.get().seq, 8)


def _middle_of_range(k: int) -> int:
    span = _ranges()[k]
    return (span.after_seq + span.through_seq) // 2


@pytest.mark.django_db
def test_the_chain_is_cut_into_ranges_at_signed_checkpoints(checkpoint_dir):
    _chain()
    before = AuditHead.objects.get().seq - EVENTS  # the events the test's setup wrote
    spans = _ranges()
    assert len(spans) >= 6 and spans[-1].through_seq is None
    assert all((span.through_seq - before) % EVERY == 0 for span in spans[:-1])
    assert all(a.through_seq == b.after_seq and a.through_mac == b.after_mac for a, b in zip(spans[:-1], spans[1:], strict=True))
    marks = dict(AuditEvent.objects.filter(seq__in=[s.through_seq for s in spans[:-1]]).values_list("seq", "mac"))
    assert all(marks[span.through_seq] == span.through_mac for span in spans[:-1])
    result = audit_verify(processes=2)
    assert result.ok and result.events == EVENTS + before, result.problems


@pytest.mark.django_db
def test_an_event_edited_in_the_middle_of_the_third_range_is_found_there(checkpoint_dir):
    _chain()
    seq = _middle_of_range(2)
    _edit("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["改过的案件", seq])
    result = audit_verify(processes=2)
    assert not result.ok and result.first_bad_seq == seq
    assert [p.code for p in result.problems] == ["audit.table_altered", "audit.event_altered"]


@pytest.mark.django_db
def test_a_body_rewritten_to_match_edited_columns_still_breaks_the_mac(checkpoint_dir):
    _chain()
    seq = _middle_of_range(5)
    event = AuditEvent.objects.get(seq=seq)
    body = event.body.replace(f'"n":{event.new["n"]},', '"n":0,')
    assert body != event.body
    new = json.dumps({**event.new, "n": 0}, ensure_ascii=False)
    _edit("UPDATE audit_auditevent SET new = %s, body = %s WHERE seq = %s", [new, body, seq])
    assert audit_verify(processes=2).first_bad_seq == seq


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_reported_not_raised(checkpoint_dir):
    _chain()
    seq = _middle_of_range(4)
    _edit("UPDATE audit_auditevent SET body = 'not json' WHERE seq = %s", [seq])
    assert audit_verify(processes=2).first_bad_seq == seq


@pytest.mark.django_db
def test_events_deleted_at_a_range_boundary_are_found_at_the_first_missing_one(checkpoint_dir):
    _chain()
    boundary = _ranges()[3].through_seq
    _sql("DELETE FROM audit_auditevent WHERE seq BETWEEN %s AND %s", [boundary - 2, boundary + 2])
    result = audit_verify(processes=2)
    assert not result.ok and result.first_bad_seq == boundary - 2


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="ranges go to other processes on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attack", ["none", "edit", "delete", "cut"])
def test_parallel_processes_answer_what_one_walk_answers(checkpoint_dir, attack):
    _chain()
    seq = _middle_of_range(4)
    if attack == "edit":
        # the body (the columns follow it): a schema change would outlive this test's flush
        _sql("""UPDATE audit_auditevent SET body = replace(body, '"actor_name":"center"', '"actor_name":"eve"') """
             "WHERE seq = %s", [seq])
        assert AuditEvent.objects.get(seq=seq).actor_name == "eve"
    elif attack == "delete":
        _sql("DELETE FROM audit_auditevent WHERE seq = %s", [seq])
    elif attack == "cut":
        _sql("DELETE FROM audit_auditevent WHERE seq > %s", [seq])
    seen: list[tuple[int, int]] = []
    parallel = audit_verify(processes=2, progress=lambda done, total: seen.append((done, total)))
    serial = audit_verify(processes=1)
    assert parallel.as_dict() == serial.as_dict()
    assert parallel.ok is (attack == "none")
    if attack != "none":
        assert parallel.first_bad_seq == (seq + 1 if attack == "cut" else seq)
    head = AuditHead.objects.get().seq
    assert seen and seen[-1][1] == head
    if attack == "none":
        assert seen[-1][0] == head == parallel.events
