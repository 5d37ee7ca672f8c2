"""Reads of coordination within the caller's scope, and the shapes the pages and the API show.

Scope is the cases' scope (cases_for) widened in one place only: the staff of a higher agency body may read
the linked requests addressed to their body, and the cases (with their issues) those requests concern.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from daiban.cases.models import Case
from daiban.cases.selectors import cases_for
from daiban.coordination import deadlines
from daiban.coordination.models import Issue, IssueResponse, IssueTier, LinkedRequest, Meeting, Resolution, Signature
from daiban.coordination.record import canonical_text, record_content
from daiban.coordination.states import IssueStatus, LinkedStatus, ResolutionStatus
from daiban.lib import clock
from daiban.lib.prefetch import prefetched
from daiban.org.ladder import consultation_bodies, government_leaders, government_name, ladder_for
from daiban.org.models import AgencyBody, User
from daiban.org.roles import UNIT_ROLES, Role

HIGHER_KINDS = (AgencyBody.Kind.CITY, AgencyBody.Kind.PROVINCE)


def higher_body_of(user) -> AgencyBody | None:
    """The city or province agency body a person works for, if any."""
    if user is None or not user.is_authenticated or not user.body_id or not user.has_role(*UNIT_ROLES):
        return None
    return user.body if user.body.kind in HIGHER_KINDS else None


def coordination_cases_for(user) -> QuerySet[Case]:
    body = higher_body_of(user)
    if body is None:
        return cases_for(user)
    condition = Q(pk__in=cases_for(user).values("pk")) | Q(linked_requests__to_body=body)
    return Case.objects.filter(condition).distinct().select_related("project", "project__company", "unit", "request")


def issues_for(user) -> QuerySet[Issue]:
    condition = Q(case__in=coordination_cases_for(user).values("pk"))
    if user.is_authenticated and user.has_role(Role.LIAISON) and user.department_id:
        condition |= Q(departments=user.department_id)
    return (Issue.objects.filter(condition).distinct()
            .select_related("case", "case__project", "case__unit", "case__request", "item__catalog_item", "raised_by"))


def linked_requests_for(user) -> QuerySet[LinkedRequest]:
    condition = Q(case__in=cases_for(user).values("pk"))
    body = higher_body_of(user)
    if body is not None:
        condition |= Q(to_body=body)
    return (LinkedRequest.objects.filter(condition).distinct()
            .select_related("case", "case__project", "case__request", "from_body", "to_body", "item__catalog_item",
                            "issue", "sent_by", "accepted_by", "answered_by"))


def meetings_for(user) -> QuerySet[Meeting]:
    condition = Q(issues__in=issues_for(user).values("pk"))
    if user.is_authenticated:
        condition |= Q(invitees__user=user) | Q(convened_by=user)
    return (Meeting.objects.filter(condition).distinct()
            .select_related("case", "case__project", "case__request", "convened_by", "convener_body"))


def resolutions_for(user) -> QuerySet[Resolution]:
    return Resolution.objects.filter(meeting__in=meetings_for(user).values("pk")).select_related(
        "meeting", "department", "done_by")


def blocking_issues(case: Case) -> dict[int, list[str]]:
    """For the case page: item id -> titles of the unsettled issues that block that item (the case's issues as
    read in its row by plans.selectors.with_plan_reads, else one query)."""
    blocked: dict[int, list[str]] = {}
    issues = prefetched(case, "coordination_issues", case.coordination_issues.filter(
        blocks_item=True, item__isnull=False).exclude(status=IssueStatus.CLOSED))
    for issue in sorted(issues, key=lambda issue: (issue.raised_at, issue.pk)):
        if issue.blocks_item and issue.item_id is not None and issue.status != IssueStatus.CLOSED:
            blocked.setdefault(issue.item_id, []).append(issue.title)
    return blocked


def consultation_leaders(issue: Issue) -> list[tuple[User, str]]:
    """The leaders who may hold a 疑难会商 on `issue`, each with the government they lead, the highest government
    first (the default): read from the ladder's data (org.ladder.consultation_bodies), never from names."""
    bodies = consultation_bodies(issue.case.unit, issue.tier)
    return [(leader, government_name(body)) for body in reversed(bodies) for leader in government_leaders(body)]


