"""Reads of the plan and of items' standing."""
from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.cases.selectors import (
    CASE_ROW_READS,
    case_items,
    cases_for,
    documents_of,
    items_of,
    local_department_of,
    team_members,
    with_case_reads,
)
from daiban.cases.states import ALLOWED_ITEM_CHANGES, ITEM_FINISHED, OPEN_STATUSES, CaseStatus, ItemStatus
from daiban.catalog.models import STAGE_ORDER, Level, Stage
from daiban.catalog.prerequisites import bound_prerequisites
from daiban.catalog.shape import catalog_shape
from daiban.lib import clock
from daiban.lib.aggregates import json_rows
from daiban.lib.once import prefetches_written_once
from daiban.lib.personal import mask_phone
from daiban.lib.prefetch import (
    from_json_rows,
    json_of,
    prefetch_as,
    prefetched,
    unpack_json_children,
    with_json_children,
)
from daiban.lib.prepared import Prepared
from daiban.org.roles import CASE_WORKER_ROLES, Role
from daiban.org.scope import not_in_scope, scope_of
from daiban.plans.deadlines import LABELS, SEVERITY, report_up_late, report_up_standing, standing, worst
from daiban.plans.expectations import ExpectedPlan, beyond_practice, expectations_for, expected_plan
from daiban.plans.models import DurationFigure, ItemUrge, OwnerVisit
from daiban.plans.push import unblocked_by
from daiban.plans.target import target_unit_label

# Everyone but the owner: an owner who is also staff somewhere sees the staff page.
STAFF_ROLES = tuple(set(Role.values) - {Role.OWNER})
WORK_LOGS_SHOWN = 50


def with_plan_reads(cases: QuerySet[Case]) -> QuerySet[Case]:
    """On top of cases.selectors.with_case_reads(items=plan_items()): what the plan section reads,
    one query each, its progress reports and coordination issues in the case's row (unpack_json_children on the
    case read)."""
    cases = with_json_children(cases, "progress_reports", "coordination_issues")
    return cases.select_related("plan__generated_by").prefetch_related(
        Prefetch("items__urges", ItemUrge.objects.select_related("by", "to")),
        Prefetch("visits", OwnerVisit.objects.select_related("item__catalog_item", "recorded_by")),
    )


def plan_page_case(user, case_id: int) -> Case:
    """The case of the plan page in `user`'s scope (else NotFound), read as the case page reads it: a fixed number
    of queries whatever the case holds, its JSON children unpacked. The case's own row is a prepared read
    (lib/prepared.py): its statement, with seven joins and three JSON subqueries, took PostgreSQL 2 ms to plan
    against 0.1 ms to run, and Django about as long to write; then its related rows are prefetched."""
    case = _PLAN_PAGE_ROW.first(case_id=case_id, within=cases_for(user))
    if case is None:
        raise not_in_scope(Case, pk=case_id, user=user)
    prefetch_as([case], _plan_page_reads())
    unpack_json_children(case)
    return case


@functools.cache
def _plan_page_reads() -> QuerySet[Case]:
    """The plan page's reads, built once per process: resolving the JSON children's subqueries took as much CPU
    as compiling and running all the page's queries (bench/README.md, plan page). Depends on the models alone;
    each request filters a clone (as a view's class-level queryset), this one is never evaluated."""
    return prefetches_written_once(
        with_plan_reads(with_case_reads(Case.objects.select_related(*CASE_ROW_READS), items=plan_items())))


# The plan page's case row: _plan_page_reads' row (its joined rows and JSON children), without its prefetches.
_PLAN_PAGE_ROW = Prepared(lambda case_id: _plan_page_reads().prefetch_related(None).filter(pk=case_id),
                          related=(*CASE_ROW_READS, "plan", "plan__generated_by"), case_id=987_654_321_986)


def plan_items() -> QuerySet[CaseItem]:
    """The items for with_case_reads(items=…) on the plan section: their pauses and escalations and their
    catalog item's duration figures (plans.expectations) in their own rows."""
    figures = json_rows(DurationFigure.objects, parent="catalog_item", row=json_of(DurationFigure),
                        outer="catalog_item")
    return with_json_children(case_items().annotate(duration_figures=figures), "pauses", "escalations")


