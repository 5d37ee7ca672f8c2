"""Sending the provincial outbox: claim due rows, POST each, record the outcome.

The same pattern as the notification outbox (daiban/notify/delivery.py): a row is claimed by moving
its next_attempt_at past a lease with an UPDATE that only matches while the row is still due, so two
workers never send one row at the same time; sending happens outside any transaction; a failure waits
by the shared backoff (daiban.lib.retry) before the next try. A worker that dies mid-send leaves the
row pending until its lease ends; the platform drops the repeat by message_id.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from daiban.lib import clock, retry
from daiban.provincial.models import ProvincialMessage
from daiban.provincial.signing import signed_headers

Status = ProvincialMessage.Status
log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF_MINUTES = 60
TIMEOUT_SECONDS = 10
# Longer than a whole batch can take (100 rows x the 10 s timeout).
LEASE = dt.timedelta(minutes=20)


class ReportError(Exception):
    """Why a report was not accepted (Chinese: it is shown on the outbox page)."""


def configured() -> bool:
    return bool(settings.PROVINCIAL_URL)


def deliver_pending(limit: int = 100) -> int:
    """Send up to `limit` due reports; returns how many the platform accepted. Without a platform URL
    nothing is claimed: the reports wait, their attempts untouched."""
    if not configured():
        return 0
    sent = 0
    for message in _claim(limit):
        if _deliver(message):
            sent += 1
    return sent


def _claim(limit: int) -> list[ProvincialMessage]:
    return retry.claim_due(ProvincialMessage.objects.filter(status=Status.PENDING), limit=limit, lease=LEASE,
                           now=clock.now())


def _deliver(message: ProvincialMessage) -> bool:
    try:
        post(message.payload)
    except ReportError as exc:
        _failed(message, str(exc))
        return False
    except Exception as exc:  # a bug must not stop the rest of the batch
        log.exception("provincial message %s: unexpected error while sending", message.message_id)
        _failed(message, f"内部错误：{exc!r}")
        return False
    ProvincialMessage.objects.filter(pk=message.pk, status=Status.PENDING).update(
        status=Status.SENT, sent_at=clock.now(), last_error="")
    return True


def _failed(message: ProvincialMessage, error: str) -> None:
    attempts = message.attempts + 1
    status = Status.FAILED if attempts >= MAX_ATTEMPTS else Status.PENDING
    log.warning("provincial message %s attempt %s failed: %s", message.message_id, attempts, error)
    ProvincialMessage.objects.filter(pk=message.pk, status=Status.PENDING).update(
        attempts=attempts, last_error=error[:2000], status=status,
        next_attempt_at=clock.now() + retry.backoff(attempts, max_minutes=MAX_BACKOFF_MINUTES))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would repeat a redirected POST as a GET; a platform address that redirects is misconfigured.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(payload: dict) -> None:
    """One POST of one message; returns on a 2xx answer, raises ReportError otherwise."""
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
               "X-Message-Id": payload["message_id"]}
    if settings.PROVINCIAL_TOKEN:
        headers["Authorization"] = f"Bearer {settings.PROVINCIAL_TOKEN}"
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")
    if settings.PROVINCIAL_APP_KEY:
        # Each try is signed anew (a fresh nonce and the platform's clock), docs/provincial-platform.md.
        headers.update(signed_headers(url=settings.PROVINCIAL_URL, body=body, app_key=settings.PROVINCIAL_APP_KEY,
                                      secret=settings.PROVINCIAL_APP_SECRET))
    request = urllib.request.Request(settings.PROVINCIAL_URL, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(200).decode("utf-8", "replace").strip()
        raise ReportError(f"省平台返回 HTTP {exc.code}" + (f"：{detail}" if detail else "")) from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        raise ReportError(f"无法连接省平台：{getattr(exc, 'reason', exc)}") from exc
    if not 200 <= status < 300:
        raise ReportError(f"省平台返回 HTTP {status}")
