"""Reads of closures, evaluations and alerts."""
from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.cases.provincial_reports import item_block
from daiban.cases.selectors import cases_for
from daiban.cases.states import ITEM_FINISHED, OPEN_STATUSES, CaseStatus, ItemStatus
from daiban.closure.deadlines import FilingStanding, closure_filing
from daiban.closure.models import Closure, DepartmentRating, FeeAlert, ItemEvaluation, OwnerEvaluation
from daiban.closure.paperwork import on_time
from daiban.lib import clock
from daiban.lib.errors import Conflict
from daiban.lib.personal import mask_name
from daiban.org.models import User
from daiban.org.roles import Role


def readiness(case: Case) -> dict:
    """Whether the case can be completed now, and why not."""
    items = list(case.items.select_related("catalog_item", "catalog_item__department"))
    still_open = [i for i in items if i.status not in ITEM_FINISHED]
    approved = [i for i in items if i.status == ItemStatus.APPROVED]
    reasons = []
    if case.status not in OPEN_STATUSES:
        reasons.append("案件已办结或终止")
    elif case.status != CaseStatus.IN_PROGRESS:
        reasons.append("代办尚未开始实施（尚未制定代办计划）")
    if still_open:
        reasons.append(f"尚有 {len(still_open)} 个事项未办结")
    if items and not approved:
        reasons.append("没有获得批准的事项")
    return {"can_complete": not reasons, "reasons": reasons, "open_items": [i.catalog_item.name for i in still_open],
            "approved": len(approved), "items": len(items)}


def standing_of(closure: Closure, today: dt.date | None = None) -> FilingStanding:
    return closure_filing(closure, today or clock.today())


def item_rows(case: Case) -> list[dict]:
    return [{"code": i.catalog_item.code, "name": i.catalog_item.name, "department": i.catalog_item.department.name,
             "status": i.status, "status_label": i.get_status_display(), "approval_no": i.approval_no,
             "due_on": i.due_on, "finished_on": i.finished_on, "on_time": on_time(i)}
            for i in case.items.select_related("catalog_item", "catalog_item__department")]


def closure_detail(case: Case, today: dt.date | None = None) -> dict:
    closure = Closure.objects.filter(case=case).select_related("document", "closed_by", "filed_by").first()
    answer: dict = {"case_id": case.pk, "tracking_no": case.request.tracking_no, "status": case.status,
                    "status_label": case.get_status_display(), "closed": closure is not None,
                    "items": item_rows(case)}
    if closure is None:
        answer["readiness"] = readiness(case)
        return answer
    where = standing_of(closure, today)
    evaluation = OwnerEvaluation.objects.filter(case=case).first()
    answer.update({
        "kind": closure.kind, "kind_label": closure.get_kind_display(), "closed_on": closure.closed_on,
        "closed_by": closure.closed_by.username, "workdays_used": closure.workdays_used,
        "reason_kind": closure.reason_kind or None, "reason_kind_label": closure.get_reason_kind_display() or None,
        "reason": closure.reason or None, "requested_by_owner": closure.requested_by_owner,
        "opinion": closure.opinion,
        "form": {"name": closure.form_name, "serial_no": closure.document.serial_no if closure.document else None,
                 "url": f"/api/v1/cases/{case.pk}/documents/{closure.kind}.docx"},
        "handover": [{"document": h.document, "copies": h.copies, "original": h.original}
                     for h in closure.handover.all()],
        "handover_confirmed": closure.handover_confirmed_at is not None,
        "handover_confirmed_at": closure.handover_confirmed_at, "handover_signatory": mask_name(closure.handover_signatory),
        "filing": {"due_on": closure.filing_due_on, "provisional": closure.filing_due_provisional,
                   "filed_on": closure.filed_on, "late": where.late if closure.filed_on else None,
                   "state": where.state, "label": where.label, "workdays_left": where.left,
                   "filed_at": closure.filed_at, "backfill": closure.backfilled,
                   "backfill_reason": closure.backfill_reason or None,
                   "backfill_confirmed": closure.backfill_confirmed_at is not None,
                   "backfill_confirmed_by": (closure.backfill_confirmed_by.display_name
                                             if closure.backfill_confirmed_by else None)},
        "archive_url": f"/api/v1/cases/{case.pk}/archive.zip",
        "closed_business": [{"kind": b.kind, "id": b.object_id, "title": b.title, "reason": b.reason,
                             "closed_by": b.closed_by.display_name, "closed_at": b.closed_at}
                            for b in case.closed_business.select_related("closed_by")],
        "owner_evaluation": evaluation_row(evaluation) if evaluation else None,
        "department_ratings": [rating_row(r) for r in DepartmentRating.objects.filter(case=case)
                               .select_related("department", "liaison")],
        "return_visits": [visit_row(v) for v in case.return_visits.select_related("visitor")],
    })
    return answer


