"""Completion, termination, filing, the archive, return visits and evaluations; the project code."""
from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from daiban.audit.middleware import client_ip
from daiban.cases.models import Case
from daiban.cases.selectors import case_detail, cases_for
from daiban.cases.services import case_project_code_set
from daiban.closure import evaluations, selectors, services
from daiban.closure.models import FeeAlert, ReturnVisit
from daiban.closure.paperwork import archive_filename, archive_zip
from daiban.intake.personal import owner_documents_release
from daiban.lib import ratelimit
from daiban.lib.errors import NotFound
from daiban.lib.pagination import paginate, whole
from daiban.lib.schemas import AnyPage, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import Role
from daiban.org.scope import get_in_scope

router = Router(tags=["办结与评价"])
alerts = Router(tags=["办结与评价"])
public = Router(tags=["企业（公开）"])


class HandoverIn(Schema):
    document: str
    copies: int = 1
    original: bool = True


class CompleteIn(Schema):
    handover: list[HandoverIn]
    opinion: str = ""
    close_open: dict[str, str] = Field({}, description="仍未了结的协调问题、联动请求、会议议定事项的关闭理由，"
                                                      "键为 issue:<id>、linked:<id>、resolution:<id>")


class TerminateIn(Schema):
    reason: str
    reason_kind: str | None = None
    returned: list[HandoverIn] = []
    close_open: dict[str, str] = Field({}, description="同办结")


class ConfirmIn(Schema):
    signatory: str = ""


class FileIn(Schema):
    filed_on: date | None = None
    opinion: str | None = None
    backfill_reason: str = ""


class ProjectCodeIn(Schema):
    project_code: str


class VisitIn(Schema):
    planned_on: date
    visitor: str
    channel: str


class VisitRecordIn(Schema):
    done_on: date
    note: str
    fee_asked: bool
    fee_details: str = ""


class ItemGradeIn(Schema):
    item: int
    grade: str
    comments: str = ""


class EvaluationIn(Schema):
    grade: str | None = None
    attitude: int | None = None
    efficiency: int | None = None
    quality: int | None = None
    overall: int | None = None
    comments: str = ""
    fee_asked: bool
    fee_details: str = ""
    items: list[ItemGradeIn] = []


class ItemEvaluationIn(Schema):
    grade: str
    comments: str = ""


class RatingIn(Schema):
    department: str
    grade: str | None = None
    attitude: int | None = None
    efficiency: int | None = None
    quality: int | None = None
    overall: int | None = None
    comment: str = ""


class RatingsIn(Schema):
    ratings: list[RatingIn]


def owner_answers(payload: EvaluationIn) -> evaluations.OwnerAnswers:
    data = payload.dict()
    return evaluations.OwnerAnswers(**{**data, "items": tuple(data["items"])})


def _case(request: StaffRequest, case_id: int) -> Case:
    return get_in_scope(cases_for(request.user), pk=case_id, user=request.user)


@router.get("/{case_id}/closure",
            summary="办结/终止情况：能否办结、办结单或终止单、业主签收、归档期限（正常/预警/逾期）、评价")
def get_closure(request: StaffRequest, case_id: int) -> dict:
    return selectors.closure_detail(_case(request, case_id))


@router.post("/{case_id}/complete", response={200: dict, **errors(403, 409)},
             summary="办结：全部委托事项已办结（批准、不予许可或撤回，至少一项批准）后填写办结单和移交资料清单")
def complete(request: StaffRequest, case_id: int, payload: CompleteIn) -> dict:
    case = _case(request, case_id)
    closure = services.case_complete(actor=request.user, case=case, handover=[h.dict() for h in payload.handover],
                                     opinion=payload.opinion, close_open=payload.close_open)
    return selectors.closure_detail(closure.case)


@router.post("/{case_id}/terminate", response={200: dict, **errors(403, 409)},
             summary="终止委托代办（业主申请或项目自身原因；reason_kind=owner_request/project），未办结事项撤回")
def terminate(request: StaffRequest, case_id: int, payload: TerminateIn) -> dict:
    case = _case(request, case_id)
    closure = services.case_terminate(actor=request.user, case=case, reason=payload.reason,
                                      reason_kind=payload.reason_kind, returned=[h.dict() for h in payload.returned],
                                      close_open=payload.close_open)
    return selectors.closure_detail(closure.case)


@router.post("/{case_id}/handover/confirm", response={200: dict, **errors(403, 409)},
             summary="业主签收移交（退还）资料清单：业主账号确认，或代办员登记业主签字")
