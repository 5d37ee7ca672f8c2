"""Delivery: a real HTTP gateway on 127.0.0.1, Django's mail backends, retries with backoff."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings

from daiban.lib.clock import frozen
from daiban.notify import delivery
from daiban.notify.delivery import MAX_ATTEMPTS, backoff, deliver_pending
from daiban.notify.models import Notification
from daiban.notify.services import notify
from daiban.notify.tests.gateway import Gateway

Channel, Status = Notification.Channel, Notification.Status
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def make_user(username: str, **fields):
    return get_user_model().objects.create_user(username=username, password="correct-horse-9", **fields)


def queue_sms(user, subject="派单：企业投资项目备案", count=1) -> list[Notification]:
    with transaction.atomic():
        return [row for i in range(count)
                for row in notify(recipients=[user], subject=f"{subject}{i or ''}", body="请于三个工作日内办结。",
                                  channels=["sms"])]


def test_the_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [backoff(n) for n in range(1, 10)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


@pytest.mark.django_db
def test_a_message_the_gateway_refuses_once_is_retried_after_a_minute_and_sent_once():
    wang = make_user("dl_wang", mobile="13905770001")
    with Gateway(statuses=[500, 200]) as gateway, \
            override_settings(SMS_GATEWAY_URL=gateway.url, GATEWAY_TOKEN="token-0123456789"):
        with frozen(T0):
            [row] = queue_sms(wang)
            assert deliver_pending() == 0
        row.refresh_from_db()
        assert (row.status, row.attempts, row.next_attempt_at) == (Status.PENDING, 1, minutes(1))
        assert "HTTP 500" in row.last_error and "网关内部错误" in row.last_error

        with frozen(minutes(0.5)):
            assert deliver_pending() == 0  # not due yet
        assert len(gateway.requests) == 1

        with frozen(minutes(1)):
            assert deliver_pending() == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, row.sent_at, row.last_error) == (Status.SENT, 1, minutes(1), "")

        with frozen(minutes(120)):
            assert deliver_pending() == 0
        assert gateway.message_ids() == [f"daiban-notify-{row.pk}"] * 2  # the failed try and the success only
        request = gateway.requests[-1]
        assert request["headers"]["Authorization"] == "Bearer token-0123456789"
        assert request["headers"]["Content-Type"].startswith("application/json")
        assert request["json"] == {"message_id": f"daiban-notify-{row.pk}", "channel": "sms", "to": "13905770001",
                                   "text": "【平阳县代办中心】派单：企业投资项目备案\n请于三个工作日内办结。"}


@pytest.mark.django_db
def test_after_eight_failed_attempts_a_message_is_marked_failed_and_left_alone():
    wang = make_user("dl_fail", mobile="13905770001")
    with Gateway(statuses=[503]) as gateway, override_settings(SMS_GATEWAY_URL=gateway.url):
        with frozen(T0):
            [row] = queue_sms(wang)
        waited = 0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            with frozen(minutes(waited)):
                assert deliver_pending() == 0
            row.refresh_from_db()
            assert row.attempts == attempt
            waited += min(2 ** (attempt - 1), 60)
        assert row.status == Status.FAILED
        with frozen(minutes(waited + 600)):
            deliver_pending()
        assert len(gateway.requests) == MAX_ATTEMPTS


@pytest.mark.django_db
def test_an_unreachable_gateway_or_a_missing_one_is_recorded_as_the_error():
    wang = make_user("dl_down", mobile="13905770001")
    with Gateway() as gateway:
        closed_url = gateway.url  # nothing listens there once the block ends
    with override_settings(SMS_GATEWAY_URL=closed_url):
        [sms] = queue_sms(wang)
        assert deliver_pending() == 0
    with override_settings(SMS_GATEWAY_URL=""):
        [unset] = queue_sms(wang)
        deliver_pending()
    sms.refresh_from_db()
    unset.refresh_from_db()
    assert sms.last_error.startswith("无法连接短信网关") and sms.attempts == 1
    assert unset.last_error == "未配置短信网关"


@pytest.mark.django_db
def test_a_row_claimed_by_one_worker_is_skipped_by_the_next():
    wang = make_user("dl_claim", mobile="13905770001")
    with override_settings(SMS_GATEWAY_URL="http://127.0.0.1:9/send"):
        queue_sms(wang, count=3)
        first = delivery.OUTBOX.claim_due(limit=10)
        second = delivery.OUTBOX.claim_due(limit=10)
    assert len(first) == 3 and second == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_send_each_message_exactly_once():
    wang = make_user("dl_race", mobile="13905770001")
    with Gateway(delay=0.05) as gateway, override_settings(SMS_GATEWAY_URL=gateway.url):
        rows = queue_sms(wang, count=6)
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
            thread.join(30)
    assert sum(counts) == 6
    assert sorted(gateway.message_ids()) == sorted(f"daiban-notify-{r.pk}" for r in rows)
    assert Notification.objects.filter(recipient=wang, status=Status.SENT).count() == 6


@pytest.mark.django_db
def test_email_goes_through_djangos_mail_backend():
    li = make_user("dl_mail", email="li@example.com", mobile="13905770001")
    with override_settings(SMS_GATEWAY_URL="", DEFAULT_FROM_EMAIL="daiban@pingyang.example"):
        with transaction.atomic():
            notify(recipients=[li], subject="受理代办申请", body="您的代办申请已受理。", link="/cases/3/")
        assert deliver_pending() == 1
    [message] = mail.outbox
    row = Notification.objects.get(recipient=li, channel=Channel.EMAIL)
    assert (message.to, message.subject, message.from_email) == (["li@example.com"], "受理代办申请",
                                                                   "daiban@pingyang.example")
    assert "您的代办申请已受理。" in message.body
    assert message.extra_headers["Message-ID"] == f"<daiban-notify-{row.pk}@pingyang.example>"
    assert row.status == Status.SENT
    assert deliver_pending() == 0 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mail_server_that_refuses_the_connection_is_a_failed_attempt():
    li = make_user("dl_smtp", email="li@example.com")
    with Gateway() as gateway:
        port = int(gateway.url.split(":")[2].split("/")[0])  # a port nothing listens on afterwards
    notify(recipients=[li], subject="s", body="b", channels=["email"])
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=port, EMAIL_TIMEOUT=2):
        assert deliver_pending() == 0
    row = Notification.objects.get(recipient=li)
    assert (row.status, row.attempts) == (Status.PENDING, 1) and row.last_error.startswith("邮件发送失败")
