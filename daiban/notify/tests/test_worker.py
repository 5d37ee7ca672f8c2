"""The huey consumer: `manage.py run_huey` on the embedded SQLite queue and on Redis, and `serve` around it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from huey import RedisHuey, SqliteHuey

from daiban import settings as project_settings
from daiban.notify import tasks
from daiban.notify.models import Notification
from daiban.notify.services import notify
from daiban.notify.tests.gateway import Gateway

REDIS_URL = "redis://127.0.0.1:6379/0"
Status = Notification.Status


def database_url() -> str:
    """The test database, for a child process (it reads DATABASE_URL like any other run)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_consumer(queue: str, gateway_url: str, *extra: str, redis_url: str = "") -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "daiban.settings_test", "DATABASE_URL": database_url(),
           "DAIBAN_HUEY_NAME": queue, "DAIBAN_SMS_GATEWAY_URL": gateway_url, "REDIS_URL": redis_url,
           "DAIBAN_LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "2", *extra],
                            cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def stop(consumer: subprocess.Popen, sig=signal.SIGINT) -> int:
    if consumer.poll() is None:
        consumer.send_signal(sig)
    try:
        return consumer.wait(10)
    except subprocess.TimeoutExpired:
        consumer.kill()
        consumer.wait()
        raise


def queued_sms() -> Notification:
    wang = get_user_model().objects.create_user(username=f"wk_{uuid.uuid4().hex[:8]}", password="correct-horse-9",
                                                mobile="13905770001")
    [row] = notify(recipients=[wang], subject="派单", body="请办理。", channels=["sms"])
    return row


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_the_queue_is_redis_when_redis_url_is_set_and_a_sqlite_file_otherwise():
    assert project_settings._huey(None)["huey_class"] == "daiban.ops.queue.SqliteHuey"
    assert project_settings._huey(None)["filename"] == str(Path(settings.BASE_DIR) / "var" / "huey.sqlite3")
    redis = project_settings._huey(REDIS_URL)
    assert (redis["huey_class"], redis["url"], redis["immediate"]) == ("daiban.ops.queue.RedisHuey", REDIS_URL, False)


@pytest.mark.django_db(transaction=True)
def test_run_huey_starts_on_the_sqlite_queue_delivers_and_stops_on_sigint():
    queue = f"daiban-test-{uuid.uuid4().hex[:8]}"
    with Gateway() as gateway:
        row = queued_sms()
        consumer = start_consumer(queue, gateway.url)
        try:
            # The periodic task runs when the consumer starts, then every minute.
            assert wait_until(lambda: Notification.objects.get(pk=row.pk).status == Status.SENT), \
                consumer.stdout.read() if consumer.poll() is not None else "not delivered"
            assert gateway.message_ids() == [row.message_id]
        finally:
            returncode = stop(consumer)
            SqliteHuey(queue, filename=project_settings._huey(None)["filename"]).flush()
    assert returncode == 0
    output = consumer.stdout.read()
    assert "daiban.notify.tasks.deliver_notifications" in output  # registered by autodiscovery


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not redis_reachable(), reason="Redis 未在 127.0.0.1:6379 运行")
def test_a_delivery_enqueued_on_redis_is_run_by_the_consumer():
    queue = f"daiban-test-{uuid.uuid4().hex[:8]}"
    config = project_settings._huey(REDIS_URL)
    huey = RedisHuey(queue, url=config["url"], utc=config["utc"])
    # The consumer knows the task by module and name; register the same function on this client.
    deliver = huey.task()(tasks.deliver_notifications.func)
    with Gateway() as gateway:
        row = queued_sms()
        # Without its periodic schedule the consumer only runs what is enqueued (and, as a periodic
        # task on its side, stores no result: the delivery itself is the evidence).
        consumer = start_consumer(queue, gateway.url, "--no-periodic", redis_url=REDIS_URL)
        try:
            deliver()
            assert wait_until(lambda: Notification.objects.get(pk=row.pk).status == Status.SENT), "not delivered"
            assert gateway.message_ids() == [row.message_id]
            assert len(huey) == 0  # taken off the Redis queue
        finally:
            returncode = stop(consumer, signal.SIGTERM)
            huey.flush()
    output = consumer.stdout.read()
    assert returncode == 0, output
    assert "Executing daiban.notify.tasks.deliver_notifications" in output
