"""What assessment keeps of its own: a working-day index for SQL, and spreadsheet exports in progress."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkdayOrdinal(models.Model):
    """One row per calendar day: how many working days lie between 2000-01-01 (exclusive) and the day.

    A copy of the working-day calendar in a form SQL can subtract, so that average working days
    are computed by the database: workdays_between(a, b) = ordinal(b) − ordinal(a) for b ≥ a.
    Kept in step with the calendar by daiban.assessment.workday_index; never edited by hand.
    """

    day = models.DateField("日期", primary_key=True)
    ordinal = models.PositiveIntegerField("累计工作日")

    class Meta:
        verbose_name = verbose_name_plural = "工作日序号"

    def __str__(self) -> str:
        return f"{self.day.isoformat()} #{self.ordinal}"


class WorkdayIndexState(models.Model):
    """The one row saying which calendar revision and which years WorkdayOrdinal holds."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.CharField("日历版本", max_length=200)
    first_year = models.PositiveSmallIntegerField("起始年度")
    last_year = models.PositiveSmallIntegerField("截止年度")

    class Meta:
        verbose_name = verbose_name_plural = "工作日序号状态"

    def __str__(self) -> str:
        return f"{self.first_year}–{self.last_year} ({self.revision})"


class Export(models.Model):
    """A spreadsheet being written in the background: the page polls its row counter."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", "代办台帐"
        DIRECTORY = "directory", "项目目录库"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在导出"
        DONE = "done", "已完成"
        FAILED = "failed", "导出失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("内容", max_length=10, choices=Kind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE,
                                     related_name="+")
    filters = models.JSONField("筛选条件", default=dict)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已写行数", default=0)
    file_name = models.CharField("文件", max_length=200, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间")
    # The last sign of life of the worker writing it: an export untouched for EXPORT_STALE_MINUTES was
    # left by a killed worker and is queued again (services.exports_requeue_stale).
    touched_at = models.DateTimeField("最近进度", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The finished file, in the database so that every web process on every machine serves it.
    content = models.BinaryField("文件内容", null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "表格导出"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_status_display()} {self.rows_done}/{self.rows_total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0

    @property
    def download_name(self) -> str:
        return f"{self.get_kind_display()}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.xlsx"


class CaseCounts(models.Model):
    """What happened to requests and cases, counted as it happens (assessment.rollups):

    received        requests received (the request's unit and project location)
    accepted        cases accepted (the case's unit and its project's location)
    completed       cases completed
    terminated      cases terminated
    visits          owner visits of the cases completed then (最多跑一次), whenever recorded
    score_sum       the owners' evaluation scores given then (assessment.sources.owner_evaluations), summed
    scores          the number of those evaluations
    """

    unit = models.ForeignKey("org.AgencyBody", on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField("收到申请", default=0)
    accepted = models.PositiveIntegerField("受理案件", default=0)
    completed = models.PositiveIntegerField("办结案件", default=0)
    terminated = models.PositiveIntegerField("终止案件", default=0)
    visits = models.PositiveIntegerField("办结案件的业主到场次数", default=0)
    score_sum = models.FloatField("业主评价分合计", default=0)
    scores = models.PositiveIntegerField("业主评价数", default=0)

    class Meta:
        abstract = True


class CaseRollup(CaseCounts):
    """The case counts (CaseCounts) of one day, per unit × township, so the county's statistics sum a few rows per
    day instead of grouping the history."""

    day = models.DateField("日期")

    class Meta:
        verbose_name = verbose_name_plural = "案件日汇总"
        constraints = [models.UniqueConstraint(fields=["day", "unit", "township"], name="case_rollup_once")]
        indexes = [models.Index(fields=["day"], name="case_rollup_day")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} 受理 {self.accepted} 办结 {self.completed}"


class CaseMonthRollup(CaseCounts):
    """The day rollups (CaseRollup) of one month per unit × township, kept by the same call in the same transaction
    (assessment.rollups), so a period reads its whole months from a row per unit × township and month and only the
    days of its partial first and last months from the day rows (as plans.models.ItemUnitMonthRollup)."""

    month = models.DateField("月份（当月1日）")

    class Meta:
        verbose_name = verbose_name_plural = "案件月汇总"
        constraints = [models.UniqueConstraint(fields=["month", "unit", "township"], name="case_month_rollup_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} 受理 {self.accepted} 办结 {self.completed}"


class OverdueSpan(models.Model):
    """Days on which a case counts as overdue (逾期案件), as its items stand now: from `starts_on` until the day
    before `ends_on` (no end: still overdue), for the case as a whole (no department) or for one department's
    items. Kept by assessment.overdue as items, pauses and the case move, so the overdue cohort of a period P
    judged on a day C counts the spans of the cases accepted in P with starts_on ≤ C < ends_on: a case turns
    overdue by the calendar, with no event, and the stored start day says when."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("org.Department", null=True, on_delete=models.CASCADE, related_name="+")
    accepted_on = models.DateField("受理日期")
    unit = models.ForeignKey("org.AgencyBody", on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField("逾期起")
    ends_on = models.DateField("逾期止（不含）", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件逾期区间"
        # Covering the cohort's count (figures._overdue_spanned) by unit, township or department: read from the
        # index alone, not from spans scattered over the table (at 100k cases a year's cohort lay on 96 % of its pages).
        indexes = [models.Index(fields=["accepted_on", "starts_on"], include=["ends_on", "unit", "township"],
                                name="overdue_cohort_covering", condition=models.Q(department__isnull=True)),
                   models.Index(fields=["accepted_on", "starts_on"], include=["ends_on", "department"],
                                name="overdue_department_covering", condition=models.Q(department__isnull=False))]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.starts_on.isoformat()} → {self.ends_on.isoformat() if self.ends_on else '…'}"


class OverdueDepartmentMonth(models.Model):
    """The department spans (OverdueSpan with a department) of the cases accepted in one month, counted per
    (starts_on, ends_on, department): at province scale a year's cohort by department sums ~15k of these rows
    instead of counting ~80k spans, since many cases of a month share a span's days. Kept with the spans by
    assessment.overdue (counts moved in the writer's transaction; a row whose count reaches 0 is deleted), so
    figures._overdue_spanned reads P's whole months here and only its partial months' days from the spans."""

    month = models.DateField("受理月份（当月1日）")
    starts_on = models.DateField("逾期起")
    ends_on = models.DateField("逾期止（不含）", null=True)
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")
    # Not "positive": a count moved below what a rebuild would find is still summed as it is (rebuild_rollups
    # repairs it), rather than refused inside the writer's transaction.
    spans = models.IntegerField("区间数")

    class Meta:
        verbose_name = verbose_name_plural = "审批部门逾期区间月汇总"
        # One row per key, "no end" included: a unique constraint takes NULLs for distinct on both databases
        # (nulls_distinct=False is PostgreSQL 15's only), so the open-ended rows have their own partial one.
        constraints = [
            models.UniqueConstraint(fields=["month", "starts_on", "ends_on", "department"],
                                    condition=models.Q(ends_on__isnull=False), name="overdue_department_month_once"),
            models.UniqueConstraint(fields=["month", "starts_on", "department"],
                                    condition=models.Q(ends_on__isnull=True), name="overdue_department_month_open"),
        ]
        # Covering the cohort's sum by department: read from the index alone.
        indexes = [models.Index(fields=["month", "starts_on"], include=["ends_on", "department", "spans"],
                                name="overdue_department_month_cover")]

    def __str__(self) -> str:
        end = self.ends_on.isoformat() if self.ends_on else "…"
        return f"{self.month:%Y-%m} {self.department_id}: {self.starts_on.isoformat()} → {end} × {self.spans}"


class DepartmentCaseRollup(models.Model):
    """The case figures by approval department (assessment.departments): per day × department, the requests
    received, cases accepted, completed and terminated, and owner visits of the completed cases, of the cases
    that hold an item of that department (a case counts under each of its departments). Kept as cases close,
    visits are recorded and a case's departments change (its items come after the case), so the statistics by
    department sum a few rows per day. Not per unit: at province scale that would be nearly a row per case and
    department, as many as it sums; a narrower scope groups its own rows."""

    day = models.DateField("日期")
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")
    received = models.IntegerField("收到申请", default=0)
    accepted = models.IntegerField("受理案件", default=0)
    completed = models.IntegerField("办结案件", default=0)
    terminated = models.IntegerField("终止案件", default=0)
    visits = models.IntegerField("办结案件的业主到场次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "审批部门案件日汇总"
        constraints = [models.UniqueConstraint(fields=["day", "department"], name="department_case_rollup_once")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} 受理 {self.accepted} 办结 {self.completed}"


class CaseDepartment(models.Model):
    """The departments a case's figures are counted under in DepartmentCaseRollup (those of its items), kept so
    that a change of them adds or takes away exactly what was counted."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "案件所涉审批部门"
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="case_department_once")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.department_id}"


class CaseAgent(models.Model):
    """The agents a case's figures are counted under in the agent rollups (assessment.agents): its team's agents
    (TeamMember role AGENT) as they were when last read, kept so that a change of them takes from the agents it
    lost exactly what had been counted for the case and adds it to those it gained."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "案件计入的代办员"
        constraints = [models.UniqueConstraint(fields=["case", "agent"], name="case_agent_once")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.agent_id}"


class AgentCounts(models.Model):
    """What the cases of an agent (their team's current agent, CaseAgent) did, counted as it happens
    (assessment.agents): the case counts of CaseCounts and the item counts of plans.models.ItemCounts. Not
    "positive": a team change takes a case's counts from its old agent."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    received = models.IntegerField("收到申请", default=0)
    accepted = models.IntegerField("受理案件", default=0)
    completed = models.IntegerField("办结案件", default=0)
    terminated = models.IntegerField("终止案件", default=0)
    visits = models.IntegerField("办结案件的业主到场次数", default=0)
    score_sum = models.FloatField("业主评价分合计", default=0)
    scores = models.IntegerField("业主评价数", default=0)
    finished = models.IntegerField("办结事项", default=0)
    on_time = models.IntegerField("按时办结事项", default=0)
    workdays = models.IntegerField("实际用时（工作日）合计", default=0)
    limit_workdays = models.IntegerField("承诺时限（工作日）合计", default=0)
    reported_up = models.IntegerField("上报事项", default=0)
    report_up_late = models.IntegerField("逾期上报事项", default=0)

    class Meta:
        abstract = True


class AgentRollup(AgentCounts):
    """The agent counts (AgentCounts) of one day, per agent, so the statistics by agent sum a few rows per day
    instead of joining every case of the period to its team and its items."""

    day = models.DateField("日期")

    class Meta:
        verbose_name = verbose_name_plural = "代办员日汇总"
        constraints = [models.UniqueConstraint(fields=["day", "agent"], name="agent_rollup_once")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.agent_id} 受理 {self.accepted} 办结事项 {self.finished}"


class AgentMonthRollup(AgentCounts):
    """The day rows (AgentRollup) of one month per agent, kept by the same call in the same transaction, so a period
    reads its whole months here and only the days of its partial first and last months from the day rows."""

    month = models.DateField("月份（当月1日）")

    class Meta:
        verbose_name = verbose_name_plural = "代办员月汇总"
        constraints = [models.UniqueConstraint(fields=["month", "agent"], name="agent_month_rollup_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agent_id} 受理 {self.accepted} 办结事项 {self.finished}"


class OverdueAgentSpan(models.Model):
    """A case's overdue spans (OverdueSpan without a department) once for each agent it is counted under
    (CaseAgent), kept with both by assessment.overdue, so the overdue cohort by agent is counted from an index
    alone as the cohort by unit is."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted_on = models.DateField("受理日期")
    starts_on = models.DateField("逾期起")
    ends_on = models.DateField("逾期止（不含）", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "代办员案件逾期区间"
        indexes = [models.Index(fields=["accepted_on", "starts_on"], include=["ends_on", "agent"],
                                name="overdue_agent_covering")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.agent_id}: {self.starts_on.isoformat()} → {self.ends_on or '…'}"
