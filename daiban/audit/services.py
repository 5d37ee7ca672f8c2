"""Writing and verifying the audit chain."""
from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from daiban.audit import checkpoints, context, retention
from daiban.audit.chain import CHAIN_FIELDS, compute_mac, event_content, mac_of_values, seal
from daiban.audit.checkpoints import Checkpoint, CheckpointError
from daiban.audit.events import EVENT_TYPES
from daiban.audit.models import AuditAnchor, AuditEvent, AuditHead
from daiban.lib.jsonutil import canonical

log = logging.getLogger(__name__)


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
        AuditHead.objects.filter(id=1).update(mac=mac, seal=seal(settings.AUDIT_KEY, "head", head.seq, mac))
    return event


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str
    seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, "seq": self.seq}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    problems: tuple[Problem, ...] = ()
    checkpoint: Checkpoint | None = None

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"ok": self.ok, "events": self.events, "first_bad_seq": self.first_bad_seq}
        answer["problems"] = [problem.as_dict() for problem in self.problems]
        answer["checkpoint"] = ({"seq": self.checkpoint.seq, "at": self.checkpoint.at}
                                if self.checkpoint is not None else None)
        return answer


def _sealed(key: str, kind: str, seq: int, mac: str, given: str) -> bool:
    return hmac.compare_digest(seal(key, kind, seq, mac), given or "")


def _walk(key: str, start_seq: int, start_mac: str) -> tuple[int | None, int, str]:
    """Walks the chain from the anchor; answers the first bad sequence number (or None) and the
    number and MAC of the last event."""
    previous_mac, expected_seq = start_mac, start_seq + 1
    mac_of = mac_of_values(key)
    rows = AuditEvent.objects.order_by("seq").values_list(*CHAIN_FIELDS, "mac").iterator(chunk_size=5000)
    for row in rows:
        seq, mac = row[0], row[-1]
        if seq != expected_seq:
            return min(seq, expected_seq), seq, mac
        if mac_of(row[:-1], previous_mac) != mac:
            return seq, seq, mac
        previous_mac, expected_seq = mac, expected_seq + 1
    return None, expected_seq - 1, previous_mac


def _latest_checkpoints(key: str) -> tuple[list[Checkpoint], list[Problem]]:
    """From each place: the latest head checkpoint and the one with the highest number, signatures checked."""
    found: list[Checkpoint] = []
    problems: list[Problem] = []
    for store in checkpoints.stores():
        try:
            records = store.records()
        except CheckpointError as exc:
            problems.append(Problem("audit.checkpoint_missing", f"无法读取检查点：{exc}"))
            continue
        heads = [r for r in records if isinstance(r, dict) and r.get("kind") == "head"]
        if len(heads) != len([r for r in records if not (isinstance(r, dict) and r.get("kind") == "anchor")]):
            problems.append(Problem("audit.checkpoint_invalid", f"检查点记录 {store.place} 中有无法识别的行"))
        candidates = heads[-1:] + sorted(heads, key=lambda r: _int(r.get("seq")))[-1:]
        for record in candidates:
            try:
                checkpoint = checkpoints.parse(record, audit_key=key)
            except CheckpointError as exc:
                problems.append(Problem("audit.checkpoint_invalid", f"{exc}（{store.place}）", _int(record.get("seq"))))
            else:
                if checkpoint not in found:
                    found.append(checkpoint)
    return found, problems


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def audit_verify(*, key: str | None = None, now: datetime | None = None) -> VerifyResult:
    """Checks the chain from its anchor to its head, the head's seal, and the chain against the
    latest checkpoints kept outside the database.

    Editing changes an event's MAC; deleting leaves a gap; inserting or reordering breaks the link to
    the previous MAC; dropping the last events leaves the head pointing past the end, and setting
    the head back (without the key) breaks its seal; setting it back to an earlier sealed state
    leaves the chain ending before the latest checkpoint. An event older than an hour or so that
    no checkpoint covers means the checkpoint duty stopped or its checkpoints were lost.
    """
    key = key or settings.AUDIT_KEY
    now = now or timezone.now()
    problems: list[Problem] = []
    anchor = AuditAnchor.objects.order_by("-seq").first()
    start_seq, start_mac = (anchor.seq, anchor.mac) if anchor else (0, "")
    if anchor is not None and not _sealed(key, "anchor", anchor.seq, anchor.mac, anchor.seal):
        problems.append(Problem("audit.anchor_invalid", "审计链锚点被改动（校验码不符）", anchor.seq))
    first_bad, last_seq, last_mac = _walk(key, start_seq, start_mac)
    if first_bad is not None:
        problems.append(Problem("audit.event_altered", f"自第 {first_bad} 条起审计事件被改动、删除或插入", first_bad))

    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_mac, head_seal = (head.seq, head.mac, head.seal) if head else (0, "", "")
    if head_seq or last_seq:
        if not _sealed(key, "head", head_seq, head_mac, head_seal):
            problems.append(Problem("audit.head_rewritten", "审计链头被改写（链头校验码不符）", head_seq))
        elif first_bad is None and head_seq > last_seq:
            problems.append(Problem("audit.tail_cut", f"审计链尾部被截断：链头记录到第 {head_seq} 条，"
                                                      f"现存事件只到第 {last_seq} 条", last_seq + 1))
        elif first_bad is None and (head_seq, head_mac) != (last_seq, last_mac):
            problems.append(Problem("audit.head_rewritten", "审计链头与最后一条事件不符", last_seq))

    latest, checkpoint_problems = _latest_checkpoints(key)
    problems.extend(checkpoint_problems)
    covered = 0
    for checkpoint in latest:
        covered = max(covered, checkpoint.seq)
        if checkpoint.seq <= start_seq:
            continue
        if checkpoint.seq > last_seq:
            problems.append(Problem("audit.tail_cut", f"审计链尾部被截断：{checkpoint.at:%Y-%m-%d %H:%M} 的检查点记录到"
                                                      f"第 {checkpoint.seq} 条，现存事件只到第 {last_seq} 条",
                                    last_seq + 1))
        elif not AuditEvent.objects.filter(seq=checkpoint.seq, mac=checkpoint.mac).exists():
            problems.append(Problem("audit.checkpoint_mismatch", f"检查点记录的第 {checkpoint.seq} 条事件已被删除或改写",
                                    checkpoint.seq))
    uncovered = (AuditEvent.objects.filter(seq__gt=max(covered, start_seq), created_at__lt=now - checkpoints.STALE_AFTER)
                 .order_by("seq").values_list("seq", flat=True).first())
    if uncovered is not None:
        problems.append(Problem("audit.checkpoint_missing", f"第 {uncovered} 条起的事件已超过一小时仍无检查点"
                                                            "（检查点任务未运行或检查点丢失）", uncovered))

    problems = list(dict.fromkeys(problems))
    count = AuditEvent.objects.count()
    if not problems:
        return VerifyResult(True, count, checkpoint=max(latest, key=lambda c: c.seq, default=None))
    first = min((p.seq for p in problems if p.seq is not None), default=max(last_seq, 1))
    return VerifyResult(False, count, first, tuple(problems), max(latest, key=lambda c: c.seq, default=None))


