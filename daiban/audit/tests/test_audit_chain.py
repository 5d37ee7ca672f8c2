"""The audit chain detects every kind of tampering and never forks."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from daiban.audit.models import AuditEvent, AuditHead
from daiban.audit.protection import columns_made_plain, protection_lifted
from daiban.audit.services import audit_record, audit_verify


def _events(n: int, person) -> list[AuditEvent]:
    actor = person("center")
    return [audit_record(event_type="org.role_granted", actor=actor, obj=actor, new={"role": f"角色{i}"})
            for i in range(n)]


def _sql(statement: str, params=()) -> None:
    with protection_lifted(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _edit(statement: str, params=()) -> None:
    """An edit of the columns by someone who owns the table: its columns made plain first."""
    with protection_lifted():
        columns_made_plain()
    _sql(statement, params)


def test_a_fresh_chain_verifies(person):
    _events(3, person)
    result = audit_verify()
    assert result.ok and result.events == AuditEvent.objects.count()


def test_editing_an_event_is_detected(person):
    events = _events(3, person)
    _edit("UPDATE audit_auditevent SET new = %s WHERE seq = %s", ['{"role": "篡改"}', events[1].seq])
    answer = audit_verify().as_dict()
    assert (answer["ok"], answer["events"], answer["first_bad_seq"]) == (False, AuditEvent.objects.count(), events[1].seq)
    assert [p["code"] for p in answer["problems"]] == ["audit.table_altered", "audit.event_altered"]


def test_editing_a_body_is_detected(person):
    events = _events(3, person)
    body = events[1].body.replace("角色1", "篡改")
    _sql("UPDATE audit_auditevent SET body = %s WHERE seq = %s", [body, events[1].seq])
    answer = audit_verify().as_dict()
    assert (answer["ok"], answer["first_bad_seq"]) == (False, events[1].seq)
    assert [p["code"] for p in answer["problems"]] == ["audit.event_altered"]
    assert AuditEvent.objects.get(seq=events[1].seq).new == {"role": "篡改"}  # the columns follow the body


def test_the_database_refuses_a_column_that_differs_from_the_body(person):
    from django.db import DatabaseError

    event = _events(1, person)[0]
    edits = [(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, event.seq]) for column, value in
             (("actor_name", "eve"), ("new", '{"role": "篡改"}'), ("seq", 1), ("created_at", "2020-01-01"))]
    # nor a body the columns cannot be read from
    edits.append(("UPDATE audit_auditevent SET body = 'not json' WHERE seq = %s", [event.seq]))
    with protection_lifted(), connection.cursor() as cursor:  # not the append-only trigger: the columns themselves
        for statement, params in edits:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(statement, params)
    assert audit_verify().ok


def test_a_table_whose_columns_are_no_longer_computed_is_reported_even_unedited(person):
    _events(2, person)
    with protection_lifted():
        columns_made_plain()
    result = audit_verify()
    assert not result.ok and [p.code for p in result.problems] == ["audit.table_altered"]


def test_deleting_an_event_is_detected(person):
    events = _events(3, person)
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == events[1].seq


def test_deleting_the_last_event_is_detected(person):
    events = _events(2, person)
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == events[-1].seq


def test_inserting_an_event_is_detected(person):
    events = _events(3, person)
    last = events[-1]
    # An attacker shifts the later events up to make room and writes a forged event in the gap.
    _edit("UPDATE audit_auditevent SET seq = seq + 1000000 WHERE seq >= %s", [events[1].seq])
    _sql("UPDATE audit_auditevent SET seq = seq - 1000000 + 1 WHERE seq >= 1000000")
    _sql("INSERT INTO audit_auditevent (seq, event_type, actor_name, object_type, object_id, object_repr, created_at, "
         "request_id, outcome, mac, body) VALUES (%s, 'auth.login', 'eve', '', '', '', %s, '', 'success', %s, '{}')",
         [events[1].seq, last.created_at, "0" * 64])
    _sql("UPDATE audit_audithead SET seq = seq + 1")
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == events[1].seq


def test_reordering_events_is_detected(person):
    events = _events(3, person)
    a, b = events[0].seq, events[1].seq
    _edit("UPDATE audit_auditevent SET seq = 999999999 WHERE seq = %s", [a])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a, b])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE seq = 999999999", [b])
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == a


def test_a_chain_made_with_another_key_does_not_verify(person):
    _events(1, person)
    assert not audit_verify(key="another-key-entirely").ok


def test_an_unknown_event_type_is_refused(person):
    with pytest.raises(ValueError):
        audit_record(event_type="made.up", actor=person("center"))


def test_the_audit_write_rolls_back_with_the_change_it_records(person):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(event_type="org.role_granted", actor=person("center"))
        raise ValueError("the change fails after its event was written")
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger is PostgreSQL's")
def test_the_application_cannot_update_or_delete_audit_rows_on_postgresql(person):
    from django.db import DatabaseError

    event = _events(1, person)[0]
    for statement in ("UPDATE audit_auditevent SET actor_name = 'x' WHERE seq = %s",
                      "DELETE FROM audit_auditevent WHERE seq = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.seq])
    assert AuditEvent.objects.filter(seq=event.seq, actor_name="center").exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_never_fork_the_chain(demo):
    from daiban.org.models import User

    actor = User.objects.get(username="center")
    errors: list[Exception] = []

    def write(count: int) -> None:
        try:
            for i in range(count):
                with transaction.atomic():
                    audit_record(event_type="auth.login", actor=actor, new={"i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditHead.objects.get().seq == len(seqs)
    assert audit_verify().ok
