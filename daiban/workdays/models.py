"""The administrator's table of working-day arrangements, for years the package lacks or gets wrong.

Only a confirmed year takes effect (see calendar.py); each write goes through services.py.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    confirmed = models.BooleanField("已确认", default=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True, help_text="例如国务院办公厅通知的文号")
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    # The loader compares the latest of these across processes to know when to rebuild.
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年"


class CalendarDay(models.Model):
    """A day that departs from the weekday rule: a holiday (休) or an adjusted working day (班)."""

    year = models.ForeignKey(CalendarYear, verbose_name="年度", on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班")
    name = models.CharField("名称", max_length=40, blank=True, help_text="例如 春节、调休上班")

    class Meta:
        verbose_name = verbose_name_plural = "工作日历日期"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {'班' if self.is_workday else '休'} {self.name}".rstrip()
