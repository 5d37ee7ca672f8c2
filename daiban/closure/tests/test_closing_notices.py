"""After a case closes: the filing deadline is announced when due and when late (once each, by the duty), and
the owner receives the one-time evaluation link, on its account or at the request's contact phone."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings

from daiban.closure.duties import watch_filings
from daiban.closure.evaluations import OwnerAnswers, evaluation_links_send, evaluation_submit_by_link, link_path
from daiban.lib import clock
from daiban.notify.channels import message_text
from daiban.notify.models import Notification

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
PUBLIC = "https://daiban.example.gov.cn"


def _told(case, event: str) -> set[str]:
    rows = Notification.objects.filter(case_id=case.pk, event=event, channel="in_app")
    return {row.recipient.username for row in rows}


def test_an_unfiled_form_is_announced_once_when_due_and_once_when_late(build):
    case = build.completed(on="2026-09-30")  # due 2026-10-09, after the National Day holiday
    watch_filings(today=D("2026-09-30"))
    assert _told(case, "case.filing_due") == set()
    watch_filings(today=D("2026-10-08"))
    assert _told(case, "case.filing_due") == {"aojiang", "ajadmin"}
    [due] = Notification.objects.filter(case_id=case.pk, event="case.filing_due", recipient__username="aojiang")
    assert "代办项目办结单应于2026年10月09日前归档" in due.body and due.link == f"/closure/cases/{case.pk}/"
    watch_filings(today=D("2026-10-09"))
    assert Notification.objects.filter(case_id=case.pk, event="case.filing_due").count() == 2  # once each
    assert _told(case, "case.filing_late") == set()
    watch_filings(today=D("2026-10-10"))
    watch_filings(today=D("2026-10-12"))
    assert _told(case, "case.filing_late") == {"aojiang", "ajadmin", "center"}
    assert Notification.objects.filter(case_id=case.pk, event="case.filing_late", channel="in_app").count() == 3


def test_a_filed_form_is_never_announced(build, api_as):
    case = build.completed(on="2026-09-30")
    with clock.frozen("2026-10-08"):
        assert api_as("aojiang").post(f"cases/{case.pk}/handover/confirm", {"signatory": "张伟"}).status_code == 200
        assert api_as("aojiang").post(f"cases/{case.pk}/file", {}).status_code == 200
    watch_filings(today=D("2026-10-12"))
    assert not Notification.objects.filter(case_id=case.pk, event__startswith="case.filing_").exists()


def test_the_owner_with_an_account_is_sent_to_its_evaluation_page_without_the_token(build, api_as):
    case = build.completed()
    with clock.frozen("2026-10-08"):
        answer = api_as("aojiang").post(f"cases/{case.pk}/evaluation-link", {})
    assert answer.status_code == 201
    owner = build.owner(case)
    [message] = Notification.objects.filter(event="case.evaluation_link", case_id=case.pk, channel="in_app")
    assert message.recipient == owner and message.link == f"/closure/cases/{case.pk}/evaluate/"
    token = answer.json()["path"].rstrip("/").rsplit("/", 1)[-1]
    assert not Notification.objects.filter(event="case.evaluation_link", body__contains=token).exists()
    assert not Notification.objects.filter(event="case.evaluation_link", link__contains=token).exists()


@override_settings(PUBLIC_URL=PUBLIC, SMS_GATEWAY_URL="http://127.0.0.1:9/sms")
def test_an_owner_without_an_account_gets_the_one_time_link_at_the_contact_phone_kept_encrypted(build):
    case = build.completed()
    case.project.company.owner_users.update(is_active=False)
    with clock.frozen("2026-10-08"):
        assert evaluation_links_send() >= 1
        assert evaluation_links_send() == 0  # once per case
    [sms] = Notification.objects.filter(event="case.evaluation_link", case_id=case.pk)
    assert (sms.recipient, sms.channel, sms.link) == (None, "sms", "")
    text = message_text(sms)
    assert text.startswith("【平阳县代办中心】") and f"{PUBLIC}/closure/evaluate/" in text
    token = sms.private_link.rstrip("/").rsplit("/", 1)[-1]
    assert sms.private_link == link_path(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_link FROM notify_notification WHERE id = %s", [sms.pk])
        assert token not in cursor.fetchone()[0]
    with clock.frozen("2026-10-09"):
        evaluation = evaluation_submit_by_link(token=token, answers=OwnerAnswers(fee_asked=False, grade="satisfied"))
    assert evaluation.case_id == case.pk


def test_a_fresh_link_issued_by_the_agent_is_sent_again_and_the_old_one_stops_working(build, api_as):
    case = build.completed()
    with clock.frozen("2026-10-08"):
        first = api_as("aojiang").post(f"cases/{case.pk}/evaluation-link", {}).json()["path"]
        second = api_as("aojiang").post(f"cases/{case.pk}/evaluation-link", {}).json()["path"]
    assert first != second
    assert Notification.objects.filter(event="case.evaluation_link", case_id=case.pk, channel="in_app").count() == 2
    evaluation_links_send()  # the case has links already: the duty sends nothing more
    assert Notification.objects.filter(event="case.evaluation_link", case_id=case.pk, channel="in_app").count() == 2
