"""联席会议 (§5.5.3): convening, the record, the heads' signatures on its content hash, the resolutions."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.cases.paperwork import Paper, generate
from daiban.cases.services import require_case_worker, require_open
from daiban.coordination.models import Invitee, Issue, IssueResponse, Meeting, Resolution, Signature
from daiban.coordination.record import content_hash, meeting_data, record_content
from daiban.coordination.services.common import agents_of, departments_named, tell
from daiban.coordination.services.issues import lock_issue, record_response
from daiban.coordination.states import ISSUE_ACTIVE, IssueStatus, ResolutionStatus
from daiban.documents.meeting import meeting_record
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.notify.rules import To
from daiban.notify.services import notify_event
from daiban.org.models import User
from daiban.org.permissions import refuse
from daiban.org.roles import CASE_WORKER_ROLES, Role
from daiban.org.scope import scope_of
from daiban.workdays.loader import add_workdays

MAX_RESOLUTION_WORKDAYS = 120


def _link(meeting: Meeting) -> str:
    return f"/coordination/meetings/{meeting.pk}/"


def _text(value: Any) -> str:
    return str(value or "").strip()


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(no_key=True, of=("self",)).select_related("case", "convener_body").get(pk=meeting.pk)


def meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.held_at).date()


# -- convening ------------------------------------------------------------------------------------------------


def _invited(usernames: list[str]) -> tuple[list[User], dict[str, str]]:
    wanted = list(dict.fromkeys(_text(u) for u in usernames or [] if _text(u)))
    if not wanted:
        return [], {"invitees": "请邀请至少一个部门的负责人"}
    people = {u.username: u for u in User.objects.filter(username__in=wanted, is_active=True)
              .select_related("department")}
    unknown = [u for u in wanted if u not in people]
    if unknown:
        return [], {"invitees": f"没有用户名为“{'”“'.join(unknown)}”的人员"}
    outsiders = [people[u].display_name for u in wanted if people[u].department_id is None]
    if outsiders:
        return [], {"invitees": f"“{'”“'.join(outsiders)}”不是部门人员：联席会议邀请各部门负责人或分管负责人参加"}
    return [people[u] for u in wanted], {}


def meeting_convene(*, actor: User, issues: list[Issue], agenda: str, held_at: dt.datetime, place: str,
                    invitees: list[str], title: str = "", chair: str = "", recorder: str = "") -> Meeting:
    """An agency unit or an agent convenes the departments on one or more open issues."""
    if not issues:
        raise ValidationFailed({"issues": "请选择要协调的问题"})
    for case in {i.case_id: i.case for i in issues}.values():
        require_case_worker(actor, case, "meeting_convene")
        require_open(case)
    errors: dict[str, str] = {}
    settled = [i.title for i in issues if i.status not in ISSUE_ACTIVE or i.status == IssueStatus.RESOLVED]
    if settled:
        errors["issues"] = f"问题“{'”“'.join(settled)}”已解决或待确认，无需再开会协调"
    if not _text(agenda):
        errors["agenda"] = "请填写会议议程"
    if not _text(place):
        errors["place"] = "请填写会议地点"
    if held_at is None:
        errors["held_at"] = "请填写会议时间"
    people, error = _invited(invitees)
    errors.update(error)
    if len(_text(title)) > 100:
        errors["title"] = "会议名称过长（最多100字）"
    if errors:
        raise ValidationFailed(errors)
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    first = sorted(issues, key=lambda i: i.pk)[0]
    convener_body = actor.body if actor.body is not None else first.case.unit
    with transaction.atomic():
        meeting = Meeting.objects.create(
            case=first.case, title=_text(title) or f"{first.case.project.name}联审会商", agenda=_text(agenda),
            held_at=held_at, place=_text(place), convened_by=actor, convener_body=convener_body,
            created_at=clock.now(), chair=_text(chair) or actor.display_name,
            recorder=_text(recorder) or actor.display_name)
        meeting.issues.set(issues)
        Invitee.objects.bulk_create([Invitee(meeting=meeting, user=u, unit=department.full_name or department.name,
                                             title=u.title)
                                     for u in people if (department := u.department) is not None])  # all (_invited)
        audit_record(event_type="coordination.meeting_convened", actor=actor, obj=meeting,
                     new={"issues": [i.pk for i in issues], "held_at": held_at, "place": meeting.place,
                          "invitees": [u.username for u in people]})
        local = timezone.localtime(held_at)
        tell("meeting.called", people=people, case=meeting.case, link=_link(meeting), dedupe_key=str(meeting.pk),
             values={"title": meeting.title, "at": f"{local:%Y年%m月%d日 %H:%M}", "place": meeting.place,
                     "agenda": meeting.agenda, "convener": convener_body.name})
    return meeting


# -- the record -----------------------------------------------------------------------------------------------


def may_edit_record(actor: User, meeting: Meeting) -> bool:
    if actor.pk == meeting.convened_by_id:
        return True
    if not actor.has_role(*CASE_WORKER_ROLES):
        return False
    scope = scope_of(actor)
    return scope.covers_body(meeting.convener_body_id)


def _resolution_rows(meeting: Meeting, rows: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Checks each resolution; answers (id or None, content, department, workdays) in the order given."""
    errors: dict[str, str] = {}
    existing = {r.pk: r for r in meeting.resolutions.all()}
    clean: list[dict] = []
    for n, row in enumerate(rows or []):
        row = row if isinstance(row, dict) else {}
        key = f"resolutions.{n}"
        pk = row.get("id")
        if pk not in (None, "") and (not str(pk).isdigit() or int(pk) not in existing):
            errors[f"{key}.id"] = "不是本次会议的议定事项"
            continue
        pk = int(pk) if pk not in (None, "") else None
        content = _text(row.get("content"))
        if not content:
            errors[f"{key}.content"] = f"请填写第{n + 1}项议定事项的内容"
        departments, error = departments_named([row.get("department")] if _text(row.get("department")) else [],
                                               f"{key}.department")
        if error:
            errors.update(error)
        elif not departments:
            errors[f"{key}.department"] = f"请填写第{n + 1}项议定事项的责任单位"
        workdays = row.get("due_workdays")
        try:
            workdays = int(str(workdays).strip())
        except (TypeError, ValueError):
            errors[f"{key}.due_workdays"] = "完成时限应为工作日数（正整数）"
        else:
            if workdays <= 0:
                errors[f"{key}.due_workdays"] = "完成时限应为正整数个工作日"
            elif workdays > MAX_RESOLUTION_WORKDAYS:
                errors[f"{key}.due_workdays"] = f"完成时限不超过{MAX_RESOLUTION_WORKDAYS}个工作日"
        if pk is not None and existing[pk].status == ResolutionStatus.DONE and (
                content != existing[pk].content or not departments or departments[0] != existing[pk].department
                or workdays != existing[pk].due_workdays):
            errors[f"{key}.content"] = "已落实的议定事项不能修改"
        clean.append({"id": pk, "content": content, "department": departments[0] if departments else None,
                      "due_workdays": workdays})
    kept = {row["id"] for row in clean if row["id"] is not None}
    removed_done = [r.number for pk, r in existing.items() if pk not in kept and r.status == ResolutionStatus.DONE]
    if removed_done:
        errors["resolutions"] = f"第{'、'.join(map(str, removed_done))}项议定事项已落实，不能删除"
    return clean, errors


