"""Coordination issues through the tiers (§5.5.2): raise, escalate, respond, resolve, confirm, consult."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from daiban.audit.services import audit_record
from daiban.cases.models import Case, TeamRole
from daiban.cases.services import public_step, require_case_worker, require_open
from daiban.coordination.deadlines import Deadline, deadline_from
from daiban.coordination.models import Consultation, Issue, IssueResponse, IssueTier, IssueTransition
from daiban.coordination.selectors import consultation_leaders
from daiban.coordination.services.common import (
    agents_of,
    body_staff,
    departments_named,
    liaisons_of,
    send_linked,
    staff_of,
    tell,
    unit_admins,
    works_on,
)
from daiban.coordination.states import ALLOWED_ISSUE_CHANGES, IssueStatus, Tier
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.notify.rules import To
from daiban.org.ladder import Rung, ladder_for
from daiban.org.models import AgencyBody, Department, User
from daiban.org.permissions import refuse
from daiban.org.roles import Role


def _link(issue: Issue) -> str:
    return f"/coordination/issues/{issue.pk}/"


def _move(*, actor: User, issue: Issue, to_status: str, note: str = "") -> str:
    """The one place an issue changes state: checked against ALLOWED_ISSUE_CHANGES and kept as a row."""
    if to_status not in ALLOWED_ISSUE_CHANGES[issue.status]:
        raise Conflict(f"问题当前为“{issue.get_status_display()}”，不能变为“{IssueStatus(to_status).label}”",
                       code="issue.state_conflict")
    old = issue.status
    issue.status = to_status
    IssueTransition.objects.create(issue=issue, from_status=old, to_status=to_status, tier=issue.tier,
                                   at=clock.now(), by=actor, note=note[:300])
    return old


def lock_issue(issue: Issue) -> Issue:
    return (Issue.objects.select_for_update(no_key=True, of=("self",)).select_related("case", "case__unit", "item")
            .get(pk=issue.pk))


def current_tier(issue: Issue) -> IssueTier:
    return issue.tiers.select_related("body", "department").get(number=issue.tier)


def _text(value: str | None, field: str, message: str, limit: int = 2000) -> tuple[str, dict]:
    text = (value or "").strip()
    if not text:
        return "", {field: message}
    if len(text) > limit:
        return "", {field: f"内容过长（最多{limit}字）"}
    return text, {}


def _deadline(errors: dict, **kwargs) -> Deadline | None:
    try:
        return deadline_from(start=clock.today(), **kwargs)
    except ValidationFailed as refusal:
        errors.update(refusal.errors)
        return None


def is_agent_of(actor: User, issue: Issue) -> bool:
    return actor.pk == issue.raised_by_id or issue.case.team.filter(
        user=actor, role__in=[TeamRole.AGENT, TeamRole.CHIEF_AGENT]).exists()


def may_respond(actor: User, issue: Issue, tier: IssueTier) -> bool:
    """Who answers at each level: the departments and the unit at the first two; a higher agency body's staff at
    its level; at an authority's level that body (which passed it on), the authority's staff, or the case's
    own staff relaying the answer."""
    if tier.step in (Tier.AGENT, Tier.UNIT):
        return works_on(actor, issue.case) or (
            actor.has_role(Role.LIAISON) and actor.department_id is not None
            and issue.departments.filter(pk=actor.department_id).exists())
    if tier.step == Tier.HIGHER_BODY:
        return staff_of(actor, tier.body) or (tier.body is not None and tier.body.kind == AgencyBody.Kind.CENTER
                                              and actor.has_role(Role.CENTER_ADMIN))
    return (works_on(actor, issue.case) or staff_of(actor, tier.body)
            or (tier.department_id is not None and actor.department_id == tier.department_id))


def may_act_on_issue(actor: User, issue: Issue) -> bool:
    """Whether `actor` has any say on the issue now (the page asks before reading a form; each service then checks
    its own action): the case's staff, whoever answers at the current level, or the leader asked to decide it."""
    tier = current_tier(issue)
    return works_on(actor, issue.case) or may_respond(actor, issue, tier) or (
        tier.step in (Tier.HIGHER_BODY, Tier.AUTHORITY) and staff_of(actor, tier.body)) or (
        issue.consultations.filter(decided_at__isnull=True, leader_id=actor.pk).exists())


