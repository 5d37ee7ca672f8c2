"""Retention: a purge never deletes an event younger than the retention period, and the chain still verifies."""
from __future__ import annotations

import tempfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from daiban.audit.chain import body_of, compute_mac, event_content, seal
from daiban.audit.models import AuditAnchor, AuditEvent, AuditHead
from daiban.audit.protection import columns_made_plain, protection_lifted
from daiban.audit.retention import RETENTION_FLOOR_DAYS, deletion_allowed, purge_cutoff
from daiban.audit.services import PurgeRefused, audit_checkpoint, audit_purge, audit_verify


def chain_written_at(times) -> None:
    """A trail whose events were written at the given times, linked and sealed with the chain's own
    MAC functions, as events kept since those days would be. Starts from an empty trail."""
    with protection_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    AuditAnchor.objects.all().delete()
    previous = ""
    for seq, at in enumerate(times, start=1):
        fields = dict(seq=seq, event_type="auth.login", actor_id=None, actor_name="center", object_type="",
                      object_id="", object_repr="", old=None, new={"n": seq}, created_at=at, ip=None,
                      request_id="", outcome="success")
        previous = compute_mac(settings.AUDIT_KEY, event_content(**fields), previous)
        AuditEvent.objects.create(mac=previous, body=body_of(event_content(**fields)))
    AuditHead.objects.update_or_create(id=1, defaults={
        "seq": len(times), "mac": previous, "seal": seal(settings.AUDIT_KEY, "head", len(times), previous)})


# Ages in minutes, up to three years, in the order the events were written: mostly oldest first, but
# the property must hold for any order (a clock set back, two servers' clocks apart).
ages = st.lists(st.integers(min_value=0, max_value=3 * 366 * 24 * 60), min_size=1, max_size=12)


@given(ages=ages, oldest_first=st.booleans(), extra_days=st.integers(min_value=0, max_value=400))
@hypothesis_settings(max_examples=60, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_a_purge_never_deletes_an_event_younger_than_the_retention_period(demo, ages, oldest_first, extra_days):
    now = timezone.now()
    ordered = sorted(ages, reverse=True) if oldest_first else ages
    times = [now - timedelta(minutes=age) for age in ordered]
    with (tempfile.TemporaryDirectory() as checkpoints,
          override_settings(AUDIT_RETENTION_DAYS=RETENTION_FLOOR_DAYS + extra_days, AUDIT_CHECKPOINT_DIR=checkpoints),
          transaction.atomic()):
        chain_written_at(times)
        audit_checkpoint(now=now)
        result = audit_purge(now=now)
        cutoff = purge_cutoff(now, RETENTION_FLOOR_DAYS + extra_days)
        kept = set(AuditEvent.objects.filter(seq__lte=len(times)).values_list("seq", flat=True))
        young = {seq for seq, at in enumerate(times, start=1) if at >= cutoff}
        assert young <= kept
        assert all(times[seq - 1] < cutoff for seq in set(range(1, len(times) + 1)) - kept)
        assert result.deleted == len(times) - len(kept)
        assert audit_verify(now=now).ok
        transaction.set_rollback(True)


def test_a_purge_keeps_everything_after_the_first_young_event(demo):
    now = timezone.now()
    old = now - timedelta(days=400)
    # The third event carries a young time (a clock set wrong); what comes after it stays too.
    chain_written_at([old, old, now - timedelta(days=10), old, now])
    audit_checkpoint(now=now)
    assert audit_purge(now=now).deleted == 2
    assert list(AuditEvent.objects.filter(seq__lte=5).values_list("seq", flat=True)) == [3, 4, 5]
    assert AuditAnchor.objects.get().seq == 2
    assert audit_verify(now=now).ok


def test_retention_is_never_shorter_than_six_months():
    now = timezone.now()
    assert purge_cutoff(now, 30) == now - timedelta(days=184)
    assert purge_cutoff(now, 400) == now - timedelta(days=400)


def test_a_chain_that_does_not_verify_is_never_purged(demo, person):
    now = timezone.now()
    chain_written_at([now - timedelta(days=500), now - timedelta(days=300), now])
    audit_checkpoint(now=now)
    with protection_lifted(), connection.cursor() as cursor:
        columns_made_plain()
        cursor.execute("UPDATE audit_auditevent SET actor_name = 'eve' WHERE seq = 3")
    with pytest.raises(PurgeRefused):
        audit_purge(now=now)
    assert AuditEvent.objects.filter(seq__lte=3).count() == 3


def test_moving_the_anchor_after_a_purge_is_detected(demo):
    now = timezone.now()
    chain_written_at([now - timedelta(days=500), now - timedelta(days=300), now])
    audit_checkpoint(now=now)
    audit_purge(now=now)
    AuditAnchor.objects.update(seq=1)
    assert "audit.anchor_invalid" in {p.code for p in audit_verify(now=now).problems}


def test_the_purge_command_reports_what_it_deleted_and_writes_an_anchor_checkpoint(
        demo, capsys, checkpoint_dir, django_capture_on_commit_callbacks):
    now = timezone.now()
    chain_written_at([now - timedelta(days=700), now - timedelta(days=200), now - timedelta(days=1)])
    audit_checkpoint()
    with django_capture_on_commit_callbacks(execute=True):  # the anchor's checkpoint follows the commit
        call_command("audit_purge")
    assert "已清理 2 条审计事件" in capsys.readouterr().out
    assert AuditEvent.objects.filter(event_type="audit.purged").exists()
    assert '"kind": "anchor"' in (checkpoint_dir / "audit-checkpoints.jsonl").read_text()
    assert audit_verify().ok


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the retention floor in the trigger is PostgreSQL's")
def test_even_the_owner_cannot_delete_a_young_event_inside_a_purge(demo):
    now = timezone.now()
    chain_written_at([now - timedelta(days=RETENTION_FLOOR_DAYS + 1), now - timedelta(days=RETENTION_FLOOR_DAYS - 1)])
    with transaction.atomic(), deletion_allowed():
        assert AuditEvent.objects.filter(seq=1).delete()[0] == 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), deletion_allowed():
        AuditEvent.objects.filter(seq=2).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq__gte=1).delete()
