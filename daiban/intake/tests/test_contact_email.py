"""A request may give a contact e-mail on every channel (website, phone page, window, API): validated, kept
encrypted like the contact phone, masked wherever it is shown, and used to reach an owner without an account."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from conftest import request_payload
from daiban.cases.tests.test_pages_requests import field_errors, form_fields
from daiban.intake.models import Request
from daiban.lib.personal import mask_email
from daiban.notify.models import Notification
from daiban.portal.tests.test_request_form import form_data

pytestmark = pytest.mark.django_db
EMAIL = "zhangwei@jingmi.example.cn"


def _stored_raw(row: Request) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_email FROM intake_request WHERE id = %s", [row.pk])
        return cursor.fetchone()[0]


def test_an_online_request_keeps_the_email_encrypted_and_answers_it_masked(api_as):
    answer = api_as(None).post("public/requests", request_payload(contact_email=f" {EMAIL} "))
    assert answer.status_code == 201
    row = Request.objects.get(tracking_no=answer.json()["tracking_no"])
    assert row.contact_email == EMAIL
    assert EMAIL not in _stored_raw(row) and "jingmi" not in _stored_raw(row)
    listed = api_as("aojiang").get(f"requests/{row.pk}").json()
    assert listed["contact_email"] == "zh***@jingmi.example.cn" == mask_email(EMAIL)


@pytest.mark.parametrize("value", ["zhangwei", "zhang wei@example.cn", "zhangwei@example", "a@b@example.cn"])
def test_a_malformed_email_is_a_chinese_field_error_and_writes_nothing(api_as, value):
    before = Request.objects.count()
    answer = api_as(None).post("public/requests", request_payload(contact_email=value))
    assert answer.status_code == 422
    errors = {e["field"]: e["message"] for e in answer.json()["fields"]}
    assert "电子邮箱格式不正确" in errors["contact_email"]
    assert Request.objects.count() == before


def test_the_email_is_optional(api_as):
    answer = api_as(None).post("public/requests", request_payload())
    assert Request.objects.get(tracking_no=answer.json()["tracking_no"]).contact_email == ""


def test_the_website_form_takes_the_email(client, demo):
    client.post("/portal/apply/", form_data(contact_email=EMAIL, token="token-email"))
    assert Request.objects.filter(project_name="年产20万台精密减速机项目", source="online").latest("pk").contact_email \
        == EMAIL


def test_the_window_and_phone_registration_takes_the_email_and_refuses_a_bad_one(client, person):
    assert client.login(username="aojiang")
    aojiang = client
    bad = aojiang.post("/cases/requests/new/", form_fields(contact_email="zhangwei@", token="tok-email-1"))
    assert bad.status_code == 422 and "电子邮箱格式不正确" in field_errors(bad.content.decode())
    aojiang.post("/cases/requests/new/", form_fields(source="phone", contact_email=EMAIL, token="tok-email-2"))
    row = Request.objects.get(idempotency_key__endswith=":tok-email-2")
    assert row.contact_email == EMAIL
    page = aojiang.get(f"/cases/requests/{row.pk}/").content.decode()
    assert "zh***@jingmi.example.cn" in page and EMAIL not in page


def test_the_staff_api_registers_the_email(api_as):
    answer = api_as("aojiang").post("cases", {**request_payload(contact_email=EMAIL), "source": "window"})
    assert answer.status_code == 201, answer.content
    assert Request.objects.get(pk=answer.json()["request_id"]).contact_email == EMAIL


@override_settings(SMS_GATEWAY_URL="http://127.0.0.1:9/sms")
def test_an_owner_without_an_account_hears_by_email_as_well_as_by_sms(api_as):
    answer = api_as(None).post("public/requests", request_payload(contact_email=EMAIL))
    row = Request.objects.get(tracking_no=answer.json()["tracking_no"])
    told = Notification.objects.filter(event="request.received_owner", recipient=None).order_by("channel")
    told = [n for n in told if n.to_email == EMAIL or n.to_phone == row.contact_phone]
    assert sorted(n.channel for n in told) == ["email", "sms"]
    assert all(row.tracking_no in n.body for n in told)
