"""The papers of the demo cases agree with each other and with the case (issue 9 §4)."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.cases.models import Case, CaseDocument
from daiban.closure.deadlines import case_workdays_used
from daiban.documents.layout import read_text
from daiban.provincial.models import ProvincialMessage

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def test_the_completion_form_counts_working_days_from_entrustment_to_completion_as_the_province_is_told():
    case = Case.objects.get(request__idempotency_key="demo-5")
    expected = case_workdays_used(D("2026-07-03"), D("2026-08-27"))
    assert expected == 39  # July 3 (Fri) excluded to August 27 (Thu) included, no holiday between
    assert case.closure.workdays_used == expected
    form = read_text(case.documents.filter(kind=CaseDocument.Kind.COMPLETION).first().content)
    assert f"用时（工作日）\n{expected}" in form
    message = ProvincialMessage.objects.get(case=case, event=ProvincialMessage.Event.COMPLETION)
    assert message.payload["closure"]["workdays_used"] == expected


def test_a_case_closed_on_its_entrustment_day_has_used_one_working_day_not_none():
    assert case_workdays_used(D("2026-09-01"), D("2026-09-01")) == 1
    assert case_workdays_used(D("2026-09-01"), D("2026-09-02")) == 1
    assert case_workdays_used(D("2026-09-30"), D("2026-10-08")) == 1  # 国庆 10.1–10.7: only 10.8 counts
