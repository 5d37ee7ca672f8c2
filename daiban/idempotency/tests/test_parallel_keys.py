"""Parallel clients with one Idempotency-Key against a live, threaded server: one write, one answer for all."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.utils import timezone

from conftest import DEMO_PASSWORD, request_payload, totp_code
from daiban.idempotency import replay
from daiban.idempotency.models import IdempotentRequest
from daiban.intake.models import Request
from daiban.lib import clock
from daiban.org.models import User
from daiban.plans.models import WorkLog

pytestmark = pytest.mark.django_db(transaction=True)
CLIENTS = 8


def call(url: str, body: dict, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def token(base: str, username: str) -> str:
    status, _, body = call(f"{base}/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD,
                                                          "otp": totp_code(username)}, {})
    assert status == 200, body
    return json.loads(body)["token"]


def all_at_once(send, count: int = CLIENTS) -> list[tuple[int, dict, bytes]]:
    start = threading.Barrier(count)

    def one(i: int):
        start.wait()
        return send(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _operation(name: str, base: str) -> tuple[str, dict, dict, Callable[[], int]]:
    """(url, body, headers, count of what it creates) of a creating POST, by name."""
    if name == "public request":
        return (f"{base}/api/v1/public/requests", request_payload(), {},
                lambda: Request.objects.filter(source="online").count())
    bearer = {"Authorization": f"Bearer {token(base, 'aojiang')}"}
    if name == "window registration":
        return f"{base}/api/v1/cases", request_payload(), bearer, Request.objects.count
    case = Request.objects.get(idempotency_key="demo-1").case
    return (f"{base}/api/v1/cases/{case.pk}/worklog", {"day": clock.today().isoformat(), "content": "并发日志"},
            bearer, lambda: WorkLog.objects.filter(content="并发日志").count())


@pytest.mark.parametrize("name", ["window registration", "public request", "work log"])
def test_parallel_posts_with_one_key_write_once_and_all_get_the_first_answer(live_server, demo, name):
    url, body, headers, count = _operation(name, live_server.url)
    before = count()
    key = {"Idempotency-Key": "parallel-" + name.replace(" ", "-")}
    answers = all_at_once(lambda i: call(url, body, {**headers, **key}))
    assert [status for status, _, _ in answers] == [201] * CLIENTS, answers
    assert len({body for _, _, body in answers}) == 1
    assert sum(h.get("Idempotent-Replayed") == "true" for _, h, _ in answers) == CLIENTS - 1
    assert count() == before + 1


def test_parallel_different_requests_with_one_key_create_one_and_refuse_the_rest(live_server, demo):
    headers = {"Authorization": f"Bearer {token(live_server.url, 'aojiang')}", "Idempotency-Key": "parallel-2"}
    before = Request.objects.count()
    answers = all_at_once(lambda i: call(f"{live_server.url}/api/v1/cases",
                                         request_payload(project_name=f"并发项目{i}"), headers))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] + [422] * (CLIENTS - 1), answers
    assert {json.loads(body)["code"] for status, _, body in answers if status == 422} == {"idempotency.conflict"}
    assert Request.objects.count() == before + 1


def test_parallel_registrations_with_their_own_keys_each_register(live_server, demo):
    bearer = {"Authorization": f"Bearer {token(live_server.url, 'aojiang')}"}
    before = Request.objects.count()
    answers = all_at_once(lambda i: call(f"{live_server.url}/api/v1/cases", request_payload(),
                                         {**bearer, "Idempotency-Key": f"own-{i}"}))
    assert [status for status, _, _ in answers] == [201] * CLIENTS, answers
    assert Request.objects.count() == before + CLIENTS


@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="SQLite has one writer: a held key holds every write, bounded by its busy timeout")
def test_a_request_that_waits_too_long_on_its_key_answers_409_in_progress(live_server, demo, monkeypatch):
    monkeypatch.setattr(replay, "WAIT_SECONDS", 1)
    headers = {"Authorization": f"Bearer {token(live_server.url, 'aojiang')}", "Idempotency-Key": "held"}
    agent = User.objects.get(username="aojiang")
    before = Request.objects.count()
    with transaction.atomic():  # another request holds the key and has not finished
        IdempotentRequest.objects.create(caller=f"user:{agent.pk}", key="held", fingerprint="-", path="/api/v1/cases",
                                         created_at=timezone.now())
        status, _, body = call(f"{live_server.url}/api/v1/cases", request_payload(), headers)
        transaction.set_rollback(True)
    assert status == 409 and json.loads(body)["code"] == "idempotency.in_progress"
    assert Request.objects.count() == before
    assert connection.vendor == "postgresql"
