"""/healthz, /readyz and the center's system page."""
from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from conftest import DEMO_PASSWORD
from daiban.assessment.models import Export
from daiban.audit.services import audit_checkpoint
from daiban.ops.models import WorkerHeartbeat
from daiban.ops.queue import beat, claim


def test_healthz_answers_while_the_process_runs():
    answer = Client().get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_readyz_is_ready_with_a_database_a_live_worker_and_a_recent_checkpoint(demo):
    beat()
    audit_checkpoint()
    answer = Client().get("/readyz")
    assert answer.status_code == 200, answer.json()
    checks = answer.json()["checks"]
    assert checks["database"]["ok"] and checks["worker"]["ok"] and checks["audit_checkpoint"]["ok"]


def test_readyz_is_not_ready_when_the_workers_heartbeat_is_old(demo, settings):
    audit_checkpoint()
    WorkerHeartbeat.objects.create(worker="gone:1", started_at=timezone.now() - dt.timedelta(hours=1),
                                   beat_at=timezone.now() - dt.timedelta(minutes=settings.WORKER_HEARTBEAT_MINUTES + 1))
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert not answer.json()["ready"] and "无心跳" in answer.json()["checks"]["worker"]["detail"]


def test_a_periodic_duty_is_claimed_once_per_period_whoever_asks(db):
    at = dt.datetime(2026, 12, 4, 8, 15, 42)
    assert claim("daiban.plans.tasks.escalate_overdue_items", at)
    assert not claim("daiban.plans.tasks.escalate_overdue_items", at.replace(second=3))
    assert claim("daiban.plans.tasks.escalate_overdue_items", at + dt.timedelta(minutes=1))


def test_the_center_sees_worker_heartbeats_and_stale_exports(demo, client, person):
    beat()
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Export.objects.create(kind="ledger", requested_by=person("center"), filters={}, created_at=long_ago,
                          status=Export.Status.RUNNING, touched_at=long_ago)
    assert client.login(username="center", password=DEMO_PASSWORD)
    html = client.get("/ops/").content.decode()
    assert "运行状态" in html and "运行中" in html and "代办台帐" in html and "正在导出" in html


def test_the_system_page_does_not_exist_for_an_agent(demo, client):
    assert client.login(username="aojiang", password=DEMO_PASSWORD)
    assert client.get("/ops/").status_code == 404
