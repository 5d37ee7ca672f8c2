"""Redis away never makes a 500; error pages are Chinese."""
from __future__ import annotations

import logging

import pytest
from django.test import Client

from daiban.intake.tests.test_public_requests import submit

DOWN = {"default": {"BACKEND": "daiban.lib.cache.FailOpenRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                    "KEY_PREFIX": "daiban-test", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DOWN


def test_with_redis_down_the_public_query_and_requests_still_answer_with_a_logged_warning(api_as, caplog,
                                                                                           redis_down):
    api = api_as(None)
    with caplog.at_level(logging.WARNING, logger="daiban.lib.cache"):
        created = submit(api)
        assert created.status_code == 201
        body = created.json()
        answer = api.get("public/progress", {"tracking_no": body["tracking_no"], "query_code": body["query_code"]})
        assert answer.status_code == 200
        page = Client().post("/portal/progress/", {"tracking_no": body["tracking_no"], "query_code": body["query_code"]})
        assert page.status_code == 200
        assert Client().get("/assessment/public/").status_code == 200
    assert any("Redis 不可用" in record.getMessage() for record in caplog.records)


def test_an_unknown_page_answers_in_chinese(demo):
    answer = Client().get("/no-such-page/")
    assert answer.status_code == 404
    assert "页面不存在" in answer.content.decode() and "Not Found" not in answer.content.decode()


def test_a_server_error_answers_in_chinese():
    from django.template.loader import render_to_string

    assert "系统出错" in render_to_string("500.html") and "Server Error" not in render_to_string("500.html")


def test_a_stale_form_answers_in_chinese(demo):
    answer = Client(enforce_csrf_checks=True).post("/login/", {"username": "center", "password": "x"})
    assert answer.status_code == 403 and "表单已过期" in answer.content.decode()
