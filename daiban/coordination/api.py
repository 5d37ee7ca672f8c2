"""Coordination: tiered issues, linked agency requests, joint meetings and their signed records."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from daiban.cases.api import docx_response
from daiban.coordination import services
from daiban.coordination.models import Issue, LinkedRequest, Meeting
from daiban.coordination.selectors import (
    coordination_cases_for,
    issue_detail,
    issue_row,
    issues_for,
    linked_detail,
    linked_requests_for,
    linked_row,
    meeting_detail,
    meetings_for,
    prefetch_tiers,
    resolution_row,
    resolutions_for,
)
from daiban.coordination.states import IssueStatus
from daiban.lib import clock
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.pagination import paginate
from daiban.lib.schemas import AnyPage, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.scope import get_in_scope

router = Router(tags=["问题协调"])


class IssueIn(Schema):
    title: str
    description: str = ""
    departments: list[str]
    item_code: str | None = None
    blocks_item: bool = False
    deadline_workdays: int | None = None
    respond_by: date | None = None


class EscalateIn(Schema):
    reason: str
    deadline_workdays: int | None = None
    respond_by: date | None = None
    to_tier: int | None = None
    skip_reason: str = ""
    to_body: str | None = None
    to_department: str | None = None
    to_government: bool = False


class TextIn(Schema):
    text: str


class ResolveIn(Schema):
    resolution: str


class ConfirmIn(Schema):
    accepted: bool = True
    note: str = ""


class ConsultIn(Schema):
    question: str
    leader: str | None = None


class DecideIn(Schema):
    decision: str


class LinkedIn(Schema):
    case_id: int
    subject: str
    item_code: str | None = None
    issue_id: int | None = None
    to_body: str | None = None
    deadline_workdays: int | None = None
    respond_by: date | None = None
    skip_reason: str = ""


class NoteIn(Schema):
    note: str = ""


class FeedbackIn(Schema):
    feedback: str
    resolves_issue: bool = False


class MeetingIn(Schema):
    issue_ids: list[int]
    title: str = ""
    agenda: str
    held_at: datetime
    place: str
    invitees: list[str]
    chair: str = ""
    recorder: str = ""


class ResolutionIn(Schema):
    id: int | None = None
    content: str
    department: str
    due_workdays: int


class RecordIn(Schema):
    present: list[str] = []
    discussion: str = ""
    note: str = ""
    chair: str | None = None
    recorder: str | None = None
    resolutions: list[ResolutionIn] = []


class SignIn(Schema):
    content_hash: str


def _issue(request: StaffRequest, issue_id: int) -> Issue:
    return get_in_scope(issues_for(request.user), pk=issue_id, user=request.user)


def _linked(request: StaffRequest, linked_id: int) -> LinkedRequest:
    return get_in_scope(linked_requests_for(request.user), pk=linked_id, user=request.user)


def _meeting(request: StaffRequest, meeting_id: int) -> Meeting:
    return get_in_scope(meetings_for(request.user), pk=meeting_id, user=request.user)


# -- issues ---------------------------------------------------------------------------------------------------


@router.get("/cases/{case_id}/issues", response=AnyPage, summary="案件的协调问题：层级、答复期限与预警（新的在前）")
def list_case_issues(request: StaffRequest, case_id: int, page: Query[PageIn]) -> dict[str, Any]:
    case = get_in_scope(coordination_cases_for(request.user), pk=case_id, user=request.user)
    today = clock.today()
    return paginate(prefetch_tiers(issues_for(request.user).filter(case=case)), page, order=["-raised_at", "-id"],
                    row=lambda issue: issue_row(issue, today))


@router.post("/cases/{case_id}/issues", response={201: dict, **errors(403, 409)}, summary="代办员提出协调问题（第1层级）")
def raise_issue(request: StaffRequest, case_id: int, payload: IssueIn) -> Status[dict]:
    case = get_in_scope(coordination_cases_for(request.user), pk=case_id, user=request.user)
    issue = services.issue_raise(actor=request.user, case=case, **payload.dict())
    return Status(201, issue_detail(issue))


@router.get("/issues", response=AnyPage, summary="本人数据范围内的协调问题（新的在前）")
def list_issues(request: StaffRequest, page: Query[PageIn], status: str | None = None) -> dict[str, Any]:
    rows = issues_for(request.user)
    if status in IssueStatus.values:
        rows = rows.filter(status=status)
    today = clock.today()
    return paginate(prefetch_tiers(rows), page, order=["-raised_at", "-id"], row=lambda issue: issue_row(issue, today))


@router.get("/issues/{issue_id}", summary="协调问题详情：各层级的提请人、理由、期限与答复")
def get_issue(request: StaffRequest, issue_id: int) -> dict:
    return issue_detail(_issue(request, issue_id))


@router.post("/issues/{issue_id}/escalate", response={200: dict, **errors(403, 409)},
             summary="升级到上一层级（越级须写明 skip_reason）；第3层级经联动代办请求上级代办机构")
def escalate_issue(request: StaffRequest, issue_id: int, payload: EscalateIn) -> dict:
    return issue_detail(services.issue_escalate(actor=request.user, issue=_issue(request, issue_id),
                                                **payload.dict()))


@router.post("/issues/{issue_id}/respond", response={200: dict, **errors(403, 409)},
             summary="当前层级答复（计入该层级的响应时间）")
def respond_issue(request: StaffRequest, issue_id: int, payload: TextIn) -> dict:
    services.issue_respond(actor=request.user, issue=_issue(request, issue_id), text=payload.text)
    return issue_detail(_issue(request, issue_id))


@router.post("/issues/{issue_id}/resolve", response={200: dict, **errors(403, 409)}, summary="提出解决方案，待代办员确认")
def resolve_issue(request: StaffRequest, issue_id: int, payload: ResolveIn) -> dict:
    return issue_detail(services.issue_resolve(actor=request.user, issue=_issue(request, issue_id),
                                               resolution=payload.resolution))


@router.post("/issues/{issue_id}/confirm", response={200: dict, **errors(403, 409)},
             summary="代办员确认解决（关闭问题）或退回解决方案")
def confirm_issue(request: StaffRequest, issue_id: int, payload: ConfirmIn) -> dict:
    return issue_detail(services.issue_confirm(actor=request.user, issue=_issue(request, issue_id),
                                               **payload.dict()))


@router.post("/issues/{issue_id}/consultation", response={201: dict, **errors(403, 409)}, summary="提请同级政府领导疑难会商")
def consult_issue(request: StaffRequest, issue_id: int, payload: ConsultIn) -> Status[dict]:
    services.issue_consult(actor=request.user, issue=_issue(request, issue_id), **payload.dict())
    return Status(201, issue_detail(_issue(request, issue_id)))


@router.post("/issues/{issue_id}/decide", response={200: dict, **errors(403, 409)},
             summary="会商领导作出决定，作为问题的解决方案交代办员确认")
def decide_issue(request: StaffRequest, issue_id: int, payload: DecideIn) -> dict:
    services.consultation_decide(actor=request.user, issue=_issue(request, issue_id), decision=payload.decision)
    return issue_detail(_issue(request, issue_id))


# -- linked requests ------------------------------------------------------------------------------------------


@router.get("/linked-requests", response=AnyPage,
            summary="联动代办请求：本机构发出的，或发往本机构（市、省代办机构）的（新的在前）")
def list_linked(request: StaffRequest, page: Query[PageIn], status: str | None = None) -> dict[str, Any]:
    rows = linked_requests_for(request.user)
    if status:
        rows = rows.filter(status=status)
    today = clock.today()
    return paginate(rows, page, order=["-sent_at", "-id"], row=lambda linked: linked_row(linked, today))


@router.post("/linked-requests", response={201: dict, **errors(403, 404, 409)},
             summary="发起联动代办（事项在上级审批，或协调问题升级至上级代办机构）")
def send_linked(request: StaffRequest, payload: LinkedIn) -> Status[dict]:
    data = payload.dict()
    case = get_in_scope(coordination_cases_for(request.user), pk=data.pop("case_id"), user=request.user)
    issue = None
    if (issue_id := data.pop("issue_id")) is not None:
        issue = issues_for(request.user).filter(pk=issue_id, case=case).first()
        if issue is None:
            raise ValidationFailed({"issue_id": "本案没有该协调问题"})
    linked = services.linked_request_send(actor=request.user, case=case, issue=issue, **data)
    return Status(201, linked_detail(linked))


@router.get("/linked-requests/{linked_id}", summary="联动代办请求详情：各步骤、期限、是否逾期反馈、所涉案件")
def get_linked(request: StaffRequest, linked_id: int) -> dict:
    return linked_detail(_linked(request, linked_id))


@router.post("/linked-requests/{linked_id}/accept", response={200: dict, **errors(403, 409)}, summary="上级代办机构接收")
def accept_linked(request: StaffRequest, linked_id: int, payload: NoteIn) -> dict:
    return linked_detail(services.linked_request_accept(actor=request.user, linked=_linked(request, linked_id),
                                                        note=payload.note))


@router.post("/linked-requests/{linked_id}/feedback", response={200: dict, **errors(403, 409)},
             summary="上级代办机构反馈（超过期限的标记为逾期反馈）")
def feedback_linked(request: StaffRequest, linked_id: int, payload: FeedbackIn) -> dict:
    return linked_detail(services.linked_request_feedback(actor=request.user, linked=_linked(request, linked_id),
                                                          **payload.dict()))


# -- meetings -------------------------------------------------------------------------------------------------


def _meeting_row(meeting: Meeting) -> dict:
    return {"id": meeting.pk, "title": meeting.title, "held_at": meeting.held_at, "place": meeting.place,
            "convener_body": meeting.convener_body.name, "case_id": meeting.case_id, "recorded": meeting.recorded,
            "record_hash": meeting.record_hash}


@router.get("/meetings", response=AnyPage, summary="联席会议（新的在前）")
def list_meetings(request: StaffRequest, page: Query[PageIn]) -> dict[str, Any]:
    return paginate(meetings_for(request.user), page, order=["-held_at", "-id"], row=_meeting_row)


@router.post("/meetings", response={201: dict, **errors(403, 409)}, summary="召集联席会议：议程、受邀部门负责人、时间、地点")
def convene_meeting(request: StaffRequest, payload: MeetingIn) -> Status[dict]:
    data = payload.dict()
    ids = list(dict.fromkeys(data.pop("issue_ids")))
    issues = list(issues_for(request.user).filter(pk__in=ids))
    if len(issues) != len(ids):
        raise ValidationFailed({"issue_ids": "有的协调问题不存在或不在您的数据范围内"})
    meeting = services.meeting_convene(actor=request.user, issues=issues, **data)
    return Status(201, meeting_detail(meeting))


@router.get("/meetings/{meeting_id}", summary="联席会议详情：记录、出席、议定事项、内容指纹与签名（含已作废）")
def get_meeting(request: StaffRequest, meeting_id: int) -> dict:
    return meeting_detail(_meeting(request, meeting_id))


@router.put("/meetings/{meeting_id}/record", response={200: dict, **errors(403, 409)},
            summary="填写或修改会议记录；内容改变后此前的签名作废")
def put_record(request: StaffRequest, meeting_id: int, payload: RecordIn) -> dict:
    data = payload.dict()
    meeting = services.meeting_record_save(actor=request.user, meeting=_meeting(request, meeting_id), **data)
    return meeting_detail(meeting)


@router.post("/meetings/{meeting_id}/sign", response={200: dict, **errors(403, 409)},
             summary="出席的受邀人签名确认记录内容（content_hash 为当前记录的 SHA-256）")
def sign_meeting(request: StaffRequest, meeting_id: int, payload: SignIn) -> dict:
    meeting = _meeting(request, meeting_id)
    services.meeting_sign(actor=request.user, meeting=meeting, content_hash=payload.content_hash)
    meeting.refresh_from_db()
    return meeting_detail(meeting)


@router.get("/meetings/{meeting_id}/record.docx", summary="下载联合审批协调会议记录表（.docx，含签名与内容指纹）")
def record_docx(request: StaffRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    if meeting.document is None:
        raise NotFound("会议记录尚未填写")
    return docx_response(meeting.document)


@router.post("/resolutions/{resolution_id}/done", response={200: dict, **errors(403, 409)},
             summary="议定事项落实（责任单位联络员、负责人或召集人）")
def finish_resolution(request: StaffRequest, resolution_id: int, payload: NoteIn) -> dict:
    resolution = get_in_scope(resolutions_for(request.user), pk=resolution_id, user=request.user)
    return resolution_row(services.resolution_done(actor=request.user, resolution=resolution, note=payload.note))
