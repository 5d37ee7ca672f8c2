"""The second factor (8.1.4.1 d): a TOTP authenticator for staff, set up at the first login where it
is required; no logged-in session between the password and the code; a code is taken once and only
while fresh; recovery codes for a lost phone."""
from __future__ import annotations

import time

import pytest
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import DEMO_PASSWORD, StaffClient, in_parallel, totp_code
from daiban.accounts.models import RecoveryCode
from daiban.audit.models import AuditEvent


def code_at(username: str, steps_from_now: int) -> str:
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    step = (int(time.time()) - device.t0) // device.step + steps_from_now
    return f"{hotp(device.bin_key, step, digits=device.digits):06d}"


def password_only(client, username: str):
    return client.post("/login/", {"username": username, "password": DEMO_PASSWORD})


def test_after_the_password_the_session_holds_no_login_until_the_code(client, demo):
    answer = password_only(client, "center")
    assert answer.status_code == 302 and answer.url.startswith("/login/code/")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302, "the workbench still asks for a login"
    assert client.get("/api/v1/audit/verify").status_code == 401, "the API sees no session user either"
    assert not AuditEvent.objects.filter(event_type="auth.login", actor_name="center").exists()
    done = client.post("/login/code/", {"code": totp_code("center")})
    assert done.status_code == 302 and done.url == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.login", actor_name="center").latest("seq").new == {
        "second_factor": "totp"}


def test_a_code_is_accepted_once(client, demo):
    code = totp_code("aojiang")
    password_only(client, "aojiang")
    assert client.post("/login/code/", {"code": code}).status_code == 302
    client.post("/logout/")
    password_only(client, "aojiang")
    replay = client.post("/login/code/", {"code": code})
    assert replay.status_code == 200 and "已使用过" in replay.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_older_than_one_step_has_expired(client, demo):
    password_only(client, "aojiang")
    stale = client.post("/login/code/", {"code": code_at("aojiang", -2)})
    assert stale.status_code == 200 and "已过期" in stale.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.filter(event_type="auth.login_failed").latest("seq")
    assert failed.new == {"username": "aojiang", "step": "code"} and failed.outcome == "failure"


def test_the_code_step_expires_with_the_pending_login(client, demo):
    password_only(client, "aojiang")
    session = client.session
    session["daiban_pending"]["at"] -= 301
    session.save()
    answer = client.post("/login/code/", {"code": totp_code("aojiang")})
    assert answer.status_code == 302 and answer.url == "/login/"
    assert "_auth_user_id" not in client.session


def test_a_session_made_without_the_login_steps_is_refused(client, person):
    client.force_login(person("aojiang"))  # Django's shortcut: a session with no second factor
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event_type="auth.session_ended").latest("seq").new == {
        "why": "未经登录页建立的会话"}


