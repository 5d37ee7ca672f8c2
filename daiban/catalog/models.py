"""The item catalog (事项库): approval and public-service items a case can entrust."""
from __future__ import annotations

from django.db import models

from daiban.org.models import Department


class Stage(models.TextChoices):
    SETUP = "0", "企业设立"
    INITIATION = "1", "立项用地规划许可"
    ENGINEERING = "2", "工程建设许可"
    CONSTRUCTION = "3", "施工许可"
    UTILITIES = "utilities", "公共服务接入"
    COMPLETION = "4", "竣工验收"


STAGE_ORDER = [Stage.SETUP, Stage.INITIATION, Stage.ENGINEERING, Stage.CONSTRUCTION, Stage.UTILITIES,
               Stage.COMPLETION]


class Level(models.TextChoices):
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"


class LimitSource(models.TextChoices):
    STATUTORY = "S", "法定时限"
    COMMITTED = "C", "承诺时限"
    ESTIMATE = "E", "估计（待中心确认）"


class CatalogItem(models.Model):
    code = models.CharField("事项编码", max_length=10, unique=True)
    name = models.CharField("事项名称", max_length=100)
    department = models.ForeignKey(Department, verbose_name="审批部门", on_delete=models.PROTECT,
                                   related_name="catalog_items")
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices)
    limit_workdays = models.PositiveSmallIntegerField("承诺时限（工作日）")
    limit_source = models.CharField("时限来源", max_length=1, choices=LimitSource.choices, default=LimitSource.ESTIMATE)
    limit_note = models.CharField("时限说明", max_length=120, blank=True)
    intermediary = models.CharField("所需中介服务", max_length=80, blank=True,
                                    help_text="由业主自主选择中介机构；空表示不需要")
    owner_in_person = models.BooleanField("需业主到场", default=False)
    in_person_note = models.CharField("到场说明", max_length=80, blank=True)
    level = models.CharField("审批层级", max_length=10, choices=Level.choices, default=Level.COUNTY)
    optional = models.BooleanField("延伸服务事项", default=False, help_text="企业设立、竣工验收、权证办理等可选事项")
    prerequisites = models.ManyToManyField("self", verbose_name="前置事项", symmetrical=False, blank=True,
                                           related_name="followers")
    only_if_needed = models.BooleanField(
        "仅部分项目需办理", default=False,
        help_text="如节能审查、水土保持方案、危化品安全条件审查：作为前置事项，仅在本案委托办理时计入")
    alternatives = models.ManyToManyField("self", verbose_name="择一办理的事项", blank=True,
                                          help_text="相互替代、只能委托其一的事项（如环评报告表与报告书）")
    note = models.CharField("备注", max_length=200, blank=True)
    # The service guide (办事指南) of the item.
    materials = models.TextField("申请材料", blank=True)
    where_how = models.TextField("办理地点和方式", blank=True)
    active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "代办事项"
        ordering = ["sort", "code"]
        constraints = [
            # The service checks this with a Chinese message; the database keeps it against any other path.
            models.CheckConstraint(condition=models.Q(limit_workdays__gte=1, limit_workdays__lte=365),
                                   name="catalog_limit_1_to_365_workdays",
                                   violation_error_message="承诺时限应为 1 至 365 个工作日"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def reported_upward(self) -> bool:
        """Approved above the county: the liaison officer reports it up after the local steps."""
        return self.level != Level.COUNTY
