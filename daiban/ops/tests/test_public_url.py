"""DAIBAN_PUBLIC_URL: one setting makes a production configuration pass Django's deployment checks,
and a login through a proxy that terminates TLS works."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_PASSWORD, StaffClient, totp_code

ROOT = Path(__file__).resolve().parents[3]
PUBLIC_URL = "https://daiban.pingyang.gov.cn"
PRODUCTION = {"DAIBAN_DEBUG": "0",
              "DAIBAN_SECRET_KEY": "k3J9-pQ2x_Vb7Lm0zR4tYw8Nc1Hs6Ue5Ga2Df9Oi-Xy7Zq3Wv1Rt8Bn", "DAIBAN_AUDIT_KEY": "a" * 40,
              "DAIBAN_DATA_KEY": "d" * 40, "DAIBAN_AUDIT_CHECKPOINT_DIR": "/var/lib/daiban/checkpoints",
              "DAIBAN_PUBLIC_URL": PUBLIC_URL, "DAIBAN_TRUSTED_PROXIES": "127.0.0.1"}


def _run(args: list[str], **changes: str | None) -> subprocess.CompletedProcess:
    # A deployment's own environment: none of ours, nor what the browser tests set for their live server.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DAIBAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | PRODUCTION
    env["DJANGO_SETTINGS_MODULE"] = "daiban.settings"
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _derived(**changes: str | None) -> dict:
    names = ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
             "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "PUBLIC_URL"]
    code = f"import json, daiban.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    started = _run(["-c", code], **changes)
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout)


def test_with_the_public_url_set_and_debug_off_the_deployment_checks_are_clean():
    checked = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_the_public_url_gives_hosts_origins_secure_cookies_and_hsts():
    derived = _derived()
    assert "daiban.pingyang.gov.cn" in derived["ALLOWED_HOSTS"]
    assert derived["CSRF_TRUSTED_ORIGINS"] == [PUBLIC_URL]
    assert derived["SESSION_COOKIE_SECURE"] and derived["CSRF_COOKIE_SECURE"] and derived["SECURE_SSL_REDIRECT"]
    assert derived["SECURE_HSTS_SECONDS"] >= 31536000
    assert derived["PUBLIC_URL"] == PUBLIC_URL


def test_a_plain_http_address_turns_nothing_secure_on():
    derived = _derived(DAIBAN_PUBLIC_URL="http://10.0.0.5:8000", DAIBAN_TRUSTED_PROXIES=None)
    assert "10.0.0.5" in derived["ALLOWED_HOSTS"] and derived["CSRF_TRUSTED_ORIGINS"] == ["http://10.0.0.5:8000"]
    assert not derived["SESSION_COOKIE_SECURE"] and not derived["SECURE_SSL_REDIRECT"] and not derived["SECURE_HSTS_SECONDS"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"DAIBAN_PUBLIC_URL": "daiban.pingyang.gov.cn"}, "DAIBAN_PUBLIC_URL must be a URL"),
    ({"DAIBAN_PUBLIC_URL": "https://daiban.pingyang.gov.cn/desk/"}, "scheme and a host only"),
    ({"DAIBAN_TRUSTED_PROXIES": None}, "set DAIBAN_TRUSTED_PROXIES"),
])
def test_a_public_url_that_cannot_work_stops_the_process_with_a_clear_error(changes, message):
    started = _run(["-c", "import daiban.settings"], **changes)
    assert started.returncode != 0 and message in started.stderr


@pytest.fixture
def behind_tls_proxy(settings):
    """The settings the public URL derives (above), in this process."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "daiban.pingyang.gov.cn"]
    settings.CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    from ipaddress import ip_network
    settings.TRUSTED_PROXIES = (ip_network("127.0.0.1/32"),)


def _proxied(**headers: str) -> StaffClient:
    return StaffClient(enforce_csrf_checks=True, **{"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "daiban.pingyang.gov.cn",
                       "HTTP_ORIGIN": PUBLIC_URL, "HTTP_REFERER": f"{PUBLIC_URL}/login/", **headers})


def test_a_login_through_a_proxy_that_terminates_tls_works(behind_tls_proxy, demo):
    browser = _proxied(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="203.0.113.9")
    shown = browser.get("/login/")
    assert shown.status_code == 200
    assert shown.cookies["csrftoken"]["secure"]
    assert shown["Strict-Transport-Security"].startswith("max-age=31536000")
    token = browser.cookies["csrftoken"].value
    answer = browser.post("/login/", {"csrfmiddlewaretoken": token, "username": "center", "password": DEMO_PASSWORD})
    assert answer.status_code == 302 and answer.url.startswith("/login/code/")
    answer = browser.post("/login/code/", {"csrfmiddlewaretoken": token, "code": totp_code("center")})
    assert answer.status_code == 302 and "_auth_user_id" in browser.session
    assert answer.cookies["sessionid"]["secure"]
    assert browser.get("/").status_code == 200


def test_a_plain_http_request_is_sent_to_https(behind_tls_proxy, demo):
    answer = _proxied().get("/login/")
    assert answer.status_code == 301 and answer["Location"] == f"{PUBLIC_URL}/login/"


def test_the_forwarded_scheme_is_not_believed_from_anyone_but_our_proxy(behind_tls_proxy, demo):
    answer = _proxied(HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="198.51.100.7").get("/login/")
    assert answer.status_code == 301
