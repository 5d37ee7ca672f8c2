"""The filing deadline watched like every other deadline (rules case.filing_due and case.filing_late, once each
per closure; the owner's evaluation link is closure.evaluations.evaluation_links_send).

Each message is sent once: the outbox's dedupe key (event and closure) decides, also between two workers."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from daiban.audit.services import audit_record
from daiban.cases.audiences import case_people
from daiban.closure.deadlines import closure_filing
from daiban.closure.models import Closure
from daiban.lib import clock
from daiban.notify.services import notify_event
from daiban.plans.deadlines import OVERDUE, WARNING


def watch_filings(*, today: dt.date | None = None) -> int:
    """An unfiled completion or termination form: 预警 (归档到期) to the agents and the unit administrator from
    its last working day but one, 逾期 (归档逾期) after its deadline to them and the county center. The deadline
    is the one stored at closing (closure.deadlines.filing_due); its standing is closure_filing's."""
    today = today or clock.today()
    made = 0
    unfiled = Closure.objects.filter(filed_on__isnull=True).select_related("case", "case__project", "case__unit",
                                                                          "case__request")
    for closure in unfiled:
        where = closure_filing(closure, today)
        if where.state not in (WARNING, OVERDUE):
            continue
        event = "case.filing_due" if where.state == WARNING else "case.filing_late"
        case = closure.case
        people, _ = case_people(case)
        with transaction.atomic():
            sent = notify_event(event, people=people, unit=case.unit, case=case, dedupe_key=str(closure.pk),
                                values={"project": case.project.name, "form": closure.form_name,
                                        "due": f"{where.due:%Y年%m月%d日}"},
                                link=f"/closure/cases/{case.pk}/")
            if sent:
                audit_record(event_type="closure.filing_watched", obj=case, actor_name="系统",
                             new={"state": where.state, "filing_due_on": where.due, "form": closure.form_name})
                made += 1
    return made
