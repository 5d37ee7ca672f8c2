"""seed_scale builds a province in bulk: cases over every county, items in every state, their history, and an
audit trail that verifies."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Max, Min

from daiban.audit import checkpoints
from daiban.audit.models import AuditEvent
from daiban.audit.services import audit_verify
from daiban.cases.models import Case, CaseItem
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.closure.models import OwnerEvaluation
from daiban.coordination.models import Issue, Meeting
from daiban.desk.scale import PROVINCE_FILE
from daiban.intake.models import Request
from daiban.org.models import Region
from daiban.plans.models import DurationCount, WorkLog


@pytest.mark.django_db
def test_seed_scale_builds_a_province_with_items_in_every_state_and_a_trail_that_verifies(demo, checkpoint_dir,
                                                                                           capsys):
    before = Case.objects.count(), AuditEvent.objects.count()
    call_command("seed_scale", "--cases", "300", "--audit-events", "20000", "--tag", "T")
    made = Request.objects.filter(tracking_no__startswith="T")
    cases = Case.objects.filter(request__in=made)
    assert made.count() == 300 and Case.objects.count() - before[0] == cases.count() > 240
    items = CaseItem.objects.filter(case__in=cases)
    assert 16 * cases.count() <= items.count() <= 24 * cases.count()
    assert set(items.values_list("status", flat=True)) == set(ItemStatus.values)
    assert {CaseStatus.IN_PROGRESS, CaseStatus.COMPLETED} <= set(cases.values_list("status", flat=True))
    span = cases.aggregate(first=Min("accepted_at"), last=Max("accepted_at"))
    assert span["last"] - span["first"] > dt.timedelta(days=4 * 365)
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == PROVINCE_FILE.read_text().count('"code": "33') - 12
    assert cases.values("unit").distinct().count() > 100  # spread over the province's units, not one county's
    assert WorkLog.objects.filter(case__in=cases).count() >= cases.count()
    assert Issue.objects.filter(case__in=cases).exists() and Meeting.objects.filter(case__in=cases).exists()
    assert OwnerEvaluation.objects.filter(case__in=cases).exists() and DurationCount.objects.exists()
    assert AuditEvent.objects.count() - before[1] >= 20000
    assert len((checkpoint_dir / checkpoints.FILE_NAME).read_text().splitlines()) >= 20
    result = audit_verify()
    assert result.ok, result.problems
    assert "audit chain verifies: True" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_scale_refuses_a_tag_letter_that_credit_codes_never_use(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不含 I、O、S、V、Z"):
        call_command("seed_scale", "--cases", "1", "--tag", "S")


@pytest.mark.django_db
def test_seed_scale_with_no_cases_only_appends_audit_events_to_a_chain_that_still_verifies(demo, checkpoint_dir):
    call_command("seed_scale", "--cases", "20", "--audit-events", "500", "--tag", "T")
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    call_command("seed_scale", "--cases", "0", "--audit-events", "3000", "--tag", "U", "--seed", "7")
    assert Case.objects.count() == cases and AuditEvent.objects.count() == events + 3000
    assert audit_verify().ok
