"""A real HTTP gateway on 127.0.0.1 for the tests: it records every request and answers as scripted."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    """`with Gateway(statuses=[500, 200]) as gw:` answers 500 once, then 200 for ever after."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0):
        self.statuses = list(statuses or [200])
        self.delay = delay
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with gateway._lock:
                    gateway.requests.append({"path": self.path, "headers": dict(self.headers),
                                             "json": json.loads(body)})
                    status = gateway.statuses.pop(0) if len(gateway.statuses) > 1 else gateway.statuses[0]
                time.sleep(gateway.delay)
                answer = b'{"ok": true}' if status < 300 else "网关内部错误".encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def __enter__(self) -> Gateway:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def message_ids(self) -> list[str]:
        with self._lock:
            return [r["json"]["message_id"] for r in self.requests]
