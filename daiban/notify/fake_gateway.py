"""A stand-in for the county's SMS gateway (docs/notify-gateway.md): it receives messages as the real one
would, so a deployment can be tested end to end (`python manage.py fake_sms_gateway --port 8025`) and the
delivery tests have a real peer. Each message must keep the contract; a repeated message_id is acknowledged and
dropped; with a token configured, a request without it is refused.
"""
from __future__ import annotations

import re
from typing import Any

from daiban.lib.peer import Peer, Rejected

_MOBILE = re.compile(r"1[3-9]\d{9}")
_FIELDS = {"message_id", "channel", "to", "text"}
MAX_TEXT = 500


def problems(message: Any) -> list[str]:
    """Each way a gateway message breaks the contract; empty when it keeps it."""
    if not isinstance(message, dict):
        return ["报文应为 JSON 对象"]
    found = [f"缺少字段 {name}" for name in sorted(_FIELDS - message.keys())]
    found += [f"多余字段 {name}" for name in sorted(message.keys() - _FIELDS)]
    if not str(message.get("message_id", "")).startswith("daiban-notify-"):
        found.append("message_id 应以 daiban-notify- 开头")
    if message.get("channel") != "sms":
        found.append("channel 应为 sms")
    if not _MOBILE.fullmatch(str(message.get("to", ""))):
        found.append("to 应为 11 位手机号码")
    text = message.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        found.append(f"text 应为 1–{MAX_TEXT} 个字的文字")
    return found


class FakeGateway(Peer):
    path = "/daiban/send"
    error_text = "网关内部错误"

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0, *, token: str = "", **kwargs):
        super().__init__(statuses, delay, **kwargs)
        self.token = token

    def check(self, headers: dict[str, str], raw: bytes, body: Any) -> None:
        if self.token and headers.get("authorization") != f"Bearer {self.token}":
            raise Rejected(401, "访问令牌不正确")
        found = problems(body)
        if found:
            raise Rejected(400, "消息不符合接口约定：" + "；".join(found))
