from __future__ import annotations

from django.db import models


class IdempotentRequest(models.Model):
    """The answer given to a POST that carried an Idempotency-Key, kept for replay to the same caller.

    Only successful answers are kept: the row is written in the same transaction as the request's own
    writes, so either both exist or neither does.
    """

    caller = models.CharField("调用方", max_length=40)
    key = models.CharField("幂等键", max_length=255)
    fingerprint = models.CharField("请求指纹", max_length=64)
    path = models.CharField("接口地址", max_length=500)
    status = models.PositiveSmallIntegerField("响应状态", null=True)
    content_type = models.CharField("响应类型", max_length=100, blank=True)
    body = models.BinaryField("响应内容", default=b"")
    created_at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口幂等记录"
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_one_answer_per_key")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