def _apply_resolutions(meeting: Meeting, rows: list[dict]) -> None:
    day = meeting_day(meeting)
    kept = [row["id"] for row in rows if row["id"] is not None]
    meeting.resolutions.exclude(pk__in=kept).delete()
    for resolution in meeting.resolutions.all():  # out of the way of the renumbering below
        Resolution.objects.filter(pk=resolution.pk).update(number=1000 + resolution.number)
    for number, row in enumerate(rows, start=1):
        due = add_workdays(day, row["due_workdays"])
        values = {"number": number, "content": row["content"], "department": row["department"],
                  "due_workdays": row["due_workdays"], "due_on": due.date, "due_provisional": due.provisional}
        if row["id"] is None:
            Resolution.objects.create(meeting=meeting, **values)
        else:
            Resolution.objects.filter(pk=row["id"]).update(**values)


def refresh_document(*, actor: User, meeting: Meeting) -> None:
    """The .docx of the record with its signatures, kept as a CaseDocument of the meeting's first case."""
    # The document's versions are the record's: a signature completes the version signed, it makes no new one.
    document = generate(case=meeting.case, kind="meeting", actor=actor, subject=f"meeting:{meeting.pk}",
                        version=meeting.record_version, paper=Paper(meeting_data(meeting, ""), meeting_record))
    meeting.document = document
    meeting.save(update_fields=["document"])


