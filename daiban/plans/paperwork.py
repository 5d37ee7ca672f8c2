"""The plan's and the progress report's .docx, from a case."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.conf import settings

from daiban.cases.models import Case, CaseDocument
from daiban.cases.paperwork import Paper, agency_of, generate, owner_of, project_of
from daiban.catalog.models import Stage
from daiban.documents import data as d
from daiban.documents.plan import task_plan
from daiban.documents.progress import progress_report
from daiban.lib import clock
from daiban.org.models import User
from daiban.plans import charts
from daiban.plans.evidence import LEGAL
from daiban.plans.models import TaskPlan
from daiban.plans.selectors import plan_detail
from daiban.plans.target import target_unit_label


def plan_document(*, case: Case, actor: User) -> CaseDocument:
    paper = plan_paper(case)
    assert paper is not None, "plan_document is called once the plan exists"
    return generate(case=case, kind="plan", actor=actor, paper=paper)


def plan_paper(case: Case) -> Paper | None:
    """The task plan's form as it stands (None before the plan), issued again when its data change."""
    if not TaskPlan.objects.filter(case=case).exists():
        return None
    detail = plan_detail(case)
    assert detail is not None  # called right after the plan is generated (plans.services)
    rows = []
    catalog = {i.catalog_item.code: i.catalog_item for i in case.items.select_related("catalog_item")}
    for row in detail["items"]:
        item = catalog[row["code"]]
        notes = []
        if row["owner_prerequisites"]:
            notes.append("前置事项" + "、".join(row["owner_prerequisites"]) + "由业主自行办理")
        if row["moved"]:
            notes.append("日期经调整")
        if item.level != "county":
            notes.append(f"{item.get_level_display()}审批，本级办结后1个工作日内上报")
        if row["basis"] != LEGAL:
            notes.append(f"按实际预计{row['expected_due']:%Y-%m-%d}完成（{row['basis_label']}）")
        rows.append(d.PlanRow(
            stage=Stage(item.stage).label,
            item=d.Item(code=item.code, name=item.name, department=row["department"],
                        limit_workdays=item.limit_workdays, owner_in_person=item.owner_in_person),
            liaison=row["liaison_name"], prerequisites=tuple(row["prerequisites"]), start_on=row["planned_start"],
            due_on=row["planned_due"], intermediary=item.intermediary, note="；".join(notes)))
    provisional_years = frozenset(
        day.year for r in detail["items"] if r["provisional"] for day in (r["planned_start"], r["planned_due"]) if day)
    today = clock.today()

    def render(data: d.PlanData) -> bytes:  # the charts are drawn only for a version actually printed
        return task_plan(replace(data, flowchart_png=charts.flowchart_png(detail),
                                 gantt_png=charts.gantt_png(detail, today=today)))

    return Paper(d.PlanData(
        serial="", project=project_of(case), owner=owner_of(case), agency=agency_of(case),
        start_on=detail["effective_start"], rows=rows, permit_on=detail["projected_permit_date"],
        target_days=settings.PERMIT_TARGET_LENGTH, target_length=detail["target_length"],
        target_unit=target_unit_label(), provisional_years=provisional_years,
        made_on=today, expected=expected_text(detail)), render)


def expected_text(detail: dict) -> str:
    """The plan's expected permit date and its 80 % date as the .docx states them."""
    if detail["expected_permit_date"] is None:
        return ""
    verdict = "可望达成" if detail["target_likely_met"] else "恐难达成"
    return (f"{detail['expected_permit_date']:%Y年%m月%d日}取得施工许可（80%把握在"
            f"{detail['expected_permit_date_p80']:%Y年%m月%d日}前），百日目标{verdict}；"
            f"依据本县同类事项实际办结用时的中位数和80%分位，样本不足的事项按法定时限")


def progress_document(*, case: Case, actor: User, period_start: dt.date, period_end: dt.date,
                      summary: dict) -> CaseDocument:
    def progress(row: dict) -> d.ItemProgress:
        return d.ItemProgress(item=d.Item(code=row["code"], name=row["name"], department=row["department"]),
                              approval_no=row.get("approval_no") or "", done_on=row.get("finished_on"),
                              due_on=row.get("due_on"), state=row.get("warning_label") or row.get("status_label", ""))

    paper = Paper(d.ProgressData(
        serial="", project=project_of(case), owner=owner_of(case), agency=agency_of(case),
        period_start=period_start, period_end=period_end, done=[progress(r) for r in summary["done"]],
        in_progress=[progress(r) for r in summary["in_progress"]], next_steps=summary["next_steps"],
        problems=summary["problems"], owner_actions=summary["owner_actions"], reported_on=clock.today()), progress_report)
    return generate(case=case, kind="progress", actor=actor, paper=paper,
                    subject=f"{period_start:%Y-%m-%d}/{period_end:%Y-%m-%d}")
