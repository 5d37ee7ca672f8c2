"""The team ledger over HTTP: meetings and training sessions, incentive and accountability records."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, overload

from django.db import models
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from daiban.lib.errors import ValidationFailed
from daiban.lib.pagination import paginate
from daiban.lib.schemas import Page, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.models import AgencyBody, User
from daiban.org.scope import get_in_scope
from daiban.teams.models import Attendance, ConductKind, ConductRecord, MeetingKind, TeamMeeting
from daiban.teams.selectors import filtered, meetings_for, records_for
from daiban.teams.services import Presence, conduct_record_add, meeting_attendance_set, meeting_record

router = Router(tags=["代办队伍管理"])


class PresenceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str
    present: bool
    reason: str = ""


class PresenceOut(Schema):
    username: str
    name: str
    body: str | None
    present: bool
    reason: str


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str
    body_id: int
    held_on: dt.date
    topic: str
    content: str
    location: str = ""
    host: str = ""
    hours: Decimal | None = Field(None, description="学时（小时，最多一位小数）：业务培训、业务研讨必填，工作例会不填")
    attendance: list[PresenceIn] = []


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    body_id: int
    body: str
    held_on: dt.date
    topic: str
    content: str
    location: str
    host: str
    hours: Decimal | None
    present: int
    absent: int
    attendance: list[PresenceOut]
    recorded_by: str


class AttendanceIn(Schema):
    attendance: list[PresenceIn]


class RecordIn(Schema):
    model_config = ConfigDict(extra="forbid")

    username: str
    kind: str
    reason: str
    decided_on: dt.date
    body_id: int | None = None
    decided_by: str = ""
    doc_number: str = ""
    case_id: int | None = None


class RecordOut(Schema):
    id: int
    username: str
    name: str
    body_id: int
    body: str
    kind: str
    kind_label: str
    incentive: bool
    reason: str
    case_id: int | None
    case_tracking_no: str | None
    decided_by: str
    decided_on: dt.date
    doc_number: str
    recorded_by: str


@overload
def _body(body_id: int, field: str = ...) -> AgencyBody: ...
@overload
def _body(body_id: None, field: str = ...) -> None: ...
@overload
def _body(body_id: int | None, field: str = ...) -> AgencyBody | None: ...
def _body(body_id: int | None, field: str = "body_id") -> AgencyBody | None:
    if body_id is None:
        return None
    body = AgencyBody.objects.filter(pk=body_id).first()
    if body is None:
        raise ValidationFailed({field: "代办机构不存在"})
    return body


def _people(rows: list[PresenceIn]) -> list[Presence]:
    users = {u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])}
    missing = [r.username for r in rows if r.username not in users]
    if missing:
        raise ValidationFailed({"attendance": f"用户不存在：{'、'.join(missing)}"})
    return [Presence(person=users[r.username], present=r.present, reason=r.reason) for r in rows]


def _presence(row: Attendance) -> dict[str, Any]:
    return {"username": row.person.username, "name": row.person.display_name,
            "body": row.person.body.name if row.person.body else None,
            "present": row.present, "reason": row.absence_reason}


def meeting_out(meeting: TeamMeeting) -> dict[str, Any]:
    attendance = [_presence(a) for a in meeting.attendance.select_related("person", "person__body")]
    return {
        "id": meeting.pk, "kind": meeting.kind, "kind_label": meeting.get_kind_display(), "body_id": meeting.body_id,
        "body": meeting.body.name, "held_on": meeting.held_on, "topic": meeting.topic, "content": meeting.content,
        "location": meeting.location, "host": meeting.host, "hours": meeting.hours,
        "present": sum(1 for a in attendance if a["present"]), "absent": sum(1 for a in attendance if not a["present"]),
        "attendance": attendance, "recorded_by": meeting.recorded_by.username,
    }


def record_out(record: ConductRecord) -> dict[str, Any]:
    return {
        "id": record.pk, "username": record.person.username, "name": record.person.display_name,
        "body_id": record.body_id, "body": record.body.name, "kind": record.kind,
        "kind_label": record.get_kind_display(), "incentive": record.incentive, "reason": record.reason,
        "case_id": record.case_id,
        "case_tracking_no": record.case.request.tracking_no if record.case is not None else None,
        "decided_by": record.decided_by, "decided_on": record.decided_on, "doc_number": record.doc_number,
        "recorded_by": record.recorded_by.username,
    }


def _choice(value: str | None, choices: type[models.TextChoices], field: str) -> list[str] | None:
    if not value:
        return None
    if value not in choices.values:
        raise ValidationFailed({field: f"应为以下之一：{'、'.join(choices.values)}"})
    return [value]


@router.get("/meetings", response=Page[MeetingOut], summary="工作例会和业务培训（本人数据范围内；新的在前）")
def list_meetings(request: StaffRequest, page: Query[PageIn], kind: str | None = None, body: int | None = None,
                  year: int | None = None) -> dict[str, Any]:
    rows = filtered(meetings_for(request.auth), date_field="held_on", body=body, year=year,
                    kinds=_choice(kind, MeetingKind, "kind"))
    return paginate(rows, page, order=["-held_on", "-id"], row=meeting_out)


@router.post("/meetings", response={201: MeetingOut, **errors(403)},
             summary="登记工作例会或业务培训（县代办中心：全县；代办机构管理员：本机构）")
def create_meeting(request: StaffRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    body = _body(payload.body_id)
    meeting = meeting_record(actor=request.auth, kind=payload.kind, body=body, held_on=payload.held_on,
                             topic=payload.topic, content=payload.content, location=payload.location,
                             host=payload.host, hours=payload.hours, attendance=_people(payload.attendance))
    return Status(201, meeting_out(meeting))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="一次工作例会或业务培训")
def get_meeting(request: StaffRequest, meeting_id: int) -> dict[str, Any]:
    return meeting_out(get_in_scope(meetings_for(request.auth), pk=meeting_id, user=request.auth))


@router.put("/meetings/{meeting_id}/attendance",
            response={200: MeetingOut, **errors(403)}, summary="登记参会情况（整体替换）")
def set_attendance(request: StaffRequest, meeting_id: int, payload: AttendanceIn) -> dict[str, Any]:
    meeting = get_in_scope(meetings_for(request.auth), pk=meeting_id, user=request.auth)
    meeting = meeting_attendance_set(actor=request.auth, meeting=meeting, attendance=_people(payload.attendance))
    return meeting_out(meeting)


@router.get("/records", response=Page[RecordOut], summary="考核激励与责任追究记录（本人数据范围内；新的在前）")
def list_records(request: StaffRequest, page: Query[PageIn], kind: str | None = None, body: int | None = None,
                 year: int | None = None) -> dict[str, Any]:
    rows = filtered(records_for(request.auth), date_field="decided_on", body=body, year=year,
                    kinds=_choice(kind, ConductKind, "kind"))
    return paginate(rows, page, order=["-decided_on", "-id"], row=record_out)


@router.post("/records", response={201: RecordOut, **errors(403, 404)},
             summary="登记考核激励或责任追究（县代办中心：全县；代办机构管理员：本机构人员）")
def create_record(request: StaffRequest, payload: RecordIn) -> Status[dict[str, Any]]:
    person = User.objects.select_related("body").filter(username=payload.username).first()
    if person is None:
        raise ValidationFailed({"username": "用户不存在"})
    record = conduct_record_add(
        actor=request.auth, person=person, body=_body(payload.body_id), kind=payload.kind, reason=payload.reason,
        decided_on=payload.decided_on, decided_by=payload.decided_by, doc_number=payload.doc_number,
        case=payload.case_id)
    return Status(201, record_out(record))


@router.get("/records/{record_id}", response=RecordOut, summary="一条考核激励或责任追究记录")
def get_record(request: StaffRequest, record_id: int) -> dict[str, Any]:
    return record_out(get_in_scope(records_for(request.auth), pk=record_id, user=request.auth))
