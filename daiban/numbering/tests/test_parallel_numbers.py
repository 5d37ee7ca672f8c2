"""Tracking numbers and form serials under concurrency: distinct, per day, never a 500."""
from __future__ import annotations

import pytest
from django.db import OperationalError, transaction
from django.test import Client

from conftest import DEMO_PASSWORD, in_parallel, request_payload, totp_code
from daiban.intake.models import Request
from daiban.lib import clock
from daiban.lib.dbretry import retry_on_serialization_failure
from daiban.numbering.counters import next_number

PARALLEL = 20


def _token(username: str) -> str:
    answer = Client().post("/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD,
                                                  "otp": totp_code(username)}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_registrations_all_succeed_with_distinct_numbers_of_the_day(demo):
    bearer = {"Authorization": f"Bearer {_token('aojiang')}"}
    before = Request.objects.count()

    def register(i: int):
        return lambda: Client().post("/api/v1/cases", request_payload(project_name=f"并发登记{i}"),
                                     content_type="application/json", headers=bearer)

    answers = in_parallel([register(i) for i in range(PARALLEL)])
    assert [getattr(a, "status_code", a) for a in answers] == [201] * PARALLEL
    numbers = [a.json()["tracking_no"] for a in answers]
    assert len(set(numbers)) == PARALLEL
    assert all(n.startswith(f"DB{clock.today():%Y%m%d}") for n in numbers)
    assert Request.objects.count() == before + PARALLEL


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_counts_under_one_name_hand_out_one_to_twenty(demo):
    def take():
        with transaction.atomic():
            return next_number("test:parallel")

    assert sorted(in_parallel([take] * PARALLEL)) == list(range(1, PARALLEL + 1))


@pytest.mark.django_db
def test_a_names_first_number_continues_after_those_handed_out_before_the_counter():
    assert next_number("test:existing", start=lambda: 7) == 7
    assert next_number("test:existing", start=lambda: 1) == 8


@pytest.mark.django_db
def test_a_rolled_back_number_is_handed_out_again():
    with transaction.atomic():
        assert next_number("test:rollback") == 1
        transaction.set_rollback(True)
    assert next_number("test:rollback") == 1


class _Deadlock(Exception):
    sqlstate = "40P01"


def test_a_write_that_lost_a_race_in_the_database_runs_again():
    calls = []

    def view(request):
        calls.append(request)
        if len(calls) < 3:
            raise OperationalError("deadlock detected") from _Deadlock()
        return "ok"

    assert retry_on_serialization_failure(view)("request") == "ok"
    assert len(calls) == 3


def test_other_database_errors_are_not_retried():
    calls = []

    def view(request):
        calls.append(request)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        retry_on_serialization_failure(view)("request")
    assert len(calls) == 1