def _figures_of(items: list[CaseItem]) -> list[DurationFigure] | None:
    """The duration figures read in the items' rows (plan_items), or None when they were not."""
    if not all(hasattr(item, "duration_figures") for item in items):
        return None
    return [figure for item in items for figure in _decoded_figures(item)]


def _decoded_figures(item: CaseItem) -> list[DurationFigure]:
    """An item's figures decoded from its row once, however often the page asks (the plan and the rows)."""
    if "decoded_figures" not in vars(item):
        vars(item)["decoded_figures"] = from_json_rows(DurationFigure, getattr(item, "duration_figures", None))
    return vars(item)["decoded_figures"]


def _team_liaisons(case: Case) -> dict:
    return {m.user.department_id: m.user for m in team_members(case) if m.role == TeamRole.LIAISON}


def plan_detail(case: Case, today=None) -> dict | None:
    plan = getattr(case, "plan", None)
    if plan is None:
        return None
    today = today or clock.today()
    liaisons = _team_liaisons(case)
    items = []
    rows = prefetched(case, "items", case.items.select_related("catalog_item", "catalog_item__department", "liaison"))
    links = catalog_shape().links
    entrusted = {item.catalog_item.code for item in rows}
    expected = expected_plan(case, plan, rows, today, figures=_figures_of(rows))
    for item in rows:
        catalog = item.catalog_item
        ours, owners = bound_prerequisites(catalog, entrusted, links.get(catalog.pk, []))
        liaison = item.liaison or liaisons.get(catalog.department_id)
        items.append({
            "code": catalog.code, "name": catalog.name, "stage": catalog.stage,
            "stage_label": Stage(catalog.stage).label, "department": catalog.department.name,
            "liaison": liaison.username if liaison else None,
            "liaison_name": _person(liaison),
            "prerequisites": ours, "owner_prerequisites": owners,
            "limit_workdays": catalog.limit_workdays,
            "planned_start": item.planned_start, "planned_due": item.planned_due,
            "provisional": item.planned_provisional, "moved": bool(item.moved_start or item.moved_due),
            **_expected_item(expected, catalog.code),
        })
    return {"start_date": plan.start_date, "effective_start": plan.effective_start, "items": items,
            "critical_path": plan.critical_path, "projected_permit_date": plan.projected_permit_date,
            "target_length": plan.target_length, "fits_100_day_target": plan.fits_target,
            "target_limit": settings.PERMIT_TARGET_LENGTH, "target_unit": settings.PERMIT_TARGET_UNIT,
            "target_unit_label": target_unit_label(),
            "provisional": plan.provisional,
            "expected_permit_date": expected.permit_date, "expected_permit_date_p80": expected.permit_date_p80,
            "expected_critical_path": expected.median.critical_path,
            "expected_target_length": expected.target_length,
            "expected_target_length_p80": expected.target_length_p80,
            "target_likely_met": expected.target_likely_met}


def _expected_item(expected: ExpectedPlan, code: str) -> dict:
    """An item's expected dates from the county's evidence; `basis` is the sample size or "法定时限"."""
    median, p80, evidence = expected.median.items[code], expected.p80.items[code], expected.expectations[code]
    return {"expected_start": median.start, "expected_due": median.due, "expected_due_p80": p80.due,
            "expected_workdays": evidence.workdays, "median_workdays": evidence.median,
            "p80_workdays": evidence.p80, "basis": evidence.basis, "basis_label": evidence.basis_label}


def item_row(item: CaseItem, today=None) -> dict:
    today = today or clock.today()
    where = standing(item, today)
    report = report_up_standing(item, today)
    catalog = item.catalog_item
    return {"id": item.pk, "code": catalog.code, "name": catalog.name, "department": catalog.department.name,
            "stage": catalog.stage, "level": catalog.level, "status": item.status,
            "status_label": item.get_status_display(), "liaison": item.liaison.username if item.liaison else None,
            "planned_start": item.planned_start, "planned_due": item.planned_due, "started_on": item.started_on,
            "due_on": where.due, "paused_workdays": item.paused_workdays, "finished_on": item.finished_on,
            "approval_no": item.approval_no, "warning": where.state, "warning_label": where.label,
            "workdays_left": where.left, "elapsed_workdays": where.elapsed, "provisional": where.provisional,
            "report_due_on": item.report_due_on, "reported_up_on": item.reported_up_on,
            "local_done_on": item.local_done_on,
            "report_late": bool(item.reported_up_on and item.report_due_on
                                and report_up_late(due=item.report_due_on, reported_on=item.reported_up_on)),
            "report_state": report[0] if report else None, "report_state_label": LABELS[report[0]] if report else "",
            "escalation_level": item.escalation_level}


