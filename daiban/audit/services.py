"""Writing and verifying the audit chain."""
from __future__ import annotations

import hmac
import json
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
import psycopg.conninfo
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from daiban.audit import checkpoints, context, retention
from daiban.audit.chain import CHAIN_FIELDS, body_of, event_content, mac_of_body, seal
from daiban.audit.checkpoints import Checkpoint, CheckpointError
from daiban.audit.events import EVENT_TYPES
from daiban.audit.models import AuditAnchor, AuditEvent, AuditHead
from daiban.audit.shape import columns_not_from_body
from daiban.audit.walk import (
    TABLE,
    Pages,
    Span,
    Walked,
    join_runs,
    page_ranges,
    walk_bodies,
    walk_copy,
    walk_in_process,
    walk_pages,
    walk_pages_in_process,
    walk_values,
)
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
        head = AuditHead.objects.select_for_update(no_key=True).get(id=1)
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
        body = body_of(event_content(**fields))
        mac = mac_of_body(settings.AUDIT_KEY.encode("utf-8"), body.encode("utf-8"), head.mac.encode("ascii")).decode()
        # The other columns are computed from the body by the database (and read back by the INSERT's RETURNING).
        event = AuditEvent.objects.create(mac=mac, body=body)
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


# Below this many events one process is quicker than starting others (each spawned process takes ~0.3 s).
PARALLEL_FROM = 200_000


def _spans(key: str, start_seq: int, start_mac: str, head_seq: int, pieces: int) -> list[Span]:
    """The chain from the anchor cut into about `pieces` ranges at signed checkpoints (each range then starts
    from a number and MAC the checkpoint vouches for); one range when there are none to cut at."""
    if pieces <= 1 or head_seq - start_seq < 2:
        return [Span(start_seq, start_mac)]
    seqs: dict[int, object] = {}
    for store in checkpoints.stores():
        try:
            records = store.records()
        except CheckpointError:
            continue  # reported by _latest_checkpoints
        for record in records:
            if isinstance(record, dict) and record.get("kind") == "head" and start_seq < _int(record.get("seq")) < head_seq:
                seqs.setdefault(_int(record.get("seq")), record)
    step = (head_seq - start_seq) / pieces
    spans, after, target = [], (start_seq, start_mac), start_seq + step
    for seq in sorted(seqs):
        if seq < target:
            continue
        try:
            checkpoint = checkpoints.parse(seqs[seq], audit_key=key)
        except CheckpointError:
            continue  # not ours: never trusted as a starting point
        spans.append(Span(after[0], after[1], checkpoint.seq, checkpoint.mac))
        after, target = (checkpoint.seq, checkpoint.mac), checkpoint.seq + step
    return [*spans, Span(after[0], after[1])]


def _span_rows(span: Span, *fields: str):
    rows = AuditEvent.objects.filter(seq__gt=span.after_seq).order_by("seq")
    if span.through_seq is not None:
        rows = rows.filter(seq__lte=span.through_seq)
    return rows.values_list(*fields).iterator(chunk_size=5000)


def _walk_slowly(span: Span, key: bytes) -> Walked:
    """A range through Django, each event's body rebuilt from its columns."""
    return walk_values(_span_rows(span, *CHAIN_FIELDS, "mac", "body"), key, span)


def _walk_here(span: Span, key: bytes, progress, row_check: bool) -> Walked:
    """One range in this process. On PostgreSQL the COPY streams over a connection of its own, so that the
    progress callback can write through Django's connection meanwhile (a connection in COPY can run nothing
    else); inside a transaction (whose rows only its own connection sees) the COPY uses Django's connection and
    progress is told once the range is read."""
    if connection.vendor != "postgresql":
        return _walk_slowly(span, key) if row_check else walk_bodies(_span_rows(span, "seq", "mac", "body"), key, span)
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                connection.ensure_connection()
                return walk_copy(connection.connection, key, span, row_check=row_check)
        return walk_in_process(_conninfo(), key, span, row_check=row_check, progress=progress)
    except psycopg.DataError:  # a body PostgreSQL cannot read as JSON: walk this range the slow way
        return _walk_slowly(span, key)