def meeting_record_save(*, actor: User, meeting: Meeting, present: list[str], resolutions: list[dict],
                        discussion: str = "", note: str = "", chair: str | None = None,
                        recorder: str | None = None) -> Meeting:
    """Writes the record. A change of its content voids the signatures made before it, and says so."""
    if not may_edit_record(actor, meeting):
        refuse(actor, action="meeting_record_save", why="只有会议召集人或召集单位可以填写、修改会议记录")
    require_open(meeting.case)
    errors: dict[str, str] = {}
    invited = {i.user.username: i for i in meeting.invitees.select_related("user")}
    present = list(dict.fromkeys(_text(u) for u in present or [] if _text(u)))
    strangers = [u for u in present if u not in invited]
    if strangers:
        errors["present"] = f"“{'”“'.join(strangers)}”不在本次会议的邀请名单中"
    clean, error = _resolution_rows(meeting, resolutions)
    errors.update(error)
    for field, value, limit in (("discussion", discussion, 8000), ("note", note, 2000), ("chair", chair, 30),
                                ("recorder", recorder, 30)):
        if len(_text(value)) > limit:
            errors[field] = f"内容过长（最多{limit}字）"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        meeting = _locked(meeting)
        old_hash, first = meeting.record_hash, not meeting.recorded
        meeting.discussion, meeting.note = _text(discussion), _text(note)
        if chair is not None:
            meeting.chair = _text(chair)
        if recorder is not None:
            meeting.recorder = _text(recorder)
        meeting.save(update_fields=["discussion", "note", "chair", "recorder"])
        for username, invitee in invited.items():
            Invitee.objects.filter(pk=invitee.pk).update(present=username in present)
        _apply_resolutions(meeting, clean)
        new_hash = content_hash(record_content(meeting))
        if new_hash == old_hash and not first:
            return meeting  # saved unchanged: nothing to sign again
        now = clock.now()
        meeting.record_version += 1
        meeting.record_hash, meeting.recorded_by, meeting.recorded_at = new_hash, actor, now
        meeting.save(update_fields=["record_version", "record_hash", "recorded_by", "recorded_at"])
        voided = list(meeting.signatures.filter(voided_at__isnull=True).select_related("signer"))
        reason = (f"会议记录于{timezone.localtime(now):%Y-%m-%d %H:%M}由{actor.display_name}"
                  f"修改（第{meeting.record_version}版），签名已因记录修改而作废")
        if voided:
            Signature.objects.filter(pk__in=[s.pk for s in voided]).update(voided_at=now, void_reason=reason[:200])
        audit_record(event_type="coordination.meeting_recorded", actor=actor, obj=meeting,
                     old={"record_hash": old_hash or None},
                     new={"version": meeting.record_version, "record_hash": new_hash, "present": sorted(present),
                          "resolutions": len(clean), "voided_signatures": [s.signer.username for s in voided]})
        if voided:
            audit_record(event_type="coordination.signatures_voided", actor=actor, obj=meeting,
                         old={"record_hash": old_hash, "signers": [s.signer.username for s in voided]},
                         new={"record_hash": new_hash, "reason": reason})
            tell("meeting.signature_voided", people=[s.signer for s in voided], case=meeting.case,
                 link=_link(meeting), values={"title": meeting.title, "reason": reason},
                 dedupe_key=f"{meeting.pk}:{meeting.record_version}")
        signers = [invited[u].user for u in present if u in invited]
        to_sign = [u for u in signers if u not in {s.signer for s in voided}]
        if to_sign:
            tell("meeting.record_to_sign", people=to_sign, case=meeting.case, link=_link(meeting),
                 values={"title": meeting.title, "version": meeting.record_version},
                 dedupe_key=f"{meeting.pk}:{meeting.record_version}")
        if first:
            _report_to_issues(actor=actor, meeting=meeting, count=len(clean))
        refresh_document(actor=actor, meeting=meeting)
    return meeting


def _report_to_issues(*, actor: User, meeting: Meeting, count: int) -> None:
    """Holding the joint meeting is the convening tier's answer to each of its issues."""
    local = timezone.localtime(meeting.held_at)
    for issue in meeting.issues.all():
        issue = lock_issue(issue)
        if issue.status in (IssueStatus.OPEN, IssueStatus.RESPONDED):
            record_response(actor=actor, issue=issue, kind=IssueResponse.Kind.MEETING,
                            text=f"{local:%Y-%m-%d %H:%M}召开联席会议“{meeting.title}”，议定事项{count}项")


