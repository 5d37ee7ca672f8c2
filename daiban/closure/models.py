"""How a case ends (completion or termination, seed §6.8) and what follows it: the hand-over, the filing
with the agency unit, the return visit, and the evaluations both ways (§6.9, §7.4)."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from daiban.cases.models import Case, CaseDocument, CaseItem
from daiban.closure.deadlines import closure_filing
from daiban.closure.grades import Grade
from daiban.documents.versions import version_label
from daiban.lib import clock
from daiban.lib.personal import EncryptedBinaryField, EncryptedCharField
from daiban.org.models import AgencyBody, Department

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Closure(models.Model):
    """The end of a case: one per case. The form it produced, the owner's receipt, the filing."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", "办结"
        TERMINATION = "termination", "终止"

    class ReasonKind(models.TextChoices):
        OWNER_REQUEST = "owner_request", "业主申请"
        PROJECT = "project", "项目自身原因"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="closure")
    kind = models.CharField("方式", max_length=12, choices=Kind.choices)
    closed_on = models.DateField("办结/终止日期")
    closed_at = models.DateTimeField("操作时间")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                                  related_name="+")
    workdays_used = models.PositiveIntegerField("用时（工作日）", null=True, blank=True)
    reason_kind = models.CharField("终止原因", max_length=14, choices=ReasonKind.choices, blank=True)
    reason = models.TextField("终止原因说明", blank=True)
    requested_by_owner = models.BooleanField("业主通过账号申请", default=False)
    opinion = models.CharField("代办机构意见", max_length=300, blank=True)
    document = models.ForeignKey(CaseDocument, verbose_name="办结单/终止单", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    handover_confirmed_at = models.DateTimeField("业主签收时间", null=True, blank=True)
    handover_signatory = EncryptedCharField("业主签收人", max_length=30, blank=True, kind="name")
    handover_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签收登记人", null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="+")
    filing_due_on = models.DateField("归档期限")
    filing_due_provisional = models.BooleanField("归档期限为暂定", default=False)
    filed_on = models.DateField("归档日期", null=True, blank=True)
    filed_at = models.DateTimeField("归档登记时间", null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="归档登记人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    # 补录: a paper filing entered later carries its declared date (filed_on) and a reason; it counts as on
    # time only once the unit administrator confirms it (closure.deadlines.filing_standing).
    backfill_reason = models.CharField("补录理由", max_length=300, blank=True)
    backfill_confirmed_at = models.DateTimeField("补录确认时间", null=True, blank=True)
    backfill_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="补录确认人", null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "办结与终止"
        ordering = ["-closed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"

    @property
    def backfilled(self) -> bool:
        return bool(self.backfill_reason)

    @property
    def filed_late(self) -> bool | None:
        return None if self.filed_on is None else closure_filing(self, self.filed_on).late

    @property
    def form_name(self) -> str:
        return "代办项目办结单" if self.kind == self.Kind.COMPLETION else "代办项目委托终止单"


class HandoverEntry(models.Model):
    """One line of the 移交资料清单 (completion) or 退还资料清单 (termination)."""

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="handover")
    position = models.PositiveSmallIntegerField("序号")
    document = models.CharField("资料名称", max_length=120)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    original = models.BooleanField("原件", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "移交资料"
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.document}（{self.copies} 份）"


class Channel(models.TextChoices):
    PHONE = "phone", "电话回访"
    VISIT = "visit", "上门回访"
    ONLINE = "online", "网上评价"


class ReturnVisit(models.Model):
    """回访: scheduled by the unit after the case closes, then recorded by the visitor."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_visits")
    planned_on = models.DateField("计划回访日期")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回访人", on_delete=models.PROTECT,
                                related_name="+")
    channel = models.CharField("回访方式", max_length=8, choices=Channel.choices)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT,
                                     related_name="+")
    scheduled_at = models.DateTimeField("安排时间")
    done_on = models.DateField("回访日期", null=True, blank=True)
    note = models.TextField("回访情况", blank=True)
    # The evaluation's question, asked again at the visit: a yes raises the same alert to the inspectors.
    fee_asked = models.BooleanField("有无索取费用或礼品", null=True, blank=True)
    fee_details = models.TextField("索取费用或礼品情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "回访"
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.planned_on}"


class EvaluationLink(models.Model):
    """A one-time link for the owner to evaluate without logging in: random, stored as a SHA-256 digest,
    expiring, spent by the one evaluation it allows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluation_links")
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("生成时间", default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT,
                                   related_name="+")
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价链接"

    def __str__(self) -> str:
        return f"评价链接 #{self.pk}"


class Scores(models.Model):
    """The 好差评 grade, with the earlier 1–5 scores kept as optional detail."""

    grade = models.CharField("评价等级", max_length=20, choices=Grade.choices)
    attitude = models.PositiveSmallIntegerField("服务态度", validators=SCORE, null=True, blank=True)
    efficiency = models.PositiveSmallIntegerField("办事效率", validators=SCORE, null=True, blank=True)
    quality = models.PositiveSmallIntegerField("服务质量", validators=SCORE, null=True, blank=True)
    overall = models.PositiveSmallIntegerField("总体评价", validators=SCORE, null=True, blank=True)

    class Meta:
        abstract = True


class OwnerEvaluation(Scores):
    """The owner's rating of the agency service and its agent. Submitted once; never edited."""

    class Via(models.TextChoices):
        LINK = "link", "评价链接"
        ACCOUNT = "account", "业主账号"
        WINDOW = "window", "窗口评价"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="owner_evaluation")
    comments = models.TextField("意见和建议", blank=True)
    fee_asked = models.BooleanField("有人索取费用或礼品")
    fee_details = models.TextField("索取费用或礼品的情况", blank=True)
    via = models.CharField("提交方式", max_length=8, choices=Via.choices)
    link = models.OneToOneField(EvaluationLink, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交账号", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间")
    # Who served when it was given (closure.served): 好差评 counts for them whatever the team becomes later, and
    # a period's figures read the period's rows of the index below alone, never the cases or their teams.
    unit = models.ForeignKey(AgencyBody, verbose_name="评价时的代办机构", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评价时的代办员", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "业主评价"
        indexes = [models.Index(fields=["submitted_at"], include=["unit", "agent", "grade", "id"],
                                name="owner_evaluation_given")]

    def __str__(self) -> str:
        return f"业主评价 {self.get_grade_display()}"


class DepartmentRating(Scores):
    """The agent's rating of one approval department and its liaison officer on a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="department_ratings")
    department = models.ForeignKey(Department, verbose_name="审批部门", on_delete=models.PROTECT, related_name="+")
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代办联络员", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    comment = models.CharField("意见", max_length=300, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评价代办员", on_delete=models.PROTECT,
                                 related_name="+")
    rated_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = verbose_name_plural = "审批部门评价"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="rate_department_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.get_grade_display()}"


class ItemEvaluation(models.Model):
    """一事一评: the owner's grade of one finished item, that is of the approval department's handling of it.
    Optional for the owner; once per item; never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="item_evaluations")
    item = models.OneToOneField(CaseItem, verbose_name="事项", on_delete=models.CASCADE, related_name="evaluation")
    department = models.ForeignKey(Department, verbose_name="审批部门", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField("评价等级", max_length=20, choices=Grade.choices)
    comments = models.TextField("意见和建议", blank=True)
    via = models.CharField("提交方式", max_length=8, choices=OwnerEvaluation.Via.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交账号/窗口登记人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = verbose_name_plural = "事项评价（一事一评）"
        ordering = ["id"]
        indexes = [models.Index(fields=["submitted_at"], include=["department", "grade", "id"],
                                name="item_evaluation_given")]

    def __str__(self) -> str:
        return f"{self.department} {self.get_grade_display()}"


class FeeAlert(models.Model):
    """An owner said someone asked for a fee or a gift: sent at once to the discipline inspectors."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fee_alerts")
    evaluation = models.OneToOneField(OwnerEvaluation, on_delete=models.CASCADE, related_name="fee_alert",
                                      null=True, blank=True)
    visit = models.OneToOneField(ReturnVisit, on_delete=models.CASCADE, related_name="fee_alert", null=True,
                                 blank=True)
    details = models.TextField("情况", blank=True)
    raised_at = models.DateTimeField("提出时间")

    class Meta:
        verbose_name = verbose_name_plural = "索取费用或礼品线索"
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"索费线索 #{self.pk}"

    @property
    def source(self) -> str:
        return "回访" if self.visit_id else "评价"


class EvaluationDocument(models.Model):
    """代办服务评价表 (.docx) as archived; a new version when the agent's department ratings join the owner's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluation_documents")
    serial_no = models.CharField("编号", max_length=30, help_text="各版次编号相同")
    version = models.PositiveSmallIntegerField("版次", default=1)
    data_hash = models.CharField("数据摘要", max_length=64, blank=True)
    content = EncryptedBinaryField("文件")
    sha256 = models.CharField("摘要", max_length=64)
    generated_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价表"
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def version_label(self) -> str:
        return version_label(self.version)

    @property
    def filename(self) -> str:
        return f"代办服务评价表-{self.serial_no}-{self.version_label}.docx"


class ClosedBusiness(models.Model):
    """An issue, linked request or meeting resolution still open when the case ended, closed by the agent
    with a reason on the completion (termination) page."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "协调问题"
        LINKED = "linked", "联动代办请求"
        RESOLUTION = "resolution", "会议议定事项"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closed_business")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField("对象ID")
    title = models.CharField("事项", max_length=100)
    reason = models.CharField("关闭理由", max_length=300)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="关闭人", on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField("关闭时间")

    class Meta:
        verbose_name = verbose_name_plural = "随案件结束关闭的事项"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="business_closed_once")]
