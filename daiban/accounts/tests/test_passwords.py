"""Passwords (8.1.4.1 b): at least 8 characters of 3 of the 4 classes, not common, not the user name;
an initial or reset password is changed at the first login; a staff password every 90 days."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import DEMO_PASSWORD
from daiban.accounts.passwords import initial_password
from daiban.accounts.services import password_reset
from daiban.audit.models import AuditEvent
from daiban.lib.errors import ValidationFailed
from daiban.org.services import password_check, user_create


@pytest.mark.parametrize("password, why", [
    ("Ab1-xyz", "太短"),  # 7 characters
    ("11111111", "至少 3 类"),  # the example: one class
    ("abcdefgh12", "至少 3 类"),  # two classes
    ("ABCDEFGH-+", "至少 3 类"),
    ("Password1", "太常见"),  # 3 classes but on the common list
    ("Kunyang#2026", "用户名"),  # contains the user name
    ("gnaynuk#2026X", "用户名"),  # the user name backwards
])
def test_a_weak_password_is_refused_with_the_reason_in_chinese(person, password, why):
    with pytest.raises(ValidationFailed) as refusal:
        password_check(password, person("kunyang"))
    assert why in refusal.value.errors["password"]


@pytest.mark.parametrize("password", ["Ab1-xyz9", "pingyang-2026", "PINGYANG2026x", "代办Daiban2026"])
def test_a_password_of_eight_characters_and_three_classes_is_accepted(person, password):
    password_check(password, person("kunyang"))


def test_every_generated_initial_password_passes_the_rules(person):
    for _ in range(200):
        password_check(initial_password(), person("kunyang"))


def test_an_initial_password_must_be_changed_before_anything_else(client, person):
    account = user_create(actor=person("secadmin"), username="newclerk", password="Chu-shi-2026", full_name="新员工")
    assert client.login(username="newclerk", password="Chu-shi-2026")
    assert client.get("/cases/").url == "/accounts/password/"
    page = client.get("/accounts/password/")
    assert "初始密码" in page.content.decode()
    assert client.get("/api/v1/cases").json()["code"] == "auth.password_change_required"
    weak = client.post("/accounts/password/", {"current": "Chu-shi-2026", "new_password": "11111111",
                                               "repeat": "11111111"})
    assert weak.status_code == 200 and "至少 3 类" in weak.content.decode()
    done = client.post("/accounts/password/", {"current": "Chu-shi-2026", "new_password": "Xin-mi-ma-2026",
                                               "repeat": "Xin-mi-ma-2026"})
    assert done.status_code == 302
    account.refresh_from_db()
    assert not account.password_must_change and account.check_password("Xin-mi-ma-2026")
    assert client.get("/").status_code == 200, "the session survives the change of its own password"
    event = AuditEvent.objects.filter(event_type="auth.password_changed").latest("seq")
    assert event.actor_name == "newclerk" and event.new == {"was_initial": True}


def test_a_token_is_refused_until_the_initial_password_is_changed(client, person):
    user_create(actor=person("secadmin"), username="newclerk", password="Chu-shi-2026", full_name="新员工")
    answer = client.post("/api/v1/auth/token", {"username": "newclerk", "password": "Chu-shi-2026"},
                         content_type="application/json")
    assert answer.status_code == 401 and answer.json()["code"] == "auth.password_change_required"


def test_a_password_reset_by_the_security_administrator_must_be_changed_at_the_next_login(client, person):
    new_password = password_reset(actor=person("secadmin"), user=person("kunyang"))
    assert client.login(username="kunyang", password=new_password)
    assert client.get("/").url == "/accounts/password/"


def test_a_staff_password_expires_after_90_days_and_an_owners_does_not(client, person):
    aojiang = person("aojiang")
    aojiang.password_changed_at = timezone.now() - timedelta(days=89, hours=23)
    aojiang.save()
    assert client.login(username="aojiang")
    assert client.get("/").status_code == 200
    aojiang.password_changed_at = timezone.now() - timedelta(days=90, minutes=1)
    aojiang.save()
    answer = client.get("/")
    assert answer.status_code == 302 and answer.url == "/accounts/password/"
    assert "超过 90 天" in client.get("/accounts/password/").content.decode()

    from daiban.accounts.policy import password_change_needed
    from daiban.org.models import User

    owner = User.objects.filter(role_grants__role="owner").first()
    owner.password_changed_at = timezone.now() - timedelta(days=400)
    owner.password_must_change = False
    assert password_change_needed(owner) is None


def test_a_wrong_current_password_is_refused_and_counts_as_a_failed_login(client, person):
    assert client.login(username="aojiang")
    answer = client.post("/accounts/password/", {"current": "not-my-password", "new_password": "Xin-mi-ma-2026",
                                                 "repeat": "Xin-mi-ma-2026"})
    assert "当前密码不正确" in answer.content.decode()
    assert person("aojiang").check_password(DEMO_PASSWORD)
    assert AuditEvent.objects.filter(event_type="auth.login_failed", actor_name="aojiang").exists()


def test_the_new_password_must_differ_and_be_typed_twice_alike(client, demo):
    assert client.login(username="aojiang")
    same = client.post("/accounts/password/", {"current": DEMO_PASSWORD, "new_password": DEMO_PASSWORD,
                                               "repeat": DEMO_PASSWORD})
    assert "不能与当前密码相同" in same.content.decode()
    mismatch = client.post("/accounts/password/", {"current": DEMO_PASSWORD, "new_password": "Xin-mi-ma-2026",
                                                   "repeat": "Xin-mi-ma-2027"})
    assert "两次输入的新密码不一致" in mismatch.content.decode()
