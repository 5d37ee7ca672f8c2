"""The meeting record's canonical content, the SHA-256 the signatures confirm, and its official form.

The canonical content is canonical JSON (sorted keys, no spaces, UTF-8) of every field of the record:
the meeting's time, place, convener, chair, recorder, agenda, the issues, the discussion, the note, the
attendance of every invitee and the resolutions. Lists are ordered by a stable key (username, issue id,
resolution number) so the same record always hashes the same. A resolution's due date is not hashed: it
follows from the meeting day and its working days (both hashed), and moves only if the calendar is corrected.
"""
from __future__ import annotations

import hashlib

from django.utils import timezone

from daiban.cases.paperwork import owner_of, project_of
from daiban.documents import data as d
from daiban.lib.jsonutil import canonical


def record_content(meeting) -> dict:
    invitees = sorted(meeting.invitees.select_related("user"), key=lambda i: i.user.username)
    issues = sorted(meeting.issues.all(), key=lambda i: i.pk)
    resolutions = sorted(meeting.resolutions.select_related("department"), key=lambda r: r.number)
    return {
        "meeting": meeting.pk,
        "title": meeting.title,
        "held_at": timezone.localtime(meeting.held_at).strftime("%Y-%m-%d %H:%M"),
        "place": meeting.place,
        "convener": meeting.convener_body.name,
        "chair": meeting.chair,
        "recorder": meeting.recorder,
        "agenda": meeting.agenda,
        "issues": [{"id": i.pk, "title": i.title} for i in issues],
        "discussion": meeting.discussion,
        "note": meeting.note,
        "attendance": [{"username": i.user.username, "name": i.user.display_name, "unit": i.unit, "title": i.title,
                        "present": bool(i.present)} for i in invitees],
        "resolutions": [{"number": r.number, "content": r.content, "department": r.department.code,
                         "department_name": r.department.name, "due_workdays": r.due_workdays}
                        for r in resolutions],
    }


def canonical_text(content: dict) -> str:
    return canonical(content).decode("utf-8")


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def meeting_data(meeting, serial: str) -> d.MeetingData:
    """The meeting mapped to the 联合审批协调会议记录表: present invitees with their valid signatures."""
    valid = {s.signer_id: s for s in meeting.signatures.filter(voided_at__isnull=True)}
    invitees = list(meeting.invitees.select_related("user").order_by("id"))
    attendees = [d.Attendee(unit=i.unit, name=i.user.display_name, title=i.title,
                            signed_at=timezone.localtime(valid[i.user_id].signed_at) if i.user_id in valid else None)
                 for i in invitees if i.present]
    absent = [f"{i.unit}{i.user.display_name}" for i in invitees if not i.present]
    voided = [f"{s.signer.display_name}（{timezone.localtime(s.signed_at):%Y-%m-%d %H:%M}签名，"
              f"{timezone.localtime(s.voided_at):%Y-%m-%d %H:%M}作废：{s.void_reason}）"
              for s in meeting.signatures.filter(voided_at__isnull=False).select_related("signer")]
    note_lines = [f"会议名称：{meeting.title}", f"会议议程：{meeting.agenda}"]
    if meeting.discussion:
        note_lines.append(f"讨论情况：{meeting.discussion}")
    if meeting.note:
        note_lines.append(meeting.note)
    if absent:
        note_lines.append(f"受邀未出席：{'、'.join(absent)}")
    if voided:
        note_lines.append(f"签名已因记录修改而作废：{'；'.join(voided)}")
    issues = [f"{i.title}" + (f"（{i.description}）" if i.description else "")
              for i in meeting.issues.order_by("pk")]
    return d.MeetingData(
        serial=serial, held_at=timezone.localtime(meeting.held_at), place=meeting.place,
        convener=meeting.convener_body.name, chair=meeting.chair or meeting.convened_by.display_name,
        recorder=meeting.recorder or meeting.convened_by.display_name, project=project_of(meeting.case),
        owner=owner_of(meeting.case), attendees=attendees, issues=issues,
        resolutions=[d.Resolution(r.content, r.department.full_name or r.department.name, r.due_on)
                     for r in meeting.resolutions.select_related("department").order_by("number")],
        fingerprint=meeting.record_hash, note="\n".join(note_lines))
