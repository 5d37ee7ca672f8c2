"""One command for the embedded default: the web server plus the background worker beside it."""
from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# huey's consumer runs every app's tasks.py. --flush-locks clears task locks a killed worker left.
WORKER_COMMAND = ["manage.py", "run_huey", "--workers", "2", "--flush-locks"]
# SIGINT lets running tasks finish; after this long the worker is stopped at once.
GRACEFUL_STOP_SECONDS = 10


def start_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *WORKER_COMMAND], cwd=settings.BASE_DIR)


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    # A Ctrl-C in the terminal has reached the worker as well; otherwise this asks it to stop.
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(GRACEFUL_STOP_SECONDS)
        return
    except subprocess.TimeoutExpired:
        worker.terminate()
    try:
        worker.wait(5)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class Command(BaseCommand):
    help = "启动代办服务系统（网站 + 后台任务），用于内置 SQLite 的单机部署。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程（另行运行 manage.py run_huey 时使用）")

    def handle(self, *args, host: str, port: str, no_worker: bool, **options):
        worker = None if no_worker else start_worker()
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                stop_worker(worker)
