"""A chain appended in bulk verifies, and verification reads plain rows."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from daiban.audit.bulk import audit_append_many
from daiban.audit.models import AuditEvent
from daiban.audit.protection import columns_made_plain, protection_lifted
from daiban.audit.services import audit_record, audit_verify

EVENTS = 5000


def _events(count: int):
    start = timezone.now() - timedelta(minutes=5)
    for i in range(count):
        yield {"event_type": "case.agreement_set", "actor_name": "center", "object_type": "cases.case",
               "object_id": str(i), "object_repr": f"案件 {i}", "old": {"status": "受理"},
               "new": {"status": "委托", "项目": f"项目{i}", "n": i}, "created_at": start + timedelta(milliseconds=i)}


@pytest.mark.django_db
def test_a_chain_appended_in_bulk_verifies_and_continues_with_single_events(capsys):
    assert audit_append_many(_events(EVENTS)) == EVENTS
    audit_record(event_type="case.agreement_set", new={"after": "bulk"})
    started = time.perf_counter()
    result = audit_verify(now=timezone.now())
    elapsed = time.perf_counter() - started
    assert result.ok, result.problems
    assert result.events == AuditEvent.objects.count()
    with capsys.disabled():
        print(f"\naudit_verify: {result.events / elapsed:,.0f} events/s over {result.events} events")


@pytest.mark.django_db
def test_an_event_altered_after_a_bulk_append_is_found():
    audit_append_many(_events(50))
    event = AuditEvent.objects.order_by("seq")[20]
    with protection_lifted():
        columns_made_plain()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET new = %s WHERE id = %s", ['{"status": "改过"}', event.pk])
    result = audit_verify(now=timezone.now())
    assert not result.ok and result.first_bad_seq == event.seq
