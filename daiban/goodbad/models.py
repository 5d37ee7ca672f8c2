"""A 差评 (不满意 or 非常不满意) and its closed loop: verified, rectified, answered, or appealed and reviewed."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.cases.models import Case
from daiban.closure.grades import Grade
from daiban.closure.models import ItemEvaluation, OwnerEvaluation
from daiban.goodbad.states import AppealDecision, Finding, Outcome, RaterReply, ReviewStatus
from daiban.org.models import AgencyBody, Department

USER = settings.AUTH_USER_MODEL


class BadReview(models.Model):
    """One 差评, owned by the unit concerned: the agency unit for the case's service, the approval department
    for an item's handling. `due_on` is the deadline of the stage in progress."""

    class UnitKind(models.TextChoices):
        AGENCY = "agency", "代办机构"
        DEPARTMENT = "department", "审批部门"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="bad_reviews")
    owner_evaluation = models.OneToOneField(OwnerEvaluation, null=True, blank=True, on_delete=models.CASCADE,
                                            related_name="bad_review")
    item_evaluation = models.OneToOneField(ItemEvaluation, null=True, blank=True, on_delete=models.CASCADE,
                                           related_name="bad_review")
    grade = models.CharField("评价等级", max_length=20, choices=Grade.choices)
    comments = models.TextField("评价意见", blank=True)
    channel = models.CharField("评价渠道", max_length=8, choices=OwnerEvaluation.Via.choices)
    unit_kind = models.CharField("责任单位类型", max_length=10, choices=UnitKind.choices)
    unit = models.ForeignKey(AgencyBody, verbose_name="代办机构", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name="审批部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(USER, verbose_name="代办员", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    status = models.CharField("状态", max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.VERIFYING)
    due_on = models.DateField("当前环节期限")
    opened_on = models.DateField("评价日期")
    opened_at = models.DateTimeField("转整改时间")
    verify_due_on = models.DateField("核实期限")
    verified_on = models.DateField("核实日期", null=True, blank=True)
    finding = models.CharField("核实结论", max_length=10, choices=Finding.choices, blank=True)
    verify_note = models.TextField("核实情况", blank=True)
    review_due_on = models.DateField("复核期限", null=True, blank=True)
    reviewed_on = models.DateField("复核日期", null=True, blank=True)
    appeal_decision = models.CharField("复核结论", max_length=10, choices=AppealDecision.choices, blank=True)
    review_note = models.TextField("复核意见", blank=True)
    rectify_due_on = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectify_note = models.TextField("整改措施", blank=True)
    answer_due_on = models.DateField("答复期限", null=True, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answer_note = models.TextField("答复内容", blank=True)
    rater_reply = models.CharField("评价人反馈", max_length=20, choices=RaterReply.choices, blank=True)
    rater_reply_note = models.CharField("评价人反馈说明", max_length=500, blank=True)
    outcome = models.CharField("办结结果", max_length=10, choices=Outcome.choices, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    late = models.BooleanField("有环节逾期", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "差评整改"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="bad_review_due"),
                   # the few 差评 set aside on appeal, which the 好差评 figures leave out (goodbad.stats)
                   models.Index(fields=["owner_evaluation"], condition=models.Q(outcome=Outcome.SET_ASIDE),
                                name="bad_review_owner_set_aside"),
                   models.Index(fields=["item_evaluation"], condition=models.Q(outcome=Outcome.SET_ASIDE),
                                name="bad_review_item_set_aside")]

    def __str__(self) -> str:
        return f"差评 #{self.pk} {self.concerned_name}"

    @property
    def concerned_name(self) -> str:
        return self.department.name if self.department else self.unit.name

    @property
    def counts(self) -> bool:
        """A 差评 set aside on appeal no longer counts against the unit."""
        return self.outcome != Outcome.SET_ASIDE


class ReviewStep(models.Model):
    """Every change of a 差评's status, as a row."""

    review = models.ForeignKey(BadReview, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField("原状态", max_length=12, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=ReviewStatus.choices)
    on = models.DateField("日期")
    at = models.DateTimeField("登记时间")
    by = models.ForeignKey(USER, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "差评整改环节"
        ordering = ["at", "id"]


class ReviewAlert(models.Model):
    """A warning or overdue notice sent for one stage of a 差评: the unique row makes it once only."""

    review = models.ForeignKey(BadReview, on_delete=models.CASCADE, related_name="alerts")
    stage = models.CharField("环节", max_length=10)
    state = models.CharField("预警/逾期", max_length=10)
    due_on = models.DateField("期限")
    at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = verbose_name_plural = "差评期限提醒"
        constraints = [models.UniqueConstraint(fields=["review", "stage", "state"], name="review_alert_once")]


class FiguresVersion(models.Model):
    """One row whose number every committed write to what the 好差评 figures count advances (goodbad.stats): the
    figures kept in the cache are keyed by it, so none is read after such a write."""

    number = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "好差评统计版本"
