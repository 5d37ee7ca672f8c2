"""The front door's API: public requests and progress, staff registration and review."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Status

from daiban.audit.middleware import client_ip
from daiban.intake import schemas as s
from daiban.intake.models import ContactCard, DirectoryEntry, Request
from daiban.intake.personal import personal_data_reveal
from daiban.intake.public_query import progress_query_allow
from daiban.intake.selectors import public_progress, request_row, requests_for
from daiban.intake.services import (
    card_issue,
    consultation_log,
    directory_add,
    request_contact,
    request_reject,
    request_submit,
)
from daiban.intake.validation import RequestData
from daiban.lib import ratelimit
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.pagination import paginate
from daiban.lib.personal import lookup_hash
from daiban.lib.schemas import Page, PageIn, errors, open_to_readers
from daiban.org.http import StaffRequest
from daiban.org.permissions import refuse
from daiban.org.roles import Role
from daiban.org.scope import get_in_scope

STAFF_ROLES = [r for r in Role.values if r != Role.OWNER]

public = Router(tags=["企业（公开）"])
router = Router(tags=["代办受理"])


def _limit(request: HttpRequest, scope: str, limit: int) -> None:
    ratelimit.check(scope, client_ip(request) or "-", limit=limit, window_seconds=settings.PUBLIC_WINDOW_SECONDS)


@public.post("/requests", auth=None, response={201: s.SubmittedOut, **errors(429)},
             summary="企业在线申请代办（网站、手机页面）")
def submit_request(request: HttpRequest, payload: s.RequestIn) -> Status[dict[str, str]]:
    _limit(request, "public-submit", settings.PUBLIC_SUBMIT_LIMIT)
    created, _ = request_submit(data=RequestData(**payload.dict()))
    return Status(201, {"tracking_no": created.tracking_no, "query_code": created.query_code})


@public.get("/progress", auth=None, response={200: s.ProgressOut, **errors(404, 429)},
            summary="凭登记编号和查询码查询代办进度（个人信息已脱敏）")
def progress(request: HttpRequest, tracking_no: str = "", query_code: str = "") -> dict:
    progress_query_allow(address=client_ip(request), tracking_no=tracking_no)
    answer = public_progress(tracking_no=tracking_no, query_code=query_code)
    if answer is None:
        raise NotFound("登记编号或查询码不正确")
    return answer


@router.get("/requests", response=Page[s.RequestOut], summary="本人数据范围内的代办登记（新收到的在前）",
            description="phone：按完整联系电话精确查找（号码以密文保存，经带密钥的摘要比对；答复中的号码仍为脱敏值）。")
def list_requests(request: StaffRequest, page: Query[PageIn], status: str | None = None,
                  phone: str | None = None) -> dict[str, Any]:
    if status and status not in Request.Status.values:
        raise ValidationFailed({"status": "状态应为 new、contacted、accepted 或 rejected"})
    rows = requests_for(request.user).select_related("card", "case")
    if status:
        rows = rows.filter(status=status)
    if phone is not None:
        rows = rows.filter(contact_phone_hash=lookup_hash(phone, kind="phone") or "-")
    return paginate(rows, page, order=["-received_at"], row=request_row)


@router.get("/requests/{request_id}", response=s.RequestOut)
def get_request(request: StaffRequest, request_id: int) -> dict:
    return request_row(get_in_scope(requests_for(request.user), pk=request_id, user=request.user))


@router.post("/requests/{request_id}/contact", response={200: s.RequestOut, **errors(403)}, summary="记录首次联系")
def contact(request: StaffRequest, request_id: int, payload: s.ContactIn) -> dict:
    row = get_in_scope(requests_for(request.user), pk=request_id, user=request.user)
    return request_row(request_contact(actor=request.user, request=row, note=payload.note))


@router.post("/requests/{request_id}/reject", response={200: s.RequestOut, **errors(403, 409)},
             summary="不予受理（理由企业可见）")
def reject(request: StaffRequest, request_id: int, payload: s.RejectIn) -> dict:
    row = get_in_scope(requests_for(request.user), pk=request_id, user=request.user)
    return request_row(request_reject(actor=request.user, request=row, reason=payload.reason))


@router.post("/consultations", response={201: dict, **errors(403)}, summary="记录提前介入咨询")
def consult(request: StaffRequest, payload: s.ConsultationIn) -> Status[dict[str, int]]:
    row = consultation_log(actor=request.user, **payload.dict())
    return Status(201, {"id": row.pk})


@router.post("/cards", response={201: s.CardOut, **errors(403)}, summary="发放代办联系卡（招商、商务、政府投资部门）")
def issue_card(request: StaffRequest, payload: s.CardIn) -> Status[dict]:
    return Status(201, _card_row(card_issue(actor=request.user, **payload.dict())))


def _card_row(card: ContactCard) -> dict:
    return {"number": card.number, "kind": card.kind, "company_name": card.company.name,
            "project_name": card.project_name, "issuer": card.issuer.name, "redeemed": card.redeemed_at is not None}


@router.get("/directory", response={200: Page[s.DirectoryOut], **errors(403)},
            summary="招商引资、平商回归和政府投资代办项目目录库（新登记的在前）")
def directory(request: StaffRequest, page: Query[PageIn]) -> dict[str, Any]:
    if request.user.has_role(Role.OWNER) and not request.user.has_role(*STAFF_ROLES):
        refuse(request.user, action="directory_list", why="目录库仅供工作人员查阅")
    rows = DirectoryEntry.objects.select_related("location", "source_department").prefetch_related("cards")
    return paginate(rows, page, order=["-pk"], row=_directory_row)


@router.post("/directory", response={201: s.DirectoryOut, **errors(403)})
def directory_create(request: StaffRequest, payload: s.DirectoryIn) -> Status[dict]:
    return Status(201, _directory_row(directory_add(actor=request.user, **payload.dict())))


def _directory_row(entry: DirectoryEntry) -> dict:
    return {"id": entry.pk, "category": entry.category, "project_name": entry.project_name,
            "company_name": entry.company_name, "location": entry.location.name,
            "investment_wan": entry.investment_wan, "status": entry.status,
            "source_department": entry.source_department.name, "request_count": entry.requests.count(),
            "cards": [card.number for card in entry.cards.all()]}




@router.post("/personal-data/reveal", response={200: s.RevealOut, **errors(403, 404)},
             summary="查看一条记录的完整个人信息（须有权限，记入审计）",
             description="subject 为 request、company、directory、consultation 或 user。其他接口中的手机号码、姓名、"
                         "地址均为脱敏值；无权查看时 403（permission.denied），记录不存在或不在数据范围内时 404（not_found），"
                         "subject 不认识时 422。")
@open_to_readers
def reveal_personal_data(request: StaffRequest, payload: s.RevealIn) -> dict[str, object]:
    fields = personal_data_reveal(actor=request.user, subject=payload.subject, pk=payload.id)
    return {"subject": payload.subject, "id": payload.id,
            "fields": [{"label": label, "value": value} for label, value in fields.items()]}
