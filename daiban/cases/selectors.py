"""Reads of cases within the caller's data scope."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from daiban.cases.models import Case
from daiban.intake.models import Request
from daiban.org.scope import Scope, scope_of


def _scope_filter(scope: Scope, *, unit: str, company: str, department: str | None) -> Q | None:
    if scope.county_wide:
        return Q()
    condition = Q(pk__in=[])
    if scope.body_ids:
        condition |= Q(**{f"{unit}__in": scope.body_ids})
    if scope.owner_user_id:
        condition |= Q(**{f"{company}__owner_users": scope.owner_user_id})
    if scope.department_ids and department:
        condition |= Q(**{f"{department}__in": scope.department_ids})
    return condition


def cases_for(user) -> QuerySet[Case]:
    scope = scope_of(user)
    condition = _scope_filter(scope, unit="unit", company="project__company",
                              department="items__catalog_item__department")
    if scope.department_ids and not scope.county_wide:
        # A city-level item's local steps are dispatched to the county department's liaison officer.
        condition |= Q(items__liaison=user)
    return (Case.objects.filter(condition).distinct()
            .select_related("project", "project__company", "project__location", "unit", "request"))


def requests_for(user) -> QuerySet[Request]:
    condition = _scope_filter(scope_of(user), unit="unit", company="company", department=None)
    return Request.objects.filter(condition).select_related("unit", "location", "company")


def case_detail(case: Case) -> dict:
    from daiban.cases.services import team_of
    from daiban.cases.team import is_major, requirements

    items = case.items.select_related("catalog_item", "catalog_item__department")
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
                      for d in case.documents.order_by("generated_at")],
        "collaboration": [{"phase": p.phase, "phase_label": p.get_phase_display(), "owner_body": p.owner_body,
                           "handed_over_at": p.handed_over_at, "handed_over_to": p.handed_over_to, "note": p.note}
                          for p in case.collaboration.order_by("id")],
        "accepted_at": case.accepted_at,
        "entrusted_on": case.entrusted_on,
    }
