"""Writes on the team ledger. The center records for any agency body of the county, a unit's
administrator for their own unit only; readers (inspectors, leaders) never write. Audited."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from daiban.audit.services import audit_record
from daiban.cases.selectors import cases_for
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.org.models import AgencyBody, User
from daiban.org.permissions import refuse, require_role
from daiban.org.roles import Role
from daiban.teams.models import (
    COUNTY_BODY_KINDS,
    TRAINING_KINDS,
    Attendance,
    ConductKind,
    ConductRecord,
    MeetingKind,
    TeamMeeting,
)

WRITER_ROLES = (Role.CENTER_ADMIN, Role.UNIT_ADMIN)
MEETING_FIELDS = ("kind", "held_on", "topic", "content", "location", "host", "hours")
# A training session or seminar lasts at most a week of full days; hours are counted to a tenth.
MAX_TRAINING_HOURS = Decimal("40")
TEXT_LIMITS = {"topic": ("主题", 120), "content": ("内容", 20000), "location": ("地点", 80), "host": ("主持人", 60),
               "reason": ("事由", 5000), "decided_by": ("决定机关", 80), "doc_number": ("文号", 60)}


@dataclass(frozen=True)
class Presence:
    """One person on a meeting's attendance list: present, or absent with a reason."""

    person: User
    present: bool
    reason: str = ""


def may_write_for(user: User, body: AgencyBody) -> bool:
    if not user.is_authenticated or body.kind not in COUNTY_BODY_KINDS:
        return False
    return user.has_role(Role.CENTER_ADMIN) or (user.has_role(Role.UNIT_ADMIN) and user.body_id == body.pk)


def writable_bodies(user: User) -> list[AgencyBody]:
    bodies = AgencyBody.objects.filter(kind__in=COUNTY_BODY_KINDS).select_related("region")
    return [b for b in bodies if may_write_for(user, b)]


def _require_writer(actor: User, body: AgencyBody, action: str) -> None:
    require_role(actor, *WRITER_ROLES, action=action)
    if not may_write_for(actor, body):
        refuse(actor, action=action,
               why="只能为本代办机构登记" if body.kind in COUNTY_BODY_KINDS else "只能为本县的代办机构登记")


def _text(values: dict[str, Any], field: str, errors: dict[str, str], *, required: bool = False) -> str:
    value = values.get(field)
    if value is not None and not isinstance(value, str):
        errors[field] = "应为文本"
        return ""
    value = (value or "").strip()
    label, limit = TEXT_LIMITS[field]
    if required and not value:
        errors[field] = f"请填写{label}"
    elif len(value) > limit:
        errors[field] = f"{label}过长（最多 {limit} 字）"
    return value


def _past_date(value: dt.date | str | None, field: str, label: str, errors: dict[str, str]) -> dt.date | None:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors[field] = f"{label}格式应为 YYYY-MM-DD"
            return None
    if value is None:
        errors[field] = f"请填写{label}"
    elif value > clock.today():
        errors[field] = f"{label}不能晚于今天"
    return value


def is_staff_member(person: User) -> bool:
    return person.is_active and bool(person.roles - {Role.OWNER})


def _check_attendance(body: AgencyBody, attendance: Iterable[Presence]) -> list[Presence]:
    rows = list(attendance)
    errors: list[str] = []
    seen: set[int] = set()
    for row in rows:
        name = row.person.display_name
        if row.person.pk in seen:
            errors.append(f"{name} 重复登记")
        seen.add(row.person.pk)
        if not is_staff_member(row.person):
            errors.append(f"{name} 不是工作人员")
        elif body.kind == AgencyBody.Kind.UNIT and row.person.body_id not in (None, body.pk):
            errors.append(f"{name} 不属于{body.name}")
        if not row.present and not row.reason.strip():
            errors.append(f"请填写 {name} 的缺席原因")
        if len(row.reason.strip()) > 100:
            errors.append(f"{name} 的缺席原因过长（最多 100 字）")
    if errors:
        raise ValidationFailed({"attendance": "；".join(errors)})
    return rows


