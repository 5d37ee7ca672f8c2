"""Appending many events at once (generating a province for measurement): a real chain that verifies.

Only for an empty or quiet trail: it holds the head's lock for each batch, as audit_record does per event. The
MACs are computed here in Python, batch by batch; on PostgreSQL the rows go in by COPY. Every `checkpoint_every`
events the batch is committed and a signed checkpoint written, as the checkpoint duty would have over the years
(and verification can then split the chain at them).
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from daiban.audit.chain import CHAIN_FIELDS, body_of_values, mac_maker, seal
from daiban.audit.models import AuditEvent, AuditHead
from daiban.audit.services import audit_checkpoint

BATCH = 5000
COLUMNS = ("mac", "body")  # the other columns are computed from the body (AuditEvent)
DEFAULTS = {"ip": None, "request_id": "", "outcome": AuditEvent.Outcome.SUCCESS, "actor_id": None,
            "actor_name": "系统", "object_type": "", "object_id": "", "object_repr": "", "old": None, "new": None}


def audit_append_many(events: Iterable[dict[str, Any]], *, checkpoint_every: int = 0) -> int:
    """Appends `events` (the chain's fields but seq; old and new as canonical JSON values) in order,
    chained to the head; answers how many. With `checkpoint_every`, commits and writes a checkpoint that often."""
    events = iter(events)
    written = 0
    while True:
        chunk = list(islice(events, checkpoint_every)) if checkpoint_every else events
        appended = _append(chunk)
        written += appended
        if not checkpoint_every or not appended:
            return written
        audit_checkpoint()


def _append(events: Iterable[dict[str, Any]]) -> int:
    mac_of = mac_maker(settings.AUDIT_KEY.encode("utf-8"))
    written = 0
    with transaction.atomic():
        AuditHead.objects.get_or_create(id=1)
        head = AuditHead.objects.select_for_update(no_key=True).get(id=1)
        seq, mac = head.seq, head.mac.encode("ascii")
        rows: list[tuple] = []
        for fields in events:
            seq += 1
            row = {**DEFAULTS, **fields, "seq": seq}
            body = body_of_values([row[name] for name in CHAIN_FIELDS])
            mac = mac_of(body, mac)
            rows.append((mac.decode("ascii"), body.decode("utf-8")))
            if len(rows) >= BATCH:
                _insert(rows)
                written, rows = written + len(rows), []
        _insert(rows)
        written += len(rows)
        if written:
            mac_text = mac.decode("ascii")
            AuditHead.objects.filter(id=1).update(seq=seq, mac=mac_text,
                                                  seal=seal(settings.AUDIT_KEY, "head", seq, mac_text))
    return written


def _insert(rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(**dict(zip(COLUMNS, row, strict=True))) for row in rows])
        return
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(
            f"COPY audit_auditevent ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