def _handlers(issue: Issue, tier: IssueTier) -> list[User]:
    """Who is told that a tier now has the issue."""
    if tier.step == Tier.AGENT:
        return liaisons_of(issue.departments.all())
    if tier.step == Tier.UNIT:
        return unit_admins(issue.case.unit) + liaisons_of(issue.departments.all())
    if tier.step == Tier.HIGHER_BODY:
        return body_staff(tier.body)
    people = list(User.objects.filter(department=tier.department_id, is_active=True)) if tier.department_id else []
    return people + body_staff(tier.body) + unit_admins(issue.case.unit)


# -- raising ------------------------------------------------------------------------------------------------


def issue_raise(*, actor: User, case: Case, title: str, departments: list[str], description: str = "",
                item_code: str | None = None, blocks_item: bool = False, deadline_workdays: int | None = None,
                respond_by: dt.date | None = None) -> Issue:
    """The agent records what is blocked, the departments involved and by when they must answer (tier 1)."""
    require_case_worker(actor, case, "issue_raise")
    require_open(case)
    errors: dict[str, str] = {}
    title, error = _text(title, "title", "请填写受阻的问题", limit=100)
    errors.update(error)
    description = (description or "").strip()
    if len(description) > 4000:
        errors["description"] = "受阻情况过长（最多4000字）"
    chosen, error = departments_named(departments, "departments")
    errors.update(error)
    if not chosen and not error:
        errors["departments"] = "请选择涉及的部门"
    item = None
    if item_code:
        item = case.items.select_related("catalog_item").filter(catalog_item__code=item_code.strip().upper()).first()
        if item is None:
            errors["item_code"] = f"本案没有委托事项“{item_code}”"
    elif blocks_item:
        errors["item_code"] = "请选择受阻的事项"
    deadline = _deadline(errors, workdays=deadline_workdays, respond_by=respond_by)
    if errors:
        raise ValidationFailed(errors)
    assert deadline is not None  # no errors: it was read
    with transaction.atomic():
        now = clock.now()
        issue = Issue.objects.create(case=case, item=item, blocks_item=bool(item and blocks_item), title=title,
                                     description=description, raised_by=actor, raised_at=now)
        issue.departments.set(chosen)
        tier = IssueTier.objects.create(
            issue=issue, number=1, step=Tier.AGENT, handler=f"代办员{actor.display_name}", body=case.unit, opened_by=actor,
            opened_at=now, opened_on=clock.today(), reason=description or title,
            deadline_workdays=deadline.workdays, due_on=deadline.due_on, due_provisional=deadline.provisional)
        IssueTransition.objects.create(issue=issue, from_status="", to_status=IssueStatus.OPEN, tier=Tier.AGENT,
                                       at=now, by=actor, note="提出协调问题")
        audit_record(event_type="coordination.issue_raised", actor=actor, obj=issue,
                     new={"case_id": case.pk, "title": title, "item": item.catalog_item.code if item else None,
                          "blocks_item": issue.blocks_item, "departments": [d.code for d in chosen],
                          "due_on": tier.due_on, "deadline_workdays": tier.deadline_workdays})
        tell("issue.raised", people=_handlers(issue, tier), case=case, link=_link(issue), dedupe_key=str(issue.pk),
             values={"title": title, "summary": description or title, "due": f"{tier.due_on:%Y-%m-%d}",
                     "agent": actor.display_name})
    return issue


# -- escalation ---------------------------------------------------------------------------------------------


