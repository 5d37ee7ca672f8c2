"""When a year's working days are confirmed, the provisional coordination deadlines move with them."""
from __future__ import annotations

from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.coordination.models import IssueTier, LinkedRequest, Resolution
from daiban.coordination.states import LinkedStatus, ResolutionStatus
from daiban.workdays.loader import add_workdays
from daiban.workdays.recompute import register


@register
def recompute_coordination_deadlines(year: int) -> None:
    touched = 0
    for tier in IssueTier.objects.filter(due_provisional=True, deadline_workdays__isnull=False,
                                         responded_on__isnull=True):
        assert tier.deadline_workdays is not None  # filtered above
        due = add_workdays(tier.opened_on, tier.deadline_workdays)
        IssueTier.objects.filter(pk=tier.pk).update(due_on=due.date, due_provisional=due.provisional)
        touched += 1
    for linked in LinkedRequest.objects.filter(due_provisional=True, deadline_workdays__isnull=False).exclude(
            status=LinkedStatus.ANSWERED):
        assert linked.deadline_workdays is not None  # filtered above
        due = add_workdays(linked.sent_on, linked.deadline_workdays)
        LinkedRequest.objects.filter(pk=linked.pk).update(due_on=due.date, due_provisional=due.provisional)
        touched += 1
    for resolution in Resolution.objects.filter(due_provisional=True, status=ResolutionStatus.OPEN).select_related(
            "meeting"):
        due = add_workdays(timezone.localtime(resolution.meeting.held_at).date(), resolution.due_workdays)
        Resolution.objects.filter(pk=resolution.pk).update(due_on=due.date, due_provisional=due.provisional)
        touched += 1
    if touched:
        audit_record(event_type="coordination.recomputed", new={"year": year, "records": touched})
