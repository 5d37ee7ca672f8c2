"""Reads of the front door."""
from __future__ import annotations

import hmac

from django.db.models import Q, QuerySet
from django.utils import timezone

from daiban.intake.models import Company, Request
from daiban.lib import clock
from daiban.lib.codes import normalise_query_code
from daiban.lib.personal import mask_email, mask_name, mask_phone
from daiban.org.scope import Scope, scope_of


def scope_condition(scope: Scope, *, unit: str, company: str) -> Q:
    """The rows in scope by their agency body (`unit`) or their owner (`company`), by conditions on the row itself
    or subqueries (IN), never a join that repeats a row: a list needs no DISTINCT and pages by an index. Cases add
    the department rule on top (daiban.cases.selectors)."""
    if scope.county_wide:
        return Q()
    condition = Q(pk__in=[])
    if scope.body_ids:
        condition |= Q(**{f"{unit}__in": scope.body_ids})
    if scope.owner_user_id:
        condition |= Q(**{f"{company}__in": Company.objects.filter(owner_users=scope.owner_user_id).values("pk")})
    return condition


def requests_for(user) -> QuerySet[Request]:
    condition = scope_condition(scope_of(user), unit="unit", company="company")
    return Request.objects.filter(condition).select_related("unit", "location", "company")


def public_progress(*, tracking_no: str, query_code: str) -> dict | None:
    """The owner's view: status and steps, personal data masked. A wrong pair finds nothing."""
    row = (Request.objects.select_related("unit").prefetch_related("public_steps")
           .filter(tracking_no=(tracking_no or "").strip().upper()).first())
    if row is None or not hmac.compare_digest(row.query_code.encode(), normalise_query_code(query_code).encode()):
        return None
    case = getattr(row, "case", None)
    status, label = (case.status, case.get_status_display()) if case else (row.status, row.get_status_display())
    return {"tracking_no": row.tracking_no, "project_name": row.project_name,
            "company_name": row.company_name, "contact_name": mask_name(row.contact_name),
            "contact_phone": mask_phone(row.contact_phone), "unit": row.unit.name, "status": status,
            "status_label": label, "steps": [{"at": step.at, "text": step.text} for step in row.public_steps.all()]}


def first_contact_overdue(row: Request) -> bool:
    if row.first_contact_at is not None:
        return timezone.localtime(row.first_contact_at).date() > row.first_contact_due
    return clock.today() > row.first_contact_due


def request_row(row: Request) -> dict:
    case = getattr(row, "case", None) if row.status == Request.Status.ACCEPTED else None
    return {"id": row.pk, "tracking_no": row.tracking_no, "status": row.status, "source": row.source,
            "unit": row.unit.name, "company_name": row.company_name, "credit_code": row.company.credit_code,
            "contact_name": mask_name(row.contact_name), "contact_phone": mask_phone(row.contact_phone),
            "contact_email": mask_email(row.contact_email), "project_name": row.project_name,
            "location": row.location.name, "category": row.category,
            "industrial": row.industrial,
            "investment_wan": row.investment_wan, "received_at": row.received_at, "deemed_day": row.deemed_day,
            "first_contact_due": row.first_contact_due, "first_contact_at": row.first_contact_at,
            "first_contact_overdue": first_contact_overdue(row), "card_no": row.card.number if row.card else None,
            "case_id": case.pk if case else None, "reject_reason": row.reject_reason}
