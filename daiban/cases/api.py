"""Cases: the entrusted items, the team, the papers."""
from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from daiban.cases import agency_team
from daiban.cases.models import Case, CaseDocument
from daiban.cases.selectors import case_answer, case_detail, cases_for, current_document, document_row
from daiban.cases.services import (
    case_agreement_set,
    case_company_address_set,
    case_designate_major,
    case_team_set,
    collaboration_update,
    document_sign,
    request_accept,
)
from daiban.intake import schemas as s
from daiban.intake.personal import owner_documents_release
from daiban.intake.selectors import requests_for
from daiban.intake.services import request_register
from daiban.intake.validation import RequestData
from daiban.lib.errors import NotFound
from daiban.lib.jsonutil import json_answer
from daiban.lib.pagination import paginate
from daiban.lib.schemas import AnyPage, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.scope import get_in_scope

router = Router(tags=["代办案件"])
# Accepting a request opens its case: the operation sits here, above intake (mounted at the API's root).
acceptance = Router(tags=["代办受理"])


@acceptance.post("/requests/{request_id}/accept", response={200: dict, **errors(403, 409)}, summary="审查通过，受理")
def accept(request: StaffRequest, request_id: int, payload: s.AcceptIn | None = None) -> dict[str, object]:
    row = get_in_scope(requests_for(request.user), pk=request_id, user=request.user)
    payload = payload or s.AcceptIn()
    case = request_accept(actor=request.user, request=row, **payload.dict())
    return {"case_id": case.pk, "tracking_no": row.tracking_no}


class AgreementIn(Schema):
    item_codes: list[str]


class TeamIn(Schema):
    agent: str | None = None
    chief_agent: str | None = None
    lead_leader: str | None = None
    supervisor: str | None = None
    liaisons: list[str] = []


class AddressIn(Schema):
    address: str


class SignIn(Schema):
    owner_signatory: str


class MajorIn(Schema):
    major: bool = True


class CollaborationIn(Schema):
    handed_over_at: date | None = None
    handed_over_to: str = ""
    note: str = ""


def _case(request: StaffRequest, case_id: int) -> Case:
    return get_in_scope(cases_for(request.user), pk=case_id, user=request.user)


def _case_row(case: Case) -> dict:
    return {"id": case.pk, "tracking_no": case.request.tracking_no, "project": case.project.name,
            "company": case.project.company.name, "unit": case.unit.name, "status": case.status,
            "status_label": case.get_status_display()}


@router.get("", response=AnyPage, summary="本人数据范围内的案件（新受理的在前）")
def list_cases(request: StaffRequest, page: Query[PageIn], status: str | None = None) -> dict[str, Any]:
    rows = cases_for(request.user)
    if status:
        rows = rows.filter(status=status)
    return paginate(rows, page, order=["-accepted_at"], row=_case_row)


@router.post("", response={201: s.RegisteredOut, **errors(403)}, summary="窗口、电话登记，上级交办或部门协调（工作人员）")
def register(request: StaffRequest, payload: s.StaffRequestIn) -> Status[dict[str, object]]:
    data = payload.dict()
    source = data.pop("source")
    created_row, _ = request_register(actor=request.user, data=RequestData(**data), source=source)
    answer = {"id": created_row.pk, "request_id": created_row.pk, "tracking_no": created_row.tracking_no,
              "query_code": created_row.query_code, "status": created_row.status, "source": created_row.source}
    return Status(201, answer)


@router.get("/{case_id}", response=dict, summary="案件详情：状态、承办机构、事项、团队")
def get_case(request: StaffRequest, case_id: int) -> HttpResponse:
    return json_answer(case_answer(request.user, case_id))


@router.post("/{case_id}/agreement", response={200: dict, **errors(403, 409)},
             summary="业主选择委托代办事项（全部或部分），生成委托代办协议")
def set_agreement(request: StaffRequest, case_id: int, payload: AgreementIn) -> dict:
    case = case_agreement_set(actor=request.user, case=_case(request, case_id), item_codes=payload.item_codes)
    return case_detail(case)


