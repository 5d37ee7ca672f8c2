"""Granian against gunicorn on daiban's real pages, same processes and threads, same database.

    .venv/bin/python bench/bench_servers.py [--seconds 8] [--clients 8] [--workers 2] [--threads 4]

Prepares a SQLite copy of the demo county (migrate + seed_demo, in a temporary directory) unless
--database-url names one, starts each server in turn on a free port, and drives --clients keep-alive
HTTP/1.1 clients round-robin over PAGES for --seconds. Prints requests/s and latency percentiles
per server; any non-200 answer is counted and fails the run.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# Public pages that read the database and render templates, plus the login form.
PAGES = ["/portal/", "/catalog/", "/policy/", "/assessment/public/", "/login/"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(name: str, port: int, workers: int, threads: int) -> list[str]:
    if name == "granian":
        return [PY, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers), "--blocking-threads", str(threads), "--no-ws", "--log-level", "warning",
                "daiban.wsgi:application"]
    return [PY, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "gthread", "--log-level", "warning", "daiban.wsgi:application"]


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on {port} did not start")


def drive(port: int, seconds: float, clients: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        i = offset
        while time.monotonic() < stop:
            path = PAGES[i % len(PAGES)]
            i += 1
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                answer = conn.getresponse()
                answer.read()
                ok = answer.status == 200
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - began)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def prepare(env: dict) -> None:
    for args in (["migrate", "--noinput", "-v0"], ["seed_demo", "--password", "bench-pass-2026"],
                 ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--servers", default="granian,gunicorn")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="daiban-bench-")
    env = {**os.environ, "DAIBAN_DEBUG": "1", "DAIBAN_HUEY_NAME": "daiban_bench",
           "DATABASE_URL": options.database_url or f"sqlite:///{workdir}/bench.sqlite3",
           "DAIBAN_AUDIT_CHECKPOINT_DIR": workdir, "DAIBAN_LOG_LEVEL": "WARNING"}
    env.pop("DAIBAN_PUBLIC_URL", None)
    if not options.database_url:
        prepare(env)
    env["DAIBAN_DEBUG"] = "0"  # served as in production (debug off: no SQL recording, cached templates)
    env.update(DAIBAN_SECRET_KEY="bench-" + "x1y2z3" * 10, DAIBAN_AUDIT_KEY="bench-audit-key-0123456789",
               DAIBAN_DATA_KEY="bench-personal-data-key-0123456789abcdef")
    failed = False
    print(f"{options.workers} processes x {options.threads} threads, {options.clients} clients, "
          f"{options.seconds:g} s, pages {', '.join(PAGES)}")
    for name in options.servers.split(","):
        port = free_port()
        server = subprocess.Popen(server_command(name, port, options.workers, options.threads), cwd=ROOT, env=env)
        try:
            wait_ready(port)
            drive(port, 2, options.clients)  # warm-up: imports, template cache, connections
            latencies, errors = drive(port, options.seconds, options.clients)
        finally:
            server.terminate()
            server.wait(30)
        latencies.sort()
        q = statistics.quantiles(latencies, n=100)
        print(f"{name:9s} {len(latencies) / options.seconds:8.1f} req/s   p50 {q[49] * 1000:6.1f} ms   "
              f"p95 {q[94] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms   errors {errors}")
        failed = failed or errors > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
