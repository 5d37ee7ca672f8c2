"""Writing and verifying the audit chain."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from daiban.audit import context
from daiban.audit.chain import compute_mac, content_of, event_content
from daiban.audit.events import EVENT_TYPES
from daiban.audit.models import AuditEvent, AuditHead
from daiban.lib.jsonutil import canonical


def _as_json(value: Any) -> Any:
    # Store exactly what the MAC covers: the value after one trip through canonical JSON.
    return None if value is None else json.loads(canonical(value))


def audit_record(
    *,
    event_type: str,
    actor=None,
    obj: models.Model | None = None,
    old: Any = None,
    new: Any = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records.

    The head row is updated first: the UPDATE takes the row lock on PostgreSQL and the write lock on
    SQLite, so concurrent writers queue here and each links to the MAC its predecessor wrote.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown audit event type {event_type!r}")
    request = context.current()
    with transaction.atomic():
        AuditHead.objects.get_or_create(id=1)
        AuditHead.objects.filter(id=1).update(seq=models.F("seq") + 1)
        head = AuditHead.objects.select_for_update().get(id=1)
        fields = dict(
            seq=head.seq,
            event_type=event_type,
            actor_id=getattr(actor, "pk", None),
            actor_name=actor_name or (getattr(actor, "username", "") if actor is not None else "系统"),
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            old=_as_json(old),
            new=_as_json(new),
            created_at=timezone.now(),
            ip=request.ip,
            request_id=request.request_id,
            outcome=outcome,
        )
        mac = compute_mac(settings.AUDIT_KEY, event_content(**fields), head.mac)
        event = AuditEvent.objects.create(mac=mac, **fields)
        AuditHead.objects.filter(id=1).update(mac=mac)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    first_bad_seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"ok": self.ok, "events": self.events}
        if not self.ok:
            answer["first_bad_seq"] = self.first_bad_seq
        return answer


def audit_verify(*, key: str | None = None) -> VerifyResult:
    """Walk the chain in sequence order; the first event whose number or MAC is off is reported.

    Editing changes an event's MAC; deleting leaves a gap; inserting or reordering breaks the link to
    the previous MAC; dropping the last events leaves the head pointing past the end.
    """
    key = key or settings.AUDIT_KEY
    previous_mac = ""
    expected_seq = 1
    count = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if event.seq != expected_seq:
            return VerifyResult(False, AuditEvent.objects.count(), min(event.seq, expected_seq))
        if compute_mac(key, content_of(event), previous_mac) != event.mac:
            return VerifyResult(False, AuditEvent.objects.count(), event.seq)
        previous_mac = event.mac
        expected_seq += 1
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_mac = (head.seq, head.mac) if head else (0, "")
    if head_seq != count or head_mac != previous_mac:
        return VerifyResult(False, count, count + 1 if head_seq > count else max(count, 1))
    return VerifyResult(True, count)