def _attendance_snapshot(meeting: TeamMeeting) -> list[dict[str, Any]]:
    return [{"person": a.person.username, "present": a.present, "reason": a.absence_reason}
            for a in meeting.attendance.select_related("person").order_by("person__username")]


def _write_attendance(meeting: TeamMeeting, rows: list[Presence]) -> None:
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create([
        Attendance(meeting=meeting, person=row.person, present=row.present,
                   absence_reason="" if row.present else row.reason.strip())
        for row in rows])


def training_hours(value: Decimal | float | int | str | None, kind: str | None, errors: dict[str, str]) -> Decimal | None:
    """学时, the one rule: a training session or seminar has them (more than 0, at most MAX_TRAINING_HOURS, to one
    decimal place); a work meeting has none."""
    if value in (None, ""):
        if kind in TRAINING_KINDS:
            errors["hours"] = "请填写培训学时（小时）"
        return None
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors["hours"] = "学时应为数字（单位：小时，如 2 或 1.5）"
        return None
    if kind not in TRAINING_KINDS:
        errors["hours"] = "工作例会不计学时：只有业务培训和业务研讨登记学时"
    elif not hours.is_finite() or hours <= 0 or hours > MAX_TRAINING_HOURS:
        errors["hours"] = f"学时应大于 0 且不超过 {MAX_TRAINING_HOURS} 小时"
    elif hours != hours.quantize(Decimal("0.1")):
        errors["hours"] = "学时最多保留一位小数（如 1.5）"
    else:
        return hours.quantize(Decimal("0.1"))
    return None


def _meeting_values(values: dict[str, Any], errors: dict[str, str], *, kind: str | None = None) -> dict[str, Any]:
    """The fields given, checked; `kind` is the meeting's own when the values do not change it."""
    cleaned: dict[str, Any] = {}
    if "kind" in values:
        if values["kind"] not in MeetingKind.values:
            errors["kind"] = "类型应为工作例会、业务培训或业务研讨"
        cleaned["kind"] = values["kind"]
    if "held_on" in values:
        cleaned["held_on"] = _past_date(values["held_on"], "held_on", "日期", errors)
    for field in ("topic", "content", "location", "host"):
        if field in values:
            cleaned[field] = _text(values, field, errors, required=field in ("topic", "content"))
    if "hours" in values or "kind" in values:
        cleaned["hours"] = training_hours(values.get("hours"), values.get("kind", kind), errors)
    return cleaned


def meeting_record(*, actor: User, kind: str, body: AgencyBody, held_on: dt.date | str, topic: str, content: str,
                   location: str = "", host: str = "", hours: Decimal | str | None = None,
                   attendance: Iterable[Presence] = ()) -> TeamMeeting:
    """Enters a work meeting or training session in the ledger, with who was there and who was not."""
    _require_writer(actor, body, "meeting_record")
    errors: dict[str, str] = {}
    values = _meeting_values({"kind": kind, "held_on": held_on, "topic": topic, "content": content,
                              "location": location, "host": host, "hours": hours}, errors)
    try:
        rows = _check_attendance(body, attendance)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        meeting = TeamMeeting.objects.create(body=body, recorded_by=actor, recorded_at=clock.now(), **values)
        _write_attendance(meeting, rows)
        audit_record(event_type="teams.meeting_recorded", actor=actor, obj=meeting, new={
            "kind": meeting.kind, "body": body.name, "held_on": meeting.held_on.isoformat(), "topic": meeting.topic,
            "hours": str(meeting.hours) if meeting.hours is not None else None, "attendance": _attendance_snapshot(meeting)})
    return meeting