def confirm_handover(request: StaffRequest, case_id: int, payload: ConfirmIn) -> dict:
    case = _case(request, case_id)
    services.handover_confirm(actor=request.user, case=case, signatory=payload.signatory)
    return selectors.closure_detail(case)


@router.post("/{case_id}/file", response={200: dict, **errors(403, 409)},
             summary="办结单/终止单移交代办机构归档（应在办结或终止后 2 个工作日内，按登记当日判断）；"
                     "早于今天的 filed_on 只能作为补录，须填 backfill_reason")
def file_closure(request: StaffRequest, case_id: int, payload: FileIn) -> dict:
    case = _case(request, case_id)
    services.closure_file(actor=request.user, case=case, filed_on=payload.filed_on, opinion=payload.opinion,
                          backfill_reason=payload.backfill_reason)
    return selectors.closure_detail(case)


@router.post("/{case_id}/file/confirm", response={200: dict, **errors(403, 409)},
             summary="代办机构管理员确认补录归档（确认后按补录的归档日期判断是否按时）")
def confirm_backfill(request: StaffRequest, case_id: int) -> dict:
    case = _case(request, case_id)
    services.closure_backfill_confirm(actor=request.user, case=case)
    return selectors.closure_detail(case)


@router.get("/{case_id}/archive.zip", response={200: None, **errors(403, 409)},
            summary="案卷：登记表、协议、计划、工作日志、会议记录、进度反馈、办结单或终止单、评价表（.docx）")
