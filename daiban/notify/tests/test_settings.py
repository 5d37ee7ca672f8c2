"""The settings the outbox reads from the environment."""
from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from daiban.lib.env import env_url


@pytest.mark.parametrize("value", ["http://127.0.0.1:8025/send", "https://msg.example.gov.cn/daiban"])
def test_a_gateway_url_is_http_or_https(monkeypatch, value):
    monkeypatch.setenv("DAIBAN_SMS_GATEWAY_URL", value)
    assert env_url("DAIBAN_SMS_GATEWAY_URL") == value


@pytest.mark.parametrize("value", ["file:///etc/passwd", "ftp://example.com/x", "msg.example.gov.cn", "http://"])
def test_anything_else_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("DAIBAN_SMS_GATEWAY_URL", value)
    with pytest.raises(ImproperlyConfigured, match="DAIBAN_SMS_GATEWAY_URL"):
        env_url("DAIBAN_SMS_GATEWAY_URL")


def test_an_unset_gateway_is_off(monkeypatch):
    monkeypatch.delenv("DAIBAN_SMS_GATEWAY_URL", raising=False)
    assert env_url("DAIBAN_SMS_GATEWAY_URL") == ""
