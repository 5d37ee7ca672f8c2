"""Sending the provincial outbox by the one outbox mechanism (daiban/lib/outbox.py): claim due rows, POST
each to the platform, back off after a failure, give up after MAX_ATTEMPTS. The platform drops a repeat by
message_id. Without a platform URL nothing is claimed: the reports wait, their attempts untouched.
"""
from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from daiban.lib import outbox
from daiban.provincial.models import ProvincialMessage
from daiban.provincial.signing import signed_headers

MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 10


class ReportError(Exception):
    """Why a report was not accepted (Chinese: it is shown on the outbox page)."""


def configured() -> bool:
    return bool(settings.PROVINCIAL_URL)


def deliver_pending(limit: int = 100) -> int:
    """Send up to `limit` due reports; returns how many the platform accepted."""
    return OUTBOX.deliver_pending(limit) if configured() else 0


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
    outbox.post(settings.PROVINCIAL_URL, body=body, headers=headers, timeout=TIMEOUT_SECONDS, peer="省平台",
                failure=ReportError)


OUTBOX = outbox.Outbox(
    name="provincial message", model=ProvincialMessage, send=lambda message: post(message.payload),
    failure=ReportError, max_attempts=MAX_ATTEMPTS,
    # Longer than a whole batch can take (100 rows x the 10 s timeout).
    lease=dt.timedelta(minutes=20),
)