# -- signatures -----------------------------------------------------------------------------------------------


def meeting_sign(*, actor: User, meeting: Meeting, content_hash: str) -> Signature:
    """A present invitee confirms the record whose SHA-256 he was shown. Signing again changes nothing."""
    invitee = meeting.invitees.filter(user=actor).first() if actor.pk else None
    if invitee is None:
        refuse(actor, action="meeting_sign", why="您不在本次会议的邀请名单中，不能签名")
    if not meeting.recorded:
        raise Conflict("会议记录尚未填写，暂不能签名", code="meeting.record_missing")
    if clock.now() < meeting.held_at:
        raise Conflict(f"会议定于{timezone.localtime(meeting.held_at):%Y-%m-%d %H:%M}召开，召开前不能签名确认会议记录",
                       code="meeting.not_held")
    if not invitee.present:
        refuse(actor, action="meeting_sign", why="会议记录未登记您出席本次会议，不能签名；如有误请联系召集人修改出席情况")
    with transaction.atomic():
        meeting = _locked(meeting)
        if _text(content_hash).lower() != meeting.record_hash:
            raise Conflict("会议记录已修改，您确认的内容与当前记录不一致，请重新阅读后再签名", code="meeting.record_changed")
        existing = meeting.signatures.filter(signer=actor, record_version=meeting.record_version,
                                             voided_at__isnull=True).first()
        if existing is not None:
            return existing
        signature = Signature.objects.create(meeting=meeting, signer=actor, record_version=meeting.record_version,
                                             content_hash=meeting.record_hash, signed_at=clock.now())
        audit_record(event_type="coordination.meeting_signed", actor=actor, obj=meeting,
                     new={"signer": actor.username, "record_hash": meeting.record_hash,
                          "version": meeting.record_version})
        refresh_document(actor=actor, meeting=meeting)
        waiting = meeting.invitees.filter(present=True).exclude(
            user__in=meeting.signatures.filter(voided_at__isnull=True).values("signer")).count()
        if waiting == 0:
            tell("meeting.all_signed", people=[meeting.convened_by], case=meeting.case, link=_link(meeting),
                 values={"title": meeting.title, "version": meeting.record_version},
                 dedupe_key=f"{meeting.pk}:{meeting.record_version}")
    return signature


# -- resolutions ----------------------------------------------------------------------------------------------


def may_finish_resolution(actor: User, resolution: Resolution) -> bool:
    if actor.pk == resolution.meeting.convened_by_id:
        return True
    return actor.department_id == resolution.department_id and (
        actor.has_role(Role.LIAISON) or actor.department_head)


def resolution_done(*, actor: User, resolution: Resolution, note: str = "") -> Resolution:
    """The responsible department (its liaison officer or head) or the convener records it done."""
    if not may_finish_resolution(actor, resolution):
        refuse(actor, action="resolution_done",
               why=f"只有责任单位{resolution.department.name}的联络员、负责人或会议召集人可以确认落实")
    note = _text(note)
    if len(note) > 300:
        raise ValidationFailed({"note": "落实情况过长（最多300字）"})
    with transaction.atomic():
        resolution = Resolution.objects.select_for_update(no_key=True, of=("self",)).select_related("meeting", "meeting__case",
                                                                           "department").get(pk=resolution.pk)
        if resolution.status == ResolutionStatus.DONE:
            return resolution
        today = clock.today()
        resolution.status, resolution.done_by, resolution.done_at, resolution.done_on = (
            ResolutionStatus.DONE, actor, clock.now(), today)
        resolution.done_note = note
        resolution.save(update_fields=["status", "done_by", "done_at", "done_on", "done_note"])
        meeting = resolution.meeting
        audit_record(event_type="coordination.resolution_done", actor=actor, obj=meeting,
                     new={"resolution": resolution.number, "content": resolution.content, "done_on": today,
                          "due_on": resolution.due_on, "late": resolution.done_late, "note": note})
        notify_event("resolution.done", people={To.HANDLER: [meeting.convened_by], To.AGENT: agents_of(meeting.case)},
                     values={"what": resolution.content[:40], "department": resolution.department.name,
                             "note": note or "已落实", "late": "（逾期落实）" if resolution.done_late else ""},
                     unit=meeting.case.unit, link=_link(meeting), case=meeting.case, dedupe_key=str(resolution.pk))
    return resolution

