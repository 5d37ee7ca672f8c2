"""The outbox of reports to the provincial online approval platform (投资项目在线审批监管平台, seed §5.1.4).

One row per event, written in the transaction of the change it reports; the background worker
(delivery.py) sends it. The message id is derived from the event, so the same event is never queued
twice and the platform can drop a repeated delivery.
"""
from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from daiban.lib import clock


class ProvincialMessage(models.Model):
    class Event(models.TextChoices):
        ACCEPTANCE = "acceptance", "受理"
        PROJECT_CODE = "project_code", "项目赋码"
        ITEM_RESULT = "item_result", "事项办理结果"
        COMPLETION = "completion", "办结"
        TERMINATION = "termination", "终止代办"
        EVALUATION = "evaluation", "好差评评价"
        RECTIFICATION = "rectification", "差评整改"

    class Status(models.TextChoices):
        PENDING = "pending", "待报送"
        SENT = "sent", "已报送"
        FAILED = "failed", "报送失败"

    message_id = models.CharField("报文编号", max_length=100, unique=True)
    event = models.CharField("事件", max_length=16, choices=Event.choices)
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="provincial_messages")
    item = models.ForeignKey("cases.CaseItem", verbose_name="事项", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    payload = models.JSONField("报文", encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField("发生时间")
    created_at = models.DateTimeField("生成时间", default=clock.now)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("报送次数", default=0)
    next_attempt_at = models.DateTimeField("下次报送时间", default=clock.now)
    last_error = models.TextField("最近一次错误", blank=True)
    sent_at = models.DateTimeField("报送成功时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "省平台报送"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="provincial_due")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.message_id}"
