"""When an administrator confirms a year's working days, stored deadlines that depend on it move."""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.cases.models import CaseItem
from daiban.cases.states import ITEM_FINISHED
from daiban.intake.deadlines import first_contact_deadline
from daiban.intake.models import Request
from daiban.plans.deadlines import legal_due
from daiban.plans.models import TaskPlan
from daiban.plans.services import apply_schedule
from daiban.workdays.recompute import register


@register
def recompute_for_year(year: int) -> None:
    touched = 0
    for plan in TaskPlan.objects.filter(Q(provisional=True) | Q(case__items__planned_due__year__gte=year)).distinct():
        apply_schedule(plan.case, plan)
        touched += 1
    for item in CaseItem.objects.filter(due_provisional=True, started_on__isnull=False).exclude(
            status__in=ITEM_FINISHED).select_related("catalog_item"):
        due = legal_due(item)  # with the paused working days
        item.due_on, item.due_provisional = due.date, due.provisional
        item.save(update_fields=["due_on", "due_provisional"])
        touched += 1
    for request in Request.objects.filter(first_contact_provisional=True):
        contact = first_contact_deadline(timezone.localtime(request.received_at).date())
        request.deemed_day, request.first_contact_due = contact.deemed_day, contact.due_on
        request.first_contact_provisional = contact.provisional
        request.save(update_fields=["deemed_day", "first_contact_due", "first_contact_provisional"])
        touched += 1
    audit_record(event_type="plan.recomputed", new={"year": year, "records": touched})
