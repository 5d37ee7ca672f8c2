"""Single sign-on (OpenID Connect) against a real provider on loopback (oidc_provider.py): the provider's
user comes in as the existing staff account its claim names, then gives our code where it is needed;
every forged, stale or replayed answer and every account we do not let in is refused and recorded."""
from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.utils import timezone

from conftest import DEMO_PASSWORD, StaffClient, totp_code
from daiban.accounts.services import account_set_active
from daiban.accounts.sessions import PENDING
from daiban.accounts.tests.oidc_provider import OidcProvider, new_key
from daiban.audit.models import AuditEvent
from daiban.org.models import User


@pytest.fixture
def provider(settings):
    running = OidcProvider(client_id="daiban-pingyang", client_secret="provider-issued-secret-0123").start()
    settings.OIDC_ISSUER = running.issuer
    settings.OIDC_DISCOVERY_URL = f"{running.issuer}/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = running.client_id, running.client_secret
    settings.OIDC_SCOPES, settings.OIDC_USERNAME_CLAIM, settings.OIDC_MATCH = "openid profile", "preferred_username", "username"
    settings.OIDC_MFA_AMR, settings.OIDC_MFA_ACR = frozenset(), frozenset()
    yield running
    running.stop()


def at_provider(provider: OidcProvider, username: str, **claims) -> None:
    """Who is logged in at the provider (its own password and, maybe, its own second factor)."""
    provider.person = {"sub": f"zzd-{username}", "preferred_username": username, **claims}


