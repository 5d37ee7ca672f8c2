"""Background duty: warning and overdue notices for the deadlines of coordination.

A tier waiting for its answer, a linked request waiting for the higher body's feedback and a meeting
resolution not yet done are each told once when they enter 预警 and once when they become 逾期. The
unique DeadlineAlert row decides (as plans.duties' Escalation does), so two workers or a second run send
nothing twice.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import IntegrityError, transaction

from daiban.audit.services import audit_record
from daiban.cases.states import OPEN_STATUSES
from daiban.coordination.deadlines import running
from daiban.coordination.models import DeadlineAlert, IssueTier, LinkedRequest, Resolution
from daiban.coordination.services.common import agents_of, body_staff, liaisons_of, tell, unit_admins
from daiban.coordination.states import IssueStatus, LinkedStatus, ResolutionStatus
from daiban.lib import clock
from daiban.org.models import User
from daiban.org.roles import Role
from daiban.plans.deadlines import LABELS, OVERDUE, WARNING

# What runs against a deadline here: a tier waiting for its answer, a linked request, a meeting's resolution.
Waiting = IssueTier | LinkedRequest | Resolution

Kind = DeadlineAlert.Kind


def _waiting_tiers() -> Iterator[tuple[str, Waiting, dict]]:
    tiers = (IssueTier.objects.filter(responded_on__isnull=True, closed_at__isnull=True,
                                      issue__status=IssueStatus.OPEN, issue__case__status__in=OPEN_STATUSES)
             .select_related("issue", "issue__case", "issue__case__project", "issue__case__unit", "body"))
    for tier in tiers:
        if tier.number != tier.issue.tier:
            continue
        issue = tier.issue
        people = agents_of(issue.case)
        if tier.number <= 2:
            people += liaisons_of(issue.departments.all()) + (unit_admins(issue.case.unit) if tier.number == 2 else [])
        elif tier.body_id:
            people += body_staff(tier.body)
        yield Kind.TIER, tier, {
            "what": f"协调问题“{issue.title}”（第{tier.number}层级：{tier.handler}）答复", "people": people,
            "case": issue.case, "link": f"/coordination/issues/{issue.pk}/"}


def _waiting_linked() -> Iterator[tuple[str, Waiting, dict]]:
    rows = (LinkedRequest.objects.exclude(status=LinkedStatus.ANSWERED).filter(case__status__in=OPEN_STATUSES)
            .select_related("case", "case__project", "to_body", "from_body", "sent_by"))
    for linked in rows:
        yield Kind.LINKED, linked, {
            "what": f"{linked.to_body.name}对联动代办请求的反馈", "case": linked.case,
            "people": [linked.sent_by, *body_staff(linked.to_body)], "link": f"/coordination/linked/{linked.pk}/"}


def _open_resolutions() -> Iterator[tuple[str, Waiting, dict]]:
    rows = (Resolution.objects.filter(status=ResolutionStatus.OPEN, meeting__record_version__gt=0)
            .select_related("meeting", "meeting__case", "meeting__case__project", "meeting__convened_by",
                            "department"))
    for resolution in rows:
        meeting = resolution.meeting
        responsible = list(User.objects.filter(department=resolution.department_id, is_active=True))
        responsible = [u for u in responsible if u.department_head or u.has_role(Role.LIAISON)]
        yield Kind.RESOLUTION, resolution, {
            "what": f"联席会议议定事项{resolution.number}“{resolution.content[:40]}”（{resolution.department.name}）",
            "people": [meeting.convened_by, *responsible], "case": meeting.case,
            "link": f"/coordination/meetings/{meeting.pk}/"}


def alert_deadlines(*, today: dt.date | None = None) -> int:
    """Sends each due warning or overdue notice once; returns how many were sent now."""
    today = today or clock.today()
    made = 0
    for generator in (_waiting_tiers, _waiting_linked, _open_resolutions):
        for kind, subject, about in generator():
            where = running(subject.due_on, today)
            if where.state not in (WARNING, OVERDUE) or DeadlineAlert.objects.filter(
                    kind=kind, object_id=subject.pk, state=where.state).exists():
                continue
            try:
                with transaction.atomic():
                    DeadlineAlert.objects.create(kind=kind, object_id=subject.pk, state=where.state,
                                                 due_on=subject.due_on, at=clock.now())
                    audit_record(event_type=f"coordination.deadline_{where.state}", obj=subject, actor_name="系统",
                                 new={"kind": kind, "due_on": subject.due_on, "workdays_left": where.left})
                    tell("coordination.deadline", people=about["people"], case=about["case"], link=about["link"],
                         values={"state": LABELS[where.state], "what": about["what"],
                                 "due": f"{subject.due_on:%Y-%m-%d}", "left": where.left_text},
                         dedupe_key=f"{where.state}:{kind}:{subject.pk}")
                    made += 1
            except IntegrityError:
                continue  # already sent, by an earlier run or another worker
    return made
