"""The management of the agency teams (seed §4.2, §7.2): the ledger of work meetings and training
sessions with their attendance, and the incentive and accountability records assessment leads to."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.org.models import AgencyBody


class MeetingKind(models.TextChoices):
    WORK_MEETING = "meeting", "工作例会"
    TRAINING = "training", "业务培训"
    SEMINAR = "seminar", "业务研讨"


# /teams/trainings/ lists these; /teams/meetings/ the work meetings.
TRAINING_KINDS = (MeetingKind.TRAINING, MeetingKind.SEMINAR)
# The county's own agency bodies, whose teams' records are kept here.
COUNTY_BODY_KINDS = (AgencyBody.Kind.CENTER, AgencyBody.Kind.UNIT)


class TeamMeeting(models.Model):
    """One work meeting, training session or seminar held by an agency body (the center or a unit)."""

    kind = models.CharField("类型", max_length=10, choices=MeetingKind.choices)
    body = models.ForeignKey(AgencyBody, verbose_name="组织机构", on_delete=models.PROTECT,
                             related_name="team_meetings")
    held_on = models.DateField("日期")
    topic = models.CharField("主题", max_length=120)
    content = models.TextField("内容（纪要）")
    location = models.CharField("地点", max_length=80, blank=True)
    host = models.CharField("主持人/主讲人", max_length=60, blank=True)
    # Training and seminars only (a work meeting has none): the hours counted in the assessment.
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1, null=True, blank=True,
                                help_text="业务培训、业务研讨的学时（小时，最多一位小数）")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "工作例会与业务培训"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["body", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class Attendance(models.Model):
    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT,
                               related_name="meeting_attendance")
    present = models.BooleanField("出席")
    absence_reason = models.CharField("缺席原因", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参会情况"
        ordering = ["-present", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="teams_attendance_once"),
            models.CheckConstraint(condition=Q(present=True) | ~Q(absence_reason=""),
                                   name="teams_absence_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {'出席' if self.present else '缺席'}"


class ConductKind(models.TextChoices):
    PRAISE = "praise", "表扬"
    REWARD = "reward", "奖励"
    CRITICISM = "criticism", "通报批评"
    ADMONITION = "admonition", "约谈"
    ACCOUNTABILITY = "accountability", "责任追究"


INCENTIVE_KINDS = frozenset({ConductKind.PRAISE, ConductKind.REWARD})


class ConductRecord(models.Model):
    """考核激励 / 责任追究: a decision about one person of an agency body, with its grounds."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.PROTECT,
                               related_name="conduct_records")
    body = models.ForeignKey(AgencyBody, verbose_name="所在代办机构", on_delete=models.PROTECT,
                             related_name="conduct_records")
    kind = models.CharField("类型", max_length=16, choices=ConductKind.choices)
    reason = models.TextField("事由")
    case = models.ForeignKey("cases.Case", verbose_name="相关案件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    decided_by = models.CharField("决定机关", max_length=80)
    decided_on = models.DateField("决定日期")
    doc_number = models.CharField("文号", max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "考核激励与责任追究"
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["body", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    @property
    def incentive(self) -> bool:
        return self.kind in INCENTIVE_KINDS
