"""Queuing reports to the provincial platform, and the administrators' replay.

A case's event is queued by `daiban.cases.provincial_reports.provincial_enqueue`, inside the caller's
`transaction.atomic()` block, next to the change it reports (acceptance, a project code, an item's result,
completion, termination): the row commits or rolls back with that change. Queuing is not an audit event of
its own; the cause is audited by the caller.
"""
from __future__ import annotations

from django.db import IntegrityError, transaction

from daiban.audit.services import audit_record
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import Role
from daiban.provincial.delivery import OUTBOX
from daiban.provincial.models import ProvincialMessage

# Who watches the reports and may send a failed one again.
OUTBOX_ADMIN_ROLES = (Role.CENTER_ADMIN, Role.SYS_ADMIN)


def message_enqueue(row: ProvincialMessage) -> ProvincialMessage:
    """Saves a new report; when a concurrent caller queued the same message id first, returns theirs."""
    try:
        # A savepoint, so that losing a race to a concurrent caller does not break their transaction.
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return ProvincialMessage.objects.get(message_id=row.message_id)
    return row


def provincial_replay(*, actor: User, message: ProvincialMessage) -> ProvincialMessage:
    """Puts a failed (or stuck) report back in the queue with a fresh set of attempts, same message id."""
    require_role(actor, *OUTBOX_ADMIN_ROLES, action="provincial_replay")
    with transaction.atomic():
        row, old = OUTBOX.requeue(message.pk, missing="没有这条报文", already_sent="该报文已报送成功，无需重新报送")
        audit_record(event_type="provincial.replayed", actor=actor, obj=row, old=old,
                     new={"status": row.status, "message_id": row.message_id, "event": row.event})
    return row
