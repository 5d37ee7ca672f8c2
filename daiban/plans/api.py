"""The plan and its execution."""
from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from daiban.cases.models import Case, CaseItem
from daiban.cases.selectors import cases_for
from daiban.lib import clock
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.pagination import paginate
from daiban.lib.schemas import AnyPage, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.scope import get_in_scope
from daiban.plans import services
from daiban.plans.duties import progress_preview
from daiban.plans.models import OwnerVisit, WorkLog
from daiban.plans.selectors import case_warning, item_row, plan_detail, unreported_periods

router = Router(tags=["代办计划与实施"])


class PlanIn(Schema):
    start_date: date


class MoveIn(Schema):
    reason: str
    planned_start: date | None = None
    planned_due: date | None = None


class DispatchIn(Schema):
    liaison: str | None = None
    note: str = ""


class StartIn(Schema):
    started_on: date | None = None


class PauseIn(Schema):
    kind: str
    reason: str
    started_on: date | None = None


class ResumeIn(Schema):
    ended_on: date | None = None


class LocalDoneIn(Schema):
    done_on: date | None = None


class ReportUpIn(Schema):
    reported_on: date | None = None
    note: str = ""


class FinishIn(Schema):
    approved: bool = True
    approval_no: str = ""
    note: str = ""
    finished_on: date | None = None


class ReasonIn(Schema):
    reason: str


class UrgeIn(Schema):
    kind: str = "urge"
    note: str
    respond_by: date | None = None


class WorkLogIn(Schema):
    day: date
    content: str


class VisitIn(Schema):
    day: date
    reason: str
    item_code: str | None = None


def _case(request: StaffRequest, case_id: int) -> Case:
    return get_in_scope(cases_for(request.user), pk=case_id, user=request.user)


def _item(request: StaffRequest, case_id: int, code: str) -> CaseItem:
    item = _case(request, case_id).items.select_related("catalog_item", "case").filter(
        catalog_item__code=code.upper()).first()
    if item is None:
        raise NotFound("本案没有该委托事项")
    return item


@router.post("/{case_id}/plan", response={201: dict, **errors(403, 409)}, summary="生成代办任务分解计划表")
def generate_plan(request: StaffRequest, case_id: int, payload: PlanIn) -> Status[dict | None]:
    case = _case(request, case_id)
    services.plan_generate(actor=request.user, case=case, start_date=payload.start_date)
    return Status(201, plan_detail(case))


@router.get("/{case_id}/plan", summary="代办任务分解计划表：各事项计划日期、关键路径、预计施工许可日期；"
            "按本县实际办件预计的日期（expected_permit_date、expected_permit_date_p80，各事项 expected_due、"
            "basis：样本件数或“法定时限”）")
def get_plan(request: StaffRequest, case_id: int) -> dict:
    detail = plan_detail(_case(request, case_id))
    if detail is None:
        raise NotFound("尚未制定代办计划")
    return detail


@router.patch("/{case_id}/plan/items/{code}", response={200: dict, **errors(403, 409)},
              summary="调整事项计划日期（须说明理由，留痕）")
def move_item(request: StaffRequest, case_id: int, code: str, payload: MoveIn) -> dict | None:
    item = services.plan_item_move(actor=request.user, item=_item(request, case_id, code), **payload.dict())
    return plan_detail(item.case)


class ItemsPage(AnyPage):
    case_warning: str = Field(description="全案最严重的预警状态（正常/预警/逾期）")


class VisitsPage(AnyPage):
    flagged: bool = Field(description="业主到场超过一次（最多跑一次）")


@router.get("/{case_id}/items", response=ItemsPage,
            summary="事项办理情况与预警（正常/预警/逾期）；case_warning 为全案预警，items 按事项库顺序分页")
def list_items(request: StaffRequest, case_id: int, page: Query[PageIn]) -> dict[str, Any]:
    case = _case(request, case_id)
    today = clock.today()
    rows = case.items.select_related("catalog_item", "catalog_item__department", "liaison")
    return {"case_warning": case_warning(case, today),
            **paginate(rows, page, order=["catalog_item__sort", "catalog_item__code"],
                       row=lambda item: item_row(item, today))}


@router.post("/{case_id}/items/{code}/dispatch", response={200: dict, **errors(403, 409)}, summary="派单至审批部门代办联络员")
def dispatch(request: StaffRequest, case_id: int, code: str, payload: DispatchIn) -> dict:
    liaison = None
    if payload.liaison:
        liaison = User.objects.filter(username=payload.liaison, is_active=True).first()
        if liaison is None:
            raise ValidationFailed({"liaison": f"没有用户名为“{payload.liaison}”的人员"})
    return item_row(services.item_dispatch(actor=request.user, item=_item(request, case_id, code), liaison=liaison,
                                           note=payload.note))


@router.post("/{case_id}/items/{code}/start", response={200: dict, **errors(403, 409)}, summary="审批部门受理（开始计时）")
def start(request: StaffRequest, case_id: int, code: str, payload: StartIn) -> dict:
    return item_row(services.item_start(actor=request.user, item=_item(request, case_id, code), **payload.dict()))


@router.post("/{case_id}/items/{code}/pause", response={200: dict, **errors(403, 409)},
             summary="暂停计时：听证、检验检测、鉴定、专家评审或材料补正")
def pause(request: StaffRequest, case_id: int, code: str, payload: PauseIn) -> dict:
    return item_row(services.item_pause(actor=request.user, item=_item(request, case_id, code), **payload.dict()))


