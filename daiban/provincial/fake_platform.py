"""A stand-in for the provincial platform: it receives reports as the real one would, so a deployment can be
tested end to end (`python manage.py fake_provincial_platform --port 8026`) and the delivery tests have a real
peer. Each report must be signed (daiban.provincial.signing) and keep the message schema
(daiban.provincial.contract); a repeated message_id is acknowledged and dropped.
"""
from __future__ import annotations

from typing import Any

from daiban.lib.peer import Peer, Rejected
from daiban.provincial import contract, signing


class FakePlatform(Peer):
    path = "/api/daiban/events"
    error_text = "平台内部错误"

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0, *, app_key: str = "daiban-test",
                 app_secret: str = "daiban-test-secret", **kwargs):
        super().__init__(statuses, delay, **kwargs)
        self.app_key, self.app_secret = app_key, app_secret
        self.secrets = {app_key: app_secret}
        self.nonces: dict[str, float] = {}

    def signing_settings(self) -> dict[str, str]:
        """The settings under which the system signs its reports the way this platform expects."""
        return {"PROVINCIAL_APP_KEY": self.app_key, "PROVINCIAL_APP_SECRET": self.app_secret}

    def check(self, headers: dict[str, str], raw: bytes, body: Any) -> None:
        why = signing.verify(headers=headers, path=self.path, body=raw, secrets_by_key=self.secrets,
                             seen_nonces=self.nonces)
        if why:
            raise Rejected(401, why)
        found = contract.problems(body)
        if found:
            raise Rejected(400, "报文不符合接口约定：" + "；".join(found[:5]))

    @property
    def received(self) -> list[dict]:
        return self.requests

    def attempts(self) -> list[str]:
        return self.message_ids()
