"""Verifying the chain as a background job: a VerifyRun row that the auditor's page and the API follow.

Ten million events take a minute or more, longer than a web request may last; the worker runs audit_verify
(parallel over ranges) and writes its progress and then its answer into the row.
"""
from __future__ import annotations

import json
import logging
import os
import time
from datetime import timedelta

from django.db import transaction

from daiban.audit.models import AuditAnchor, AuditHead, VerifyRun
from daiban.audit.services import PARALLEL_FROM, audit_record, audit_verify
from daiban.lib import clock
from daiban.lib.jsonutil import dumps

log = logging.getLogger(__name__)
# A run whose worker has written nothing for this long was left by a killed worker: a new one may start.
STALE = timedelta(minutes=10)
# A result this young is answered again instead of verifying anew, unless a new run is asked for.
FRESH = timedelta(minutes=10)
PROGRESS_EVERY_SECONDS = 0.5
ACTIVE = (VerifyRun.Status.QUEUED, VerifyRun.Status.RUNNING)


def verify_latest() -> VerifyRun | None:
    return VerifyRun.objects.first()


def verify_queue(*, actor, fresh: bool = False) -> VerifyRun:
    """The run to follow: the one under way, else the latest result if it is young (and `fresh` not asked),
    else a new run queued for the worker. The caller has checked that `actor` is the audit administrator
    (desk.audit_trail.verify_start: the roles live above the trail)."""
    now = clock.now()
    with transaction.atomic():
        latest = VerifyRun.objects.select_for_update(no_key=True).first()
        if latest is not None and latest.status in ACTIVE:
            if now - (latest.touched_at or latest.created_at) < STALE:
                return latest
            VerifyRun.objects.filter(pk=latest.pk).update(status=VerifyRun.Status.FAILED, finished_at=now,
                                                          error="后台任务中断（长时间没有进展）")
        elif (latest is not None and not fresh and latest.status == VerifyRun.Status.DONE
              and latest.finished_at is not None and now - latest.finished_at < FRESH):
            return latest
        run = VerifyRun.objects.create(started_by=actor.username, created_at=now, touched_at=now)
        audit_record(event_type="audit.verify_started", actor=actor, obj=run)
        from daiban.audit.tasks import run_verify  # tasks.py wraps verify_run below (it imports this module)

        transaction.on_commit(lambda: run_verify(run.pk))
    return run


def verify_run(run_id: int) -> VerifyRun | None:
    """Verifies the chain for a queued run, writing progress as it goes (the background task calls this)."""
    run = VerifyRun.objects.filter(pk=run_id, status__in=ACTIVE).first()
    if run is None:
        return None
    head_seq = AuditHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    start_seq = AuditAnchor.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    processes = (os.cpu_count() or 1) if head_seq - start_seq >= PARALLEL_FROM else 1
    VerifyRun.objects.filter(pk=run_id).update(status=VerifyRun.Status.RUNNING, events_total=head_seq - start_seq,
                                               events_done=0, processes=processes, touched_at=clock.now())
    written = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - written[0] >= PROGRESS_EVERY_SECONDS:
            VerifyRun.objects.filter(pk=run_id).update(events_done=done, events_total=total, touched_at=clock.now())
            written[0] = time.monotonic()

    try:
        result = audit_verify(processes=processes, progress=progress)
    except Exception as exc:  # the page must learn that it failed; the log keeps the details
        log.exception("audit verification %s failed", run_id)
        VerifyRun.objects.filter(pk=run_id).update(status=VerifyRun.Status.FAILED, error=str(exc)[:300],
                                                   finished_at=clock.now())
    else:
        VerifyRun.objects.filter(pk=run_id).update(
            status=VerifyRun.Status.DONE, result=json.loads(dumps(result.as_dict())), events_done=result.events,
            finished_at=clock.now(), touched_at=clock.now())
    return VerifyRun.objects.get(pk=run_id)


def verify_answer(run: VerifyRun) -> dict:
    """The API's answer: the synchronous verification's fields (ok null until done), and the run."""
    result = run.result or {"ok": None, "events": run.events_done, "first_bad_seq": None, "problems": [],
                            "checkpoint": None}
    if run.status == VerifyRun.Status.FAILED:
        result = {**result, "ok": False}
    return {**result, "run": {"id": run.pk, "status": run.status, "events_done": run.events_done,
                              "events_total": run.events_total, "percent": run.percent, "processes": run.processes,
                              "started_at": run.created_at, "finished_at": run.finished_at, "error": run.error}}
