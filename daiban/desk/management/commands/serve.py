"""The production web server (gunicorn's threaded workers, chosen by measurement: bench/README.md) with a fixed number of
processes and threads, and, unless --no-worker, the background worker beside it. `make run` and the
systemd unit both start this; SIGTERM or Ctrl-C stops both children, and if either dies the other is
stopped and the command exits non-zero so that systemd (Restart=always) starts the pair again."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# huey's consumer runs every app's tasks.py. Task locks are leases that expire (daiban/lib/lease.py);
# never --flush-locks here: on several machines it would clear the locks of the others' running duties.
WORKER_COMMAND = ["manage.py", "run_huey", "--workers", "2"]
# Running requests and tasks get this long to finish after SIGTERM; then the child is killed.
GRACEFUL_STOP_SECONDS = 10
# Seconds an idle kept-alive connection stays open (see web_command).
KEEP_ALIVE_SECONDS = 75


def web_command(host: str, port: str, processes: int, threads: int) -> list[str]:
    # gunicorn's arbiter starts a new worker process when one dies; --timeout restarts one stuck that long.
    return ["-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(processes), "--threads", str(threads),
            "--worker-class", "gthread", "--graceful-timeout", str(GRACEFUL_STOP_SECONDS), "--timeout", "120",
            # An idle kept-alive connection stays open longer than the proxy's or client's own idle limit (nginx
            # keeps upstream connections 60 s): with gunicorn's 2 s, a request sent on a connection the server was
            # closing was reset (7 of 2,842 in the 50-user load test at 100k cases, bench/README.md).
            "--keep-alive", str(KEEP_ALIVE_SECONDS),
            # Only Django judges X-Forwarded-Proto, and only from DAIBAN_TRUSTED_PROXIES (daiban/lib/proxy.py).
            "--forwarded-allow-ips", "", "--log-level", "warning", "daiban.wsgi:application"]


def start(arguments: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *arguments], cwd=settings.BASE_DIR)


def start_worker() -> subprocess.Popen:
    return start(WORKER_COMMAND)


def stop_child(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    # gunicorn stops gracefully on SIGTERM; huey's consumer on SIGINT (SIGTERM would abandon running tasks).
    gunicorn = isinstance(child.args, list) and "gunicorn" in child.args  # start() gives the arguments as a list
    child.send_signal(signal.SIGTERM if gunicorn else signal.SIGINT)
    try:
        child.wait(GRACEFUL_STOP_SECONDS + 2)
        return
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


class _Stop(Exception):
    pass


def _raise_stop(signum, frame) -> None:
    raise _Stop


class Command(BaseCommand):
    help = "启动代办服务系统的生产服务器（gunicorn，固定进程数与线程数），并在旁启动后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--processes", type=int, default=settings.WEB_PROCESSES,
                            help="网站进程数（默认 DAIBAN_WEB_PROCESSES）")
        parser.add_argument("--threads", type=int, default=settings.WEB_THREADS,
                            help="每个网站进程的线程数（默认 DAIBAN_WEB_THREADS）")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程（另行运行 manage.py run_huey 时使用）")

    def handle(self, *args, host: str, port: str, processes: int, threads: int, no_worker: bool, **options):
        if processes < 1 or threads < 1:
            raise CommandError("进程数和线程数至少为 1")
        children = {"网站服务器": start(web_command(host, port, processes, threads))}
        if not no_worker:
            children["后台任务进程"] = start_worker()
        previous = signal.signal(signal.SIGTERM, _raise_stop)
        try:
            while all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
            name, died = next((name, child) for name, child in children.items() if child.poll() is not None)
            raise CommandError(f"{name}已退出（退出码 {died.returncode}），其余进程随之停止")
        except (_Stop, KeyboardInterrupt):
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            for child in children.values():
                stop_child(child)
