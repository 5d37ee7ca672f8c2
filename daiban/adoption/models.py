"""What was brought in from a county's existing ledger, so that a second run imports nothing twice."""
from __future__ import annotations

from django.db import models

from daiban.intake.models import Request


class LedgerRow(models.Model):
    # The ledger's 登记编号, else "credit code|project name" (daiban/adoption/columns.py `row_key`).
    key = models.CharField("台帐行标识", max_length=140, unique=True)
    request = models.OneToOneField(Request, verbose_name="代办登记", on_delete=models.PROTECT, related_name="+")
    source_file = models.CharField("来源文件", max_length=200, blank=True)
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        verbose_name = verbose_name_plural = "已导入台帐行"

    def __str__(self) -> str:
        return self.key


class LedgerUpload(models.Model):
    """A ledger file sent to the API: previewed (a dry run) when it arrives, imported when confirmed."""

    uploaded_by = models.ForeignKey("org.User", verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=200)
    content = models.BinaryField("文件内容")
    sha256 = models.CharField("摘要", max_length=64)
    uploaded_at = models.DateTimeField("上传时间")
    confirmed_at = models.DateTimeField("确认导入时间", null=True, blank=True)
    confirmed_by = models.ForeignKey("org.User", verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "台帐导入文件"

    def __str__(self) -> str:
        return self.filename
