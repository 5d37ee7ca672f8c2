"""A real HTTP peer on 127.0.0.1 for tests of outgoing deliveries (gateways, the provincial platform).

It records every request and answers with the scripted statuses: `ScriptedServer(statuses=[500, 200])`
answers 500 once, then 200 for ever after. A GET answers the body of the last accepted POST (a store
that keeps the latest record, like the audit checkpoint endpoint), or nothing before the first.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedServer:
    path = "/"
    error_text = "内部错误"

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0):
        self.statuses = list(statuses or [200])
        self.delay = delay
        self.requests: list[dict] = []  # path, headers, json, message_id and the status answered
        self._lock = threading.Lock()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with peer._lock:
                    status = peer.statuses.pop(0) if len(peer.statuses) > 1 else peer.statuses[0]
                    peer.requests.append({"path": self.path, "headers": dict(self.headers), "json": body,
                                          "message_id": body.get("message_id"), "status": status})
                time.sleep(peer.delay)
                answer = b'{"ok": true}' if status < 300 else peer.error_text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def do_GET(self):
                with peer._lock:
                    accepted = [r["json"] for r in peer.requests if 200 <= r["status"] < 300]
                answer = json.dumps(accepted[-1]).encode() if accepted else b""
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def message_ids(self) -> list[str]:
        """Every message id received, as often as it came."""
        with self._lock:
            return [r["message_id"] for r in self.requests]

    def accepted(self) -> list[str]:
        """The message ids answered with a success, as often as they were."""
        with self._lock:
            return [r["message_id"] for r in self.requests if 200 <= r["status"] < 300]
