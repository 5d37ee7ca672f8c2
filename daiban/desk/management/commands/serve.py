"""One process for the embedded default: the web server plus the background worker."""
from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

WORKER_STARTERS: list = []  # callables that start background duties in this process


class Command(BaseCommand):
    help = "启动代办服务系统（网站 + 后台任务），用于内置 SQLite 的单机部署。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="不在本进程内运行后台任务")

    def handle(self, *args, host: str, port: str, no_worker: bool, **options):
        if not no_worker:
            for start in WORKER_STARTERS:
                start()
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