def download_archive(request: StaffRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    selectors.closure_of(case)
    owner_documents_release(actor=request.user, request=case.request, what="案卷")
    return zip_response(case)


@router.put("/{case_id}/project-code", response={200: dict, **errors(403, 409)},
            summary="登记项目代码（投资项目在线审批监管平台赋码），并报送省平台")
def put_project_code(request: StaffRequest, case_id: int, payload: ProjectCodeIn) -> dict:
    case = case_project_code_set(actor=request.user, case=_case(request, case_id), project_code=payload.project_code)
    return case_detail(case)


@router.get("/{case_id}/return-visits", response=AnyPage, summary="回访安排和记录（按计划日期）")
def list_visits(request: StaffRequest, case_id: int, page: Query[PageIn]) -> dict[str, Any]:
    case = _case(request, case_id)
    return paginate(case.return_visits.select_related("visitor"), page, order=["planned_on", "id"],
                    row=selectors.visit_row)


@router.post("/{case_id}/return-visits", response={201: dict, **errors(403, 409)},
             summary="安排回访（phone 电话 / visit 上门 / online 网上）")
def schedule_visit(request: StaffRequest, case_id: int, payload: VisitIn) -> Status[dict]:
    case = _case(request, case_id)
    visitor = User.objects.filter(username=payload.visitor, is_active=True).first()
    visit = evaluations.visit_schedule(actor=request.user, case=case, planned_on=payload.planned_on, visitor=visitor,
                                       channel=payload.channel)
    return Status(201, selectors.visit_row(visit))


@router.post("/{case_id}/return-visits/{visit_id}/record", response={200: dict, **errors(403, 409)},
             summary="记录回访情况")
def record_visit(request: StaffRequest, case_id: int, visit_id: int, payload: VisitRecordIn) -> dict:
    case = _case(request, case_id)
    visit = ReturnVisit.objects.filter(case=case, pk=visit_id).select_related("case").first()
    if visit is None:
        raise NotFound("本案没有该回访")
    visit = evaluations.visit_record(actor=request.user, visit=visit, **payload.dict())
    return selectors.visit_row(visit)


@router.post("/{case_id}/evaluation-link", response={201: dict, **errors(403, 409)},
             summary="生成业主一次性评价链接（无需登录，手机可用；仅本次显示，请转发给业主）")
def issue_link(request: StaffRequest, case_id: int) -> Status[dict[str, object]]:
    case = _case(request, case_id)
    link, token = evaluations.evaluation_link_issue(actor=request.user, case=case)
    path = evaluations.link_path(token)
    return Status(201, {"path": path, "url": request.build_absolute_uri(path), "expires_at": link.expires_at})


@router.get("/{case_id}/evaluation", summary="业主评价（未评价时为 null）")
def get_evaluation(request: StaffRequest, case_id: int) -> dict | None:
    return selectors.closure_detail(_case(request, case_id)).get("owner_evaluation")


@router.post("/{case_id}/evaluation", response={201: dict, **errors(403, 409)},
             summary="业主评价代办服务（业主账号，一次提交，不能修改）：评价等级 grade 为好差评五级，"
                     "items 可同时评价已办结的事项（一事一评）；有人索取费用或礼品的即时告知纪检监察")
def submit_evaluation(request: StaffRequest, case_id: int, payload: EvaluationIn) -> Status[dict]:
    case = _case(request, case_id)
    evaluation = evaluations.evaluation_submit(actor=request.user, case=case, answers=owner_answers(payload))
    return Status(201, selectors.evaluation_row(evaluation))


@router.post("/{case_id}/evaluation/window", response={201: dict, **errors(403, 409)},
             summary="窗口评价：代办机构工作人员登记业主在窗口作出的评价（好差评五级，一次提交）")
def record_window_evaluation(request: StaffRequest, case_id: int, payload: EvaluationIn) -> Status[dict]:
    case = _case(request, case_id)
    evaluation = evaluations.evaluation_record_at_window(actor=request.user, case=case,
                                                         answers=owner_answers(payload))
    return Status(201, selectors.evaluation_row(evaluation))


@router.post("/{case_id}/items/{item_id}/evaluation", response={201: dict, **errors(403, 409)},
             summary="一事一评：业主对已办结事项（审批部门的办理）作出评价；业主账号，或窗口工作人员登记")
def submit_item_evaluation(request: StaffRequest, case_id: int, item_id: int, payload: ItemEvaluationIn) -> Status[dict]:
    case = _case(request, case_id)
    item = case.items.filter(pk=item_id).select_related("case", "catalog_item", "catalog_item__department").first()
    if item is None:
        raise NotFound("本案没有该事项")
    evaluation = evaluations.item_evaluation_submit(actor=request.user, item=item, grade=payload.grade,
                                                    comments=payload.comments)
    return Status(201, selectors.item_evaluation_row(evaluation))


@public.post("/evaluations/{token}", auth=None, response={201: dict, **errors(404, 409, 429)},
             summary="业主凭一次性评价链接评价（无需登录；token 为评价链接的最后一段）")
def submit_evaluation_by_link(request: HttpRequest, token: str, payload: EvaluationIn) -> Status[dict]:
    ratelimit.check("evaluation-link", client_ip(request) or "-", limit=settings.PUBLIC_SUBMIT_LIMIT,
                    window_seconds=settings.PUBLIC_WINDOW_SECONDS)
    evaluation = evaluations.evaluation_submit_by_link(token=token, answers=owner_answers(payload))
    return Status(201, selectors.evaluation_row(evaluation))


@router.get("/{case_id}/department-ratings", summary="代办员对审批部门及代办联络员的评价")
def list_ratings(request: StaffRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    rated = selectors.closure_detail(case).get("department_ratings", [])
    departments = [{"department": code, "department_name": dept.name, "liaison": liaison.username if liaison else None}
                   for code, (dept, liaison) in evaluations.rated_departments(case).items()]
    return {"to_rate": departments, "ratings": rated}


@router.post("/{case_id}/department-ratings", response={201: AnyPage, **errors(403, 409)},
             summary="代办员评价各审批部门及其代办联络员（服务态度、办事效率、服务质量，1–5 分；一次提交）")
def submit_ratings(request: StaffRequest, case_id: int, payload: RatingsIn) -> Status[dict[str, Any]]:
    case = _case(request, case_id)
    created = evaluations.department_ratings_submit(actor=request.user, case=case,
                                                    ratings=[r.dict() for r in payload.ratings])
    return Status(201, whole(created, row=selectors.rating_row))


def _fee_alert_row(alert: FeeAlert) -> dict:
    return {"id": alert.pk, "case_id": alert.case_id, "tracking_no": alert.case.request.tracking_no,
            "project": alert.case.project.name, "company": alert.case.project.company.name,
            "unit": alert.case.unit.name, "details": alert.details, "raised_at": alert.raised_at,
            "source": alert.source, "visit_id": alert.visit_id}


@alerts.get("/fee-alerts", response={200: AnyPage, **errors(403)}, summary="索取费用或礼品线索（纪检监察；新的在前）")
def list_fee_alerts(request: StaffRequest, page: Query[PageIn]) -> dict[str, Any]:
    require_role(request.user, Role.INSPECTOR, action="fee_alerts")
    return paginate(selectors.fee_alerts(), page, order=["-raised_at", "-id"], row=_fee_alert_row)


def zip_response(case: Case) -> HttpResponse:
    response = HttpResponse(archive_zip(case), content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(archive_filename(case))}"
    return response