@router.post("/{case_id}/items/{code}/resume", response={200: dict, **errors(403, 409)}, summary="恢复计时")
def resume(request: StaffRequest, case_id: int, code: str, payload: ResumeIn) -> dict:
    return item_row(services.item_resume(actor=request.user, item=_item(request, case_id, code), **payload.dict()))


@router.post("/{case_id}/items/{code}/local-done", response={200: dict, **errors(403, 409)},
             summary="本级办结（上级审批事项的本级环节完成；上报期限自该日起 1 个工作日）")
def local_done(request: StaffRequest, case_id: int, code: str, payload: LocalDoneIn) -> dict:
    return item_row(services.item_local_done(actor=request.user, item=_item(request, case_id, code),
                                             **payload.dict()))


@router.post("/{case_id}/items/{code}/report-up", response={200: dict, **errors(403, 409)},
             summary="上报上级部门（须先登记本级办结；1个工作日内）")
def report_up(request: StaffRequest, case_id: int, code: str, payload: ReportUpIn) -> dict:
    return item_row(services.item_report_up(actor=request.user, item=_item(request, case_id, code),
                                            **payload.dict()))


@router.post("/{case_id}/items/{code}/finish", response={200: dict, **errors(403, 409)}, summary="办结（批准或不予许可）")
def finish(request: StaffRequest, case_id: int, code: str, payload: FinishIn) -> dict:
    return item_row(services.item_finish(actor=request.user, item=_item(request, case_id, code), **payload.dict()))


@router.post("/{case_id}/items/{code}/withdraw", response={200: dict, **errors(403, 409)}, summary="撤回事项")
def withdraw(request: StaffRequest, case_id: int, code: str, payload: ReasonIn) -> dict:
    return item_row(services.item_withdraw(actor=request.user, item=_item(request, case_id, code),
                                           reason=payload.reason))


@router.post("/{case_id}/items/{code}/urge", response={201: dict, **errors(403, 409)}, summary="催办或督办")
def urge(request: StaffRequest, case_id: int, code: str, payload: UrgeIn) -> Status[dict[str, object]]:
    row = services.item_urge(actor=request.user, item=_item(request, case_id, code), **payload.dict())
    return Status(201, {"id": row.pk, "kind": row.kind, "to": row.to.username, "at": row.at})


def _worklog_row(entry: WorkLog) -> dict:
    return {"id": entry.pk, "day": entry.day, "author": entry.author.display_name, "content": entry.content}


@router.get("/{case_id}/worklog", response=AnyPage, summary="工作日志（新的在前）")
def worklog(request: StaffRequest, case_id: int, page: Query[PageIn]) -> dict[str, Any]:
    rows = WorkLog.objects.filter(case=_case(request, case_id)).select_related("author")
    return paginate(rows, page, order=["-day", "-id"], row=_worklog_row)


@router.post("/{case_id}/worklog", response={201: dict, **errors(403, 409)})
def add_worklog(request: StaffRequest, case_id: int, payload: WorkLogIn) -> Status[dict[str, object]]:
    row = services.worklog_add(actor=request.user, case=_case(request, case_id), **payload.dict())
    return Status(201, {"id": row.pk, "day": row.day, "content": row.content})


@router.get("/{case_id}/visits", response=VisitsPage,
            summary="业主到场记录（最多跑一次：超过一次时 flagged 为 true）；items 按日期分页")
def visits(request: StaffRequest, case_id: int, page: Query[PageIn]) -> dict[str, Any]:
    rows = OwnerVisit.objects.filter(case=_case(request, case_id))
    answer = paginate(rows, page, order=["day", "id"], row=lambda visit: {"day": visit.day, "reason": visit.reason})
    return {**answer, "flagged": answer["total"] > 1}


@router.post("/{case_id}/visits", response={201: dict, **errors(403, 409)})
def add_visit(request: StaffRequest, case_id: int, payload: VisitIn) -> Status[dict[str, Any]]:
    case = _case(request, case_id)
    item = _item(request, case_id, payload.item_code) if payload.item_code else None
    services.visit_record(actor=request.user, case=case, day=payload.day, reason=payload.reason, item=item)
    count = case.visits.count()
    return Status(201, {"count": count, "flagged": count > 1})


@router.get("/{case_id}/progress-reports", response=AnyPage, summary="半月进度反馈（新的在前）")
def progress_reports(request: StaffRequest, case_id: int, page: Query[PageIn]) -> dict[str, Any]:
    case = _case(request, case_id)
    document = f"/api/v1/cases/{case.pk}/documents/progress.docx"
    return paginate(case.progress_reports.all(), page, order=["-period_start"],
                    row=lambda report: {"period_start": report.period_start, "period_end": report.period_end,
                                        "summary": report.summary, "document": document})


def _preview_answer(case: Case, today: date) -> dict:
    return {"next": progress_preview(case, today), "unreported": unreported_periods(case, today)}


@router.get("/{case_id}/progress-reports/preview", response=dict,
            summary="下一期半月进度反馈预览（与定时发送的内容相同；next 为 null 时本期已发送）及未反馈的期间")
def progress_report_preview(request: StaffRequest, case_id: int) -> dict:
    return _preview_answer(_case(request, case_id), clock.today())


@router.post("/{case_id}/progress-reports", response={201: dict, **errors(403, 409)},
             summary="提前发送下一期进度反馈（或立即补发未反馈的一期）；定时任务不再重复发送该期")
def progress_report_send(request: StaffRequest, case_id: int) -> Status[dict[str, Any]]:
    report = services.progress_report_send_early(actor=request.user, case=_case(request, case_id))
    return Status(201, {"id": report.pk, "period_start": report.period_start, "period_end": report.period_end,
                        "summary": report.summary})
