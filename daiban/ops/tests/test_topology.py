"""Several machines, simulated on one: two web processes under the production server and two workers on
PostgreSQL + Redis, a mixed workload against both webs, one worker and one web killed mid-run.

Run by `make test-topology` (in .ci/run); skipped otherwise (it needs PostgreSQL, Redis and ~3 minutes)."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import DEMO_PASSWORD, request_payload, totp_code
from daiban.assessment.models import Export
from daiban.intake.models import Request
from daiban.notify.tests.test_worker import database_url, redis_reachable, wait_until
from daiban.ops.models import PeriodicRun
from daiban.ops.tests.test_serve import free_port, get

pytestmark = [
    pytest.mark.topology,
    pytest.mark.skipif(os.environ.get("DAIBAN_TOPOLOGY") != "1", reason="make test-topology only"),
]
WORKLOAD_SECONDS = 100


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def call(opener, method: str, url: str, data: dict | None = None, *, json_body: dict | None = None,
         headers: dict | None = None):
    body, all_headers = None, dict(headers or {})
    if json_body is not None:
        body, all_headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
    elif data is not None:
        body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.read(), answer.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read(), url


def staff_opener(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf() -> str:
        return next(c.value for c in jar if c.name == "csrftoken")

    call(opener, "GET", f"{base}/login/")
    status, _, url = call(opener, "POST", f"{base}/login/", {"csrfmiddlewaretoken": csrf(), "username": username,
                                                              "password": DEMO_PASSWORD}, headers={"Referer": base})
    assert "/login/code/" in url, status
    call(opener, "POST", f"{base}/login/code/", {"csrfmiddlewaretoken": csrf(), "code": totp_code(username)},
         headers={"Referer": base})
    return opener, csrf


@pytest.mark.django_db(transaction=True)
def test_two_webs_and_two_workers_survive_losing_one_of_each(demo, tmp_path):
    assert connection.vendor == "postgresql" and redis_reachable(), "PostgreSQL and Redis are required"
    queue = f"daiban-topology-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "daiban.settings_test", "DATABASE_URL": database_url(),
           "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", "DAIBAN_HUEY_NAME": queue,
           "DAIBAN_AUDIT_CHECKPOINT_DIR": str(tmp_path), "DAIBAN_LOG_LEVEL": "WARNING",
           "DAIBAN_PUBLIC_SUBMIT_LIMIT": "100000", "DAIBAN_PUBLIC_QUERY_LIMIT": "100000"}
    ports = [free_port(), free_port()]
    webs = [subprocess.Popen([sys.executable, "manage.py", "serve", "--no-worker", "--port", str(p), "--processes",
                              "2", "--threads", "4"], cwd=settings.BASE_DIR, env=env) for p in ports]
    workers = [subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "2"], cwd=settings.BASE_DIR,
                                env=env) for _ in range(2)]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    acknowledged: list[str] = []
    answers: list[tuple[int, int, float]] = []  # (web index, status, time)
    exports: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()
    killed: dict[str, float] = {}
    try:
        for base in bases:
            assert wait_until(lambda b=base: get(f"{b}/healthz") == 200, 90), "web did not start"
        openers = [staff_opener(base, "center") for base in bases]
        stop_at = time.monotonic() + WORKLOAD_SECONDS

        def public_client(n: int) -> None:
            opener = urllib.request.build_opener()
            i = 0
            while time.monotonic() < stop_at:
                web = (n + i) % 2
                i += 1
                try:
                    status, body, _ = call(opener, "POST", f"{bases[web]}/api/v1/public/requests",
                                           json_body=request_payload(project_name=f"拓扑测试项目{n}-{i}"))
                    if status == 201:
                        with lock:
                            acknowledged.append(json.loads(body)["tracking_no"])
                        status, _, _ = call(opener, "GET", f"{bases[web]}/api/v1/public/progress?" + urllib.parse.urlencode(
                            json.loads(body)))
                except OSError:
                    status = 0  # connection refused or reset: the killed web
                with lock:
                    answers.append((web, status, time.monotonic()))
                time.sleep(0.2)

        def exporter() -> None:
            i = 0
            while time.monotonic() < stop_at - 30:
                opener, csrf = openers[i % 2]
                i += 1
                try:
                    status, _, url = call(opener, "POST", f"{bases[(i + 1) % 2]}/assessment/exports/",
                                          {"csrfmiddlewaretoken": csrf(), "kind": "ledger"}, headers={"Referer": bases[0]})
                except OSError:
                    continue
                if found := re.search(r"/assessment/exports/([0-9a-f-]{36})/", url):
                    with lock:
                        exports.append(found[1])
                time.sleep(5)

        threads = [threading.Thread(target=public_client, args=(n,)) for n in range(4)]
        threads.append(threading.Thread(target=exporter))
        for thread in threads:
            thread.start()
        time.sleep(WORKLOAD_SECONDS / 3)
        victim = workers[0]
        victim.kill()
        killed["worker"] = time.monotonic()
        arbiter = children(webs[1].pid)[0]
        os.kill(children(arbiter)[0], signal.SIGKILL)  # one gunicorn worker process: the arbiter starts another
        killed["web"] = time.monotonic()
        for thread in threads:
            thread.join()
        # Every export finishes (a killed worker's queued again) and downloads from either web.
        assert wait_until(lambda: Export.objects.filter(pk__in=exports, status="done").count() == len(exports), 120), \
            list(Export.objects.filter(pk__in=exports).values_list("status", flat=True))
        for pk in exports:
            for opener, _ in openers:
                for base in bases:
                    status, body, _ = call(opener, "GET", f"{base}/assessment/exports/{pk}/download/")
                    if status == 200:
                        break
                assert status == 200 and body.startswith(b"PK")
                break
        for base, (opener, _) in zip(bases, openers, strict=True):
            status, body, _ = call(opener, "GET", f"{base}/assessment/exports/{exports[0]}/download/")
            assert status == 200 and body.startswith(b"PK")
    finally:
        for process in [*webs, *workers]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM if process in webs else signal.SIGINT)
        for process in [*webs, *workers]:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    # No acknowledged write lost.
    assert acknowledged and set(acknowledged) <= set(Request.objects.values_list("tracking_no", flat=True))
    # No 5xx apart from the killed web's in-flight requests (the second after the kill).
    bad = [(web, status, at - started) for web, status, at in answers
           if (status >= 500 or status == 0) and not (web == 1 and 0 <= at - killed["web"] <= 5)]
    assert bad == []
    # Every periodic duty of every minute ran once: one claim per (duty, minute) and each one finished,
    # apart from those the killed worker held.
    runs = list(PeriodicRun.objects.values_list("name", "period", "finished_at"))
    every_minute = [r for r in runs if r[0].endswith(("deliver_notifications", "deliver_provincial_reports"))]
    assert len(every_minute) >= 2 * (WORKLOAD_SECONDS // 60)
    assert len({(name, period) for name, period, _ in runs}) == len(runs)
    unfinished = [r for r in every_minute if r[2] is None]
    assert len(unfinished) <= 2, unfinished