def case_warning(case: Case, today=None) -> str:
    today = today or clock.today()
    return worst(standing(i, today).state for i in items_of(case))


# -- the pages --------------------------------------------------------------------------------------------

PROVISIONAL_NOTE = "该日期所在年度的节假日安排尚未公布，日期为暂定"
OPEN_ITEM_STATES = ("dispatched", "in_progress", "awaiting_correction", "suspended", "reported_up")


def is_case_worker(user, case: Case) -> bool:
    """What daiban.cases.services.require_case_worker checks, as a question (for showing forms)."""
    if not user.has_role(*CASE_WORKER_ROLES):
        return False
    scope = scope_of(user)
    return scope.covers_body(case.unit_id)


def owns(user, case: Case) -> bool:
    return user.has_role(Role.OWNER) and case.project.company.owner_users.filter(pk=user.pk).exists()


def acting_as(actor, item: CaseItem) -> set[str]:
    """Who `actor` acts as on `item` ("liaison", "agent"): the rule the services check before moving an item."""
    capacities = set()
    if actor.has_role(Role.LIAISON) and actor.department_id in (item.catalog_item.department_id,
                                                                local_department_of(item).pk):
        capacities.add("liaison")
    if actor.has_role(Role.AGENT, Role.CHIEF_AGENT, Role.UNIT_ADMIN, Role.CENTER_ADMIN) \
            and scope_of(actor).covers_body(item.case.unit_id):
        capacities.add("agent")
    return capacities


def item_actions(user, item: CaseItem, *, worker: bool, plan_exists: bool) -> list[str]:
    """The actions `user` may take on `item`, read from the one table of the item's state machine."""
    if item.case.status not in OPEN_STATUSES:
        return []
    capacities = acting_as(user, item)
    allowed = {to for (start, to), who in ALLOWED_ITEM_CHANGES.items() if start == item.status and who & capacities}
    actions = []
    if ItemStatus.DISPATCHED in allowed:
        actions.append("dispatch")
    if ItemStatus.IN_PROGRESS in allowed:
        actions.append("start" if item.status == ItemStatus.DISPATCHED else "resume")
    if allowed & {ItemStatus.AWAITING_CORRECTION, ItemStatus.SUSPENDED}:
        actions.append("pause")
    if ItemStatus.REPORTED_UP in allowed and item.catalog_item.level != Level.COUNTY:
        actions.append("report_up" if item.local_done_on else "local_done")
    if allowed & {ItemStatus.APPROVED, ItemStatus.REFUSED}:
        actions.append("finish")
    moving = item.status not in ITEM_FINISHED and item.status != ItemStatus.PENDING
    if moving and worker:
        actions.append("urge")
    if moving and user.has_role(Role.UNIT_ADMIN, Role.CENTER_ADMIN, Role.LEADER):
        actions.append("supervise")
    if worker and plan_exists and item.status not in ITEM_FINISHED:
        actions.append("move")
    if ItemStatus.WITHDRAWN in allowed:
        actions.append("withdraw")
    return actions


def _person(user) -> str:
    """A colleague as shown on plan pages and answers: the name and the masked mobile."""
    return f"{user.display_name} {mask_phone(user.mobile)}".strip() if user else ""


