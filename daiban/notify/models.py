"""The outbox: one row per recipient per channel, written in the transaction of the change it reports."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.lib import clock
from daiban.lib.personal import EncryptedCharField


class Notification(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", "站内消息"
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        READ = "read", "已读"  # in-app messages only

    # Null for an owner without an account, reached at the request's contact phone or e-mail (to_phone, to_email).
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications", null=True, blank=True)
    to_phone = EncryptedCharField("接收手机号", max_length=11, blank=True, kind="phone")
    to_email = EncryptedCharField("接收邮箱", max_length=254, blank=True, kind="email")
    # The rule of daiban/notify/rules.py that made the message ("" for messages queued directly).
    event = models.CharField("事件", max_length=60, blank=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("页面", max_length=300, blank=True, help_text="站内页面路径，如 /cases/12/")
    # A link carrying a one-time token (the owner's evaluation link): kept encrypted like the contact it is
    # sent to, never in `link`, and sent instead of it.
    private_link = EncryptedCharField("含一次性令牌的链接", max_length=300, blank=True, kind="address")
    # An integer, not a foreign key: the cases app imports this one.
    case_id = models.PositiveBigIntegerField("案件编号", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", default=clock.now)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", default=clock.now)
    last_error = models.TextField("最近一次错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    # "<cause>:<recipient>:<channel>"; the same cause never queues twice.
    dedupe_key = models.CharField("去重键", max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "status"], name="notify_inbox"),
            models.Index(fields=["status", "next_attempt_at"], name="notify_due"),
        ]

    def __str__(self) -> str:
        return f"通知 #{self.pk}（{self.get_channel_display()}）"

    @property
    def message_id(self) -> str:
        """Sent to gateways and mail servers so a retried message can be recognised and dropped."""
        return f"daiban-notify-{self.pk}"

    @property
    def phone(self) -> str:
        return self.to_phone or (getattr(self.recipient, "mobile", "") if self.recipient else "")

    @property
    def email(self) -> str:
        return self.to_email or (self.recipient.email if self.recipient else "")

    @property
    def unread(self) -> bool:
        return self.channel == self.Channel.IN_APP and self.status == self.Status.SENT