def _conninfo() -> str:
    params = connection.settings_dict
    options = {k: v for k, v in params.get("OPTIONS", {}).items() if isinstance(v, str | int) and k in
               ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options", "application_name")}
    return psycopg.conninfo.make_conninfo("", dbname=params["NAME"], user=params["USER"] or None,
                                          password=params["PASSWORD"] or None, host=params["HOST"] or None,
                                          port=params["PORT"] or None, **options)


def _walk_spans(spans: list[Span], key: bytes, processes: int, progress, row_check: bool) -> list[Walked]:
    """Every range walked, in parallel processes when asked and possible (PostgreSQL; never inside a transaction,
    whose rows the other processes could not see); answers in the ranges' order."""
    if processes <= 1 or len(spans) <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        walked, done = [], 0
        for span in spans:
            walked.append(_walk_here(span, key, lambda n, done=done: progress(done + n), row_check))
            done += walked[-1].rows
            progress(done)
        return walked
    results: dict[int, Walked] = {}
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(walk_in_process, _conninfo(), key, span, row_check=row_check): n
                   for n, span in enumerate(spans)}
        for future in as_completed(futures):
            n = futures[future]
            try:
                results[n] = future.result()
            except psycopg.DataError:
                results[n] = _walk_slowly(spans[n], key)
            progress(sum(w.rows for w in results.values()))
    return [results[n] for n in range(len(spans))]


# Ranges of pages per process: progress is told as each range is done, and a process that gets less CPU does fewer.
RANGES_PER_PROCESS = 8


def _walk_on_disk(key: bytes, start_seq: int, start_mac: str, head_seq: int, processes: int,
                  progress) -> list[Walked] | None:
    """The whole chain read as it lies on disk (walk.walk_pages), in `processes` processes over ranges of pages: the
    walk's answer when every event up to the head is there once in one unbroken chain, else None (then the walk in
    order runs). Events appended meanwhile that a range missed are walked in order after the rest. PostgreSQL only,
    and only while the table computes its columns from the body."""
    if processes <= 1 or connection.in_atomic_block:
        whole = Pages(0)  # every page, in one COPY: one snapshot
        if connection.in_atomic_block:  # rows only this connection sees
            connection.ensure_connection()
            runs = walk_pages(connection.connection, key, whole, progress=progress)
        else:
            runs = walk_pages_in_process(_conninfo(), key, whole, progress=progress)
        found = [] if runs.broken else runs.runs()
        broken = runs.broken
        progress(runs.rows)
    else:
        found, broken, rows = [], False, 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [TABLE])
            pages = cursor.fetchone()[0]
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(walk_pages_in_process, _conninfo(), key, pages_range)
                       for pages_range in page_ranges(pages, processes * RANGES_PER_PROCESS)]
            for future in as_completed(futures):
                runs = future.result()
                broken, rows = broken or runs.broken, rows + runs.rows
                if broken:  # the walk in order follows: the ranges not yet started are not needed
                    for waiting in futures:
                        waiting.cancel()
                found.extend(runs.runs())
                progress(rows)
    joined = None if broken else join_runs(found, key, start_seq, start_mac, head_seq=head_seq)
    if joined is None:
        return None
    walked, rest = joined
    if not rest:
        return [walked]
    return [walked, _walk_here(Span(walked.last_seq, walked.last_mac), key, lambda n: None, False)]


def _checkpoints_passed(spans: list[Span], last_seq: int) -> list[Problem]:
    """The signed checkpoints the ranges in order would have ended on, compared with the chain read on disk."""
    inside = [span for span in spans if span.through_seq is not None and span.through_seq <= last_seq]
    found = dict(AuditEvent.objects.filter(seq__in=[span.through_seq for span in inside]).values_list("seq", "mac"))
    return [Problem("audit.checkpoint_mismatch", f"检查点记录的第 {span.through_seq} 条事件已被删除或改写",
                    span.through_seq) for span in inside if found.get(span.through_seq) != span.through_mac]


def _joined(walked: list[Walked]) -> tuple[int | None, int, str, int, list[Problem]]:
    """The ranges' walks read as one walk from the anchor: the first bad event, the last event's number and MAC,
    the events read, and any checkpoint a range did not end on."""
    problems: list[Problem] = []
    rows = sum(w.rows for w in walked)
    for n, w in enumerate(walked):
        if w.first_bad is not None:
            return w.first_bad, w.last_seq, w.last_mac, rows, problems
        if w.span.through_seq is not None and w.last_seq < w.span.through_seq:
            if any(later.rows for later in walked[n + 1:]):  # events missing before the next range's
                return w.last_seq + 1, w.last_seq, w.last_mac, rows, problems
            return None, w.last_seq, w.last_mac, rows, problems  # the chain ends here
        if not w.reached_checkpoint:
            problems.append(Problem("audit.checkpoint_mismatch", f"检查点记录的第 {w.span.through_seq} 条事件已被删除或改写",
                                    w.span.through_seq))
    last = walked[-1]
    return None, last.last_seq, last.last_mac, rows, problems


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


