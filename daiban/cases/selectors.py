"""Reads of cases within the caller's data scope."""
from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from daiban.cases.models import Case, CaseDocument, CaseItem, CollaborationPhase, TeamMember, TeamRole
from daiban.catalog.selectors import local_department, local_departments
from daiban.intake.selectors import scope_condition
from daiban.lib.prefetch import prefetched
from daiban.org.scope import Scope, scope_of


def _scope_filter(scope: Scope, *, unit: str, company: str, items_case: str | None) -> Q:
    """The intake rule (unit, owner: daiban.intake.selectors.scope_condition) and the department rule:
    `items_case` is the path to the case whose items' departments are in scope."""
    condition = scope_condition(scope, unit=unit, company=company)
    if scope.department_ids and items_case and not scope.county_wide:
        condition |= Q(**{f"{items_case}__in": CaseItem.objects.filter(
            catalog_item__department__in=scope.department_ids).values("case_id")})
    return condition


def cases_for(user) -> QuerySet[Case]:
    scope = scope_of(user)
    condition = _scope_filter(scope, unit="unit", company="project__company", items_case="pk")
    if scope.department_ids and not scope.county_wide:
        # A city-level item's local steps are dispatched to the county department's liaison officer.
        condition |= Q(pk__in=CaseItem.objects.filter(liaison=user).values("case_id"))
    return (Case.objects.filter(condition)
            .select_related("project", "project__company", "project__location", "unit", "request"))


ITEM_READS = ("catalog_item__department__region", "liaison")


def with_case_reads(cases: QuerySet[Case], *, people: bool = True) -> QuerySet[Case]:
    """A case with its items, team, forms (without their content) and collaboration: one query each, whatever
    the case holds. Readers below use these through daiban.lib.prefetch.prefetched. `people`: also the team
    members' roles (a page shows who may see their phone numbers)."""
    team = TeamMember.objects.select_related("user__department", "user__body").order_by("pk")
    return cases.prefetch_related(
        Prefetch("items", CaseItem.objects.select_related(*ITEM_READS)),
        Prefetch("team", team.prefetch_related("user__role_grants") if people else team),
        Prefetch("documents", CaseDocument.objects.defer("content").select_related("signing_recorded_by")
                 .order_by("generated_at", "pk")),
        Prefetch("collaboration", CollaborationPhase.objects.order_by("id")),
    )


def items_of(case: Case) -> list[CaseItem]:
    return prefetched(case, "items", case.items.select_related(*ITEM_READS))


def team_members(case: Case) -> list[TeamMember]:
    """In the order they joined."""
    return prefetched(case, "team", case.team.select_related("user__department", "user__body").order_by("pk"))


def team_of(case: Case) -> dict:
    members = team_members(case)
    one = lambda role: next((m.user.username for m in members if m.role == role), None)  # noqa: E731
    return {"agent": one(TeamRole.AGENT), "chief_agent": one(TeamRole.CHIEF_AGENT),
            "lead_leader": one(TeamRole.LEAD_LEADER), "supervisor": one(TeamRole.SUPERVISOR),
            "liaisons": [m.user.username for m in members if m.role == TeamRole.LIAISON]}


def documents_of(case: Case) -> list[CaseDocument]:
    """Every version of every form, oldest first, without their content."""
    return prefetched(case, "documents", case.documents.defer("content").select_related("signing_recorded_by")
                      .order_by("generated_at", "pk"))


def local_departments_of(case: Case) -> dict:
    """catalog.selectors.local_departments of the case's items; for a case read with with_case_reads, read once."""
    if "items" not in getattr(case, "_prefetched_objects_cache", {}):
        return local_departments([i.catalog_item for i in items_of(case)])
    if "_local_departments" not in case.__dict__:
        case.__dict__["_local_departments"] = local_departments([i.catalog_item for i in items_of(case)])
    return case.__dict__["_local_departments"]


def local_department_of(item: CaseItem):
    """The item's local department (catalog.selectors.local_department), read with its case's other items'."""
    if "items" not in getattr(item.case, "_prefetched_objects_cache", {}):
        return local_department(item.catalog_item)
    return local_departments_of(item.case).get(item.catalog_item.department_id) or local_department(
        item.catalog_item)


def collaboration_of(case: Case) -> list[CollaborationPhase]:
    return prefetched(case, "collaboration", case.collaboration.order_by("id"))


def case_detail(case: Case) -> dict:
    from daiban.cases.agency_team import is_major, requirements

    items = items_of(case)
    need = requirements(case)
    project = case.project
    return {
        "id": case.pk,
        "tracking_no": case.request.tracking_no,
        "status": case.status,
        "status_label": case.get_status_display(),
        "unit": case.unit.name,
        "unit_id": case.unit_id,
        "source": case.request.source,
        "card_holding": case.card_holding,
        "project": {"name": project.name, "company": project.company.name,
                    "credit_code": project.company.credit_code, "location": project.location.name,
                    "category": project.category, "industrial": project.industrial,
                    "investment_wan": project.investment_wan, "project_code": project.project_code,
                    "major": is_major(case)},
        "items": [{"code": i.catalog_item.code, "name": i.catalog_item.name,
                   "department": i.catalog_item.department.name, "stage": i.catalog_item.stage,
                   "limit_workdays": i.catalog_item.limit_workdays} for i in items],
        "team": team_of(case),
        "team_rules": {"lead_leader": need.lead_leader, "supervisor": need.supervisor,
                       "chief_agent": need.chief_agent},
        "documents": [{"kind": d.kind, "name": d.get_kind_display(), "serial_no": d.serial_no,
                       "sha256": d.sha256, "signed": d.signed_at is not None}
                      for d in documents_of(case)],
        "collaboration": [{"phase": p.phase, "phase_label": p.get_phase_display(), "owner_body": p.owner_body,
                           "handed_over_at": p.handed_over_at, "handed_over_to": p.handed_over_to, "note": p.note}
                          for p in collaboration_of(case)],
        "accepted_at": case.accepted_at,
        "entrusted_on": case.entrusted_on,
    }