def _target(issue: Issue, rungs: list[Rung], to_tier, to_body) -> tuple[Rung | None, dict]:
    """The level asked for: by number, by the agency body named ("city", "province", "center" or its id), or
    the next one."""
    above = [r for r in rungs if r.number > issue.tier]
    by_body = None
    if to_body not in (None, ""):
        wanted = str(to_body).strip()
        by_body = next((r for r in above if r.step == Tier.HIGHER_BODY
                        and (wanted in (str(r.body.pk), r.body.kind, r.body.name))), None)
        if by_body is None:
            names = "、".join(r.body.name for r in above if r.step == Tier.HIGHER_BODY) or "无"
            return None, {"to_body": f"本问题的协调阶梯上，现有层级之上的代办机构为：{names}"}
    if to_tier in (None, ""):
        return (by_body or (above[0] if above else None)), {}
    try:
        number = int(to_tier)
    except (TypeError, ValueError):
        number = 0
    if number <= issue.tier and 1 <= number <= len(rungs):
        return None, {"to_tier": f"只能升级到更高的层级（当前为第{issue.tier}层级）"}
    rung = next((r for r in above if r.number == number), None)
    if rung is None:
        return None, {"to_tier": f"目标层级应为第{issue.tier + 1}至第{len(rungs)}层级（本问题的协调阶梯共{len(rungs)}级）"}
    if by_body is not None and by_body.number != rung.number:
        return None, {"to_body": f"第{rung.number}层级为{rung.handler}，与所选代办机构不符"}
    return rung, {}


def _authority(rung: Rung, to_department: str | None, to_government: bool) -> tuple[Department | None, str, dict]:
    """An approval-management level: the body's own 审管部门 (or another department of that level), or its
    government."""
    if to_government:
        return None, rung.government, {}
    if to_department:
        found, error = departments_named([to_department], "to_department")
        if error:
            return None, "", error
        department = found[0]
        if department.region_id != rung.body.region_id:
            return None, "", {"to_department": f"第{rung.number}层级应为{rung.body.region.name}的审管部门或政府，"
                                               f"“{department.name}”不属于该级"}
        return department, department.full_name or department.name, {}
    return rung.authority, rung.handler, {}


def issue_escalate(*, actor: User, issue: Issue, reason: str, deadline_workdays: int | None = None,
                   respond_by: dt.date | None = None, to_tier: int | None = None, skip_reason: str = "",
                   to_body: str | int | None = None, to_department: str | None = None,
                   to_government: bool = False) -> Issue:
    """Up the case's ladder one level (or more, with a skip reason kept on the level): who, when, why and the new
    level's deadline are kept as a row. A level at a higher agency body goes through a linked request to it."""
    case = issue.case
    tier_now = current_tier(issue)
    if not works_on(actor, case) and not (tier_now.step in (Tier.HIGHER_BODY, Tier.AUTHORITY)
                                          and staff_of(actor, tier_now.body)):
        require_case_worker(actor, case, "issue_escalate")
    require_open(case)
    if issue.status not in (IssueStatus.OPEN, IssueStatus.RESPONDED):
        raise Conflict(f"问题当前为“{issue.get_status_display()}”，不能升级", code="issue.state_conflict")
    rungs = ladder_for(case.unit)
    if issue.tier >= len(rungs):
        raise Conflict(f"问题已在最高层级（{tier_now.handler}），不能再升级", code="issue.top_tier")
    errors: dict[str, str] = {}
    reason, error = _text(reason, "reason", "请说明升级理由")
    errors.update(error)
    rung, error = _target(issue, rungs, to_tier, to_body)
    errors.update(error)
    skip_reason = (skip_reason or "").strip()
    if rung is not None and rung.number > issue.tier + 1 and not skip_reason:
        skipped = "、".join(f"第{r.number}层级{r.handler}" for r in rungs if issue.tier < r.number < rung.number)
        errors["skip_reason"] = (f"从第{issue.tier}层级越级到第{rung.number}层级（越过{skipped}），须说明越级理由")
    deadline = _deadline(errors, workdays=deadline_workdays, respond_by=respond_by)
    department, handler = None, ""
    if rung is not None and rung.step == Tier.AUTHORITY:
        department, handler, error = _authority(rung, to_department, to_government)
        errors.update(error)
    elif rung is not None:
        handler = rung.handler
    if errors:
        raise ValidationFailed(errors)
    assert rung is not None and deadline is not None  # no errors: both were read
    with transaction.atomic():
        issue = lock_issue(issue)
        if issue.tier != tier_now.number or issue.status not in (IssueStatus.OPEN, IssueStatus.RESPONDED):
            raise Conflict("问题已被他人处理，请刷新后重试", code="issue.changed")
        now = clock.now()
        old_tier = issue.tier
        IssueTier.objects.filter(pk=tier_now.pk).update(closed_at=now)
        tier = IssueTier.objects.create(
            issue=issue, number=rung.number, step=rung.step, handler=handler, body=rung.body, department=department,
            opened_by=actor, opened_at=now, opened_on=clock.today(), reason=reason, skip_reason=skip_reason,
            deadline_workdays=deadline.workdays, due_on=deadline.due_on, due_provisional=deadline.provisional)
        issue.tier = rung.number
        _move(actor=actor, issue=issue, to_status=IssueStatus.OPEN, note=f"升级至第{rung.number}层级：{handler}")
        issue.save(update_fields=["tier", "status"])
        linked = None
        if rung.step == Tier.HIGHER_BODY:
            linked = send_linked(actor=actor, case=case, to_body=rung.body, item=issue.item, issue=issue,
                                 subject=f"{issue.title}：{reason}", deadline=deadline)
        audit_record(event_type="coordination.issue_escalated", actor=actor, obj=issue, old={"tier": old_tier},
                     new={"tier": rung.number, "step": rung.step, "handler": handler, "reason": reason,
                          "skip_reason": skip_reason, "due_on": tier.due_on,
                          "deadline_workdays": tier.deadline_workdays,
                          "linked_request": linked.pk if linked else None})
        if linked is None:  # the linked request tells the higher body itself
            tell("issue.escalated", people=_handlers(issue, tier), case=case, link=_link(issue),
                 values={"title": issue.title, "reason": reason, "due": f"{tier.due_on:%Y-%m-%d}"},
                 dedupe_key=str(tier.pk))
    return issue