def audit_verify(*, key: str | None = None, now: datetime | None = None, processes: int | None = None,
                 progress: Callable[[int, int], None] = lambda done, total: None) -> VerifyResult:
    """Checks the chain from its anchor to its head, the head's seal, and the chain against the
    latest checkpoints kept outside the database.

    Editing changes an event's MAC; deleting leaves a gap; inserting or reordering breaks the link to
    the previous MAC; dropping the last events leaves the head pointing past the end, and setting
    the head back (without the key) breaks its seal; setting it back to an earlier sealed state
    leaves the chain ending before the latest checkpoint. An event older than an hour or so that
    no checkpoint covers means the checkpoint duty stopped or its checkpoints were lost.

    The events are walked in ranges cut at signed checkpoints, by `processes` processes (default: one per core
    from PARALLEL_FROM events on); `progress(done, total)` follows the events read.
    """
    key = key or settings.AUDIT_KEY
    now = now or timezone.now()
    problems: list[Problem] = []
    anchor = AuditAnchor.objects.order_by("-seq").first()
    start_seq, start_mac = (anchor.seq, anchor.mac) if anchor else (0, "")
    if anchor is not None and not _sealed(key, "anchor", anchor.seq, anchor.mac, anchor.seal):
        problems.append(Problem("audit.anchor_invalid", "审计链锚点被改动（校验码不符）", anchor.seq))
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_mac, head_seal = (head.seq, head.mac, head.seal) if head else (0, "", "")
    total = max(head_seq - start_seq, 0)
    if processes is None:
        processes = (os.cpu_count() or 1) if total >= PARALLEL_FROM else 1
    spans = _spans(key, start_seq, start_mac, head_seq, processes * 4 if processes > 1 else 1)
    # Once per verification: whether the table still computes every column from the body. When it does, reading
    # body and MAC is enough; when it does not, each event's columns are compared with its body as well.
    altered = columns_not_from_body()
    if altered:
        problems.append(Problem("audit.table_altered", f"审计事件表的列 {'、'.join(altered)} 已不再由事件的规范内容计算"
                                                       "（表结构被改动），已逐条核对各列"))
    on_disk = None
    if connection.vendor == "postgresql" and not altered:
        on_disk = _walk_on_disk(key.encode("utf-8"), start_seq, start_mac, head_seq, processes,
                                lambda done: progress(done, total))
    if on_disk is not None:
        first_bad, last_seq, last_mac, rows, span_problems = _joined(on_disk)
        span_problems += _checkpoints_passed(spans, last_seq)
    else:  # walked again in order, range by range, to say where the chain breaks
        walked = _walk_spans(spans, key.encode("utf-8"), processes, lambda done: progress(done, total), bool(altered))
        first_bad, last_seq, last_mac, rows, span_problems = _joined(walked)
    if first_bad is not None:
        problems.append(Problem("audit.event_altered", f"自第 {first_bad} 条起审计事件被改动、删除或插入", first_bad))
        # The walk stopped there; the checkpoints are compared with the events that are still there.
        last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or start_seq
    problems.extend(span_problems)
    if head_seq or last_seq:
        if not _sealed(key, "head", head_seq, head_mac, head_seal):
            problems.append(Problem("audit.head_rewritten", "审计链头被改写（链头校验码不符）", head_seq))
        elif first_bad is None and head_seq > last_seq:
            problems.append(Problem("audit.tail_cut", f"审计链尾部被截断：链头记录到第 {head_seq} 条，"
                                                      f"现存事件只到第 {last_seq} 条", last_seq + 1))
        # Events appended since the head was read continue the chain past it: then the head must still be in it.
        elif first_bad is None and (head_seq, head_mac) != (last_seq, last_mac) and not (
                last_seq > head_seq and AuditEvent.objects.filter(seq=head_seq, mac=head_mac).exists()):
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
    count = rows if first_bad is None else AuditEvent.objects.count()
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
        AuditHead.objects.select_for_update(no_key=True).filter(id=1).first()  # no event is appended meanwhile
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
