"""seed_scale builds many cases in bulk and an audit trail that verifies."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from daiban.audit.services import audit_verify
from daiban.cases.models import Case, CaseItem
from daiban.intake.models import Request


@pytest.mark.django_db
def test_seed_scale_adds_cases_with_items_and_a_verifying_trail(demo, capsys):
    before = Case.objects.count(), Request.objects.count()
    call_command("seed_scale", "--cases", "40", "--events-per-case", "3", "--tag", "T")
    made = Request.objects.filter(tracking_no__startswith="T")
    assert made.count() == 40 and Request.objects.count() == before[1] + 40
    assert Case.objects.count() - before[0] == Case.objects.filter(request__in=made).count() > 20
    assert CaseItem.objects.filter(case__request__in=made).count() >= 4 * Case.objects.filter(request__in=made).count()
    assert audit_verify().ok
    assert "audit chain verifies: True" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_scale_refuses_a_tag_letter_that_credit_codes_never_use(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不含 I、O、S、V、Z"):
        call_command("seed_scale", "--cases", "1", "--tag", "S")
