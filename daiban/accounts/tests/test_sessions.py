"""Sessions (8.1.4.1 b, 8.1.4.2): a new id at login, 30 idle minutes, 12 hours at most, ended at
logout and when the account is disabled or its credentials are reset."""
from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session

from conftest import StaffClient
from daiban.accounts.models import LoginSession
from daiban.accounts.services import account_set_active, password_reset, second_factor_reset
from daiban.audit.models import AuditEvent
from daiban.org.models import ApiToken


def shift(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] -= seconds
    session.save()


def test_the_login_gives_a_new_session_id(client, demo):
    client.get("/login/")
    client.post("/login/", {"username": "x", "password": "y"})  # an anonymous session now exists
    before = client.session.session_key
    assert client.login(username="aojiang")
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_session_ends_after_30_idle_minutes(client, demo):
    assert client.login(username="aojiang")
    shift(client, "daiban_seen_at", settings.SESSION_IDLE_SECONDS - 5)
    assert client.get("/").status_code == 200, "29 minutes 55 seconds idle: still there"
    shift(client, "daiban_seen_at", settings.SESSION_IDLE_SECONDS + 1)
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.session_ended").latest("seq").new == {"why": "闲置超过 30 分钟"}


def test_activity_keeps_a_session_but_never_past_12_hours(client, demo):
    assert client.login(username="aojiang")
    shift(client, "daiban_seen_at", 120)
    client.get("/")
    assert client.session["daiban_seen_at"] > client.session["daiban_auth_at"], "each request counts as activity"
    shift(client, "daiban_auth_at", settings.SESSION_ABSOLUTE_SECONDS + 1)
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.session_ended").latest("seq").new == {"why": "超过 12 小时"}


def test_logout_ends_the_session_on_the_server(client, demo):
    assert client.login(username="aojiang")
    key = client.session.session_key
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not LoginSession.objects.filter(session_key=key).exists()
    stolen = StaffClient()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stolen.get("/").status_code == 302


def test_disabling_an_account_ends_its_sessions_and_tokens_at_once(client, api_as, person):
    phone, desk = StaffClient(), StaffClient()
    assert phone.login(username="aojiang") and desk.login(username="aojiang")
    agent = api_as("aojiang")
    assert account_set_active(actor=person("secadmin"), user=person("aojiang"), active=False)
    assert phone.get("/").status_code == desk.get("/").status_code == 302
    assert agent.get("cases").status_code == 401
    assert not LoginSession.objects.filter(user=person("aojiang")).exists()
    assert not ApiToken.objects.filter(user=person("aojiang")).exists()
    assert AuditEvent.objects.filter(event_type="org.user_disabled").latest("seq").new == {"sessions_ended": 2}
    assert not phone.login(username="aojiang"), "a disabled account cannot log in"
    account_set_active(actor=person("secadmin"), user=person("aojiang"), active=True)
    assert phone.login(username="aojiang")


def test_resetting_a_password_or_the_authenticator_ends_the_sessions(client, person):
    assert client.login(username="kunyang")
    password_reset(actor=person("secadmin"), user=person("kunyang"))
    assert client.get("/").status_code == 302
    assert client.login(username="aojiang")
    second_factor_reset(actor=person("secadmin"), user=person("aojiang"))
    assert client.get("/").status_code == 302
    assert client.post("/login/", {"username": "aojiang", "password": "demo-pass-2026"}).url.startswith(
        "/login/enrol/"), "the next login sets up a new authenticator"


def test_changing_ones_own_password_ends_ones_other_sessions(client, demo):
    other = StaffClient()
    assert client.login(username="aojiang") and other.login(username="aojiang")
    client.post("/accounts/password/", {"current": "demo-pass-2026", "new_password": "Xin-mi-ma-2026",
                                        "repeat": "Xin-mi-ma-2026"})
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert LoginSession.objects.filter(user__username="aojiang").count() == 1
