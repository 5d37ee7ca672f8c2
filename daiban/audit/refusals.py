"""A refused access is evidence: its audit event outlives the transaction that refused it.

Services check permission inside their transaction when they need the locked row to know who may
act; the refusal then raises, which rolls the transaction back and, with it, an event written inside
it. So `audit_refusal` writes the event at once (a caller that catches the refusal and commits keeps
it) and also notes it on the connection; `keep_refusals` writes again, outside the transaction, each
noted event that a rollback took away. It runs when a service's `atomic()` block from this module
ends, and, for every other service, where the API and the pages turn a refusal into an answer.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from daiban.audit.models import AuditEvent
from daiban.audit.services import audit_record

_PENDING = "_daiban_pending_refusals"


def _inside_own_transaction(connection) -> bool:
    # A test's own transaction (pytest-django, TestCase) is not the service's: it never rolls back
    # before the test looks at the trail.
    return any(not block._from_testcase for block in connection.atomic_blocks)


def audit_refusal(*, actor=None, new: dict[str, Any], obj=None) -> AuditEvent:
    """Records an `access.refused` event that survives the rollback of the surrounding transaction."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    event = dict(event_type="access.refused", actor=actor, obj=obj, new=new, outcome=AuditEvent.Outcome.DENIED)
    recorded = audit_record(**event)
    connection = transaction.get_connection()
    if _inside_own_transaction(connection):
        connection.__dict__.setdefault(_PENDING, []).append((event, recorded.mac))
    return recorded


def keep_refusals() -> None:
    """Once out of the service's transaction: each refusal noted inside it is in the trail, once."""
    connection = transaction.get_connection()
    kept = []
    for event, mac in connection.__dict__.pop(_PENDING, []):
        if not AuditEvent.objects.filter(mac=mac).exists():
            mac = audit_record(**event).mac
        kept.append((event, mac))
    if kept and _inside_own_transaction(connection):
        connection.__dict__[_PENDING] = kept  # an enclosing transaction may still roll back


@contextmanager
def atomic() -> Iterator[None]:
    """`transaction.atomic()` for a service that may refuse inside it."""
    try:
        with transaction.atomic():
            yield
    finally:
        keep_refusals()
