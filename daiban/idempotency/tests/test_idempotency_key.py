"""Idempotency-Key on every POST: a repeat answers as the first did, and nothing is created twice."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from conftest import request_payload
from daiban.api import api
from daiban.audit.models import AuditEvent
from daiban.idempotency.models import IdempotentRequest
from daiban.idempotency.replay import purge_expired
from daiban.intake.models import Consultation, Request
from daiban.lib import clock
from daiban.plans.models import WorkLog

pytestmark = pytest.mark.django_db
KEY = {"Idempotency-Key": "3f1d2c5e-8a4b-4e0f-9c7d-6b5a4e3d2c1b"}


def test_a_repeated_registration_answers_the_first_result_and_registers_once(api_as):
    agent = api_as("aojiang")
    before = (Request.objects.count(), AuditEvent.objects.filter(event_type="intake.request_submitted").count())
    first = agent.post("cases", request_payload(), headers=KEY)
    again = agent.post("cases", request_payload(), headers=KEY)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    after = (Request.objects.count(), AuditEvent.objects.filter(event_type="intake.request_submitted").count())
    assert after == (before[0] + 1, before[1] + 1)


def test_the_same_json_in_another_key_order_or_spacing_is_the_same_request(api_as):
    agent = api_as("aojiang")
    payload = request_payload()
    first = agent.post("cases", payload, headers=KEY)
    text = json.dumps(dict(reversed(payload.items())), ensure_ascii=False, indent=2)
    reordered = agent.client.post("/api/v1/cases", text, content_type="application/json",
                                  headers={**agent.headers, **KEY})
    assert reordered.status_code == 201 and reordered.json() == first.json()


def test_every_creating_post_of_the_api_is_covered(api_as):
    agent = api_as("aojiang")
    case = Request.objects.get(idempotency_key="demo-1").case
    for _ in range(2):
        worklog = agent.post(f"cases/{case.pk}/worklog", {"day": clock.today().isoformat(),
                                                          "content": "与业主沟通环评事项"}, headers=KEY)
        consultation = agent.post("consultations", {"asker_name": "陈晓东", "question": "环评要多久？",
                                                    "answer": "报告表审批 10 个工作日"}, headers={"Idempotency-Key": "c-1"})
        assert worklog.status_code == consultation.status_code == 201, (worklog.content, consultation.content)
    assert WorkLog.objects.filter(case=case, content="与业主沟通环评事项").count() == 1
    assert Consultation.objects.filter(question="环评要多久？").count() == 1


def test_the_same_key_for_another_request_is_refused_with_idempotency_conflict(api_as):
    agent = api_as("aojiang")
    assert agent.post("cases", request_payload(), headers=KEY).status_code == 201
    for other in (agent.post("cases", request_payload(project_name="另一个项目"), headers=KEY),
                  agent.post("consultations", {"asker_name": "陈晓东", "question": "？", "answer": "！"}, headers=KEY)):
        assert other.status_code == 422
        assert other.json()["code"] == "idempotency.conflict" and "Idempotency-Key" in other.json()["detail"]
    assert Request.objects.filter(project_name="另一个项目").count() == 0


def test_a_key_is_its_callers_own(api_as):
    mine = api_as("aojiang").post("cases", request_payload(), headers=KEY)
    theirs = api_as("ajadmin").post("cases", request_payload(), headers=KEY)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["request_id"] != theirs.json()["request_id"] and "Idempotent-Replayed" not in theirs


def test_a_refused_request_is_not_kept_so_the_corrected_one_goes_through(api_as):
    agent = api_as("aojiang")
    wrong = agent.post("cases", request_payload(credit_code="91330326MA2H8K7Q30"), headers=KEY)
    assert wrong.status_code == 422 and wrong.json()["code"] == "validation.invalid"
    assert not IdempotentRequest.objects.exists()
    corrected = agent.post("cases", request_payload(), headers=KEY)
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected
    assert agent.post("cases", request_payload(), headers=KEY)["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["", "k" * 256, "键-1", "two words"])
def test_a_key_that_is_not_1_to_255_visible_ascii_characters_is_refused(api_as, key):
    before = Request.objects.count()
    answer = api_as("aojiang").post("cases", request_payload(), headers={"Idempotency-Key": key})
    assert answer.status_code == 422 and answer.json()["fields"][0]["field"] == "Idempotency-Key"
    assert Request.objects.count() == before


def test_the_token_endpoint_keeps_no_answer_so_a_token_is_never_stored(client, demo):
    from conftest import DEMO_PASSWORD, totp_code

    tokens = {client.post("/api/v1/auth/token", {"username": "aojiang", "password": DEMO_PASSWORD,
                                                 "otp": totp_code("aojiang")},
                          content_type="application/json", headers=KEY).json()["token"] for _ in range(2)}
    assert len(tokens) == 2 and not IdempotentRequest.objects.exists()


def test_a_kept_answer_expires_after_a_day_and_the_key_can_be_used_again(api_as):
    agent = api_as("aojiang")
    first = agent.post("cases", request_payload(), headers=KEY)
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    later = agent.post("cases", request_payload(), headers=KEY)
    assert later.status_code == 201 and later.json()["request_id"] != first.json()["request_id"]
    assert IdempotentRequest.objects.count() == 1


def test_the_daily_purge_forgets_only_answers_older_than_a_day(api_as):
    agent = api_as("aojiang")
    agent.post("cases", request_payload(), headers=KEY)
    agent.post("cases", request_payload(), headers={"Idempotency-Key": "fresh"})
    IdempotentRequest.objects.filter(key=KEY["Idempotency-Key"]).update(
        created_at=timezone.now() - dt.timedelta(hours=24, seconds=1))
    assert purge_expired() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh"]


# The POSTs marked without_idempotency_key: their answer hands out a secret (a token, every contact in full), so it
# is never stored to be replayed.
HANDS_OUT_SECRETS = {"/api/v1/auth/token", "/api/v1/imports/ledger/export"}


def test_the_openapi_schema_offers_the_key_on_every_post_but_the_token():
    schema = api.get_openapi_schema()
    posts = {path: op for path, methods in schema["paths"].items() for method, op in methods.items()
             if method == "post"}
    assert len(posts) > 50
    for path, op in posts.items():
        offered = any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in op["parameters"])
        assert offered == (path not in HANDS_OUT_SECRETS), path
        if offered:
            assert {"409", "422"} <= {str(s) for s in op["responses"]}, path