def test_an_administrator_without_an_authenticator_sets_one_up_before_any_session(client, person):
    TOTPDevice.objects.filter(user__username="auditor").delete()
    answer = password_only(client, "auditor")
    assert answer.url.startswith("/login/enrol/")
    page = client.get(answer.url)
    assert "<svg" in page.content.decode() and "密钥" in page.content.decode()
    assert "_auth_user_id" not in client.session
    device = TOTPDevice.objects.get(user__username="auditor", confirmed=False)
    assert client.get("/login/enrol/").status_code == 200
    assert TOTPDevice.objects.filter(user__username="auditor").count() == 1, "a reload keeps the same key"
    step = (int(time.time()) - device.t0) // device.step
    right = f"{hotp(device.bin_key, step, digits=6):06d}"
    wrong = client.post("/login/enrol/", {"code": f"{(int(right) + 1) % 10**6:06d}"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
    done = client.post("/login/enrol/", {"code": right})
    assert done.status_code == 200 and client.session["_auth_user_id"] == str(person("auditor").pk)
    assert len(done.context["codes"]) == 10 and RecoveryCode.objects.filter(user__username="auditor").count() == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(event_type="auth.second_factor_enrolled", actor_name="auditor").exists()


def test_a_recovery_code_logs_in_once_and_is_used_up(client, person):
    from daiban.accounts.second_factor import recovery_codes_make

    codes = recovery_codes_make(person("aojiang"))
    password_only(client, "aojiang")
    assert client.post("/login/code/", {"code": codes[3].upper()}).status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.recovery_code_used").latest("seq").new == {"left": 9}
    client.post("/logout/")
    password_only(client, "aojiang")
    again = client.post("/login/code/", {"code": codes[3]})
    assert again.status_code == 200 and "_auth_user_id" not in client.session
    assert not RecoveryCode.objects.filter(digest__icontains=codes[0].replace("-", "")).exists(), "stored digested"


def test_the_token_endpoint_asks_for_the_code_where_the_account_has_one(client, demo):
    def token(**extra):
        return client.post("/api/v1/auth/token", {"username": "center", "password": DEMO_PASSWORD, **extra},
                           content_type="application/json")

    missing = token()
    assert missing.status_code == 401 and missing.json()["code"] == "auth.otp_required"
    wrong = token(otp=code_at("center", -3))
    assert wrong.status_code == 401 and wrong.json()["code"] == "auth.otp_invalid"
    time.sleep(1.1)  # the device's throttle after a wrong code
    assert token(otp=totp_code("center")).status_code == 200
    issued = AuditEvent.objects.filter(event_type="auth.token_issued").latest("seq")
    assert issued.new["second_factor"] == "totp"


def test_an_account_that_needs_an_authenticator_and_has_none_gets_no_token(client, demo):
    TOTPDevice.objects.filter(user__username="sysadmin").delete()
    answer = client.post("/api/v1/auth/token", {"username": "sysadmin", "password": DEMO_PASSWORD},
                         content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "auth.otp_enrolment_required"


@pytest.mark.parametrize("username", ["aojiang", "fgj", "leader", "inspector"])
def test_every_staff_account_must_use_an_authenticator(client, demo, username):
    TOTPDevice.objects.filter(user__username=username).delete()
    assert password_only(client, username).url.startswith("/login/enrol/")


def test_with_authenticators_required_of_administrators_only_other_staff_may_log_in_without(client, demo, settings):
    settings.SECOND_FACTOR_REQUIRED_FOR = "admins"
    TOTPDevice.objects.filter(user__username__in=["aojiang", "center", "secadmin"]).delete()
    assert password_only(client, "aojiang").url == "/"
    client.post("/logout/")
    for administrator in ("center", "secadmin"):
        assert password_only(client, administrator).url.startswith("/login/enrol/")


def test_a_session_without_a_code_ends_when_an_authenticator_becomes_required(client, person, settings):
    from daiban.org.services import role_grant

    settings.SECOND_FACTOR_REQUIRED_FOR = "admins"
    TOTPDevice.objects.filter(user__username="kunyang").delete()
    assert password_only(client, "kunyang").url == "/"
    role_grant(actor=person("secadmin"), user=person("kunyang"), role="center_admin")
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.session_ended").latest("seq").new == {"why": "需要动态口令"}


def test_a_person_renews_the_recovery_codes_with_a_fresh_code(client, person):
    assert client.login(username="aojiang")
    answer = client.post("/accounts/second-factor/", {"code": totp_code("aojiang")})
    assert answer.status_code == 200 and len(answer.context["codes"]) == 10
    assert AuditEvent.objects.filter(event_type="auth.recovery_codes_renewed", actor_name="aojiang").exists()


@pytest.mark.django_db(transaction=True)
def test_one_code_sent_in_parallel_gives_one_token(demo):
    code = totp_code("center")

    def ask() -> int:
        return StaffClient().post("/api/v1/auth/token", {"username": "center", "password": DEMO_PASSWORD, "otp": code},
                                  content_type="application/json").status_code

    # Five at once: one is the code's single use, four are replays (four failures, below the lockout).
    answers = in_parallel([ask] * 5)
    assert sorted(answers, key=str) == [200] + [401] * 4
    assert AuditEvent.objects.filter(event_type="auth.token_issued", actor_name="center").count() == 1