def _rows(case: Case, user, today, *, worker: bool, plan_exists: bool, critical: set[str]) -> list[dict]:
    team_liaisons = _team_liaisons(case)
    items = prefetched(case, "items", case.items.select_related(
        "case", "case__unit", "catalog_item", "catalog_item__department", "catalog_item__department__region",
        "liaison").prefetch_related("pauses", "urges__by", "urges__to", "escalations"))
    practice = expectations_for({item.catalog_item_id: item.catalog_item for item in items}.values(),
                                figures=_figures_of(items))
    rows = []
    for item in items:
        row = item_row(item, today)
        row["beyond_practice"] = beyond_practice(item, today, practice.get(item.catalog_item_id))
        catalog = item.catalog_item
        liaison = item.liaison or team_liaisons.get(catalog.department_id)
        if liaison is None:
            liaison = team_liaisons.get(local_department_of(item).pk)
        row.update({
            "item": item, "limit_workdays": catalog.limit_workdays, "level_label": catalog.get_level_display(),
            "stage_label": catalog.get_stage_display(), "liaison_name": _person(liaison),
            "liaison_assigned": item.liaison is not None, "planned_provisional": item.planned_provisional,
            "critical": catalog.code in critical, "finished": item.status in ITEM_FINISHED,
            "pauses": list(item.pauses.all()), "urges": list(item.urges.all()),
            "escalations": sorted(item.escalations.all(), key=lambda e: e.level),
            "result_note": item.result_note, "local_done_on": item.local_done_on,
            "actions": item_actions(user, item, worker=worker, plan_exists=plan_exists),
        })
        rows.append(row)
    return rows


def _chart_data(detail: dict, rows: list[dict], today) -> dict:
    """What plan-charts.js draws: the same plan_detail as the .docx pictures, with where each item stands."""
    by_code = {r["code"]: r for r in rows}
    stages = [{"code": s.value, "label": s.label} for s in STAGE_ORDER
              if any(i["stage"] == s for i in detail["items"])]

    def iso(day):
        return day.isoformat() if day else None

    items = []
    for planned in detail["items"]:
        row = by_code.get(planned["code"], {})
        items.append({
            "code": planned["code"], "name": planned["name"], "stage": planned["stage"],
            "department": planned["department"], "prerequisites": planned["prerequisites"],
            "owner_prerequisites": planned["owner_prerequisites"], "limit": planned["limit_workdays"],
            "start": iso(planned["planned_start"]), "due": iso(planned["planned_due"]),
            "provisional": planned["provisional"], "critical": planned["code"] in detail["critical_path"],
            "status": row.get("status"), "status_label": row.get("status_label", ""),
            "running_due": iso(row.get("due_on")), "warning": row.get("warning"),
            "warning_label": row.get("warning_label", ""), "finished_on": iso(row.get("finished_on")),
        })
    return {"today": today.isoformat(), "permit": iso(detail["projected_permit_date"]),
            "critical_path": detail["critical_path"], "stages": stages, "items": items}


def _owner_progress(case: Case, rows: list[dict]) -> dict:
    """What the owner follows: done, in progress, next; and what finishing an item put forward (§5.1.3)."""
    done = [r for r in rows if r["status"] == "approved"]
    moving = [r for r in rows if r["status"] in OPEN_ITEM_STATES]
    upcoming = sorted((r for r in rows if r["status"] == "pending"),
                      key=lambda r: (r["planned_start"] is None, r["planned_start"], r["code"]))
    closed = [r for r in rows if r["status"] in ("refused", "withdrawn")]
    ready, suggested, seen = [], [], set()
    for row in done:
        now_ready, follows = unblocked_by(row["item"])
        for item in now_ready:
            if item.catalog_item.code not in seen:
                seen.add(item.catalog_item.code)
                ready.append({"code": item.catalog_item.code, "name": item.catalog_item.name,
                              "after": row["name"], "planned_start": item.planned_start})
        for catalog in follows:
            if catalog.code not in seen:
                seen.add(catalog.code)
                suggested.append({"code": catalog.code, "name": catalog.name, "after": row["name"]})
    return {"done": done, "in_progress": moving, "next": upcoming, "closed": closed, "ready": ready,
            "suggested": suggested}


