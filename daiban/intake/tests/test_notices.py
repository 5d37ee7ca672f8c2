"""A request reaches someone even where a unit has nobody; a company without an account hears of its request."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from conftest import request_payload
from daiban.intake.duties import alert_first_contact
from daiban.intake.services import request_contact, request_reject, request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.notify.models import Notification

pytestmark = pytest.mark.django_db
GATEWAY = "http://127.0.0.1:9/sms"


def submit(**overrides):
    with clock.frozen("2026-11-02 09:00"):
        request, _ = request_submit(data=RequestData(**request_payload(**overrides)))
    return request


def test_a_request_to_a_unit_without_staff_goes_to_the_center(demo):
    request = submit(location="海西镇")
    mine = Notification.objects.filter(link=f"/cases/requests/{request.pk}/", channel="in_app")
    rows = mine.filter(event="request.unassigned")
    assert {r.recipient.username for r in rows} == {"center"}
    assert request.tracking_no in rows.first().body and "指派" in rows.first().body
    assert not mine.filter(event="request.received").exists()


@override_settings(SMS_GATEWAY_URL=GATEWAY, PUBLIC_URL="https://daiban.example.gov.cn")
def test_a_company_without_an_account_gets_its_query_code_by_sms(demo):
    from daiban.notify.channels import message_text

    request = submit()
    sms = Notification.objects.get(event="request.received_owner", channel="sms", link="/portal/progress/",
                                   body__contains=request.tracking_no)
    assert sms.recipient is None and sms.to_phone == "13857712345"
    text = message_text(sms)
    assert text.startswith("【平阳县代办中心】") and request.query_code in text and request.tracking_no in text
    assert "https://daiban.example.gov.cn/portal/progress/" in text


@override_settings(SMS_GATEWAY_URL=GATEWAY)
def test_a_refused_request_is_told_to_the_company_at_its_contact(person):
    request = submit()
    request_reject(actor=person("aojiang"), request=request, reason="项目不在本县域。")
    sms = Notification.objects.get(event="request.refused", channel="sms", body__contains="项目不在本县域")
    assert sms.to_phone == "13857712345" and sms.body == "不予受理的理由：项目不在本县域。"


def test_an_overdue_first_contact_is_told_to_the_unit_once(person):
    request = submit()
    late_day = request.first_contact_due + dt.timedelta(days=1)
    assert alert_first_contact(today=request.first_contact_due) == 0
    assert alert_first_contact(today=late_day) == 1
    assert alert_first_contact(today=late_day) == 0
    rows = Notification.objects.filter(event="request.first_contact_overdue", channel="in_app",
                                       link=f"/cases/requests/{request.pk}/")
    assert {r.recipient.username for r in rows} == {"aojiang", "ajadmin"}


def test_a_contacted_request_is_not_overdue(person):
    request = submit()
    with clock.frozen("2026-11-02 10:00"):
        request_contact(actor=person("aojiang"), request=request, note="电话联系")
    assert alert_first_contact(today=request.first_contact_due + dt.timedelta(days=3)) == 0