def item_evaluation_row(evaluation: ItemEvaluation) -> dict:
    return {"item": evaluation.item_id, "item_name": evaluation.item.catalog_item.name,
            "department": evaluation.department.code, "department_name": evaluation.department.name,
            "grade": evaluation.grade, "grade_label": evaluation.get_grade_display(), "comments": evaluation.comments,
            "via": evaluation.via, "submitted_at": evaluation.submitted_at}


def evaluation_row(evaluation: OwnerEvaluation) -> dict:
    items = evaluation.case.item_evaluations.select_related("item__catalog_item", "department")
    return {"grade": evaluation.grade, "grade_label": evaluation.get_grade_display(),
            "items": [item_evaluation_row(e) for e in items], "attitude": evaluation.attitude,
            "efficiency": evaluation.efficiency, "quality": evaluation.quality,
            "overall": evaluation.overall, "comments": evaluation.comments, "fee_asked": evaluation.fee_asked,
            "fee_details": evaluation.fee_details, "via": evaluation.via, "submitted_at": evaluation.submitted_at}


def rating_row(rating: DepartmentRating) -> dict:
    return {"department": rating.department.code, "department_name": rating.department.name,
            "grade": rating.grade, "grade_label": rating.get_grade_display(),
            "liaison": rating.liaison.username if rating.liaison else None,
            "liaison_name": rating.liaison.display_name if rating.liaison else "", "attitude": rating.attitude,
            "efficiency": rating.efficiency, "quality": rating.quality, "overall": rating.overall,
            "comment": rating.comment, "rated_at": rating.rated_at}


def visit_row(visit) -> dict:
    return {"id": visit.pk, "planned_on": visit.planned_on, "visitor": visit.visitor.username,
            "visitor_name": visit.visitor.display_name, "channel": visit.channel,
            "channel_label": visit.get_channel_display(), "done_on": visit.done_on, "note": visit.note}


def closure_cases(user, show: str = "") -> QuerySet[Case]:
    """The cases of the closure pages in the person's scope: ready to complete (every item finished), or
    closed; `show` narrows to "ready", "unfiled", "completed", "terminated" or "unevaluated"."""
    unfinished = CaseItem.objects.filter(case=OuterRef("pk")).exclude(status__in=ITEM_FINISHED)
    evaluated = OwnerEvaluation.objects.filter(case=OuterRef("pk"))
    rows = (cases_for(user).annotate(has_open_items=Exists(unfinished), evaluated=Exists(evaluated))
            .select_related("closure"))
    ready = Q(status=CaseStatus.IN_PROGRESS, has_open_items=False)
    closed = Q(status__in=[CaseStatus.COMPLETED, CaseStatus.TERMINATED])
    if show == "ready":
        return rows.filter(ready).order_by("-accepted_at")
    if show == "unfiled":
        return rows.filter(closed, closure__filed_on__isnull=True).order_by("closure__filing_due_on")
    if show in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
        return rows.filter(status=show).order_by("-closure__closed_on")
    if show == "unevaluated":
        return rows.filter(closed, evaluated=False).order_by("-closure__closed_on")
    return rows.filter(ready | closed).order_by("-accepted_at")


def fee_alerts() -> QuerySet[FeeAlert]:
    return FeeAlert.objects.select_related("case", "case__project", "case__project__company", "case__unit",
                                           "case__request", "evaluation", "visit").order_by("-raised_at", "-id")


def closure_of(case: Case) -> Closure:
    closure = Closure.objects.filter(case=case).first()
    if closure is None:
        raise Conflict("案件尚未办结或终止", code="case.not_closed")
    return closure


def unit_people(case: Case) -> list[User]:
    """Who at the agency unit hears of the case's end: its agents (the unit's agents before a team exists)
    and the unit's administrators."""
    agents = [m.user for m in case.team.filter(role__in=[TeamRole.AGENT, TeamRole.CHIEF_AGENT]).select_related("user")]
    roles = [Role.UNIT_ADMIN] if agents else [Role.UNIT_ADMIN, Role.AGENT]
    return agents + list(User.objects.filter(body=case.unit, role_grants__role__in=roles, is_active=True).distinct())


def closure_details(closure: Closure) -> dict:
    """The closure block of the provincial report."""
    items = closure.case.items.select_related("catalog_item", "catalog_item__department")
    return {"kind": closure.kind, "kind_label": closure.get_kind_display(), "closed_on": closure.closed_on,
            "workdays_used": closure.workdays_used, "reason_kind": closure.reason_kind or None,
            "reason_kind_label": closure.get_reason_kind_display() or None, "reason": closure.reason or None,
            "filing_due_on": closure.filing_due_on, "items": [item_block(i) for i in items]}