# -- answers --------------------------------------------------------------------------------------------------


def record_response(*, actor: User, issue: Issue, text: str, kind: str = IssueResponse.Kind.RESPONSE,
                    move: bool = True) -> IssueResponse:
    """Inside a transaction, on a locked issue: an answer at the current tier stops that tier's clock."""
    tier = current_tier(issue)
    response = IssueResponse.objects.create(issue=issue, tier=tier, kind=kind, by=actor, at=clock.now(), text=text)
    if tier.responded_on is None:
        tier.responded_on = clock.today()
        tier.save(update_fields=["responded_on"])
    if move and issue.status == IssueStatus.OPEN:
        _move(actor=actor, issue=issue, to_status=IssueStatus.RESPONDED, note=IssueResponse.Kind(kind).label)
        issue.save(update_fields=["status"])
    return response


def issue_respond(*, actor: User, issue: Issue, text: str) -> IssueResponse:
    """The tier's answer (a department, the unit, the higher body): its response time is what is tracked."""
    tier = current_tier(issue)
    if not may_respond(actor, issue, tier):
        refuse(actor, action="issue_respond", why=f"该问题目前由{tier.handler}协调，您不能以该层级身份答复")
    require_open(issue.case)
    text, error = _text(text, "text", "请填写答复内容")
    if error:
        raise ValidationFailed(error)
    with transaction.atomic():
        issue = lock_issue(issue)
        if issue.status not in (IssueStatus.OPEN, IssueStatus.RESPONDED) or issue.tier != tier.number:
            raise Conflict(f"问题当前为“{issue.get_status_display()}”，不能答复", code="issue.state_conflict")
        response = record_response(actor=actor, issue=issue, text=text)
        tier = response.tier
        audit_record(event_type="coordination.issue_responded", actor=actor, obj=issue,
                     new={"tier": tier.number, "text": text, "responded_on": tier.responded_on,
                          "due_on": tier.due_on, "late": tier.answered_late})
        tell("issue.answered", people=agents_of(issue.case), audience=To.AGENT, case=issue.case, link=_link(issue),
             values={"title": issue.title, "who": actor.display_name, "handler": tier.handler, "answer": text})
    return response


