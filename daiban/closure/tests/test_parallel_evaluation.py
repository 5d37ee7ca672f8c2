"""An owner's evaluation sent several times at once (a double click, a retried request): one evaluation, one
event, the others told it was given already, never a 500."""
from __future__ import annotations

import pytest
from django.test import Client

from conftest import DEMO_PASSWORD, in_parallel, totp_code
from daiban.audit.models import AuditEvent
from daiban.closure.models import OwnerEvaluation

PARALLEL = 6


@pytest.mark.django_db(transaction=True)
def test_parallel_submits_of_one_evaluation_leave_one_and_refuse_the_rest(build):
    case = build.completed(on="2026-09-30")
    owner = build.owner(case).username
    token = Client().post("/api/v1/auth/token", {"username": owner, "password": DEMO_PASSWORD, "otp": totp_code(owner)},
                          content_type="application/json")
    assert token.status_code == 200, token.content
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    body = {"grade": "very_satisfied", "attitude": 5, "efficiency": 5, "quality": 5, "fee_asked": False}

    answers = in_parallel([lambda: Client().post(f"/api/v1/cases/{case.pk}/evaluation", body,
                                                 content_type="application/json", headers=headers)] * PARALLEL)
    statuses = sorted(getattr(answer, "status_code", answer) for answer in answers)
    assert statuses == [201] + [409] * (PARALLEL - 1), answers
    refused = [answer.json() for answer in answers if answer.status_code == 409]
    assert {answer["code"] for answer in refused} == {"evaluation.already_submitted"}
    evaluation = OwnerEvaluation.objects.get(case=case)
    assert (evaluation.unit_id, evaluation.agent_id) == (case.unit_id, build.agent.pk)  # who served, kept once
    assert AuditEvent.objects.filter(event_type="closure.owner_evaluated", object_id=str(case.pk)).count() == 1
