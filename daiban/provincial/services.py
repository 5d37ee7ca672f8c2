"""Queuing reports to the provincial platform, and the administrators' replay.

`provincial_enqueue` is called inside the caller's `transaction.atomic()` block, next to the change it
reports (acceptance, a project code, an item's result, completion, termination): the row commits or
rolls back with that change. Queuing is not an audit event of its own; the cause is audited by the caller.
"""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from daiban.audit.services import audit_record
from daiban.cases.models import Case, CaseItem
from daiban.lib import clock
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import Role
from daiban.provincial import payloads
from daiban.provincial.delivery import OUTBOX
from daiban.provincial.models import ProvincialMessage

Event, Status = ProvincialMessage.Event, ProvincialMessage.Status

# Who watches the reports and may send a failed one again.
OUTBOX_ADMIN_ROLES = (Role.CENTER_ADMIN, Role.SYS_ADMIN)


def provincial_enqueue(*, event: str, case: Case, item: CaseItem | None = None,
                       details: dict[str, Any] | None = None, key: str | None = None) -> ProvincialMessage:
    """Queue the report of one event; the same event queued again returns the row already there."""
    event = Event(event)
    if event == Event.ITEM_RESULT and item is None:
        raise ValueError("an item_result report needs its item")
    message_id = payloads.message_id_for(event, case, item, key)
    existing = ProvincialMessage.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    now = clock.now()
    row = ProvincialMessage(
        message_id=message_id, event=event, case=case, item=item, occurred_at=now, created_at=now,
        next_attempt_at=now,
        payload=payloads.build(message_id=message_id, event=event.value, event_label=event.label, case=case,
                               occurred_at=now, item=item, details=details))
    try:
        # A savepoint, so that losing a race to a concurrent caller does not break their transaction.
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return ProvincialMessage.objects.get(message_id=message_id)
    return row


def provincial_replay(*, actor: User, message: ProvincialMessage) -> ProvincialMessage:
    """Puts a failed (or stuck) report back in the queue with a fresh set of attempts, same message id."""
    require_role(actor, *OUTBOX_ADMIN_ROLES, action="provincial_replay")
    with transaction.atomic():
        row, old = OUTBOX.requeue(message.pk, missing="没有这条报文", already_sent="该报文已报送成功，无需重新报送")
        audit_record(event_type="provincial.replayed", actor=actor, obj=row, old=old,
                     new={"status": row.status, "message_id": row.message_id, "event": row.event})
    return row