def propose_resolution(*, actor: User, issue: Issue, resolution: str, source: str,
                       kind: str = IssueResponse.Kind.RESOLUTION) -> None:
    """Inside a transaction, on a locked issue: a resolution waits for the agent's confirmation."""
    record_response(actor=actor, issue=issue, text=resolution, kind=kind, move=False)
    issue.resolution, issue.resolution_source = resolution, source[:40]
    issue.resolved_by, issue.resolved_at = actor, clock.now()
    _move(actor=actor, issue=issue, to_status=IssueStatus.RESOLVED, note=source)
    issue.save(update_fields=["resolution", "resolution_source", "resolved_by", "resolved_at", "status"])
    tell("issue.resolution_proposed", people=agents_of(issue.case), audience=To.AGENT, case=issue.case,
         link=_link(issue), values={"title": issue.title, "source": source, "resolution": resolution},
         dedupe_key=f"{issue.pk}:{issue.transitions.count()}")


def issue_resolve(*, actor: User, issue: Issue, resolution: str) -> Issue:
    """A resolution proposed at the current tier (by its handler, or recorded by the case's staff)."""
    tier = current_tier(issue)
    if not (may_respond(actor, issue, tier) or works_on(actor, issue.case)):
        refuse(actor, action="issue_resolve", why=f"该问题目前由{tier.handler}协调，您不能提出解决方案")
    require_open(issue.case)
    resolution, error = _text(resolution, "resolution", "请填写解决方案")
    if error:
        raise ValidationFailed(error)
    with transaction.atomic():
        issue = lock_issue(issue)
        if issue.status not in (IssueStatus.OPEN, IssueStatus.RESPONDED):
            raise Conflict(f"问题当前为“{issue.get_status_display()}”，不能提出解决方案", code="issue.state_conflict")
        propose_resolution(actor=actor, issue=issue, resolution=resolution,
                           source=f"第{tier.number}层级：{tier.handler}")
        audit_record(event_type="coordination.issue_resolved", actor=actor, obj=issue,
                     new={"tier": tier.number, "resolution": resolution})
    return issue


def issue_confirm(*, actor: User, issue: Issue, accepted: bool = True, note: str = "") -> Issue:
    """Only the agent closes an issue, by confirming its resolution; a rejection sends it back, with a reason."""
    if not is_agent_of(actor, issue):
        refuse(actor, action="issue_confirm", why="只有本案代办员可以确认问题已解决")
    note = (note or "").strip()
    if not accepted and not note:
        raise ValidationFailed({"note": "请说明退回理由"})
    with transaction.atomic():
        issue = lock_issue(issue)
        if issue.status != IssueStatus.RESOLVED:
            raise Conflict("该问题尚无待确认的解决方案", code="issue.state_conflict")
        now = clock.now()
        resolver = issue.resolved_by
        if accepted:
            _move(actor=actor, issue=issue, to_status=IssueStatus.CLOSED, note=note or "代办员确认已解决")
            issue.confirmed_by, issue.confirmed_at = actor, now
            issue.save(update_fields=["status", "confirmed_by", "confirmed_at"])
            issue.tiers.filter(closed_at__isnull=True).update(closed_at=now)
            audit_record(event_type="coordination.issue_confirmed", actor=actor, obj=issue,
                         new={"resolution": issue.resolution, "source": issue.resolution_source, "note": note})
            public_step(issue.case, f"协调问题“{issue.title}”已解决")
        else:
            IssueResponse.objects.create(issue=issue, tier=current_tier(issue), kind=IssueResponse.Kind.REJECTION,
                                         by=actor, at=now, text=note)
            old = issue.resolution
            _move(actor=actor, issue=issue, to_status=IssueStatus.OPEN, note=f"退回：{note}")
            issue.resolution, issue.resolution_source, issue.resolved_by, issue.resolved_at = "", "", None, None
            issue.save(update_fields=["status", "resolution", "resolution_source", "resolved_by", "resolved_at"])
            audit_record(event_type="coordination.issue_reopened", actor=actor, obj=issue,
                         old={"resolution": old}, new={"note": note})
        tell("issue.confirmed" if accepted else "issue.reopened", case=issue.case, link=_link(issue),
             people=[resolver] if resolver is not None and resolver != actor else unit_admins(issue.case.unit),
             values={"title": issue.title, "note": note})
    return issue