def audit_checkpoint(*, now: datetime | None = None) -> list[str]:
    """Writes a signed checkpoint of the head to every configured place where one is due.

    Idempotent: a place whose latest checkpoint already holds this head (and is younger than the
    heartbeat) is skipped, under a lock, so two workers write it once. A head whose seal does not
    verify, or that lies below the latest checkpoint, is never written: that would bless a cut.
    Answers the places written to."""
    now = now or timezone.now()
    head = AuditHead.objects.filter(id=1).first()
    seq, mac = (head.seq, head.mac) if head else (0, "")
    if head is not None and not _sealed(settings.AUDIT_KEY, "head", seq, mac, head.seal):
        raise CheckpointError("审计链头校验码不符，拒绝为其写检查点；请运行 audit_verify")
    current = Checkpoint(seq=seq, mac=mac, at=now)
    return _write_everywhere(current)


def _write_everywhere(checkpoint: Checkpoint) -> list[str]:
    written: list[str] = []
    errors: list[str] = []
    record = checkpoints.sign(checkpoint)

    def skip(latest_record: object) -> bool:
        try:
            latest = checkpoints.parse(latest_record) if latest_record is not None else None
        except CheckpointError:
            latest = None
        if checkpoint.kind == "head" and latest is not None and latest.kind == "head" and checkpoint.seq < latest.seq:
            raise CheckpointError(f"审计链头（第 {checkpoint.seq} 条）低于最近的检查点（第 {latest.seq} 条），"
                                  "链尾可能被截断；拒绝写入")
        return not checkpoints.is_due(latest, checkpoint)

    for store in checkpoints.stores():
        try:
            if store.append_unless(record, skip=skip):
                written.append(store.place)
        except CheckpointError as exc:
            log.error("audit checkpoint not written: %s", exc)
            errors.append(str(exc))
    if errors:
        raise CheckpointError("；".join(errors))
    return written


class PurgeRefused(Exception):
    """The chain does not verify: nothing is purged, so the evidence stays."""


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    anchor_seq: int | None


def audit_purge(*, now: datetime | None = None) -> PurgeResult:
    """Deletes the events older than the retention period (retention.py), a prefix of the chain,
    and seals an anchor at the last one deleted so the rest still verifies. Runs as the owner
    role: the runtime role has no DELETE on the audit table."""
    now = now or timezone.now()
    verified = audit_verify(now=now)
    if not verified.ok:
        raise PurgeRefused("审计链校验未通过，不清理：" + "；".join(p.detail for p in verified.problems))
    cutoff = retention.purge_cutoff(now, settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        AuditHead.objects.select_for_update().filter(id=1).first()  # no event is appended meanwhile
        anchor = AuditAnchor.objects.order_by("-seq").first()
        start_seq = anchor.seq if anchor else 0
        first_young = (AuditEvent.objects.filter(created_at__gte=cutoff).order_by("seq")
                       .values_list("seq", flat=True).first())
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "mac").first()
        through = first_young - 1 if first_young is not None else (last[0] if last else start_seq)
        if through <= start_seq:
            return PurgeResult(0, None)
        through_mac = AuditEvent.objects.values_list("mac", flat=True).get(seq=through)
        with retention.deletion_allowed():
            deleted, _ = AuditEvent.objects.filter(seq__lte=through).delete()
        AuditAnchor.objects.create(seq=through, mac=through_mac, seal=seal(settings.AUDIT_KEY, "anchor", through, through_mac),
                                   created_at=now, purged=deleted)
        audit_record(event_type="audit.purged", actor_name="audit_purge",
                     new={"through_seq": through, "deleted": deleted, "cutoff": cutoff.isoformat()})
        anchor_checkpoint = Checkpoint(kind="anchor", seq=through, mac=through_mac, at=now)
        transaction.on_commit(lambda: _write_everywhere(anchor_checkpoint), robust=True)
    return PurgeResult(deleted, through)
