"""Reads of the 差评 records: whose scope sees which, and each record's row with where its deadline stands."""
from __future__ import annotations

import datetime as dt
from typing import cast

from django.db.models import Q, QuerySet

from daiban.coordination.deadlines import DueState, finished
from daiban.goodbad.deadlines import stage_standing
from daiban.goodbad.models import BadReview
from daiban.goodbad.states import OPEN_REVIEW, STAGE_OF
from daiban.lib import clock
from daiban.org.models import User
from daiban.org.scope import scope_of


def bad_reviews_for(user: User | None) -> QuerySet[BadReview]:
    """County-wide readers (center, leaders, inspectors) see every 差评; an agency unit's staff those of its
    cases; a department's liaison officers and head those about its items."""
    rows = BadReview.objects.select_related("case", "case__request", "case__project", "unit", "department", "agent")
    scope = scope_of(user)
    if scope.county_wide:
        return rows
    where = Q(unit_id__in=scope.body_ids) | Q(department_id__in=scope.department_ids)
    if user is not None and user.is_authenticated and user.department_head and user.department_id:
        where |= Q(department_id=user.department_id)
    return rows.filter(where)


def standing(review: BadReview) -> DueState:
    """Where the stage in progress stands (正常/预警/逾期), or how the loop ended (按期/逾期完成)."""
    if review.status in OPEN_REVIEW:
        return stage_standing(STAGE_OF[review.status], review.due_on, clock.today())
    return finished(review.due_on, cast(dt.date, review.closed_on))  # a closed review has its closed_on


def standing_label(review: BadReview) -> str:
    """正常/预警/逾期 while running; once closed, 逾期完成 if any stage was late, else 按期完成."""
    if review.status in OPEN_REVIEW:
        return standing(review).label
    return "逾期完成" if review.late else "按期完成"


def review_row(review: BadReview) -> dict:
    due = standing(review)
    return {
        "id": review.pk, "case_id": review.case_id, "tracking_number": review.case.request.tracking_no,
        "project": review.case.project.name, "grade": review.grade, "grade_label": review.get_grade_display(),
        "comments": review.comments, "channel": review.channel, "unit_kind": review.unit_kind,
        "unit": review.unit.name, "department": review.department.name if review.department else None,
        "concerned": review.concerned_name, "agent": review.agent.display_name if review.agent else None,
        "status": review.status, "status_label": review.get_status_display(),
        "stage": STAGE_OF.get(review.status), "due_on": review.due_on, "warning": due.state,
        "warning_label": standing_label(review), "workdays_left": due.left, "late": review.late,
        "opened_on": review.opened_on, "verify_due_on": review.verify_due_on, "verified_on": review.verified_on,
        "finding": review.finding or None, "verify_note": review.verify_note,
        "review_due_on": review.review_due_on, "reviewed_on": review.reviewed_on,
        "appeal_decision": review.appeal_decision or None, "review_note": review.review_note,
        "rectify_due_on": review.rectify_due_on, "rectified_on": review.rectified_on,
        "rectify_note": review.rectify_note, "answer_due_on": review.answer_due_on,
        "answered_on": review.answered_on, "answer_note": review.answer_note,
        "rater_reply": review.rater_reply or None, "rater_reply_note": review.rater_reply_note,
        "outcome": review.outcome or None, "outcome_label": review.get_outcome_display() or None,
        "closed_on": review.closed_on,
    }