def sso(client: Client, provider: OidcProvider, *, start: str = "/login/sso/"):
    """The browser's round trip: to the provider, which sends it back with a code, to our callback."""
    out = client.get(start)
    assert out.status_code == 302 and out.url.startswith(f"{provider.issuer}/authorize?")
    back = requests.get(out.url, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/login/sso/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def last_failure() -> AuditEvent:
    return AuditEvent.objects.filter(event_type="auth.login_failed").latest("seq")


def test_the_login_page_offers_single_sign_on_only_when_it_is_configured(client, demo, settings):
    assert "统一身份认证" not in client.get("/login/").content.decode()
    assert client.get("/login/sso/").status_code == 404
    assert client.get("/login/sso/callback/?code=x&state=y").status_code == 404
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = (
        "https://idaas.example.gov.cn", "daiban", "secret-0123456789")
    settings.OIDC_BUTTON_LABEL = "使用浙政钉登录"
    page = client.get("/login/?next=/cases/").content.decode()
    assert 'href="/login/sso/?next=/cases/"' in page and "使用浙政钉登录" in page


def test_an_agent_comes_in_by_the_provider_and_then_gives_our_code(client, demo, provider):
    at_provider(provider, "aojiang")
    back = sso(client, provider, start="/login/sso/?next=/cases/")
    assert back.status_code == 302 and back.url == "/login/code/?next=%2Fcases%2F"
    assert not logged_in(client), "the provider is the first factor only"
    done = client.post("/login/code/?next=/cases/", {"code": totp_code("aojiang"), "next": "/cases/"})
    assert done.status_code == 302 and done.url == "/cases/"
    assert client.session["_auth_user_id"] == str(User.objects.get(username="aojiang").pk)
    assert client.get("/cases/").status_code == 200
    login = AuditEvent.objects.filter(event_type="auth.login", actor_name="aojiang").latest("seq")
    assert login.new == {"second_factor": "totp", "via": "sso"}


def test_each_login_sends_its_own_state_nonce_and_pkce_challenge_and_proves_the_verifier(client, demo, provider):
    at_provider(provider, "aojiang")
    sso(client, provider)
    client.post("/logout/")
    sso(client, provider)
    first, second = provider.authorize_requests
    for name in ("state", "nonce", "code_challenge"):
        assert first[name] and second[name] and first[name] != second[name], name
    assert first["code_challenge_method"] == "S256" and first["scope"] == "openid profile"
    assert all(len(form["code_verifier"]) >= 43 for form in provider.token_requests)


def test_a_provider_vouching_for_its_own_second_factor_lets_an_agent_in_but_never_the_center(client, demo, provider,
                                                                                                settings):
    settings.OIDC_MFA_AMR = frozenset({"mfa"})
    at_provider(provider, "aojiang", amr=["pwd", "mfa"])
    assert sso(client, provider).url == "/" and logged_in(client)
    assert AuditEvent.objects.filter(event_type="auth.login", actor_name="aojiang").latest("seq").new == {
        "second_factor": "provider", "via": "sso"}
    center = Client()
    at_provider(provider, "center", amr=["pwd", "mfa"])
    assert sso(center, provider).url.startswith("/login/code/")
    assert not logged_in(center), "the center administrator still gives our code"


def test_without_the_trusted_amr_value_the_provider_factor_does_not_count(client, demo, provider, settings):
    settings.OIDC_MFA_AMR = frozenset({"mfa"})
    at_provider(provider, "aojiang", amr=["pwd"])
    assert sso(client, provider).url.startswith("/login/code/") and not logged_in(client)


def test_a_provider_user_without_a_staff_account_is_refused_and_no_account_is_made(client, demo, provider):
    accounts = User.objects.count()
    at_provider(provider, "zhangsan-zzd")
    back = sso(client, provider)
    assert back.status_code == 302 and back.url == "/login/"
    assert "没有对应的工作人员账号" in client.get("/login/").content.decode()
    assert User.objects.count() == accounts and not logged_in(client)
    failure = last_failure()
    assert failure.new == {"username": "zhangsan-zzd", "step": "sso", "why": "没有对应的工作人员账号"}


def test_a_disabled_account_is_refused(client, demo, provider, person):
    account_set_active(actor=person("secadmin"), user=person("aojiang"), active=False)
    at_provider(provider, "aojiang")
    assert sso(client, provider).url == "/login/" and not logged_in(client)
    assert PENDING not in client.session
    assert last_failure().new["why"] == "账号已停用"


def test_a_locked_account_is_refused_even_by_the_provider(client, demo, provider):
    for _ in range(5):
        client.post("/login/", {"username": "aojiang", "password": "wrong-password-1"})
    at_provider(provider, "aojiang")
    assert sso(client, provider).url == "/login/" and not logged_in(client)
    assert "已被锁定" in client.get("/login/").content.decode()
    refused = AuditEvent.objects.filter(event_type="auth.login_failed", outcome="denied").latest("seq")
    assert refused.new == {"username": "aojiang", "step": "sso", "why": "账号已锁定"}


def test_the_account_can_be_matched_by_mobile_number(client, demo, provider, settings, person):
    settings.OIDC_MATCH, settings.OIDC_USERNAME_CLAIM = "mobile", "phone_number"
    mobile = person("kunyang").mobile
    assert mobile
    at_provider(provider, "ky-on-zzd", phone_number=mobile)
    assert sso(client, provider).url.startswith("/login/code/")
    client.post("/login/code/", {"code": totp_code("kunyang")})
    assert client.session["_auth_user_id"] == str(person("kunyang").pk)


@pytest.mark.parametrize("forgery, claims, why", [
    # An audience without our client id: authlib then asks for an azp naming us, which is not there either.
    ("another client's token", {"aud": "another-client"}, "Missing claim: 'azp'"),
    ("a token for another login", {"nonce": "nonce-of-another-login"}, "Invalid claim: 'nonce'"),
    ("a token without nonce", {"nonce": None}, "Missing claim: 'nonce'"),
    ("an expired token", {"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}, "ExpiredTokenError"),
    ("another issuer's token", {"iss": "https://evil.example.com"}, "Invalid claim: 'iss'"),
])
def test_a_forged_or_stale_id_token_is_refused(client, demo, provider, forgery, claims, why):
    at_provider(provider, "aojiang")
    provider.tamper = claims
    back = sso(client, provider)
    assert back.url == "/login/", forgery
    assert not logged_in(client) and PENDING not in client.session
    assert "统一身份认证未能完成" in client.get("/login/").content.decode()
    failure = last_failure().new
    assert failure["step"] == "sso" and why in failure["why"], failure


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(client, demo, provider):
    at_provider(provider, "aojiang")
    provider.sign_with = new_key(kid=provider.key.kid)  # same key id, other key
    assert sso(client, provider).url == "/login/" and not logged_in(client)
    provider.sign_with = new_key(kid="unknown-key")
    assert sso(client, provider).url == "/login/" and not logged_in(client)
    whys = [e.new["why"] for e in AuditEvent.objects.filter(event_type="auth.login_failed").order_by("-seq")[:2]]
    assert whys[1].startswith("BadSignatureError") and whys[0].startswith("InvalidKeyIdError")


def test_a_callback_with_another_state_or_replayed_is_refused(client, demo, provider):
    at_provider(provider, "aojiang")
    out = client.get("/login/sso/")
    back = urlsplit(requests.get(out.url, allow_redirects=False, timeout=10).headers["Location"])
    query = {name: values[0] for name, values in parse_qs(back.query).items()}
    forged = client.get("/login/sso/callback/", {"code": query["code"], "state": "state-of-the-attacker"})
    assert forged.url == "/login/" and not logged_in(client)
    other_browser = Client()
    assert other_browser.get(f"/login/sso/callback/?{back.query}").url == "/login/", "state is bound to the session"
    assert client.get(f"/login/sso/callback/?{back.query}").url.startswith("/login/code/"), "the genuine answer"
    replay = client.get(f"/login/sso/callback/?{back.query}")
    assert replay.url == "/login/" and "MismatchingState" in last_failure().new["why"], "a state is used once"


def test_a_provider_that_answers_with_an_error_is_refused(client, demo, provider):
    client.get("/login/sso/")
    state = provider.authorize_requests[-1]["state"] if provider.authorize_requests else "x"
    answer = client.get("/login/sso/callback/", {"error": "access_denied", "state": state})
    assert answer.url == "/login/" and not logged_in(client)
    assert "access_denied" in last_failure().new["why"]


def test_an_unreachable_provider_leaves_the_password_login(client, demo, provider, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    answer = client.get("/login/sso/")
    assert answer.status_code == 302 and answer.url == "/login/"
    assert "暂时无法访问" in client.get("/login/").content.decode()
    assert client.post("/login/", {"username": "aojiang", "password": DEMO_PASSWORD}).url.startswith("/login/code/")


def _claims(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_logging_out_of_a_single_sign_on_session_ends_the_providers_session_too(client, demo, provider):
    at_provider(provider, "aojiang")
    sso(client, provider)
    client.post("/login/code/", {"code": totp_code("aojiang")})
    assert logged_in(client)
    out = client.post("/logout/")
    assert out.status_code == 302 and out.url.startswith(f"{provider.issuer}/logout?")
    assert not logged_in(client) and client.get("/cases/").status_code == 302
    back = requests.get(out.url, allow_redirects=False, timeout=10)
    hint = provider.logout_requests[-1]
    assert _claims(hint["id_token_hint"])["sub"] == "zzd-aojiang" and hint["client_id"] == provider.client_id
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/login/"
    assert provider.person == {}, "the provider's session is over: the next person at this computer logs in anew"
    assert AuditEvent.objects.filter(event_type="auth.logout", actor_name="aojiang").exists()


def test_a_password_session_or_a_provider_without_logout_ends_only_our_session(client, demo, provider, settings):
    assert client.login("aojiang")
    assert client.post("/logout/").url == "/login/" and not provider.logout_requests
    provider.end_session = False
    at_provider(provider, "aojiang")
    sso(client, provider)
    client.post("/login/code/", {"code": totp_code("aojiang")})
    assert logged_in(client) and client.post("/logout/").url == "/login/" and not logged_in(client)
    provider.end_session, settings.OIDC_PROVIDER_LOGOUT = True, False
    sso(client, provider)
    assert client.post("/logout/").url == "/login/" and not provider.logout_requests


def test_a_code_that_expired_before_the_browser_came_back_is_refused_on_a_chinese_page(client, demo, provider):
    at_provider(provider, "aojiang")
    out = client.get("/login/sso/")
    back = urlsplit(requests.get(out.url, allow_redirects=False, timeout=10).headers["Location"])
    provider.codes_age(300)
    answer = client.get(f"{back.path}?{back.query}")
    assert answer.status_code == 302 and answer.url == "/login/" and not logged_in(client)
    assert "统一身份认证未能完成" in client.get("/login/").content.decode()
    assert "invalid_grant" in last_failure().new["why"]


def test_a_provider_that_goes_down_before_the_code_is_exchanged_gives_a_chinese_page_not_a_500(client, demo,
                                                                                                 provider):
    at_provider(provider, "aojiang")
    out = client.get("/login/sso/")
    back = urlsplit(requests.get(out.url, allow_redirects=False, timeout=10).headers["Location"])
    provider.stop()
    answer = client.get(f"{back.path}?{back.query}")
    assert answer.status_code == 302 and answer.url == "/login/" and not logged_in(client)
    assert "统一身份认证服务暂时无法访问" in client.get("/login/").content.decode()
    assert last_failure().new["why"].startswith("统一身份认证服务无法访问")


def test_who_only_signs_in_by_the_provider_is_not_sent_to_change_an_expired_password(client, demo, provider,
                                                                                     person):
    User.objects.filter(username="aojiang").update(password_changed_at=timezone.now() - timedelta(days=400))
    at_provider(provider, "aojiang")
    sso(client, provider)
    client.post("/login/code/", {"code": totp_code("aojiang")})
    assert client.get("/cases/").status_code == 200, "the password was not used: its age is not this session's"
    client.post("/logout/")
    breaking_glass = StaffClient()
    assert breaking_glass.login("aojiang")
    answer = breaking_glass.get("/cases/")
    assert answer.status_code == 302 and answer.url == "/accounts/password/", "the break-glass password expires"
