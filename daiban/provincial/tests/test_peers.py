"""The stand-in provincial platform and SMS gateway: real peers that hold the system to its documented contracts."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from daiban.notify.fake_gateway import FakeGateway
from daiban.provincial import contract, delivery, signing
from daiban.provincial.fake_platform import FakePlatform
from daiban.provincial.models import ProvincialMessage

ROOT = Path(__file__).resolve().parents[3]


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers},
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _demo_message() -> dict:
    return ProvincialMessage.objects.filter(payload__event="item_result").first().payload


@pytest.mark.django_db
def test_every_report_the_demo_county_built_keeps_the_documented_schema(demo):
    payloads = list(ProvincialMessage.objects.values_list("payload", flat=True))
    assert {p["event"] for p in payloads} >= {"acceptance", "item_result"}
    assert [(p["message_id"], contract.problems(p)) for p in payloads if contract.problems(p)] == []


@pytest.mark.django_db
def test_the_platform_refuses_a_report_that_breaks_the_schema_with_the_reason(demo):
    broken = {**_demo_message(), "event": "invented"}
    del broken["owner"]
    with FakePlatform() as platform, override_settings(**platform.signing_settings(), PROVINCIAL_URL=platform.url):
        with pytest.raises(delivery.ReportError) as refused:
            delivery.post(broken)
    assert "HTTP 400" in str(refused.value) and "owner" in str(refused.value) and "event" in str(refused.value)
    assert platform.received_bodies() == []


@pytest.mark.django_db
def test_a_signed_report_is_accepted_once_and_an_unsigned_forged_stale_or_replayed_one_refused(demo):
    message = _demo_message()
    body = json.dumps(message, ensure_ascii=False).encode()
    with FakePlatform(app_key="pingyang", app_secret="s3cret-0123456789abcdef") as platform:
        def signed(**kw):
            return signing.signed_headers(url=platform.url, body=body, app_key="pingyang",
                                          secret=kw.pop("secret", "s3cret-0123456789abcdef"), **kw)

        good = signed()
        assert _post(platform.url, body, good)[0] == 200
        assert _post(platform.url, body, good) == (401, {"ok": False, "error": "该 nonce 已使用过（疑似重放）"})
        assert _post(platform.url, body, {})[0] == 401
        assert _post(platform.url, body, signed(secret="wrong-secret-0123456789"))[1]["error"] == "签名不正确"
        assert "时间戳" in _post(platform.url, body, signed(now=time.time() - 301))[1]["error"]
        tampered = body.replace(message["message_id"].encode(), (message["message_id"] + "x").encode())
        assert _post(platform.url, tampered, signed())[1]["error"] == "签名不正确"
        assert _post(platform.url, body, signed()) == (200, {"ok": True, "repeat": True})  # a retry: dropped
        assert platform.received_bodies() == [message]


@pytest.mark.django_db
def test_errors_are_answered_on_demand_and_the_system_records_them(demo):
    with FakePlatform() as platform, override_settings(**platform.signing_settings(), PROVINCIAL_URL=platform.url):
        control = platform.url.replace("/api/daiban/events", "/_control")
        assert _post(control, b'{"fail": [503, 502]}', {})[0] == 200
        for status in (503, 502):
            with pytest.raises(delivery.ReportError, match=f"HTTP {status}"):
                delivery.post(_demo_message())
        delivery.post(_demo_message())
    assert [r["status"] for r in platform.requests] == [503, 502, 200]


def test_the_gateway_holds_messages_to_the_contract_and_its_token():
    message = {"message_id": "daiban-notify-7", "channel": "sms", "to": "13905770001", "text": "派单：企业投资项目备案"}
    with FakeGateway(token="gateway-token-0123") as gateway:
        auth = {"Authorization": "Bearer gateway-token-0123"}
        assert _post(gateway.url, json.dumps(message).encode(), {})[0] == 401
        status, answer = _post(gateway.url, json.dumps({**message, "to": "0577-1234", "channel": "fax"}).encode(), auth)
        assert status == 400 and "channel" in answer["error"] and "手机号码" in answer["error"]
        assert _post(gateway.url, json.dumps(message).encode(), auth) == (200, {"ok": True, "repeat": False})
        assert gateway.received_bodies() == [message]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["fake_provincial_platform", "fake_sms_gateway"])
def test_an_operator_runs_each_peer_as_a_command_and_reads_back_what_it_received(command):
    port = _free_port()
    env = {**os.environ, "DAIBAN_DEBUG": "1", "DAIBAN_GATEWAY_TOKEN": "", "DAIBAN_PROVINCIAL_APP_KEY": ""}
    process = subprocess.Popen([sys.executable, "manage.py", command, "--port", str(port), "--fail", "503"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()
        assert "已启动" in banner and f":{port}/" in banner, process.stderr.read() if process.poll() else banner
        lines = []
        while not (line := process.stdout.readline()).startswith("收到的"):
            assert line, process.stderr.read()
            lines.append(line)
        if command == "fake_sms_gateway":
            url, body, headers = f"http://127.0.0.1:{port}/daiban/send", json.dumps(
                {"message_id": "daiban-notify-1", "channel": "sms", "to": "13905770001", "text": "测试"}).encode(), {}
        else:
            settings_lines = dict(line.strip().split("=", 1) for line in lines if "=" in line)
            url, body = settings_lines["DAIBAN_PROVINCIAL_URL"], json.dumps(_static_message()).encode()
            headers = signing.signed_headers(url=url, body=body, app_key=settings_lines["DAIBAN_PROVINCIAL_APP_KEY"],
                                             secret=settings_lines["DAIBAN_PROVINCIAL_APP_SECRET"])
        assert _post(url, body, headers)[0] == 503  # the failure asked for on the command line
        if command != "fake_sms_gateway":
            headers = signing.signed_headers(url=url, body=body, app_key=settings_lines["DAIBAN_PROVINCIAL_APP_KEY"],
                                             secret=settings_lines["DAIBAN_PROVINCIAL_APP_SECRET"])
        assert _post(url, body, headers)[0] == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_received", timeout=5) as answer:
            assert json.loads(answer.read()) == [json.loads(body)]
    finally:
        process.terminate()
        process.wait(10)


def _static_message() -> dict:
    return {
        "format_version": "1", "message_id": "daiban-DB202611270005-acceptance", "event": "acceptance",
        "event_label": "受理", "occurred_at": "2026-07-02T10:00:00+08:00",
        "sender": {"system": "平阳县企业投资项目政府代办服务系统", "area_code": "330326"},
        "project": {"code": None, "name": "滨海新区工业废水集中处理站项目", "location": "滨海园区",
                    "category": "government_investment", "category_label": "政府投资（参照执行）",
                    "industrial": True, "investment_wan": "8000.00"},
        "owner": {"name": "平阳县滨海环境工程有限公司", "credit_code": "91330326MA2N7W6H2U"},
        "case": {"tracking_no": "DB202611270005", "status": "accepted", "status_label": "已受理",
                 "accepted_at": "2026-07-02T10:00:00+08:00", "entrusted_on": None,
                 "unit": {"name": "滨海园区投资项目代办服务站", "region_code": "330326406"}, "agent": None},
    }
