from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """The last number handed out under one name (a day's tracking numbers, one case's forms of a kind)."""

    name = models.CharField("名称", max_length=80, primary_key=True)
    value = models.BigIntegerField("已发号")

    class Meta:
        verbose_name = verbose_name_plural = "编号计数器"

    def __str__(self) -> str:
        return f"{self.name} {self.value}"
