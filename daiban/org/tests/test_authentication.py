"""Logins for pages and bearer tokens for the API."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from daiban.org.models import ApiToken


def test_a_token_is_issued_for_good_credentials_and_stored_hashed(client, demo):
    answer = client.post("/api/v1/auth/token", {"username": "aojiang", "password": "demo-pass-2026"},
                         content_type="application/json")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"token", "expires_at"}
    assert not ApiToken.objects.filter(digest=body["token"]).exists()
    assert ApiToken.objects.filter(user__username="aojiang").count() == 1


def test_wrong_credentials_answer_401_without_saying_which_part_was_wrong(client, demo):
    wrong_password = client.post("/api/v1/auth/token", {"username": "aojiang", "password": "bad-password"},
                                 content_type="application/json")
    unknown_user = client.post("/api/v1/auth/token", {"username": "nobody", "password": "bad-password"},
                               content_type="application/json")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json() == {
        "code": "auth.invalid_credentials", "detail": "用户名或密码错误", "fields": []}


def test_an_expired_token_is_refused(api_as):
    caller = api_as("auditor")
    assert caller.get("audit/verify").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = caller.get("audit/verify")
    assert refused.status_code == 401 and "令牌" in refused.json()["detail"]


def test_the_login_page_is_chinese_and_leads_to_the_home_page(client, demo):
    page = client.get("/login/")
    assert "工作人员登录" in page.content.decode()
    answer = client.post("/login/", {"username": "aojiang", "password": "demo-pass-2026"})
    assert answer.status_code == 302
    home = client.get("/")
    assert "工作台" in home.content.decode() and "王建国" in home.content.decode()


def test_the_home_page_needs_a_login(client, demo):
    assert client.get("/").status_code == 302
