"""The demo stays usable: with DAIBAN_DEBUG=1 the accounts seed_demo made log in with their password
alone (pages and the token endpoint); with debug off no account skips the second factor, and
seed_demo refuses to run."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import DEMO_PASSWORD
from daiban.audit.models import AuditEvent
from daiban.org.demo import LIAISONS, STAFF
from daiban.org.models import User
from daiban.org.services import role_grant, user_create


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="调试模式"):
        call_command("seed_demo", password="daiban2026", verbosity=0)


def test_the_accounts_seed_demo_makes_are_marked_as_demo_accounts(demo):
    staff = {row[0] for row in STAFF} | {code for code, _ in LIAISONS}
    assert staff <= set(User.objects.filter(is_demo=True).values_list("username", flat=True))
    assert not User.objects.filter(is_demo=True, password_must_change=True).exists()


def test_in_debug_a_demo_account_logs_in_with_its_password_alone(client, demo, settings):
    settings.DEBUG = True
    answer = client.post("/login/", {"username": "secadmin", "password": DEMO_PASSWORD})
    assert answer.status_code == 302 and answer.url == "/"
    assert client.get("/accounts/manage/").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.login").latest("seq").new == {"second_factor": "demo"}
    token = client.post("/api/v1/auth/token", {"username": "auditor", "password": DEMO_PASSWORD},
                        content_type="application/json")
    assert token.status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.token_issued").latest("seq").new["second_factor"] == "demo"


def test_in_debug_a_demo_password_does_not_expire(client, person, settings):
    settings.DEBUG = True
    User.objects.filter(username="aojiang").update(password_changed_at=timezone.now() - timedelta(days=400))
    client.post("/login/", {"username": "aojiang", "password": DEMO_PASSWORD})
    assert client.get("/").status_code == 200


def test_with_debug_off_a_demo_account_needs_its_code(client, demo, settings):
    settings.DEBUG = False
    assert client.post("/login/", {"username": "secadmin", "password": DEMO_PASSWORD}).url.startswith("/login/code/")
    token = client.post("/api/v1/auth/token", {"username": "auditor", "password": DEMO_PASSWORD},
                        content_type="application/json")
    assert token.status_code == 401 and token.json()["code"] == "auth.otp_required"


def test_a_demo_session_ends_when_debug_is_turned_off(client, demo, settings):
    settings.DEBUG = True
    client.post("/login/", {"username": "center", "password": DEMO_PASSWORD})
    assert client.get("/").status_code == 200
    settings.DEBUG = False
    assert client.get("/").status_code == 302


def test_in_debug_an_account_not_made_by_seed_demo_still_needs_its_second_factor(client, person, settings):
    settings.DEBUG = True
    user = user_create(actor=person("secadmin"), username="realadmin", password="Zhen-shi-2026", full_name="真管理员",
                       password_must_change=False)
    role_grant(actor=person("secadmin"), user=user, role="center_admin")
    answer = client.post("/login/", {"username": "realadmin", "password": "Zhen-shi-2026"})
    assert answer.url.startswith("/login/enrol/")
