"""The one outbox mechanism: notifications (daiban/notify/delivery.py) and provincial reports
(daiban/provincial/delivery.py) are both rows written in the transaction of the change they report and sent
afterwards by a background duty. This module is how every outbox claims, sends, backs off, gives up and replays.

An outbox model has `status` (its `Status` choices hold PENDING, SENT and FAILED with the values
"pending", "sent", "failed"), `attempts`, `next_attempt_at`, `last_error` and `sent_at`.

Two workers may deliver at once (two consumers, or the periodic task overlapping itself). A row is claimed by
moving its `next_attempt_at` past a lease with an UPDATE that only matches while the row is still as read;
whoever gets a count of 1 sends it, everyone else skips it. Sending happens outside any transaction, so a slow
peer never holds a database lock. A worker that dies mid-send leaves the row pending; it is tried again when the
lease ends (the peer drops the repeat by the row's message id). A failure waits 1, 2, 4, 8 … minutes before the
next try; after `max_attempts` failures the row is FAILED and left alone until an administrator replays it.
"""
from __future__ import annotations

import datetime as dt
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from daiban.lib import clock
from daiban.lib.errors import Conflict, NotFound

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"


def backoff(attempts: int, *, first_minutes: int = 1, max_minutes: int = 60) -> dt.timedelta:
    """The wait after the attempts-th failure: 1, 2, 4, 8 … minutes (doubling from first_minutes),
    at most max_minutes."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    return dt.timedelta(minutes=min(first_minutes * 2 ** (attempts - 1), max_minutes))


@dataclass(frozen=True)
class Outbox:
    """One outbox: its rows, how one row is sent, and its limits.

    `send(row)` returns when the peer accepted the row and raises `failure` (with a Chinese reason, shown on
    the administrators' page) when it did not; any other exception is a bug, logged, and counts as a failed try.
    """

    name: str  # for the log: "notification", "provincial message"
    model: type[models.Model]
    send: Callable[[Any], None]
    failure: type[Exception]
    max_attempts: int
    lease: dt.timedelta  # longer than a whole batch can take
    max_backoff_minutes: int = 60
    # Narrows or joins the pending rows (e.g. select_related of the recipient).
    pending: Callable[[models.QuerySet], models.QuerySet] = lambda rows: rows
    # Whether a row that is not sent may be replayed at all (e.g. in-app messages never are).
    replayable: Callable[[Any], bool] = lambda row: True

    def backoff(self, attempts: int) -> dt.timedelta:
        return backoff(attempts, max_minutes=self.max_backoff_minutes)

    def deliver_pending(self, limit: int = 100) -> int:
        """Send up to `limit` due rows; returns how many the peer accepted."""
        return sum(1 for row in self.claim_due(limit) if self._attempt(row))

    def claim_due(self, limit: int) -> list[Any]:
        """Claims up to `limit` due pending rows, so that no other worker sends them meanwhile.

        On PostgreSQL rows another worker is claiming right now are skipped, not waited for; SQLite ignores
        FOR UPDATE, and its IMMEDIATE transactions already run one writer at a time.
        """
        now = clock.now()
        pending = self.pending(self.model._default_manager.filter(status=PENDING))
        claimed = []
        with transaction.atomic():
            due = list(pending.select_for_update(no_key=True, skip_locked=True, of=("self",))
                       .filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")[:limit])
            until = now + self.lease
            for row in due:
                if self._still(row).filter(next_attempt_at=row.next_attempt_at).update(next_attempt_at=until):
                    row.next_attempt_at = until
                    claimed.append(row)
        return claimed

    def _still(self, row: Any) -> models.QuerySet:
        return self.model._default_manager.filter(pk=row.pk, status=PENDING)

    def _attempt(self, row: Any) -> bool:
        try:
            self.send(row)
        except self.failure as exc:
            self._failed(row, str(exc))
            return False
        except Exception as exc:  # a bug in a sender must not stop the rest of the batch
            log.exception("%s %s: unexpected error while sending", self.name, row.pk)
            self._failed(row, f"内部错误：{exc!r}")
            return False
        self._still(row).update(status=SENT, sent_at=clock.now(), last_error="")
        return True

    def _failed(self, row: Any, error: str) -> None:
        attempts = row.attempts + 1
        status = FAILED if attempts >= self.max_attempts else PENDING
        log.warning("%s %s attempt %s failed: %s", self.name, row.pk, attempts, error)
        self._still(row).update(attempts=attempts, last_error=error[:2000], status=status,
                                next_attempt_at=clock.now() + self.backoff(attempts))

    def requeue(self, pk: int, *, missing: str, already_sent: str) -> tuple[Any, dict[str, Any]]:
        """Puts a failed (or stuck) row back in the queue with a fresh set of attempts, due now; returns the row
        and what it was (for the caller's audit event). Runs in the caller's transaction, after its permission
        check; the row keeps its message id, so a peer that did receive it drops the repeat."""
        row: Any = self.model._default_manager.select_for_update(no_key=True).filter(pk=pk).first()
        if row is None:
            raise NotFound(missing)
        if row.status not in (PENDING, FAILED) or not self.replayable(row):
            raise Conflict(already_sent, code="outbox.already_sent")
        old = {"status": row.status, "attempts": row.attempts, "last_error": row.last_error}
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, clock.now()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        return row, old


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would repeat a redirected POST as a GET; a peer address that redirects is misconfigured.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float, peer: str,
         failure: type[Exception]) -> None:
    """One POST of one message to a peer (the SMS gateway, the provincial platform); returns on a 2xx answer and
    raises `failure` with a Chinese reason naming the `peer` (e.g. "省平台") otherwise."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(200).decode("utf-8", "replace").strip()
        raise failure(f"{peer}返回 HTTP {exc.code}" + (f"：{detail}" if detail else "")) from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        raise failure(f"无法连接{peer}：{getattr(exc, 'reason', exc)}") from exc
    if not 200 <= status < 300:
        raise failure(f"{peer}返回 HTTP {status}")
