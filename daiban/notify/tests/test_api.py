"""GET /api/v1/notifications: the caller's own in-app messages, newest first, with absolute links."""
from __future__ import annotations

import pytest
from django.test import override_settings

from daiban.notify.models import Notification
from daiban.notify.services import notification_mark_read, notify


@pytest.mark.django_db
@override_settings(PUBLIC_URL="https://daiban.example.gov.cn")
def test_the_caller_reads_its_own_messages_newest_first_with_text_link_and_read(api_as, person):
    aojiang, kunyang = person("aojiang"), person("kunyang")
    Notification.objects.filter(recipient=aojiang).delete()  # the demo county's examples
    [first] = notify(recipients=[aojiang], subject="派单：企业投资项目备案", body="请办理。", link="/cases/5/",
                     channels=["in_app"])
    notify(recipients=[aojiang], subject="逾期：环评", body="请督办。", link="/cases/6/", channels=["in_app"])
    notify(recipients=[kunyang], subject="别人的消息", body="", channels=["in_app"])
    notification_mark_read(actor=aojiang, notification=first)

    answer = api_as("aojiang").get("/api/v1/notifications", {"limit": 1})
    assert answer.status_code == 200
    page = answer.json()
    assert page["total"] == 2
    [newest] = page["items"]
    assert newest["text"] == "逾期：环评\n请督办。"
    assert newest["link"] == "https://daiban.example.gov.cn/cases/6/" and newest["read"] is False
    rest = api_as("aojiang").get("/api/v1/notifications", {"cursor": page["next_cursor"]}).json()
    assert [(n["text"], n["read"]) for n in rest["items"]] == [("派单：企业投资项目备案\n请办理。", True)]


@pytest.mark.django_db
def test_nobody_reads_messages_without_signing_in(api_as):
    assert api_as(None).get("/api/v1/notifications").status_code == 401
