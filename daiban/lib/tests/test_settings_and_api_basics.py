"""Settings fail loudly on bad values; the API speaks readable Chinese and documents itself."""
from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from daiban.lib.env import env_bool, env_int, env_secret


def test_env_bool_refuses_a_value_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DAIBAN_X", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("DAIBAN_X")
    monkeypatch.setenv("DAIBAN_X", "yes")
    assert env_bool("DAIBAN_X") is True


def test_env_int_refuses_text_and_too_small_numbers(monkeypatch):
    monkeypatch.setenv("DAIBAN_N", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("DAIBAN_N", 1)
    monkeypatch.setenv("DAIBAN_N", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("DAIBAN_N", 1, minimum=0)


def test_a_secret_is_required_outside_debug(monkeypatch):
    monkeypatch.delenv("DAIBAN_S", raising=False)
    with pytest.raises(ImproperlyConfigured):
        env_secret("DAIBAN_S", debug=False, dev_default="dev")
    assert env_secret("DAIBAN_S", debug=True, dev_default="dev") == "dev"
    monkeypatch.setenv("DAIBAN_S", "short")
    with pytest.raises(ImproperlyConfigured):
        env_secret("DAIBAN_S", debug=False, dev_default="dev")


def test_the_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/auth/token" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower() and b"/static/ninja/swagger-ui-bundle.js" in docs.content


def test_json_answers_keep_chinese_readable(client, db):
    answer = client.post("/api/v1/auth/token", {"username": "x", "password": "y"}, content_type="application/json")
    assert "用户名或密码错误".encode() in answer.content
    assert b"\\u" not in answer.content


def test_a_malformed_body_gets_a_chinese_field_error(client, db):
    answer = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["fields"] == [{"field": "password", "message": "此项必填"}]