@router.get("/{case_id}/team/proposal", summary="按实施办法规则建议的代办团队")
def team_proposal(request: StaffRequest, case_id: int) -> dict:
    return agency_team.propose(_case(request, case_id)).as_usernames()


@router.put("/{case_id}/team", response={200: dict, **errors(403, 409)}, summary="确定代办团队；违反规则时 422 并指明规则")
def put_team(request: StaffRequest, case_id: int, payload: TeamIn) -> dict:
    choice = case_team_set(actor=request.user, case=_case(request, case_id), agent=payload.agent or "",
                           chief_agent=payload.chief_agent, lead_leader=payload.lead_leader,
                           supervisor=payload.supervisor, liaisons=payload.liaisons)
    return choice.as_usernames()


@router.post("/{case_id}/major", response={200: dict, **errors(403, 409)}, summary="县代办中心认定（或取消）重大项目")
def designate_major(request: StaffRequest, case_id: int, payload: MajorIn) -> dict:
    return case_detail(case_designate_major(actor=request.user, case=_case(request, case_id), major=payload.major))


@router.put("/{case_id}/company-address", response={200: dict, **errors(403, 409)},
            summary="录入或更正企业地址（案件承办人员）；已出具的文书据此出具新版次，记入审计")
def put_company_address(request: StaffRequest, case_id: int, payload: AddressIn) -> dict:
    case = case_company_address_set(actor=request.user, case=_case(request, case_id), address=payload.address)
    return case_detail(case)


@router.get("/{case_id}/documents/{kind}.docx", response={200: None, **errors(403)},
            summary="下载案件文书的最新版次（.docx）；含业主完整信息，仅业主本人和有权查看的人员可下载，记入审计")
def download_document(request: StaffRequest, case_id: int, kind: str) -> HttpResponse:
    case = _case(request, case_id)
    document = current_document(case, kind)
    if document is None:
        raise NotFound("尚未生成该文书")
    owner_documents_release(actor=request.user, request=case.request, what=document.get_kind_display())
    return docx_response(document)


@router.get("/{case_id}/documents", response=AnyPage,
            summary="案件文书的全部版次（每份文书编号不变，版次 version 依次递增；每一版均可下载）")
def list_documents(request: StaffRequest, case_id: int, page: Query[PageIn]) -> dict[str, Any]:
    case = _case(request, case_id)
    rows = case.documents.defer("content")
    return paginate(rows, page, order=["kind", "serial_no", "-version"], row=document_row)


@router.get("/{case_id}/documents/{serial}/{version}.docx", response={200: None, **errors(403)},
            summary="下载案件文书的某一版次（.docx）；含业主完整信息，仅有权查看的人员可下载，记入审计")
def download_document_version(request: StaffRequest, case_id: int, serial: str, version: int) -> HttpResponse:
    case = _case(request, case_id)
    # A version the column cannot hold is simply not there (never a database error).
    document = case.documents.filter(serial_no=serial[:30], version=version).first() if 1 <= version <= 32767 else None
    if document is None:
        raise NotFound("没有该文书的这一版次")
    owner_documents_release(actor=request.user, request=case.request,
                            what=f"{document.get_kind_display()}{document.version_label}")
    return docx_response(document)


@router.post("/{case_id}/documents/{kind}/sign", response={200: dict, **errors(403, 409)}, summary="登记业主签字（盖章）")
def sign_document(request: StaffRequest, case_id: int, kind: str, payload: SignIn) -> dict:
    case = _case(request, case_id)
    document_sign(actor=request.user, case=case, kind=kind, owner_signatory=payload.owner_signatory)
    return case_detail(case)


@router.put("/{case_id}/collaboration/{phase}", response={200: dict, **errors(403, 409)}, summary="三部门协同：记录阶段交接")
def update_collaboration(request: StaffRequest, case_id: int, phase: str, payload: CollaborationIn) -> dict:
    case = _case(request, case_id)
    collaboration_update(actor=request.user, case=case, phase=phase, **payload.dict())
    return case_detail(case)


def docx_response(document: CaseDocument) -> HttpResponse:
    response = HttpResponse(bytes(document.content),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    return response
