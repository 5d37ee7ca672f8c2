"""The case: one project entrusted to one agency unit, its items, its team and its papers."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.cases.states import CaseStatus, ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.documents.versions import version_label
from daiban.intake.models import Category, Company, Request
from daiban.lib.personal import EncryptedBinaryField, EncryptedCharField
from daiban.org.models import AgencyBody, Region


class Project(models.Model):
    name = models.CharField("项目名称", max_length=100)
    company = models.ForeignKey(Company, verbose_name="项目业主", on_delete=models.PROTECT, related_name="projects")
    location = models.ForeignKey(Region, verbose_name="建设地点", on_delete=models.PROTECT, related_name="projects")
    category = models.CharField("项目类别", max_length=24, choices=Category.choices)
    industrial = models.BooleanField("工业项目")
    investment_wan = models.DecimalField("总投资（万元）", max_digits=12, decimal_places=2)
    project_code = models.CharField("项目代码", max_length=24, blank=True)
    land_area_mu = models.DecimalField("用地面积（亩）", max_digits=10, decimal_places=2, null=True, blank=True)
    floor_area_m2 = models.DecimalField("建筑面积（平方米）", max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.TextField("建设内容及规模", blank=True)
    major = models.BooleanField("重大项目（中心认定）", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "投资项目"
        # The search box finds a case by its project's code (daiban/cases/search.py).
        indexes = [models.Index(fields=["project_code"], name="cases_project_code_idx")]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    request = models.OneToOneField(Request, verbose_name="代办登记", on_delete=models.PROTECT, related_name="case")
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(AgencyBody, verbose_name="承办代办机构", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField("状态", max_length=12, choices=CaseStatus.choices, default=CaseStatus.ACCEPTED)
    card_holding = models.BooleanField("持代办联系卡", default=False)
    accepted_at = models.DateTimeField("受理时间")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="受理人", on_delete=models.PROTECT,
                                    related_name="+")
    entrusted_on = models.DateField("委托日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "代办案件"
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["accepted_at"]),
                   models.Index(fields=["unit", "accepted_at", "id"])]

    def __str__(self) -> str:
        return f"{self.request.tracking_no} {self.project.name}"

    @property
    def tracking_no(self) -> str:
        return self.request.tracking_no


class CaseTransition(models.Model):
    """Each change of a case's state, as a row."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=CaseStatus.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件状态变更"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["to_status", "at"])]


class CaseItem(models.Model):
    """An entrusted agency item of a case: its plan dates and where it stands (daiban.plans moves it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    catalog_item = models.ForeignKey(CatalogItem, verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代办联络员", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="dispatched_items")
    planned_start = models.DateField("计划开始", null=True, blank=True)
    planned_due = models.DateField("计划完成", null=True, blank=True)
    planned_provisional = models.BooleanField("计划日期为暂定", default=False)
    moved_start = models.DateField("人工调整的开始日期", null=True, blank=True)
    moved_due = models.DateField("人工调整的完成日期", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    started_on = models.DateField("受理（起算）日期", null=True, blank=True)
    due_on = models.DateField("办理期限", null=True, blank=True, help_text="起算日加承诺时限，再顺延暂停的工作日")
    due_provisional = models.BooleanField("期限为暂定", default=False)
    paused_workdays = models.PositiveSmallIntegerField("已暂停工作日", default=0)
    local_done_on = models.DateField("本级办理完成日", null=True, blank=True)
    report_due_on = models.DateField("上报期限", null=True, blank=True)
    reported_up_on = models.DateField("上报日期", null=True, blank=True)
    finished_on = models.DateField("办结日期", null=True, blank=True)
    approval_no = models.CharField("批准文号/证照编号", max_length=60, blank=True)
    result_note = models.CharField("办理结果说明", max_length=200, blank=True)
    escalation_level = models.PositiveSmallIntegerField("已升级层级", default=0,
                                                        help_text="0 未升级；1 已报代办机构管理员；2 已报县代办中心")

    class Meta:
        verbose_name = verbose_name_plural = "代办事项"
        constraints = [models.UniqueConstraint(fields=["case", "catalog_item"], name="item_once_per_case")]
        ordering = ["catalog_item__sort", "catalog_item__code"]
        indexes = [models.Index(fields=["finished_on"]), models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return str(self.catalog_item)


class TeamRole(models.TextChoices):
    AGENT = "agent", "代办员"
    CHIEF_AGENT = "chief_agent", "首席代办员"
    LEAD_LEADER = "lead_leader", "牵头代办领导"
    SUPERVISOR = "supervisor", "督办负责人"
    LIAISON = "liaison", "代办联络员"


class TeamMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT,
                             related_name="case_memberships")
    role = models.CharField("团队角色", max_length=12, choices=TeamRole.choices)

    class Meta:
        verbose_name = verbose_name_plural = "代办团队成员"
        constraints = [models.UniqueConstraint(fields=["case", "user", "role"], name="member_role_once")]


class CaseDocument(models.Model):
    """A generated official form (.docx) of a case, and the record of its signing."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "代办登记表"
        AGREEMENT = "agreement", "委托代办协议"
        PLAN = "plan", "代办任务分解计划表"
        PROGRESS = "progress", "代办进度反馈"
        MEETING = "meeting", "联合审批协调会议记录表"
        COMPLETION = "completion", "代办项目办结单"
        TERMINATION = "termination", "代办项目委托终止单"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书", max_length=16, choices=Kind.choices)
    # Tells apart the documents of a kind a case has several of (a progress report's period, a meeting);
    # blank for the forms a case has one of.
    subject = models.CharField("对象", max_length=40, blank=True)
    serial_no = models.CharField("编号", max_length=30, help_text="同一文书各版次编号相同")
    version = models.PositiveSmallIntegerField("版次", default=1)
    data_hash = models.CharField("数据摘要", max_length=64, blank=True,
                                 help_text="文书所载数据的 SHA-256：数据未变不另出新版")
    content = EncryptedBinaryField("文件")
    sha256 = models.CharField("摘要", max_length=64)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT,
                                     related_name="+")
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    signed_by_owner = EncryptedCharField("业主签字人", max_length=30, blank=True, kind="name")
    signing_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签署登记人", null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "案件文书"
        ordering = ["-generated_at"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "subject", "version"],
                                               name="document_version_once")]

    @property
    def version_label(self) -> str:
        return version_label(self.version)

    @property
    def filename(self) -> str:
        return f"{self.get_kind_display()}-{self.serial_no}-{self.version_label}.docx"


class CollaborationPhase(models.Model):
    """招商、审批、纪检监察三部门协同: one row per phase, from introduction to landing (seed §1.3)."""

    class Phase(models.TextChoices):
        INTRODUCTION = "introduction", "项目引进"
        SIGNING = "signing", "签约落户"
        APPROVAL = "approval", "审批代办"
        LANDING = "landing", "开工落地"

    class OwnerBody(models.TextChoices):
        INVESTMENT = "investment", "招商部门"
        APPROVAL = "approval", "审批（代办）部门"
        DISCIPLINE = "discipline", "纪检监察部门"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="collaboration")
    phase = models.CharField("阶段", max_length=14, choices=Phase.choices)
    owner_body = models.CharField("牵头部门", max_length=12, choices=OwnerBody.choices)
    handed_over_at = models.DateField("交接日期", null=True, blank=True)
    handed_over_to = models.CharField("交接对象", max_length=60, blank=True)
    note = models.CharField("情况", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "三部门协同"
        constraints = [models.UniqueConstraint(fields=["case", "phase"], name="phase_once_per_case")]