# -- shapes ---------------------------------------------------------------------------------------------------


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.display_name}


def tier_standing(tier: IssueTier, issue: Issue, today: dt.date) -> deadlines.DueState | None:
    """The tier's response clock: running while the issue waits at it unanswered, else how it was answered."""
    if tier.responded_on is not None:
        return deadlines.finished(tier.due_on, tier.responded_on)
    if tier.number == issue.tier and issue.status == IssueStatus.OPEN:
        return deadlines.running(tier.due_on, today)
    return None  # left without an answer (escalated, taken to consultation or settled otherwise)


def tier_row(tier: IssueTier, issue: Issue, today: dt.date) -> dict:
    where = tier_standing(tier, issue, today)
    return {"id": tier.pk, "tier": tier.number, "tier_label": tier.get_step_display(), "handler": tier.handler,
            "body": tier.body.name if tier.body else None,
            "department": tier.department.name if tier.department else None,
            "opened_by": _person(tier.opened_by), "opened_at": tier.opened_at, "reason": tier.reason,
            "skip_reason": tier.skip_reason, "deadline_workdays": tier.deadline_workdays, "due_on": tier.due_on,
            "due_provisional": tier.due_provisional, "responded_on": tier.responded_on, "closed_at": tier.closed_at,
            "answered_late": tier.answered_late, "current": tier.number == issue.tier,
            "warning": where.state if where else None, "warning_label": where.label if where else "未答复",
            "workdays_left": where.left if where else None}


def level_row(tier: IssueTier, issue: Issue, today: dt.date) -> dict:
    """One level the issue reached, as `GET /api/v1/issues/{id}` lists it under `levels`."""
    first = next(iter(tier.responses.all()), None)
    where = tier_standing(tier, issue, today)
    return {"level": tier.number, "step": tier.step, "step_label": tier.get_step_display(), "handler": tier.handler,
            "body": tier.body.name if tier.body else None,
            "department": tier.department.name if tier.department else None,
            "opened_by": _person(tier.opened_by), "opened_at": tier.opened_at, "reason": tier.reason,
            "skip_reason": tier.skip_reason, "skipped": bool(tier.skip_reason), "due_on": tier.due_on,
            "deadline_workdays": tier.deadline_workdays, "responded_on": tier.responded_on,
            "answered_by": _person(first.by) if first else None, "answered_late": tier.answered_late,
            "current": tier.number == issue.tier, "warning": where.state if where else None}


