"""Background duty: a 差评's stage in progress is told once when it enters 预警 and once when it becomes
逾期, like every other deadline (deadlines.stage_standing). 预警 goes to the
unit concerned; 逾期 is escalated to the center's administrators too. The unique ReviewAlert row decides,
so a second run or a second worker sends nothing twice."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from daiban.audit.services import audit_record
from daiban.goodbad.deadlines import stage_standing
from daiban.goodbad.models import BadReview, ReviewAlert
from daiban.goodbad.people import center_admins, concerned_people
from daiban.goodbad.states import OPEN_REVIEW, STAGE_OF
from daiban.lib import clock
from daiban.notify.rules import To
from daiban.notify.services import notify_event
from daiban.plans.deadlines import LABELS, OVERDUE, WARNING

STAGE_LABELS = {"verify": "核实", "rectify": "整改", "answer": "答复", "review": "申诉复核"}


def alert_bad_reviews(*, today: dt.date | None = None) -> int:
    """Sends each due warning or overdue notice once; returns how many were sent now."""
    today = today or clock.today()
    made = 0
    rows = BadReview.objects.filter(status__in=OPEN_REVIEW, due_on__lte=today + dt.timedelta(days=31)).select_related(
        "case", "case__project", "unit", "department")
    for review in rows:
        stage = STAGE_OF[review.status]
        where = stage_standing(stage, review.due_on, today)
        if where.state not in (WARNING, OVERDUE) or ReviewAlert.objects.filter(
                review=review, stage=stage, state=where.state).exists():
            continue
        try:
            with transaction.atomic():
                ReviewAlert.objects.create(review=review, stage=stage, state=where.state, due_on=review.due_on,
                                           at=clock.now())
                audit_record(event_type=f"goodbad.deadline_{where.state}", obj=review, actor_name="系统",
                             new={"stage": stage, "due_on": review.due_on, "workdays_left": where.left})
                people = center_admins() if stage == "review" else concerned_people(review)
                if where.state == OVERDUE:
                    people = [*people, *center_admins()]  # escalated to the center
                what = f"差评{STAGE_LABELS[stage]}（{review.concerned_name}）"
                notify_event("bad_review.deadline", people={To.HANDLER: people}, unit=review.case.unit,
                             case=review.case, link=f"/goodbad/{review.pk}/",
                             values={"state": LABELS[where.state], "what": what, "project": review.case.project.name,
                                     "due": f"{review.due_on:%Y-%m-%d}", "left": where.left_text},
                             dedupe_key=f"{where.state}:{stage}:{review.pk}")
                made += 1
        except IntegrityError:
            continue  # already sent, by an earlier run or another worker
    return made
