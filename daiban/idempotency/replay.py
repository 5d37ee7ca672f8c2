"""Idempotency-Key on every POST of the API: a repeat answers as the first did and writes nothing again.

The key is the caller's own (a user's keys never answer another user; anonymous callers share one space, where
the request fingerprint keeps one caller from reading another's answer). The first request with a key claims
it by inserting a row, runs, and stores its successful answer in the same transaction as its own writes.
A request with the same key that arrives meanwhile waits on that row (PostgreSQL's unique index; SQLite's
single writer), then finds the stored answer and replays it. A failed first answer is not kept, so a retry
runs afresh. The same key with a different request is refused (`idempotency.conflict`, 422, as the IETF
draft on the Idempotency-Key header advises). Answers are kept for KEEP, then purged by a daily duty.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from daiban.accounts.apiauth import api_caller
from daiban.idempotency.models import IdempotentRequest
from daiban.lib.apierrors import error_response

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
WAIT_SECONDS = 20
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class _KeyBusy(Exception):
    pass


def accepts_key(operation) -> bool:
    """Every POST operation of the API, unless marked with lib.schemas.without_idempotency_key."""
    return "POST" in operation.methods and getattr(operation.view_func, "keeps_answer", True)


def idempotent(run: Callable) -> Callable:
    """Wraps a bound django-ninja Operation.run (NinjaAPI.add_decorator(..., mode="view"))."""
    operation = getattr(run, "__self__", None)
    if operation is None or not accepts_key(operation):
        return run

    @wraps(run)
    def run_once(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return run(request, *args, **kwargs)
        if operation.auth_callbacks and api_caller(request) is None:
            return run(request, *args, **kwargs)  # refused (401) before its key or anything else is read
        if not _KEY.fullmatch(key):
            message = "应为 1 至 255 个可见 ASCII 字符（建议每次新操作用一个新的 UUID）"
            return error_response("validation.invalid", f"{HEADER} {message}", [{"field": HEADER, "message": message}])
        try:
            fingerprint = _fingerprint(request)
        except RequestDataTooBig:
            return error_response("request.too_large")
        return answer_once(request, key=key, fingerprint=fingerprint, run=lambda: run(request, *args, **kwargs))

    return run_once


def answer_once(request: HttpRequest, *, key: str, fingerprint: str, run: Callable[[], HttpResponse]) -> HttpResponse:
    caller = api_caller(request)
    caller_key = f"user:{caller.pk}" if caller is not None else "anonymous"
    try:
        with transaction.atomic():
            row = _claim(caller_key, key, fingerprint, request.path)
            if row.status is not None:
                return _replay(row, fingerprint)
            response = run()
            if 200 <= response.status_code < 300 and not response.streaming:
                row.status, row.content_type, row.body = response.status_code, response["Content-Type"], response.content
                row.save(update_fields=["status", "content_type", "body"])
            else:
                row.delete()
            return response
    except _KeyBusy:
        return error_response("idempotency.in_progress",
                              f"使用同一 {HEADER} 的请求仍在处理中，请稍后用同一个键重试以取得其结果")


def purge_expired() -> int:
    """Forgets answers older than KEEP (a daily duty)."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted


def _claim(caller_key: str, key: str, fingerprint: str, path: str) -> IdempotentRequest:
    now = timezone.now()
    IdempotentRequest.objects.filter(caller=caller_key, key=key, created_at__lt=now - KEEP).delete()
    row = IdempotentRequest(caller=caller_key, key=key, fingerprint=fingerprint, path=path[:500], created_at=now)
    try:
        with transaction.atomic(), _lock_wait_at_most(WAIT_SECONDS):
            # Waits here while another request holds the same key uncommitted.
            IdempotentRequest.objects.bulk_create([row], ignore_conflicts=True)
    except OperationalError as exc:
        raise _KeyBusy from exc
    return IdempotentRequest.objects.get(caller=caller_key, key=key)


@contextmanager
def _lock_wait_at_most(seconds: int):
    """PostgreSQL waits without limit on a conflicting insert; SQLite's busy timeout already bounds it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                       [f"{seconds}s"])
        before = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])


def _replay(row: IdempotentRequest, fingerprint: str) -> HttpResponse:
    if row.fingerprint != fingerprint:
        return error_response("idempotency.conflict",
                              f"该 {HEADER} 已用于另一个请求（{row.path}，内容不同）；新的操作请用新的键")
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def _fingerprint(request: HttpRequest) -> str:
    """The request as the API reads it: method, path and query, and the body (JSON in a canonical form)."""
    body = request.body
    try:
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        pass
    digest = hashlib.sha256()
    for part in ((request.method or "").encode(), request.get_full_path().encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()