def plan_section(case: Case, user, today=None) -> dict:
    """Everything the plan-and-execution part of a case page shows to `user` (staff or the case's owner)."""

    today = today or clock.today()
    detail = plan_detail(case, today)
    plan = getattr(case, "plan", None)
    worker = is_case_worker(user, case)
    is_open = case.status in OPEN_STATUSES
    critical = set(detail["critical_path"]) if detail else set()
    rows = _rows(case, user, today, worker=worker and is_open, plan_exists=plan is not None, critical=critical)
    expected = {i["code"]: i for i in (detail or {}).get("items", [])}
    for row in rows:
        row["expected"] = expected.get(row["code"])
    names = {r["code"]: r["name"] for r in rows}
    section = {
        "case": case, "today": today, "plan": plan, "detail": detail, "rows": rows,
        "owner": owns(user, case) and not user.has_role(*STAFF_ROLES),
        "worker": worker and is_open, "provisional_note": PROVISIONAL_NOTE,
        "case_warning": case_warning(case, today) if rows else None,
        "can_plan": worker and is_open and bool(rows) and all(r["status"] == ItemStatus.PENDING for r in rows),
        "critical_path": [{"code": c, "name": names.get(c, c)} for c in (detail or {}).get("critical_path", [])],
        "expected_critical_path": [{"code": c, "name": names.get(c, c)}
                                   for c in (detail or {}).get("expected_critical_path", [])],
        "evidence_months": settings.EVIDENCE_MONTHS, "evidence_min_sample": settings.EVIDENCE_MIN_SAMPLE,
        "target_limit": settings.PERMIT_TARGET_LENGTH, "warning_days": settings.WARNING_WORKDAYS,
        "target_unit": target_unit_label(),
        "chart": _chart_data(detail, rows, today) if detail else None,
        "reports": list(case.progress_reports.all()),
        "unreported": unreported_periods(case, today),
        "plan_document": any(d.kind == "plan" for d in documents_of(case)),
        "permit_provisional": next((r["planned_provisional"] for r in rows if r["code"] == "S04"),
                                   bool(plan and plan.provisional)),
    }
    if section["owner"]:
        section["progress"] = _owner_progress(case, rows)
        return section
    visits = prefetched(case, "visits", case.visits.select_related("item__catalog_item", "recorded_by"))
    section.update({
        "work_logs": list(case.work_logs.select_related("author")[:WORK_LOGS_SHOWN]),
        "visits": visits, "visit_flag": len(visits) > 1,
        "late_reports": [r for r in rows if r["report_late"]],
        "report_preview": _report_preview(case, today) if worker and is_open else None,
    })
    return section



def liaison_items(user, *, finished: bool = False):
    """Items dispatched to `user` or to his department (a city-level item's local steps included), open cases."""
    mine = Q(liaison=user)
    if user.department_id:
        mine |= Q(catalog_item__department_id=user.department_id)
        if user.department.region.level == "county":
            mine |= Q(catalog_item__department__name=f"温州市{user.department.name}")
    rows = (CaseItem.objects.filter(mine, case__status__in=OPEN_STATUSES).exclude(status=ItemStatus.PENDING)
            .select_related("case", "case__project", "case__request", "case__unit", "catalog_item",
                            "catalog_item__department", "liaison"))
    return rows.filter(status__in=ITEM_FINISHED) if finished else rows.exclude(status__in=ITEM_FINISHED)


def urgent_first(items, today=None) -> list[dict]:
    """item_row of each item, overdue first, then warning, then by due date."""
    today = today or clock.today()
    items = list(items)
    practice = expectations_for({item.catalog_item_id: item.catalog_item for item in items}.values(),
                                figures=_figures_of(items))
    rows = []
    for item in items:
        row = item_row(item, today)
        row["item"] = item
        row["beyond_practice"] = beyond_practice(item, today, practice.get(item.catalog_item_id))
        rows.append(row)
    far = today.replace(year=today.year + 100)
    return sorted(rows, key=lambda r: (-SEVERITY[r["warning"]], r["due_on"] or far, r["code"]))


def _report_preview(case: Case, today) -> dict | None:
    from daiban.plans.duties import progress_preview  # duties.py imports this module (item_row)

    return progress_preview(case, today)


def unreported_periods(case: Case, today=None) -> list[dict]:
    """未反馈: every half month whose report day (the 1st or 16th after it) has come and that has no
    progress report yet: the one reading the case page, the supervision page and the API show."""
    from daiban.plans.duties import owed_periods  # duties.py imports this module (item_row)

    if case.status != CaseStatus.IN_PROGRESS:
        return []  # the duty reports on cases being carried out; a closed case owes nothing more
    return [{"period_start": start, "period_end": end, "due_on": end + dt.timedelta(days=1)}
            for start, end in owed_periods(case, today or clock.today())]