# -- difficult-case consultation (疑难会商) ------------------------------------------------------------------


def issue_consult(*, actor: User, issue: Issue, question: str, leader: str | None = None) -> Consultation:
    """A special issue goes to a leader of the same-level government (default: the county's leader)."""
    require_case_worker(actor, issue.case, "issue_consult")
    require_open(issue.case)
    errors: dict[str, str] = {}
    question, error = _text(question, "question", "请写明提请会商的问题")
    errors.update(error)
    leaders = consultation_leaders(issue)
    found = next(((u, g) for u, g in leaders if u.username == leader), None) if leader else next(iter(leaders), None)
    chosen, government = found or (None, "")
    if leader and chosen is None:
        errors["leader"] = f"“{leader}”不是同级政府领导，不能主持疑难会商"
    elif chosen is None:
        errors["leader"] = "同级政府没有可主持疑难会商的领导，请联系系统管理员配置"
    if errors:
        raise ValidationFailed(errors)
    assert chosen is not None  # no errors: the leader was found
    with transaction.atomic():
        issue = lock_issue(issue)
        if issue.status not in (IssueStatus.OPEN, IssueStatus.RESPONDED):
            raise Conflict(f"问题当前为“{issue.get_status_display()}”，不能提请疑难会商", code="issue.state_conflict")
        consultation = Consultation.objects.create(issue=issue, leader=chosen, question=question, requested_by=actor,
                                                   requested_at=clock.now())
        _move(actor=actor, issue=issue, to_status=IssueStatus.CONSULTING, note=f"提请{chosen.display_name}疑难会商")
        issue.save(update_fields=["status"])
        audit_record(event_type="coordination.consultation_requested", actor=actor, obj=issue,
                     new={"leader": chosen.username, "question": question})
        tell("issue.consultation", people=[chosen], audience=To.LEADER, case=issue.case, link=_link(issue),
             values={"title": issue.title, "question": question.rstrip("。"), "government": government},
             dedupe_key=str(consultation.pk))
    return consultation


def consultation_decide(*, actor: User, issue: Issue, decision: str) -> Consultation:
    """The leader's decision is recorded with its maker and becomes the issue's resolution, for the agent."""
    consultation = issue.consultations.filter(decided_at__isnull=True).select_related("leader").last()
    if consultation is None:
        raise Conflict("该问题没有待决定的疑难会商", code="issue.state_conflict")
    if actor.pk != consultation.leader_id:
        refuse(actor, action="consultation_decide", why=f"只有会商领导{consultation.leader.display_name}可以作出会商决定")
    decision, error = _text(decision, "decision", "请填写会商决定")
    if error:
        raise ValidationFailed(error)
    with transaction.atomic():
        issue = lock_issue(issue)
        consultation = Consultation.objects.select_for_update(no_key=True, of=("self",)).get(pk=consultation.pk)
        if consultation.decided_at is not None or issue.status != IssueStatus.CONSULTING:
            raise Conflict("该疑难会商已作出决定", code="issue.state_conflict")
        consultation.decision, consultation.decided_by, consultation.decided_at = decision, actor, clock.now()
        consultation.save(update_fields=["decision", "decided_by", "decided_at"])
        title = f"（{actor.title}）" if actor.title else ""
        propose_resolution(actor=actor, issue=issue, resolution=decision,
                           source=f"疑难会商决定：{actor.display_name}{title}", kind=IssueResponse.Kind.DECISION)
        audit_record(event_type="coordination.consultation_decided", actor=actor, obj=issue,
                     new={"consultation": consultation.pk, "decision": decision, "decided_by": actor.username})
    return consultation

