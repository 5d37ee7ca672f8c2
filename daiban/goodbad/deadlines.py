"""The deadlines of a 差评's loop, in working days from settings: verify (核实/回访) from the day it was given,
rectify (整改) from the verification (or the rejected appeal), answer (答复评价人) from the rectification or the
verification that explained it; the center reviews an appeal within the verification's time too.
Pure but for the calendar."""
from __future__ import annotations

import datetime as dt

from django.conf import settings

from daiban.coordination.deadlines import DueState
from daiban.plans.deadlines import due_standing
from daiban.workdays.loader import add_workdays
from daiban.workdays.warning import warning_window


def stage_workdays(stage: str) -> int:
    return {"verify": settings.GOODBAD_VERIFY_WORKDAYS, "rectify": settings.GOODBAD_RECTIFY_WORKDAYS,
            "answer": settings.GOODBAD_ANSWER_WORKDAYS, "review": settings.GOODBAD_VERIFY_WORKDAYS}[stage]


def stage_due(stage: str, start: dt.date) -> dt.date:
    """The last working day of `stage` begun on `start` (the start day not counted)."""
    return add_workdays(start, stage_workdays(stage)).date


def warning_workdays(stage: str) -> int:
    return warning_window(stage_workdays(stage))


def stage_standing(stage: str, due_on: dt.date, today: dt.date) -> DueState:
    """Where a running stage stands: 正常, 预警 or 逾期, and the working days left."""
    state, left = due_standing(due_on, today, warning_days=warning_workdays(stage))
    return DueState(due_on, state, left)
