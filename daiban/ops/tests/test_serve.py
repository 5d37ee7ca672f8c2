"""`manage.py serve`: the production server (gunicorn) with its worker beside it, stopped together."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from daiban.notify.tests.test_worker import database_url, wait_until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in map(int, children):
        found |= {child, *descendants(child)}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.mark.django_db(transaction=True)
def test_serve_runs_gunicorn_and_the_worker_and_sigterm_stops_every_child(demo, tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "daiban.settings_test", "DATABASE_URL": database_url(),
           "DAIBAN_HUEY_NAME": f"daiban-serve-{port}", "REDIS_URL": "", "DAIBAN_LOG_LEVEL": "WARNING",
           "DAIBAN_AUDIT_CHECKPOINT_DIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port), "--processes", "2",
                               "--threads", "2"], cwd=settings.BASE_DIR, env=env)
    try:
        assert wait_until(lambda: get(f"http://127.0.0.1:{port}/healthz") == 200, 60), "server did not start"
        assert get(f"http://127.0.0.1:{port}/portal/") == 200
        children = descendants(server.pid)
        commands = [Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ") for pid in children if alive(pid)]
        assert any("gunicorn" in c for c in commands) and any("run_huey" in c for c in commands)
        assert not any("runserver" in c for c in commands)
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
        assert wait_until(lambda: not any(alive(pid) for pid in children), 15), \
            [pid for pid in children if alive(pid)]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for pid in descendants(server.pid):
            os.kill(pid, signal.SIGKILL)


def test_serve_refuses_zero_processes():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="至少为 1"):
        call_command("serve", processes=0)
