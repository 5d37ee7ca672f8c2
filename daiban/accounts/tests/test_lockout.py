"""Lockout (8.1.4.1 c): 5 failures of one account, from any address, on the login page or the token
endpoint, wrong passwords or wrong codes alike, lock it for 30 minutes; a success resets the count;
locks and unlocks are audit events; parallel guesses cannot get past the limit."""
from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F

from conftest import DEMO_PASSWORD, StaffClient, in_parallel, totp_code
from daiban.accounts.authentication import LOCKED_MESSAGE
from daiban.audit.models import AuditEvent


def wrong_on_page(client, username: str, address: str):
    return client.post("/login/", {"username": username, "password": "Wrong-pass-1"}, REMOTE_ADDR=address)


def wrong_on_api(client, username: str, address: str):
    return client.post("/api/v1/auth/token", {"username": username, "password": "Wrong-pass-1"},
                       content_type="application/json", REMOTE_ADDR=address)


def token_answer(client, username: str, address: str = "10.9.9.9"):
    return client.post("/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD,
                                              "otp": totp_code(username)},
                       content_type="application/json", REMOTE_ADDR=address)


def lock(client, username: str) -> None:
    for n in range(5):
        wrong_on_page(client, username, f"10.0.0.{n}")


def test_five_failures_from_five_addresses_on_pages_and_api_lock_the_account(client, demo):
    for n in range(3):
        assert "用户名或密码错误" in wrong_on_page(client, "aojiang", f"10.0.0.{n}").content.decode()
    assert wrong_on_api(client, "aojiang", "10.0.1.1").status_code == 401
    fifth = wrong_on_api(client, "aojiang", "10.0.1.2")
    assert fifth.status_code == 429 and fifth.json()["code"] == "auth.locked"

    page = client.post("/login/", {"username": "aojiang", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.7.7.7")
    assert page.status_code == 200 and LOCKED_MESSAGE in page.content.decode()
    assert "_auth_user_id" not in client.session and "daiban_pending" not in client.session
    assert token_answer(client, "aojiang").status_code == 429
    locked = AuditEvent.objects.filter(event_type="auth.locked")
    assert locked.count() == 1 and locked.get().new["username"] == "aojiang"
    refused = AuditEvent.objects.filter(event_type="auth.login_failed", outcome="denied").latest("seq")
    assert refused.new["why"] == "账号已锁定"
    assert client.login(username="kunyang"), "another account is not touched"


def test_the_lock_ends_after_30_minutes_and_its_end_is_recorded(client, demo):
    lock(client, "aojiang")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=29, seconds=50))
    assert token_answer(client, "aojiang").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=11))
    assert client.login(username="aojiang")
    unlocked = AuditEvent.objects.filter(event_type="auth.unlocked").latest("seq")
    assert unlocked.actor_name == "系统" and unlocked.new == {"username": "aojiang", "why": "锁定期满"}


def test_a_successful_login_resets_the_count(client, demo):
    for n in range(4):
        wrong_on_page(client, "aojiang", f"10.0.0.{n}")
    assert client.login(username="aojiang")
    client.post("/logout/")
    for n in range(4):
        wrong_on_api(client, "aojiang", f"10.0.2.{n}")
    assert token_answer(client, "aojiang").status_code == 200


def test_a_right_password_without_the_code_does_not_reset_the_count(client, demo):
    for n in range(4):
        wrong_on_page(client, "aojiang", f"10.0.0.{n}")
    assert client.post("/login/", {"username": "aojiang", "password": DEMO_PASSWORD}).url.startswith("/login/code/")
    answer = client.post("/login/code/", {"code": "000000" if totp_code("aojiang") != "000000" else "111111"})
    assert answer.status_code == 302 and answer.url == "/login/", "the fifth failure, a wrong code, locks"
    assert token_answer(client, "aojiang").status_code == 429


def test_the_security_administrator_unlocks_an_account_and_it_is_recorded(client, person):
    lock(client, "aojiang")
    secadmin = StaffClient()
    assert secadmin.login(username="secadmin")
    detail = secadmin.get(f"/accounts/manage/{person('aojiang').pk}/").content.decode()
    assert "已锁定" in detail
    assert secadmin.post(f"/accounts/manage/{person('aojiang').pk}/unlock/").status_code == 302
    event = AuditEvent.objects.filter(event_type="auth.unlocked").latest("seq")
    assert event.actor_name == "secadmin" and event.new == {"username": "aojiang", "was_locked": True}
    assert token_answer(client, "aojiang").status_code == 200


def test_an_unknown_user_name_is_answered_like_a_wrong_password(client, demo):
    unknown = client.post("/api/v1/auth/token", {"username": "nobody", "password": "Wrong-pass-1"},
                          content_type="application/json")
    wrong = wrong_on_api(client, "aojiang", "10.0.0.1")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json() == {"code": "auth.invalid_credentials", "detail": "用户名或密码错误",
                                              "fields": []}


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_never_get_more_than_five_password_checks(demo):
    answers = in_parallel([
        lambda n=n: wrong_on_api(StaffClient(), "kunyang", f"10.3.0.{n}").status_code for n in range(12)])
    assert sorted(answers, key=str) == [401] * 4 + [429] * 8
    checked = AuditEvent.objects.filter(event_type="auth.login_failed", actor_name="kunyang", outcome="failure")
    assert checked.count() == 5
    assert AuditEvent.objects.filter(event_type="auth.locked").count() == 1
    assert token_answer(StaffClient(), "kunyang").status_code == 429
