"""A stand-in for the provincial platform on 127.0.0.1: it records every delivery and answers as scripted."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Platform:
    """`with Platform(statuses=[500, 200]) as platform:` answers 500 once, then 200 for ever after."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0):
        self.statuses = list(statuses or [200])
        self.delay = delay
        self.received: list[dict] = []  # every request: message id, headers, body, the status answered
        self._lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                time.sleep(platform.delay)
                with platform._lock:
                    status = platform.statuses.pop(0) if len(platform.statuses) > 1 else platform.statuses[0]
                    platform.received.append({"message_id": body.get("message_id"), "status": status,
                                              "headers": dict(self.headers), "json": body})
                answer = b'{"ok": true}' if status < 300 else "平台内部错误".encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/daiban/events"

    def __enter__(self) -> Platform:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[str]:
        """The message ids the platform answered with a success, as often as it did."""
        with self._lock:
            return [r["message_id"] for r in self.received if 200 <= r["status"] < 300]

    def attempts(self) -> list[str]:
        with self._lock:
            return [r["message_id"] for r in self.received]