def meeting_update(*, actor: User, meeting: TeamMeeting, **changes: Any) -> TeamMeeting:
    """Corrects the record of a meeting (not its body: a meeting of another body is a new record)."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    _require_writer(actor, meeting.body, "meeting_update")
    errors: dict[str, str] = {}
    if "kind" in changes and "hours" not in changes:
        changes["hours"] = meeting.hours  # a new kind is checked against the hours the meeting has
    values = _meeting_values(changes, errors, kind=meeting.kind)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        meeting = TeamMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        old = {field: getattr(meeting, field) for field in values}
        changed = [field for field, value in values.items() if old[field] != value]
        if not changed:
            return meeting
        for field in changed:
            setattr(meeting, field, values[field])
        meeting.save()
        audit_record(event_type="teams.meeting_updated", actor=actor, obj=meeting,
                     old={f: str(old[f]) for f in changed}, new={f: str(values[f]) for f in changed})
    return meeting


def meeting_attendance_set(*, actor: User, meeting: TeamMeeting, attendance: Iterable[Presence]) -> TeamMeeting:
    """Replaces the attendance list of a meeting."""
    _require_writer(actor, meeting.body, "meeting_attendance_set")
    rows = _check_attendance(meeting.body, attendance)
    with transaction.atomic():
        meeting = TeamMeeting.objects.select_for_update(no_key=True, of=("self",)).select_related("body").get(pk=meeting.pk)
        old = _attendance_snapshot(meeting)
        _write_attendance(meeting, rows)
        new = _attendance_snapshot(meeting)
        if old != new:
            audit_record(event_type="teams.attendance_set", actor=actor, obj=meeting, old=old, new=new)
    return meeting


def conduct_record_add(*, actor: User, person: User, kind: str, reason: str, decided_on: dt.date | str,
                       body: AgencyBody | None = None, decided_by: str = "", doc_number: str = "",
                       case=None) -> ConductRecord:
    """考核激励 or 责任追究 about one person. The record sits with the body the person works in; a
    person outside the agency bodies (a liaison officer) is recorded under the body given."""
    body = body or person.body
    if body is None:
        raise ValidationFailed({"body": "请选择代办机构"})
    _require_writer(actor, body, "conduct_record_add")
    if person.body is not None and person.body_id != body.pk:
        if not actor.has_role(Role.CENTER_ADMIN):
            refuse(actor, action="conduct_record_add", why="只能为本代办机构的人员登记")
        raise ValidationFailed({"body": f"{person.display_name} 属于{person.body.name}"})
    if not is_staff_member(person):
        raise ValidationFailed({"person": f"{person.display_name} 不是工作人员"})
    errors: dict[str, str] = {}
    if kind not in ConductKind.values:
        errors["kind"] = "类型应为表扬、奖励、通报批评、约谈或责任追究"
    values = {"reason": reason, "decided_by": decided_by or (actor.body.name if actor.body else ""),
              "doc_number": doc_number}
    reason = _text(values, "reason", errors, required=True)
    decided_by = _text(values, "decided_by", errors, required=True)
    doc_number = _text(values, "doc_number", errors)
    day = _past_date(decided_on, "decided_on", "决定日期", errors)
    if case is not None:
        case = _case_in_scope(actor, case, errors)
    if errors or day is None:  # no day means errors["decided_on"] is set
        raise ValidationFailed(errors)
    with transaction.atomic():
        record = ConductRecord.objects.create(
            person=person, body=body, kind=kind, reason=reason, case=case, decided_by=decided_by, decided_on=day,
            doc_number=doc_number, recorded_by=actor, recorded_at=clock.now())
        audit_record(event_type="teams.conduct_recorded", actor=actor, obj=record, new={
            "person": person.username, "body": body.name, "kind": kind, "reason": reason,
            "case": case.request.tracking_no if case else None, "decided_by": decided_by,
            "decided_on": day.isoformat(), "doc_number": doc_number})
    return record


def _case_in_scope(actor: User, case, errors: dict[str, str]):
    """A case id or Case the actor can see; anything else is reported as not found."""
    case_id = getattr(case, "pk", case)
    found = cases_for(actor).filter(pk=case_id).first() if str(case_id).isdigit() else None
    if found is None:
        errors["case"] = f"案件 {case_id} 不存在或不在您的数据范围内"
    return found
