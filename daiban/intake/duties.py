"""Background duty: a request not contacted by its first-contact day is brought to the unit's attention, once."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from daiban.audit.services import audit_record
from daiban.intake.models import Request
from daiban.lib import clock
from daiban.notify.services import notify_event


def alert_first_contact(*, today: dt.date | None = None) -> int:
    """Each request still uncontacted after its first-contact due day: the unit's staff and administrator are
    told once (the outbox's key decides, so a second run or a second worker sends nothing twice)."""
    today = today or clock.today()
    late = (Request.objects.filter(status=Request.Status.NEW, first_contact_at__isnull=True,
                                   first_contact_due__lt=today).select_related("unit"))
    made = 0
    for request in late:
        with transaction.atomic():
            rows = notify_event(
                "request.first_contact_overdue", link=f"/cases/requests/{request.pk}/", unit=request.unit,
                values={"project": request.project_name, "company": request.company_name,
                        "due": f"{request.first_contact_due:%Y年%m月%d日}"}, dedupe_key=str(request.pk))
            if rows:
                audit_record(event_type="intake.first_contact_overdue", obj=request, actor_name="系统",
                             new={"due": request.first_contact_due, "unit": request.unit.name})
                made += 1
    return made
