"""The audit chain: one append-only log of domain events, each MAC-linked to the one before."""
from __future__ import annotations

from typing import Any

from django.db import models

from daiban.audit.events import EVENT_TYPES


class FromBody(models.Func):
    """One key of an event's canonical body (AuditEvent.body) as a column's value, in each database's own SQL.

    Deterministic on both (PostgreSQL takes only immutable functions in a generated column, hence the moment
    built by make_timestamp rather than a cast, which depends on the session's time zone)."""

    arity = 0
    output_field = models.TextField()

    def __init__(self, key: str, kind: str):
        super().__init__()
        self.key, self.kind = key, kind

    def __repr__(self) -> str:
        return f"FromBody({self.key!r}, {self.kind!r})"

    def deconstruct(self):
        return "daiban.audit.models.FromBody", (self.key, self.kind), {}

    def __eq__(self, other):
        return isinstance(other, FromBody) and (self.key, self.kind) == (other.key, other.kind)

    def __hash__(self):
        return hash((self.key, self.kind))

    def as_sql(self, compiler: Any, connection: Any, function: str | None = None, template: str | None = None,
               arg_joiner: str | None = None, **extra: Any) -> tuple[str, tuple[str | int, ...]]:
        raise NotImplementedError(f"audit events are kept on PostgreSQL or SQLite, not {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        value = f"""(("body")::jsonb ->> '{self.key}')"""
        sql = {
            "text": value,
            "int": f"({value})::bigint",
            "json": f"""NULLIF((("body")::jsonb -> '{self.key}'), 'null'::jsonb)""",
            "ip": f"({value})::inet",
            # "2026-12-05T21:15:43.123456Z": read field by field (a cast to timestamptz is not immutable)
            "moment": (f"timezone('UTC', make_timestamp(substr({value}, 1, 4)::integer, substr({value}, 6, 2)::integer, "
                       f"substr({value}, 9, 2)::integer, substr({value}, 12, 2)::integer, "
                       f"substr({value}, 15, 2)::integer, substr({value}, 18, 9)::double precision))"),
        }[self.kind]
        return sql, []

    def as_sqlite(self, compiler, connection, **extra):
        value = f"""("body" ->> '$.{self.key}')"""
        sql = {
            "text": value,
            "int": value,
            "json": f"""NULLIF(("body" -> '$.{self.key}'), 'null')""",
            "ip": value,
            # Django keeps moments on SQLite as "2026-12-05 21:15:43.123456" (UTC)
            "moment": f"(substr({value}, 1, 10) || ' ' || substr({value}, 12, 15))",
        }[self.kind]
        return sql, []

    @classmethod
    def stored(cls, key: str, output_field: models.Field, **options) -> models.GeneratedField:
        """A stored column computed from the body's `key`, typed and named as `output_field` says."""
        kind = {"PositiveBigIntegerField": "int", "BigIntegerField": "int", "JSONField": "json",
                "GenericIPAddressField": "ip", "DateTimeField": "moment"}.get(output_field.get_internal_type(), "text")
        name, path, args, kwargs = output_field.deconstruct()
        plain = {k: v for k, v in kwargs.items() if k not in ("verbose_name", "blank", "null")}
        return models.GeneratedField(expression=cls(key, kind), output_field=output_field.__class__(*args, **plain),
                                     db_persist=True, verbose_name=kwargs.get("verbose_name"),
                                     null=kwargs.get("null", False), **options)


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        DENIED = "denied", "拒绝"
        FAILURE = "failure", "失败"

    # The MAC covers `body`, the exact canonical text of the event (chain.body_of); every other column is computed
    # from it by the database (stored generated columns), so no column can say anything the body does not, and
    # verifying reads only the body and the MAC of each event. That the table still computes them so is checked
    # once per verification (shape.py).
    body = models.TextField("规范内容")
    mac = models.CharField("校验码", max_length=64)
    seq = FromBody.stored("seq", models.PositiveBigIntegerField("序号"), unique=True)
    # Checked against EVENT_TYPES on write (not as field choices: the list grows without migrations).
    event_type = FromBody.stored("event_type", models.CharField("事件类型", max_length=48), db_index=True)
    # The actor is kept as id and name, without a foreign key: the trail outlives accounts.
    actor_id = FromBody.stored("actor_id", models.BigIntegerField("操作人ID", null=True, blank=True))
    actor_name = FromBody.stored("actor_name", models.CharField("操作人", max_length=150, blank=True))
    object_type = FromBody.stored("object_type", models.CharField("对象类型", max_length=60, blank=True))
    object_id = FromBody.stored("object_id", models.CharField("对象ID", max_length=40, blank=True))
    object_repr = FromBody.stored("object_repr", models.CharField("对象", max_length=200, blank=True))
    old = FromBody.stored("old", models.JSONField("原值", null=True, blank=True))
    new = FromBody.stored("new", models.JSONField("新值", null=True, blank=True))
    created_at = FromBody.stored("created_at", models.DateTimeField("时间"))
    ip = FromBody.stored("ip", models.GenericIPAddressField("来源IP", null=True, blank=True))
    request_id = FromBody.stored("request_id", models.CharField("请求ID", max_length=40, blank=True))
    outcome = FromBody.stored("outcome", models.CharField("结果", max_length=10), choices=Outcome.choices)

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type}"

    @property
    def event_label(self) -> str:
        return EVENT_TYPES.get(self.event_type, self.event_type)


class AuditHead(models.Model):
    """The last sequence number and MAC. Writers lock this row, so two writers never fork the chain.

    `seal` is a MAC over (seq, mac): setting the head back over a cut tail needs the audit key."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    mac = models.CharField(max_length=64, default="")
    seal = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"


class AuditAnchor(models.Model):
    """Where the chain starts after a purge: the last purged event's number and MAC, sealed.

    Verification starts from the latest anchor instead of event 1, so the chain stays verifiable
    when events past the retention period are deleted (retention.py)."""

    seq = models.PositiveBigIntegerField("锚点序号", unique=True)
    mac = models.CharField("锚点校验码", max_length=64)
    seal = models.CharField(max_length=64)
    created_at = models.DateTimeField("清理时间")
    purged = models.PositiveBigIntegerField("本次清理条数")

    class Meta:
        verbose_name = verbose_name_plural = "审计链锚点"
        ordering = ["-seq"]



class VerifyRun(models.Model):
    """One verification of the chain in the background: the auditor's page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在校验"
        DONE = "done", "已完成"
        FAILED = "failed", "校验出错"

    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_by = models.CharField("发起人", max_length=150, blank=True)
    events_total = models.PositiveBigIntegerField("待校验事件数", default=0)
    events_done = models.PositiveBigIntegerField("已校验事件数", default=0)
    processes = models.PositiveSmallIntegerField("并行进程数", default=1)
    # VerifyResult.as_dict() once done: the same answer as the synchronous verification gave.
    result = models.JSONField("结果", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("发起时间")
    touched_at = models.DateTimeField("最近进度", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计链校验"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.events_done}/{self.events_total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.events_done * 100 / self.events_total)) if self.events_total else 0

    @property
    def seconds(self) -> float | None:
        return (self.finished_at - self.created_at).total_seconds() if self.finished_at else None
