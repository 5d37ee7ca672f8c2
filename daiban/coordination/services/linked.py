"""联动代办 (§5.5.1): a county unit or the center asks the city's or province's agency body to act."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from daiban.audit.services import audit_record
from daiban.cases.models import Case
from daiban.cases.services import require_case_worker, require_open
from daiban.catalog.models import Level
from daiban.coordination.deadlines import deadline_from
from daiban.coordination.models import Issue, IssueResponse, LinkedRequest, LinkedStep
from daiban.coordination.services.common import (
    higher_body,
    linked_page,
    send_linked,
    staff_of,
    tell,
    unit_admins,
)
from daiban.coordination.services.issues import issue_escalate, lock_issue, propose_resolution, record_response
from daiban.coordination.states import ALLOWED_LINKED_CHANGES, IssueStatus, LinkedStatus, Tier
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.org.ladder import ladder_for
from daiban.org.models import AgencyBody, User
from daiban.org.permissions import refuse


def _move(*, actor: User, linked: LinkedRequest, to_status: str, note: str = "") -> str:
    """The one place a linked request changes state: ALLOWED_LINKED_CHANGES, and a step row."""
    if to_status not in ALLOWED_LINKED_CHANGES[linked.status]:
        if linked.status == LinkedStatus.SENT:
            raise Conflict("请先接收该联动代办请求", code="linked.state_conflict")
        raise Conflict(f"联动代办请求当前为“{linked.get_status_display()}”，不能变为“{LinkedStatus(to_status).label}”",
                       code="linked.state_conflict")
    old = linked.status
    linked.status = to_status
    LinkedStep.objects.create(request=linked, status=to_status, at=clock.now(), by=actor, note=note)
    return old


def _locked(linked: LinkedRequest) -> LinkedRequest:
    return (LinkedRequest.objects.select_for_update(no_key=True, of=("self",))
            .select_related("case", "case__project", "from_body", "to_body").get(pk=linked.pk))


def _requesters(linked: LinkedRequest) -> list[User]:
    return [linked.sent_by, *unit_admins(linked.from_body)]


def linked_request_send(*, actor: User, case: Case, subject: str, item_code: str | None = None,
                        issue: Issue | None = None, to_body: str | int | None = None,
                        deadline_workdays: int | None = None, respond_by: dt.date | None = None,
                        skip_reason: str = "") -> LinkedRequest:
    """For an item approved above the county, or an issue (which then rises to the next agency body up its ladder
    through this request)."""
    if issue is not None:
        if issue.case_id != case.pk:
            raise ValidationFailed({"issue_id": "该问题不属于本案"})

        if to_body in (None, ""):  # the next agency body up the case's ladder
            rung = next((r for r in ladder_for(case.unit) if r.number > issue.tier and r.step == Tier.HIGHER_BODY),
                        None)
            to_body = rung.body.pk if rung else None
        issue_escalate(actor=actor, issue=issue, reason=subject, deadline_workdays=deadline_workdays,
                       respond_by=respond_by, skip_reason=skip_reason, to_body=to_body)
        return issue.linked_requests.latest("pk")
    require_case_worker(actor, case, "linked_request_send")
    require_open(case)
    errors: dict[str, str] = {}
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = "请写明请求上级代办机构协同办理的事项"
    item = None
    if not item_code:
        errors["item_code"] = "请选择在上级审批的事项，或从协调问题发起"
    else:
        item = case.items.select_related("catalog_item").filter(catalog_item__code=item_code.strip().upper()).first()
        if item is None:
            errors["item_code"] = f"本案没有委托事项“{item_code}”"
        elif item.catalog_item.level == Level.COUNTY:
            errors["item_code"] = f"“{item.catalog_item.name}”在本级审批，无需联动上级代办机构"
    above = item.catalog_item.level if item is not None and item.catalog_item.level != Level.COUNTY else None
    body = higher_body(case, to_body, default_kind=above or AgencyBody.Kind.CITY)
    if body is None:
        errors["to_body"] = "上级代办机构应为温州市或浙江省投资项目代办服务中心"
    try:
        deadline = deadline_from(start=clock.today(), workdays=deadline_workdays, respond_by=respond_by)
    except ValidationFailed as refusal:
        errors.update(refusal.errors)
    if errors or body is None:  # no body means errors["to_body"] is set
        raise ValidationFailed(errors)
    with transaction.atomic():
        return send_linked(actor=actor, case=case, to_body=body, subject=subject, deadline=deadline, item=item)


def require_addressee(actor: User, linked: LinkedRequest, action: str) -> None:
    if not staff_of(actor, linked.to_body):
        refuse(actor, action=action, why=f"该联动代办请求发往{linked.to_body.name}，只有该机构的工作人员可以办理")


def linked_request_accept(*, actor: User, linked: LinkedRequest, note: str = "") -> LinkedRequest:
    """The higher body takes the request on; the requesting unit sees who and when."""
    require_addressee(actor, linked, "linked_request_accept")
    with transaction.atomic():
        linked = _locked(linked)
        _move(actor=actor, linked=linked, to_status=LinkedStatus.ACCEPTED, note=(note or "").strip() or "已接收")
        linked.accepted_by, linked.accepted_at = actor, clock.now()
        linked.save(update_fields=["status", "accepted_by", "accepted_at"])
        audit_record(event_type="coordination.linked_accepted", actor=actor, obj=linked,
                     new={"to": linked.to_body.name, "note": (note or "").strip()})
        tell("linked.accepted", people=_requesters(linked), case=linked.case, link=linked_page(linked),
             values={"to_body": linked.to_body.name, "who": actor.display_name}, dedupe_key=str(linked.pk))
    return linked


def linked_request_feedback(*, actor: User, linked: LinkedRequest, feedback: str,
                            resolves_issue: bool = False) -> LinkedRequest:
    """The higher body's answer. After the due date it is late, and flagged as such for everyone to see.

    For a tier-3 issue the answer is that tier's response; it may also be offered as the issue's resolution.
    """
    require_addressee(actor, linked, "linked_request_feedback")
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationFailed({"feedback": "请填写反馈意见"})
    with transaction.atomic():
        linked = _locked(linked)
        _move(actor=actor, linked=linked, to_status=LinkedStatus.ANSWERED, note=feedback)
        today = clock.today()
        linked.feedback, linked.answered_by = feedback, actor
        linked.answered_at, linked.answered_on = clock.now(), today
        linked.late = today > linked.due_on
        linked.save(update_fields=["status", "feedback", "answered_by", "answered_at", "answered_on", "late"])
        audit_record(event_type="coordination.linked_answered", actor=actor, obj=linked,
                     new={"feedback": feedback, "answered_on": today, "due_on": linked.due_on, "late": linked.late})
        _feed_issue(actor=actor, linked=linked, feedback=feedback, resolves=resolves_issue)
        late = f"（逾期反馈：期限{linked.due_on:%Y-%m-%d}）" if linked.late else ""
        tell("linked.answered", people=_requesters(linked), case=linked.case, link=linked_page(linked),
             values={"late": late, "to_body": linked.to_body.name, "feedback": feedback}, dedupe_key=str(linked.pk))
    return linked


def _feed_issue(*, actor: User, linked: LinkedRequest, feedback: str, resolves: bool) -> None:
    if linked.issue is None:
        return
    issue = lock_issue(linked.issue)
    tier = issue.tiers.filter(number=issue.tier).first()
    if (tier is None or tier.step != Tier.HIGHER_BODY or tier.body_id != linked.to_body_id
            or issue.status not in (IssueStatus.OPEN, IssueStatus.RESPONDED)):
        return  # the issue moved on (escalated further or settled): the feedback stays on the request
    if resolves:
        propose_resolution(actor=actor, issue=issue, resolution=feedback, source=f"联动代办反馈：{linked.to_body.name}",
                           kind=IssueResponse.Kind.FEEDBACK)
    else:
        record_response(actor=actor, issue=issue, text=feedback, kind=IssueResponse.Kind.FEEDBACK)
