"""Coordination issues and their tiers, linked agency requests, joint meetings and their signed records."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.cases.models import Case, CaseDocument, CaseItem
from daiban.coordination.states import IssueStatus, LinkedStatus, ResolutionStatus, Tier
from daiban.org.models import AgencyBody, Department

USER = settings.AUTH_USER_MODEL


class Issue(models.Model):
    """A problem blocking a case (or one of its items) that the agent cannot settle alone."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="coordination_issues")
    item = models.ForeignKey(CaseItem, verbose_name="涉及事项", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="coordination_issues")
    blocks_item = models.BooleanField("阻碍该事项办理", default=False)
    title = models.CharField("问题", max_length=100)
    description = models.TextField("受阻情况", blank=True)
    departments = models.ManyToManyField(Department, verbose_name="涉及部门", related_name="coordination_issues")
    status = models.CharField("状态", max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    tier = models.PositiveSmallIntegerField("当前协调层级", default=1, help_text="协调阶梯上的第几级")
    raised_by = models.ForeignKey(USER, verbose_name="提出人", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间")
    resolution = models.TextField("解决方案", blank=True)
    resolution_source = models.CharField("方案来源", max_length=40, blank=True,
                                         help_text="如：第2层级协调、联动代办反馈、疑难会商决定")
    resolved_by = models.ForeignKey(USER, verbose_name="方案提出人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField("方案提出时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(USER, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField("确认解决时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "协调问题"
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == IssueStatus.CLOSED


class IssueTier(models.Model):
    """One tier an issue reached: who took it there, when, why, and by when that tier must answer."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="tiers")
    number = models.PositiveSmallIntegerField("层级", help_text="协调阶梯上的第几级")
    step = models.PositiveSmallIntegerField("层级类型", choices=Tier.choices, default=Tier.AGENT)
    handler = models.CharField("协调主体", max_length=100)
    body = models.ForeignKey(AgencyBody, verbose_name="代办机构", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text="该级所在的代办机构（审管部门或政府一级为其同级代办机构）")
    department = models.ForeignKey(Department, verbose_name="上级审管部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(USER, verbose_name="提请人", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("提请时间")
    opened_on = models.DateField("提请日期")
    reason = models.TextField("提请理由")
    skip_reason = models.TextField("越级理由", blank=True)
    deadline_workdays = models.PositiveSmallIntegerField("答复时限（工作日）", null=True, blank=True,
                                                         help_text="按日期给出期限时为空")
    due_on = models.DateField("答复期限")
    due_provisional = models.BooleanField("期限为暂定", default=False)
    responded_on = models.DateField("首次答复日期", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True, help_text="升级或问题解决时")

    class Meta:
        verbose_name = verbose_name_plural = "协调层级"
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["issue", "number"], name="tier_once_per_issue")]

    def __str__(self) -> str:
        return f"{self.issue} · 第{self.number}层级：{self.get_step_display()}"

    @property
    def answered_late(self) -> bool:
        return bool(self.responded_on and self.responded_on > self.due_on)


class IssueResponse(models.Model):
    class Kind(models.TextChoices):
        RESPONSE = "response", "答复"
        RESOLUTION = "resolution", "解决方案"
        REJECTION = "rejection", "退回方案"
        MEETING = "meeting", "联席会议"
        DECISION = "decision", "会商决定"
        FEEDBACK = "feedback", "联动反馈"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="responses")
    tier = models.ForeignKey(IssueTier, verbose_name="层级", on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.RESPONSE)
    by = models.ForeignKey(USER, verbose_name="答复人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    text = models.TextField("内容")

    class Meta:
        verbose_name = verbose_name_plural = "协调答复"
        ordering = ["at", "id"]


class IssueTransition(models.Model):
    """Each change of an issue's state, as a row."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=12, choices=IssueStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=IssueStatus.choices)
    tier = models.PositiveSmallIntegerField("层级")
    at = models.DateTimeField("时间")
    by = models.ForeignKey(USER, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "协调问题状态变更"
        ordering = ["at", "id"]


class Consultation(models.Model):
    """疑难会商: the issue taken to a leader of the government at the same level."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="consultations")
    leader = models.ForeignKey(USER, verbose_name="会商领导", on_delete=models.PROTECT, related_name="consultations")
    question = models.TextField("提请会商的问题")
    requested_by = models.ForeignKey(USER, verbose_name="提请人", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("提请时间")
    decision = models.TextField("会商决定", blank=True)
    decided_by = models.ForeignKey(USER, verbose_name="决定人", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "疑难会商"
        ordering = ["requested_at", "id"]


class LinkedRequest(models.Model):
    """联动代办: a county unit or the center asks a higher agency body to act on a case."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="linked_requests")
    item = models.ForeignKey(CaseItem, verbose_name="涉及事项", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="linked_requests")
    issue = models.ForeignKey(Issue, verbose_name="协调问题", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="linked_requests")
    from_body = models.ForeignKey(AgencyBody, verbose_name="发起机构", on_delete=models.PROTECT, related_name="+")
    to_body = models.ForeignKey(AgencyBody, verbose_name="上级代办机构", on_delete=models.PROTECT,
                                related_name="linked_requests_in")
    subject = models.TextField("请求事项")
    status = models.CharField("状态", max_length=10, choices=LinkedStatus.choices, default=LinkedStatus.SENT)
    sent_by = models.ForeignKey(USER, verbose_name="发起人", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("发起时间")
    sent_on = models.DateField("发起日期")
    deadline_workdays = models.PositiveSmallIntegerField("响应时限（工作日）", null=True, blank=True)
    due_on = models.DateField("反馈期限")
    due_provisional = models.BooleanField("期限为暂定", default=False)
    accepted_by = models.ForeignKey(USER, verbose_name="接收人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)
    feedback = models.TextField("反馈意见", blank=True)
    answered_by = models.ForeignKey(USER, verbose_name="反馈人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    answered_on = models.DateField("反馈日期", null=True, blank=True)
    late = models.BooleanField("逾期反馈", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "联动代办请求"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["to_body", "status"])]

    def __str__(self) -> str:
        return f"联动代办 #{self.pk} {self.subject[:30]}"


class LinkedStep(models.Model):
    """Each step of a linked request, as a row the requesting unit can read."""

    request = models.ForeignKey(LinkedRequest, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField("状态", max_length=10, choices=LinkedStatus.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(USER, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联动代办进程"
        ordering = ["at", "id"]


class Meeting(models.Model):
    """联席会议 / 联审会商, and its record (联合审批协调会议记录表)."""

    case = models.ForeignKey(Case, verbose_name="案件（记录表归档）", on_delete=models.CASCADE, related_name="meetings")
    issues = models.ManyToManyField(Issue, verbose_name="协调事项", related_name="meetings")
    title = models.CharField("会议名称", max_length=100)
    agenda = models.TextField("议程")
    held_at = models.DateTimeField("会议时间")
    place = models.CharField("会议地点", max_length=100)
    convened_by = models.ForeignKey(USER, verbose_name="召集人", on_delete=models.PROTECT, related_name="+")
    convener_body = models.ForeignKey(AgencyBody, verbose_name="召集单位", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")
    chair = models.CharField("主持人", max_length=30, blank=True)
    recorder = models.CharField("记录人", max_length=30, blank=True)
    discussion = models.TextField("讨论情况", blank=True)
    note = models.TextField("备注", blank=True)
    record_version = models.PositiveIntegerField("记录版本", default=0, help_text="0 表示尚未填写会议记录")
    record_hash = models.CharField("内容指纹（SHA-256）", max_length=64, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="最近修改人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("最近修改时间", null=True, blank=True)
    document = models.ForeignKey(CaseDocument, verbose_name="记录表文件", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "联席会议"
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def recorded(self) -> bool:
        return self.record_version > 0


class Invitee(models.Model):
    """A department's head or deputy invited to the meeting; whether present is part of the record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(USER, verbose_name="参会人员", on_delete=models.PROTECT, related_name="meeting_invitations")
    unit = models.CharField("单位", max_length=100)
    title = models.CharField("职务", max_length=40, blank=True)
    present = models.BooleanField("出席", null=True, blank=True, help_text="空表示会议记录尚未登记")

    class Meta:
        verbose_name = verbose_name_plural = "参会人员"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="invited_once")]


class Signature(models.Model):
    """A present invitee, logged in, confirming the record whose SHA-256 is `content_hash`.

    A change of the record voids the signatures made before it; they stay as rows with the reason.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(USER, verbose_name="签名人", on_delete=models.PROTECT, related_name="+")
    record_version = models.PositiveIntegerField("记录版本")
    content_hash = models.CharField("所签内容指纹", max_length=64)
    signed_at = models.DateTimeField("签名时间")
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议记录签名"
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "signer", "record_version"], name="sign_once_per_version"),
            models.UniqueConstraint(fields=["meeting", "signer"], condition=Q(voided_at__isnull=True),
                                    name="one_valid_signature_per_signer"),
        ]

    @property
    def valid(self) -> bool:
        return self.voided_at is None


class Resolution(models.Model):
    """A numbered decision of the meeting (会议议定事项), followed up like an item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField("序号")
    content = models.TextField("内容")
    department = models.ForeignKey(Department, verbose_name="责任单位", on_delete=models.PROTECT,
                                   related_name="meeting_resolutions")
    due_workdays = models.PositiveSmallIntegerField("完成时限（工作日）")
    due_on = models.DateField("完成期限")
    due_provisional = models.BooleanField("期限为暂定", default=False)
    status = models.CharField("状态", max_length=6, choices=ResolutionStatus.choices, default=ResolutionStatus.OPEN)
    done_by = models.ForeignKey(USER, verbose_name="落实确认人", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    done_at = models.DateTimeField("落实时间", null=True, blank=True)
    done_on = models.DateField("落实日期", null=True, blank=True)
    done_note = models.CharField("落实情况", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议议定事项"
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="resolution_number_once")]

    def __str__(self) -> str:
        return f"议定事项 {self.number}：{self.content[:30]}"

    @property
    def done_late(self) -> bool:
        return bool(self.done_on and self.done_on > self.due_on)


class DeadlineAlert(models.Model):
    """One warning or overdue notice per deadline and state: the duty that sends them runs often."""

    class Kind(models.TextChoices):
        TIER = "tier", "协调层级答复"
        LINKED = "linked", "联动代办反馈"
        RESOLUTION = "resolution", "会议议定事项"

    kind = models.CharField("对象", max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField("对象编号")
    state = models.CharField("状态", max_length=8)
    due_on = models.DateField("期限")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "协调期限提醒"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "state"], name="alert_once")]
