"""The message page at /notify/, the top bar count, and the administrators' failures page."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.lib import clock
from daiban.notify.models import Notification
from daiban.notify.services import notify

pytestmark = pytest.mark.django_db
Channel, Status = Notification.Channel, Notification.Status


@pytest.fixture
def aojiang(person, client):
    user = person("aojiang")
    Notification.objects.filter(recipient=user).delete()  # whatever the demo cases sent him
    assert client.login(username=user.username)
    return user


def test_a_person_sees_their_messages_unread_first_and_the_count_in_the_top_bar(aojiang, person, client):
    old = notify(recipients=[aojiang], subject="旧消息", body="早先的通知")[0]
    Notification.objects.filter(pk=old.pk).update(status=Status.READ, created_at=clock.now() + dt.timedelta(hours=1))
    notify(recipients=[aojiang], subject="派单：企业投资项目备案", body="请于三个工作日内办结。", link="/cases/5/")
    notify(recipients=[aojiang], subject="暂停计时：环评审批", body="专家评审期间暂停计时。")
    notify(recipients=[person("kunyang")], subject="别人的消息", body="不应出现")

    page = client.get("/notify/").content.decode()
    assert page.index("暂停计时：环评审批") < page.index("派单：企业投资项目备案") < page.index("旧消息")
    assert "别人的消息" not in page
    assert 'href="/cases/5/"' in page
    top_bar = '<a href="/notify/">消息<span id="unread-count">(2)</span></a>'
    assert top_bar in page
    assert top_bar in client.get("/").content.decode()  # on every page


def test_marking_a_message_read_with_htmx_answers_the_row_and_the_new_count(aojiang, client):
    first, second = (notify(recipients=[aojiang], subject=s, body="b")[0] for s in ("一", "二"))
    answer = client.post(f"/notify/{first.pk}/read/", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    fragment = answer.content.decode()
    assert f'id="n-{first.pk}"' in fragment and "标为已读" not in fragment
    assert '<span id="unread-count" hx-swap-oob="true">(1)</span>' in fragment
    first.refresh_from_db()
    assert first.status == Status.READ
    # Without htmx the form posts and comes back to the list.
    assert client.post(f"/notify/{second.pk}/read/").status_code == 302
    assert "unread-count\"></span>" in client.get("/notify/").content.decode()


def test_nobody_can_mark_someone_elses_message(aojiang, person, client):
    [theirs] = notify(recipients=[person("kunyang")], subject="s", body="b")
    assert client.post(f"/notify/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SENT


def failed_email(user) -> Notification:
    user.email = "someone@example.com"
    user.save(update_fields=["email"])
    [row] = notify(recipients=[user], subject="受理代办申请", body="b", channels=["email"])
    Notification.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=8,
                                                  last_error="邮件发送失败：Connection refused")
    return row


@pytest.mark.parametrize("username", ["center", "sysadmin"])
def test_the_center_and_the_system_administrator_see_failed_deliveries_and_resend_them(username, person, client):
    Notification.objects.exclude(channel=Channel.IN_APP).delete()  # only this test's deliveries
    row = failed_email(person("kunyang"))
    fresh = notify(recipients=[person("kunyang")], subject="刚生成的", body="b", channels=["email"])[0]
    stuck = notify(recipients=[person("kunyang")], subject="积压的", body="b", channels=["email"])[0]
    Notification.objects.filter(pk=stuck.pk).update(created_at=clock.now() - dt.timedelta(hours=2))
    assert client.login(username=username)

    page = client.get("/notify/failures/").content.decode()
    assert "受理代办申请" in page and "邮件发送失败：Connection refused" in page and "林晓燕" in page
    assert "积压的" in page and "刚生成的" not in page and fresh.status == Status.PENDING
    assert page.count("重新发送</button>") == 2

    answer = client.post(f"/notify/failures/{row.pk}/resend/", follow=True)
    assert "已重新排队发送" in answer.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 0) and row.next_attempt_at <= clock.now()
    event = AuditEvent.objects.filter(event_type="notify.resent").latest("seq")
    assert event.object_id == str(row.pk) and event.old["status"] == "failed"
    assert "受理代办申请" not in client.get("/notify/failures/").content.decode()


def test_a_sent_message_is_not_sent_again(person, client):
    row = failed_email(person("kunyang"))
    Notification.objects.filter(pk=row.pk).update(status=Status.SENT)
    assert client.login(username="center")
    answer = client.post(f"/notify/failures/{row.pk}/resend/", follow=True)
    assert "无需重新发送" in answer.content.decode()
    row.refresh_from_db()
    assert row.status == Status.SENT


@pytest.mark.parametrize("username", ["aojiang", "kyadmin", "auditor"])
def test_the_failures_page_does_not_exist_for_anyone_else(username, person, client):
    row = failed_email(person("kunyang"))
    assert client.login(username=username)
    assert client.get("/notify/failures/").status_code == 404
    assert client.post(f"/notify/failures/{row.pk}/resend/").status_code == 404
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_the_pages_need_a_login(client):
    assert client.get("/notify/").status_code == 302
    assert client.get("/notify/failures/").status_code == 302
