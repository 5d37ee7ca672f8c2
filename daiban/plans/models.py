"""The task plan of a case and the records of its execution."""
from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from daiban.cases.models import Case, CaseDocument, CaseItem
from daiban.cases.states import ItemStatus


class TaskPlan(models.Model):
    """代办任务分解计划表: one per case; its item dates live on the CaseItems."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    start_date = models.DateField("计划开始日期")
    effective_start = models.DateField("起算日（工作日）")
    critical_path = models.JSONField("关键路径", default=list)
    projected_permit_date = models.DateField("预计取得施工许可日期", null=True, blank=True)
    target_length = models.PositiveSmallIntegerField("达标计算长度", null=True, blank=True)
    fits_target = models.BooleanField("符合百日目标", null=True)
    provisional = models.BooleanField("含暂定日期", default=False)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "代办任务分解计划"


class ItemTransition(models.Model):
    item = models.ForeignKey(CaseItem, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=20, choices=ItemStatus.choices)
    to_status = models.CharField("新状态", max_length=20, choices=ItemStatus.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项状态变更"
        ordering = ["at", "id"]


class Pause(models.Model):
    """Time not counted: a suspension (行政许可法第四十五条) or a material correction (补正)."""

    class Kind(models.TextChoices):
        HEARING = "hearing", "听证"
        TESTING = "testing", "检验检测"
        APPRAISAL = "appraisal", "鉴定"
        EXPERT_REVIEW = "expert_review", "专家评审"
        CORRECTION = "correction", "材料补正"

    item = models.ForeignKey(CaseItem, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    reason = models.CharField("事由", max_length=300)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    workdays = models.PositiveSmallIntegerField("不计入的工作日", default=0)
    rule = models.CharField("适用规则", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "暂停计时"
        ordering = ["started_on", "id"]


class ItemUrge(models.Model):
    """催办 (a reminder) and 督办 (a formal supervision order): who, when, to whom."""

    class Kind(models.TextChoices):
        URGE = "urge", "催办"
        SUPERVISE = "supervise", "督办"

    item = models.ForeignKey(CaseItem, on_delete=models.CASCADE, related_name="urges")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发出人", on_delete=models.PROTECT, related_name="+")
    to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    note = models.CharField("内容", max_length=300)
    respond_by = models.DateField("要求办结日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "催办督办"
        ordering = ["-at"]


class Escalation(models.Model):
    """An overdue item escalated: to the unit administrator (level 1), at twice its limit to the center (2)."""

    item = models.ForeignKey(CaseItem, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField("层级")
    at = models.DateTimeField("时间")
    elapsed_workdays = models.PositiveSmallIntegerField("已用工作日")
    limit_workdays = models.PositiveSmallIntegerField("承诺时限")

    class Meta:
        verbose_name = verbose_name_plural = "逾期升级"
        constraints = [models.UniqueConstraint(fields=["item", "level"], name="escalate_each_level_once")]


class WorkLog(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="work_logs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                               related_name="+")
    day = models.DateField("日期")
    content = models.TextField("工作内容")
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "工作日志"
        ordering = ["-day", "-id"]


class OwnerVisit(models.Model):
    """An in-person visit of the owner (最多跑一次: more than one per case is flagged)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    day = models.DateField("日期")
    reason = models.CharField("事由", max_length=200)
    item = models.ForeignKey(CaseItem, verbose_name="相关事项", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "业主到场记录"
        ordering = ["day", "id"]


class ProgressReport(models.Model):
    """代办进度反馈, each half month (1st–15th, 16th–end)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress_reports")
    period_start = models.DateField("起")
    period_end = models.DateField("止")
    summary = models.JSONField("摘要", encoder=DjangoJSONEncoder)
    document = models.ForeignKey(CaseDocument, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = verbose_name_plural = "代办进度反馈"
        ordering = ["-period_start"]
        constraints = [models.UniqueConstraint(fields=["case", "period_start"], name="one_report_per_half_month")]


class DurationCount(models.Model):
    """How many items of one catalog item finished in one month, at one department, having used exactly
    `workdays` working days (pauses excluded): the histogram the evidence figures are read from, kept up
    as items finish. `imported` rows come from records older than this service and survive a rebuild."""

    catalog_item = models.ForeignKey("catalog.CatalogItem", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("办结月份")
    workdays = models.PositiveSmallIntegerField("实际用时（工作日）")
    imported = models.BooleanField("导入的历史记录", default=False)
    count = models.PositiveIntegerField("件数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "事项用时分布"
        constraints = [models.UniqueConstraint(fields=["catalog_item", "department", "month", "workdays", "imported"],
                                               name="duration_count_once")]
        indexes = [models.Index(fields=["catalog_item", "month"]), models.Index(fields=["month"])]


class DurationFigure(models.Model):
    """The rolling-window figures of one catalog item (department empty) or one item × department."""

    catalog_item = models.ForeignKey("catalog.CatalogItem", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    window_from = models.DateField("统计起始月份")
    sample = models.PositiveIntegerField("样本件数")
    median = models.DecimalField("中位数（工作日）", max_digits=6, decimal_places=1, null=True)
    p80 = models.DecimalField("80%分位（工作日）", max_digits=6, decimal_places=1, null=True)
    mean = models.DecimalField("平均（工作日）", max_digits=6, decimal_places=1, null=True)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = verbose_name_plural = "事项实际用时统计"
        constraints = [
            models.UniqueConstraint(fields=["catalog_item", "department"], name="duration_figure_per_department"),
            models.UniqueConstraint(fields=["catalog_item"], condition=models.Q(department__isnull=True),
                                    name="duration_figure_per_item"),
        ]


class ItemCounts(models.Model):
    """The counters the day and month item rollups keep (described on ItemRollup)."""

    finished = models.PositiveIntegerField("办结事项", default=0)
    on_time = models.PositiveIntegerField("按时办结", default=0)
    workdays = models.PositiveIntegerField("实际用时合计（工作日）", default=0)
    limit_workdays = models.PositiveIntegerField("承诺时限合计（工作日）", default=0)
    late = models.PositiveIntegerField("超过承诺时限", default=0)
    reported_up = models.PositiveIntegerField("上报事项", default=0)
    report_up_late = models.PositiveIntegerField("上报逾期", default=0)

    class Meta:
        abstract = True


class ItemRollup(ItemCounts):
    """What happened to items on one day, per unit × township × department × catalog item, counted as it
    happens (plans.rollups) so the statistics read a small table instead of grouping every item:

    finished        items finished that day with a result (已办结 or 不予许可) that had a legal clock
    on_time         of those, finished on or before their due date
    workdays        the working days they used, pauses excluded (plans.deadlines.workdays_used), summed
    limit_workdays  their committed limits, summed
    late            of those, the ones that used more working days than their limit
    reported_up     higher-level items reported up that day
    report_up_late  of those, reported after their report-up due date (plans.deadlines.report_up_late)
    """

    day = models.DateField("日期")
    unit = models.ForeignKey("org.AgencyBody", on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")
    catalog_item = models.ForeignKey("catalog.CatalogItem", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "事项日汇总"
        constraints = [models.UniqueConstraint(fields=["day", "unit", "township", "department", "catalog_item"],
                                               name="item_rollup_once")]
        indexes = [models.Index(fields=["day"], name="item_rollup_day")]


class ItemUnitMonthRollup(ItemCounts):
    """The day rollups (ItemRollup) of one month summed per unit × township, kept by the same function in the same
    transaction (plans.rollups), so the figures by unit and township read a period's whole months from a row per
    unit and month and only its partial first and last months from the days (ItemCatalogMonthRollup serves the
    totals and departments)."""

    month = models.DateField("月份（当月1日）")
    unit = models.ForeignKey("org.AgencyBody", on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "事项机构月汇总"
        constraints = [models.UniqueConstraint(fields=["month", "unit", "township"], name="item_unit_month_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.unit_id}: {self.finished}"


class ItemCatalogMonthRollup(ItemCounts):
    """The day rollups (ItemRollup) of one month summed per catalog item, kept by the same function in the same
    transaction (plans.rollups): the county's totals, the figures by department (through the catalog item) and
    the bottleneck items read a period's whole months from a row per catalog item and month (a few hundred a
    year, however many units) instead of one per unit × township × department."""

    month = models.DateField("月份（当月1日）")
    catalog_item = models.ForeignKey("catalog.CatalogItem", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "事项目录月汇总"
        constraints = [models.UniqueConstraint(fields=["month", "catalog_item"], name="item_catalog_month_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.catalog_item_id}: {self.finished}"