def issue_row(issue: Issue, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    tier = next((t for t in issue.tiers.all() if t.number == issue.tier), None)
    where = tier_standing(tier, issue, today) if tier else None
    return {"id": issue.pk, "case_id": issue.case_id, "tracking_no": issue.case.request.tracking_no,
            "project": issue.case.project.name, "title": issue.title, "status": issue.status,
            "status_label": issue.get_status_display(), "tier": issue.tier,
            "tier_label": tier.get_step_display() if tier else "", "handler": tier.handler if tier else "",
            "due_on": tier.due_on if tier else None, "warning": where.state if where else None,
            "warning_label": where.label if where else "", "workdays_left": where.left if where else None,
            "item": issue.item.catalog_item.code if issue.item is not None else None, "blocks_item": issue.blocks_item,
            "raised_at": issue.raised_at}


def issue_detail(issue: Issue, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    tiers = list(issue.tiers.select_related("body", "department", "opened_by").prefetch_related(
        Prefetch("responses", queryset=IssueResponse.objects.select_related("by").order_by("at", "id"))))
    row = issue_row(issue, today)
    row.update({
        "description": issue.description, "raised_by": _person(issue.raised_by),
        "departments": [{"code": d.code, "name": d.name} for d in issue.departments.order_by("code")],
        "item_name": issue.item.catalog_item.name if issue.item is not None else None,
        "tiers": [tier_row(t, issue, today) for t in tiers],
        "levels": [level_row(t, issue, today) for t in tiers],
        "ladder": [{"level": r.number, "step": r.step, "step_label": r.label, "handler": r.handler,
                    "reached": any(t.number == r.number for t in tiers)} for r in ladder_for(issue.case.unit)],
        "responses": [{"tier": r.tier.number, "kind": r.kind, "kind_label": r.get_kind_display(),
                       "by": _person(r.by), "at": r.at, "text": r.text}
                      for r in issue.responses.select_related("tier", "by")],
        "transitions": [{"from": t.from_status, "to": t.to_status, "tier": t.tier, "at": t.at, "by": _person(t.by),
                         "note": t.note} for t in issue.transitions.select_related("by")],
        "resolution": issue.resolution, "resolution_source": issue.resolution_source,
        "resolved_by": _person(issue.resolved_by), "resolved_at": issue.resolved_at,
        "confirmed_by": _person(issue.confirmed_by), "confirmed_at": issue.confirmed_at,
        "consultations": [{"id": c.pk, "leader": _person(c.leader), "question": c.question,
                           "requested_by": _person(c.requested_by), "requested_at": c.requested_at,
                           "decision": c.decision, "decided_by": _person(c.decided_by), "decided_at": c.decided_at}
                          for c in issue.consultations.select_related("leader", "requested_by", "decided_by")],
        "linked_requests": [linked_row(r, today) for r in issue.linked_requests.select_related(
            "from_body", "to_body", "case__project", "case__request")],
        "meetings": [{"id": m.pk, "title": m.title, "held_at": m.held_at} for m in issue.meetings.all()],
        "collaboration": [{"phase": p.phase, "phase_label": p.get_phase_display(),
                           "owner_body": p.get_owner_body_display(), "handed_over_at": p.handed_over_at,
                           "handed_over_to": p.handed_over_to, "note": p.note}
                          for p in issue.case.collaboration.order_by("id")],
    })
    return row


def linked_standing(linked: LinkedRequest, today: dt.date) -> deadlines.DueState:
    return deadlines.where(linked.due_on, today, linked.answered_on)


def linked_row(linked: LinkedRequest, today: dt.date | None = None) -> dict:
    where = linked_standing(linked, today or clock.today())
    return {"id": linked.pk, "case_id": linked.case_id, "tracking_no": linked.case.request.tracking_no,
            "project": linked.case.project.name, "from_body": linked.from_body.name, "to_body": linked.to_body.name,
            "subject": linked.subject, "status": linked.status, "status_label": linked.get_status_display(),
            "issue_id": linked.issue_id, "item": linked.item.catalog_item.code if linked.item is not None else None,
            "sent_at": linked.sent_at, "deadline_workdays": linked.deadline_workdays, "due_on": linked.due_on,
            "answered_on": linked.answered_on, "late": linked.late, "warning": where.state,
            "warning_label": where.label, "workdays_left": where.left}


def linked_detail(linked: LinkedRequest, today: dt.date | None = None) -> dict:
    row = linked_row(linked, today)
    case = linked.case
    row.update({
        "sent_by": _person(linked.sent_by), "accepted_by": _person(linked.accepted_by),
        "accepted_at": linked.accepted_at, "answered_by": _person(linked.answered_by),
        "answered_at": linked.answered_at, "feedback": linked.feedback,
        "steps": [{"status": s.status, "status_label": s.get_status_display(), "at": s.at, "by": _person(s.by),
                   "note": s.note} for s in linked.steps.select_related("by")],
        "case": {"id": case.pk, "tracking_no": case.request.tracking_no, "project": case.project.name,
                 "company": case.project.company.name, "unit": case.unit.name,
                 "items": [{"code": i.catalog_item.code, "name": i.catalog_item.name,
                            "department": i.catalog_item.department.name, "level": i.catalog_item.level,
                            "status": i.status, "status_label": i.get_status_display()}
                           for i in case.items.select_related("catalog_item", "catalog_item__department")]},
    })
    return row


def resolution_standing(resolution: Resolution, today: dt.date) -> deadlines.DueState:
    return deadlines.where(resolution.due_on, today, resolution.done_on)


def resolution_row(resolution: Resolution, today: dt.date | None = None) -> dict:
    where = resolution_standing(resolution, today or clock.today())
    return {"id": resolution.pk, "meeting_id": resolution.meeting_id, "number": resolution.number,
            "content": resolution.content, "department": resolution.department.code,
            "department_name": resolution.department.name, "due_workdays": resolution.due_workdays,
            "due_on": resolution.due_on, "status": resolution.status, "status_label": resolution.get_status_display(),
            "done_by": _person(resolution.done_by), "done_on": resolution.done_on, "done_note": resolution.done_note,
            "late": resolution.done_late, "warning": where.state, "warning_label": where.label,
            "workdays_left": where.left}


def signature_row(signature: Signature) -> dict:
    return {"signer": _person(signature.signer), "record_version": signature.record_version,
            "content_hash": signature.content_hash, "signed_at": signature.signed_at, "valid": signature.valid,
            "voided_at": signature.voided_at, "void_reason": signature.void_reason}


def meeting_detail(meeting: Meeting, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    valid = {s.signer_id: s for s in meeting.signatures.all() if s.voided_at is None}
    return {
        "id": meeting.pk, "case_id": meeting.case_id, "title": meeting.title, "agenda": meeting.agenda,
        "held_at": meeting.held_at, "place": meeting.place, "convened_by": _person(meeting.convened_by),
        "convener_body": meeting.convener_body.name, "chair": meeting.chair, "recorder": meeting.recorder,
        "issues": [{"id": i.pk, "title": i.title, "status": i.status} for i in meeting.issues.order_by("pk")],
        "invitees": [{"username": i.user.username, "name": i.user.display_name, "unit": i.unit, "title": i.title,
                      "present": i.present, "signed": i.user_id in valid,
                      "signed_at": valid[i.user_id].signed_at if i.user_id in valid else None}
                     for i in meeting.invitees.select_related("user")],
        "discussion": meeting.discussion, "note": meeting.note, "recorded": meeting.recorded,
        "record_version": meeting.record_version, "record_hash": meeting.record_hash,
        "recorded_at": meeting.recorded_at, "recorded_by": _person(meeting.recorded_by),
        "resolutions": [resolution_row(r, today) for r in meeting.resolutions.select_related("department",
                                                                                              "done_by")],
        "signatures": [signature_row(s) for s in meeting.signatures.select_related("signer")],
        "document": {"serial_no": meeting.document.serial_no, "sha256": meeting.document.sha256}
        if meeting.document is not None else None,
    }


def signed_content(meeting: Meeting) -> str:
    """The exact text a signature confirms (its SHA-256 is the record hash)."""
    return canonical_text(record_content(meeting))


def prefetch_tiers(rows: QuerySet[Issue]) -> QuerySet[Issue]:
    return rows.prefetch_related(Prefetch("tiers", queryset=IssueTier.objects.order_by("number")))


def waiting_signatures(user) -> list[Meeting]:
    """Meetings whose current record the person, present, has not yet signed."""
    signed = Signature.objects.filter(signer=user, voided_at__isnull=True).values("meeting")
    return list(Meeting.objects.filter(invitees__user=user, invitees__present=True, record_version__gt=0)
                .exclude(pk__in=signed).select_related("case__project").order_by("-held_at"))


def open_resolutions_of(user) -> QuerySet[Resolution]:
    condition = Q(meeting__convened_by=user)
    if user.department_id and (user.has_role(Role.LIAISON) or user.department_head):
        condition |= Q(department=user.department_id)
    return (Resolution.objects.filter(condition, status=ResolutionStatus.OPEN, meeting__record_version__gt=0)
            .select_related("meeting", "department").order_by("due_on", "pk"))


def incoming_linked(user) -> QuerySet[LinkedRequest]:
    body = higher_body_of(user)
    if body is None:
        return LinkedRequest.objects.none()
    return (LinkedRequest.objects.filter(to_body=body).exclude(status=LinkedStatus.ANSWERED)
            .select_related("case__project", "from_body").order_by("due_on", "pk"))
