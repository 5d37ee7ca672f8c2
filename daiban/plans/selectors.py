"""Reads of the plan and of items' standing."""
from __future__ import annotations

from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.catalog.models import Stage
from daiban.lib import clock
from daiban.plans.deadlines import standing, worst


def plan_detail(case: Case) -> dict | None:
    plan = getattr(case, "plan", None)
    if plan is None:
        return None
    liaisons = {m.user.department_id: m.user for m in case.team.filter(role=TeamRole.LIAISON).select_related("user")}
    items = []
    for item in case.items.select_related("catalog_item", "catalog_item__department", "liaison").prefetch_related(
            "catalog_item__prerequisites"):
        catalog = item.catalog_item
        prerequisites = [p.code for p in catalog.prerequisites.all()]
        entrusted = set(case.items.values_list("catalog_item__code", flat=True))
        liaison = item.liaison or liaisons.get(catalog.department_id)
        items.append({
            "code": catalog.code, "name": catalog.name, "stage": catalog.stage,
            "stage_label": Stage(catalog.stage).label, "department": catalog.department.name,
            "liaison": liaison.username if liaison else None,
            "liaison_name": f"{liaison.display_name} {liaison.mobile}".strip() if liaison else "",
            "prerequisites": [p for p in prerequisites if p in entrusted],
            "owner_prerequisites": [p for p in prerequisites if p not in entrusted],
            "limit_workdays": catalog.limit_workdays,
            "planned_start": item.planned_start, "planned_due": item.planned_due,
            "provisional": item.planned_provisional, "moved": bool(item.moved_start or item.moved_due),
        })
    return {"start_date": plan.start_date, "effective_start": plan.effective_start, "items": items,
            "critical_path": plan.critical_path, "projected_permit_date": plan.projected_permit_date,
            "target_length": plan.target_length, "fits_100_day_target": plan.fits_target,
            "provisional": plan.provisional}


def item_row(item: CaseItem, today=None) -> dict:
    today = today or clock.today()
    where = standing(item, today)
    catalog = item.catalog_item
    return {"id": item.pk, "code": catalog.code, "name": catalog.name, "department": catalog.department.name,
            "stage": catalog.stage, "level": catalog.level, "status": item.status,
            "status_label": item.get_status_display(), "liaison": item.liaison.username if item.liaison else None,
            "planned_start": item.planned_start, "planned_due": item.planned_due, "started_on": item.started_on,
            "due_on": where.due, "paused_workdays": item.paused_workdays, "finished_on": item.finished_on,
            "approval_no": item.approval_no, "warning": where.state, "warning_label": where.label,
            "workdays_left": where.left, "elapsed_workdays": where.elapsed, "provisional": where.provisional,
            "report_due_on": item.report_due_on, "reported_up_on": item.reported_up_on,
            "report_late": bool(item.reported_up_on and item.report_due_on and item.reported_up_on > item.report_due_on),
            "escalation_level": item.escalation_level}


def case_warning(case: Case, today=None) -> str:
    today = today or clock.today()
    return worst(standing(i, today).state for i in case.items.select_related("catalog_item"))
