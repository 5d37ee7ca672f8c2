"""Shared fixtures: the demo county's people, clients that log in as people do (password, then the
code of their authenticator), API clients with real tokens, a fixed 'today'."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from django.test import Client

DEMO_PASSWORD = "demo-pass-2026"


def load_county() -> None:
    """The demo county as the test run has it. The tests run with debug off, where the seed_demo
    command refuses to run and demo accounts get no exemption: so its loader is called directly, and
    every staff account gets an authenticator, as at its first login (tests compute real codes from it)."""
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from daiban.desk.management.commands.seed_demo import seed_demo_county
    from daiban.org.models import User
    from daiban.org.roles import STAFF_ROLES

    seed_demo_county(password=DEMO_PASSWORD)
    staff = (User.objects.filter(role_grants__role__in=sorted(STAFF_ROLES)).distinct()
             .exclude(Exists(TOTPDevice.objects.filter(user=OuterRef("pk")))))
    TOTPDevice.objects.bulk_create(TOTPDevice(user=user, name="测试手机", confirmed=True) for user in staff)


def totp_code(username: str, *, confirmed: bool = True) -> str | None:
    """A code the person's authenticator shows: the server takes the previous, current or next
    30-second step, each once and in order, so this is the earliest of those not used yet (the previous
    one only in the first 20 seconds of the current step, so that it cannot expire on its way through a
    busy browser); None without one."""
    from django_otp.oath import hotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=confirmed).first()
    if device is None:
        return None
    while True:
        elapsed = time.time() - device.t0
        now = int(elapsed) // device.step
        earliest = now - device.tolerance if elapsed % device.step < device.step - 10 else now
        step = max(earliest, device.last_t + 1)
        if step <= now + device.tolerance:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(device.step - elapsed % device.step + 0.05)


def in_parallel(calls) -> list:
    """Runs each call in its own thread, at once, each with its own database connection; returns their
    results in the order they finished, an exception (e.g. a 500 re-raised by the test client) as its repr."""
    import threading

    from django.db import connection

    results: list = []

    def run(call) -> None:
        try:
            results.append(call())
        except Exception as error:
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


class StaffClient(Client):
    """Django's test client whose login() goes through the real login pages: the password, then
    the code of the person's authenticator, which a new staff account first sets up (scanning the key
    the page shows). force_login() makes a session the server refuses."""

    def login(self, username: str, password: str = DEMO_PASSWORD) -> bool:  # type: ignore[override]
        form: dict[str, str] = {}
        if self.handler.enforce_csrf_checks:  # a browser sends the token of the form it was shown
            self.get("/login/")
            form["csrfmiddlewaretoken"] = self.cookies["csrftoken"].value
        answer = self.post("/login/", {**form, "username": username, "password": password})
        if answer.status_code == 302 and answer.url.startswith("/login/code/"):
            answer = self.post("/login/code/", {**form, "code": totp_code(username) or ""})
        elif answer.status_code == 302 and answer.url.startswith("/login/enrol/"):
            self.get("/login/enrol/")  # shows the new key
            answer = self.post("/login/enrol/", {**form, "code": totp_code(username, confirmed=False) or ""})
        return answer.status_code in (200, 302) and "_auth_user_id" in self.session


@pytest.fixture
def client() -> StaffClient:
    return StaffClient()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo county is loaded once; each test runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        load_county()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The cached working-day calendar must not outlive a test's rolled-back calendar rows."""
    from daiban.workdays.loader import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture(autouse=True)
def _api_answers_as_declared():
    """Fails a test whose API answers are not what the OpenAPI schema declares (daiban/api_declared.py)."""
    from daiban.api_declared import VIOLATIONS

    VIOLATIONS.clear()
    yield
    if VIOLATIONS:
        found, VIOLATIONS[:] = list(VIOLATIONS), []
        pytest.fail("API answers outside the OpenAPI schema:\n" + "\n".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path) -> Path:
    """Each test keeps the audit chain's checkpoints in its own directory: a checkpoint written in a
    test whose events are rolled back must not outlive them."""
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")
    settings.AUDIT_CHECKPOINT_URL = ""
    return tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo(db):
    """The demo county (already loaded for ordinary tests; loaded again after a transactional flush)."""
    from daiban.org.models import User

    if not User.objects.filter(username="center").exists():
        load_county()


@pytest.fixture
def person(demo):
    """person("aojiang") -> the demo account of that name."""
    from daiban.org.models import User

    def get(username: str) -> User:
        return User.objects.select_related("body", "department", "region").get(username=username)

    return get


class ApiClient:
    """Talks to /api/v1/ as a real caller does: a bearer token from POST /api/v1/auth/token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, data=None, headers=None, **kwargs):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        all_headers = {**self.headers, **(headers or {})}
        if method in ("get", "delete"):
            return getattr(self.client, method)(url, data, headers=all_headers, **kwargs)
        return getattr(self.client, method)(url, data, content_type="application/json", headers=all_headers,
                                            **kwargs)

    def get(self, path, params=None, **kw):
        return self._call("get", path, params, **kw)

    def post(self, path, data=None, **kw):
        return self._call("post", path, data if data is not None else {}, **kw)

    def put(self, path, data=None, **kw):
        return self._call("put", path, data, **kw)

    def patch(self, path, data=None, **kw):
        return self._call("patch", path, data, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, None, **kw)


@pytest.fixture
def api_as(demo, client):
    """api_as("aojiang") -> an API client holding that person's token; api_as(None) -> anonymous."""

    def make(username: str | None) -> ApiClient:
        if username is None:
            return ApiClient(client, None)
        credentials = {"username": username, "password": DEMO_PASSWORD}
        if (code := totp_code(username)) is not None:
            credentials["otp"] = code
        answer = client.post("/api/v1/auth/token", credentials, content_type="application/json")
        assert answer.status_code == 200, answer.content
        return ApiClient(client, answer.json()["token"])

    return make


def credit_code(body: str) -> str:
    """A valid unified social credit code: 17 characters and the check character GB 32100 gives them."""
    from daiban.lib.validators import credit_code_check_char

    return body + credit_code_check_char(body)


def request_payload(**overrides) -> dict:
    """The fields of a public request, for a typical 鳌江镇 industrial project."""
    payload = {
        "company_name": "平阳县鳌江精密传动有限公司", "credit_code": credit_code("91330326MA2H8K7Q3"),
        "company_address": "平阳县鳌江镇兴港路88号", "contact_name": "张伟", "contact_phone": "13857712345",
        "project_name": "年产20万台精密减速机项目",
        "location": "鳌江镇", "category": "investment_promotion", "industrial": True, "investment_wan": 12000,
        "description": "新建厂房及配套用房，总建筑面积约3.2万平方米",
    }
    payload.update(overrides)
    return payload


# Browser tests: Playwright driving Debian's chromium (never a downloaded browser).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.fail("浏览器测试需要 Debian 的 chromium 软件包：make test 会安装它")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by the
    # test itself (fixtures, assertions) are still sequential and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_at(chromium, live_server, demo):
    """page_at(width) -> a fresh browser page of that width (375 for a phone), on the live server."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                       base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Logs in on the real login page, typing the code of the person's authenticator when asked."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/login/code/" in page.url:
        page.fill("input[name=code]", totp_code(username) or "")
        with page.expect_navigation():
            page.click("button[type=submit]")
    page.wait_for_url("**/")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
