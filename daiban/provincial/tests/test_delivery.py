"""Delivery to a real HTTP server on 127.0.0.1: retried with backoff after a failure, never sent twice."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import override_settings

from daiban.cases.provincial_reports import provincial_enqueue
from daiban.lib import clock
from daiban.provincial import delivery
from daiban.provincial.delivery import MAX_ATTEMPTS, deliver_pending
from daiban.provincial.models import ProvincialMessage
from daiban.provincial.tests.platform import Platform

T0 = dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
Status = ProvincialMessage.Status


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def queued(build) -> ProvincialMessage:
    """The project-code report of a fresh case, alone in the outbox."""
    case = build.case()
    ProvincialMessage.objects.update(status=Status.SENT)
    with clock.frozen(T0):
        return provincial_enqueue(event="project_code", case=case)


@pytest.mark.django_db
def test_a_report_refused_once_is_retried_after_a_minute_and_delivered_once(build, quiet_outbox):
    with Platform(statuses=[500, 200]) as platform, \
            override_settings(**platform.signing_settings(), PROVINCIAL_URL=platform.url,
                              PROVINCIAL_TOKEN="province-token-0123456789"):
        row = queued(build)
        with clock.frozen(T0):
            assert deliver_pending() == 0
        row.refresh_from_db()
        assert (row.status, row.attempts, row.next_attempt_at) == (Status.PENDING, 1, minutes(1))
        assert "HTTP 500" in row.last_error and "平台内部错误" in row.last_error

        with clock.frozen(minutes(0.5)):
            assert deliver_pending() == 0  # not due yet
        assert len(platform.attempts()) == 1

        with clock.frozen(minutes(1)):
            assert deliver_pending() == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, row.sent_at, row.last_error) == (Status.SENT, 1, minutes(1), "")

        with clock.frozen(minutes(240)):
            assert deliver_pending() == 0
        assert platform.attempts() == [row.message_id] * 2  # the failed try and the success only
        assert platform.accepted() == [row.message_id]  # one success, not duplicated
        request = platform.received[-1]
        assert request["headers"]["Authorization"] == "Bearer province-token-0123456789"
        assert request["headers"]["X-Message-Id"] == row.message_id
        assert request["headers"]["Content-Type"].startswith("application/json")
        assert request["json"] == row.payload and request["json"]["event"] == "project_code"


@pytest.mark.django_db
def test_a_claimed_report_is_not_claimed_again_while_it_is_being_sent(build, quiet_outbox):
    row = queued(build)
    with override_settings(PROVINCIAL_URL="http://127.0.0.1:9/never"), clock.frozen(T0):
        first = delivery.OUTBOX.claim_due(10)
        second = delivery.OUTBOX.claim_due(10)
    assert [m.pk for m in first] == [row.pk] and second == []
    with clock.frozen(T0 + delivery.OUTBOX.lease + dt.timedelta(seconds=1)):  # the first worker died mid-send
        assert [m.pk for m in delivery.OUTBOX.claim_due(10)] == [row.pk]


@pytest.mark.django_db
def test_after_ten_failures_a_report_is_marked_failed_shown_to_administrators_and_replayed(
        build, quiet_outbox, client, person, api_as):
    with Platform(statuses=[503]) as platform, override_settings(**platform.signing_settings(), PROVINCIAL_URL=platform.url):
        row = queued(build)
        waited = 0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            with clock.frozen(minutes(waited)):
                assert deliver_pending() == 0
            row.refresh_from_db()
            assert row.attempts == attempt
            waited += min(2 ** (attempt - 1), 60)
        assert row.status == Status.FAILED
        with clock.frozen(minutes(waited + 600)):
            deliver_pending()
        assert len(platform.attempts()) == MAX_ATTEMPTS

    assert client.login(username="center")
    page = client.get("/provincial/?status=failed").content.decode()
    assert row.message_id in page and "省平台返回 HTTP 503" in page and "重新报送" in page
    assert api_as("sysadmin").get("provincial/messages", {"status": "failed"}).json()["items"][0]["attempts"] == MAX_ATTEMPTS
    answer = client.post(f"/provincial/{row.pk}/replay/", {"status": "failed"})
    assert answer.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    with Platform(statuses=[200]) as platform, override_settings(**platform.signing_settings(), PROVINCIAL_URL=platform.url):
        assert deliver_pending() == 1
        assert platform.accepted() == [row.message_id]  # the same message id as before
    assert api_as("sysadmin").post(f"provincial/messages/{row.pk}/replay").status_code == 409  # already sent

    assert client.login(username="aojiang")
    assert client.get("/provincial/").status_code == 404
    assert api_as("aojiang").get("provincial/messages").status_code == 403


@pytest.mark.django_db
def test_without_a_platform_address_reports_wait_with_their_attempts_untouched(build, quiet_outbox):
    row = queued(build)
    with override_settings(PROVINCIAL_URL=""), clock.frozen(T0):
        assert deliver_pending() == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 0)


@pytest.mark.django_db
def test_an_unreachable_platform_is_recorded_as_the_error(build, quiet_outbox):
    with Platform() as platform:
        closed = platform.url  # nothing listens there once the block ends
    row = queued(build)
    with override_settings(PROVINCIAL_URL=closed), clock.frozen(T0):
        deliver_pending()
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_error.startswith("无法连接省平台")


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_one_report_twice(demo, person):
    from daiban.closure.tests.conftest import Builder

    build = Builder(person)
    cases = [build.case() for _ in range(3)]
    ProvincialMessage.objects.update(status=Status.SENT)
    rows = [provincial_enqueue(event="project_code", case=case) for case in cases]
    with Platform(statuses=[200], delay=0.2) as platform, \
            override_settings(**platform.signing_settings(), PROVINCIAL_URL=platform.url):
        counts: list[int] = []

        def worker():
            try:
                counts.append(deliver_pending())
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(platform.attempts()) == sorted(r.message_id for r in rows)  # each once
    assert sum(counts) == 3
    assert set(ProvincialMessage.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)) == {
        Status.SENT}
