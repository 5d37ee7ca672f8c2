"""Queuing: rows are written in the caller's transaction, on the right channels, never twice for one cause."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.test import override_settings

from daiban.lib.errors import NotFound
from daiban.notify.models import Notification
from daiban.notify.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db
Channel, Status = Notification.Channel, Notification.Status


def make_user(username: str, **fields):
    return get_user_model().objects.create_user(username=username, password="correct-horse-9", **fields)


def channels_of(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("channel", flat=True))


def test_a_notification_is_queued_only_when_the_callers_transaction_commits():
    wang = make_user("nt_wang")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[wang], subject="派单：企业投资项目备案", body="请于三个工作日内办结。")
        assert Notification.objects.filter(recipient=wang).exists()  # visible inside the transaction …
        raise RuntimeError("the caller's change fails")
    assert not Notification.objects.filter(recipient=wang).exists()  # … and gone with it

    with transaction.atomic():
        notify(recipients=[wang], subject="派单：企业投资项目备案", body="请于三个工作日内办结。", link="/cases/7/",
               case=7)
    row = Notification.objects.get(recipient=wang)
    assert (row.subject, row.link, row.case_id) == ("派单：企业投资项目备案", "/cases/7/", 7)


def test_in_app_is_always_used_and_email_and_sms_only_when_the_person_can_receive_them():
    nobody = make_user("nt_plain")
    mailer = make_user("nt_mail", email="li@example.com")
    phone = make_user("nt_phone", mobile="13905770001")
    with override_settings(SMS_GATEWAY_URL=""):
        notify(recipients=[nobody, mailer, phone], subject="s", body="b")
    assert channels_of(nobody) == {Channel.IN_APP}
    assert channels_of(mailer) == {Channel.IN_APP, Channel.EMAIL}
    assert channels_of(phone) == {Channel.IN_APP}  # no SMS gateway configured
    with override_settings(SMS_GATEWAY_URL="http://127.0.0.1:9/send"):
        notify(recipients=[phone], subject="s2", body="b")
    assert Notification.objects.filter(recipient=phone, channel=Channel.SMS, subject="s2").exists()


def test_in_app_messages_need_no_delivery_and_the_others_wait_for_the_worker():
    li = make_user("nt_li", email="li@example.com")
    notify(recipients=[li], subject="s", body="b")
    assert Notification.objects.get(recipient=li, channel=Channel.IN_APP).status == Status.SENT
    assert Notification.objects.get(recipient=li, channel=Channel.EMAIL).status == Status.PENDING


def test_explicit_channels_skip_people_without_an_address_for_them():
    phone, plain = make_user("nt_p1", mobile="13905770002"), make_user("nt_p2")
    notify(recipients=[phone, plain], subject="s", body="b", channels=["sms"])
    assert channels_of(phone) == {Channel.SMS}
    assert channels_of(plain) == set()


def test_the_same_cause_is_never_queued_twice():
    wang, li = make_user("nt_d1", email="w@example.com"), make_user("nt_d2")
    first = notify(recipients=[wang, li, wang], subject="派单", body="b", dedupe_key="outbox-test-1")
    assert len(first) == 3  # wang twice in the list counts once: in-app and email, plus li's in-app
    again = notify(recipients=[wang, li], subject="派单", body="b", dedupe_key="outbox-test-1")
    assert again == []
    assert Notification.objects.filter(dedupe_key__startswith="outbox-test-1:").count() == 3
    assert Notification.objects.filter(dedupe_key=f"outbox-test-1:{wang.pk}:email").exists()
    # Another cause, or no key at all, is queued as usual.
    assert len(notify(recipients=[li], subject="派单", body="b", dedupe_key="outbox-test-2")) == 1
    assert len(notify(recipients=[li], subject="提醒", body="b")) == 1


def test_losing_a_race_for_the_same_cause_does_not_break_the_callers_transaction(monkeypatch):
    li = make_user("nt_d3")
    notify(recipients=[li], subject="派单", body="b", dedupe_key="outbox-test-3")
    # Another process queues the same key between our check and our insert: the check sees nothing.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with transaction.atomic():
        assert notify(recipients=[li], subject="派单", body="b", dedupe_key="outbox-test-3") == []
        make_user("nt_d4")  # the caller's transaction is still usable
    assert Notification.objects.filter(recipient=li).count() == 1


def test_inactive_people_are_not_notified():
    gone = make_user("nt_gone", is_active=False)
    assert notify(recipients=[gone, None], subject="s", body="b") == []


def test_only_the_recipient_marks_an_in_app_message_read():
    wang, li = make_user("nt_r1"), make_user("nt_r2")
    [message] = notify(recipients=[wang], subject="s", body="b")
    with pytest.raises(NotFound):
        notification_mark_read(actor=li, notification=message)
    notification_mark_read(actor=wang, notification=message)
    message.refresh_from_db()
    assert message.status == Status.READ and message.read_at is not None
    notification_mark_read(actor=wang, notification=message)  # reading twice changes nothing
    assert Notification.objects.get(pk=message.pk).read_at == message.read_at
