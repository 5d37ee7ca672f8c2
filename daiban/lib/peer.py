"""A real HTTP peer on loopback that receives the system's outgoing messages: the stand-in for the provincial
platform and the SMS gateway that an operator runs to test a deployment end to end, and that the delivery tests
run against.

It checks each POST with `check(headers, raw body, parsed body)` (a subclass validates the contract: schema,
signature), keeps what it received, drops a repeated `message_id` with a 2xx as the contracts ask, and answers
errors on demand: the scripted `statuses` (`Peer(statuses=[500, 200])` answers 500 once, then 200 for ever
after), or at run time `POST /_control {"fail": [503, 503]}`. `GET /_received` lists what it accepted; any
other GET answers the body of the last accepted POST (a store that keeps the latest record, like the audit
checkpoint endpoint), or nothing before the first.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 1 << 20


class Rejected(Exception):
    """The message breaks the contract: answered with `status` and the Chinese reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class Peer:
    path = "/"
    error_text = "内部错误"

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0, *, host: str = "127.0.0.1",
                 port: int = 0):
        self.statuses = list(statuses or [200])
        self.delay = delay
        self.requests: list[dict] = []  # path, headers, json, message_id, the status answered and why
        self._lock = threading.Lock()
        self._handled: set[str] = set()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.url = f"http://{host}:{self.server.server_address[1]}{self.path}"

    def check(self, headers: dict[str, str], raw: bytes, body: Any) -> None:
        """Raise Rejected when the message breaks the contract. The base accepts any JSON."""

    # -- running -------------------------------------------------------------------------------------------

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def serve_forever(self) -> None:
        try:
            self.server.serve_forever()
        finally:
            self.server.server_close()

    # -- what it saw ---------------------------------------------------------------------------------------

    def message_ids(self) -> list[str]:
        """Every message id received, as often as it came."""
        with self._lock:
            return [r["message_id"] for r in self.requests]

    def accepted(self) -> list[str]:
        """The message ids answered with a success, as often as they were."""
        with self._lock:
            return [r["message_id"] for r in self.requests if 200 <= r["status"] < 300]

    def received_bodies(self) -> list[Any]:
        """Each accepted message once (repeats dropped by message_id)."""
        with self._lock:
            return [r["json"] for r in self.requests if 200 <= r["status"] < 300 and not r.get("repeat")]

    # -- the handler ---------------------------------------------------------------------------------------

    def _receive(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict]:
        if path == "/_control":
            script = json.loads(raw or b"{}")
            with self._lock:
                self.statuses = [int(s) for s in script.get("fail", [])] + [self.statuses[-1] if self.statuses
                                                                         else 200]
            return 200, {"ok": True, "statuses": self.statuses}
        record: dict[str, Any] = {"path": path, "headers": headers, "json": None, "message_id": None}
        try:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise Rejected(400, "请求体不是 UTF-8 编码的 JSON") from None
            record["json"] = body
            record["message_id"] = body.get("message_id") if isinstance(body, dict) else None
            self.check({k.lower(): v for k, v in headers.items()}, raw, body)
        except Rejected as rejected:
            record.update(status=rejected.status, reason=rejected.reason)
            with self._lock:
                self.requests.append(record)
            return rejected.status, {"ok": False, "error": rejected.reason}
        with self._lock:
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            record["status"] = status
            if 200 <= status < 300 and record["message_id"]:
                record["repeat"] = record["message_id"] in self._handled
                self._handled.add(record["message_id"])
            self.requests.append(record)
        return status, ({"ok": True, "repeat": bool(record.get("repeat"))} if status < 300
                        else {"ok": False, "error": self.error_text})

    def _handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    return self._answer(413, {"ok": False, "error": "请求体过大"})
                raw = self.rfile.read(length)
                status, answer = peer._receive(self.path, dict(self.headers.items()), raw)
                time.sleep(peer.delay)
                self._answer(status, answer)

            def do_GET(self):
                with peer._lock:
                    accepted = [r["json"] for r in peer.requests if 200 <= r.get("status", 0) < 300]
                if self.path == "/_received":
                    return self._answer(200, peer.received_bodies())
                self._answer(200, accepted[-1] if accepted else None)

            def _answer(self, status: int, body: Any) -> None:
                data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler
