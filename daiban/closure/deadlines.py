"""The filing deadline of a completion or termination form: 2 working days after the case closes
(seed §6.8), and where a closure stands against it. Pure but for the calendar."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from daiban.plans.deadlines import LABELS, NORMAL, OVERDUE, due_standing
from daiban.workdays.calendar import WorkdayResult
from daiban.workdays.loader import add_workdays, workdays_between
from daiban.workdays.warning import warning_window

FILING_WORKDAYS = 2


def filing_due(closed_on: dt.date) -> WorkdayResult:
    """The last working day on which the form may be filed (the closing day itself is not counted)."""
    return add_workdays(closed_on, FILING_WORKDAYS)


def case_workdays_used(entrusted_on: dt.date, closed_on: dt.date) -> int:
    """用时 of a closed case, the one rule (completion form, termination form, provincial message): working
    days after the entrustment day up to and including the closing day; a case closed on the working day it
    was entrusted has used that day, so a real case never shows 0."""
    return max(1, workdays_between(entrusted_on, closed_on).workdays)


def warning_workdays() -> int:
    return warning_window(FILING_WORKDAYS)


@dataclass(frozen=True)
class FilingStanding:
    state: str  # normal / warning / overdue
    due: dt.date
    filed_on: dt.date | None
    left: int | None  # working days left while unfiled (0 on the due day, negative when late)
    backfill: bool = False  # 补录: a paper filing entered later with its declared date
    confirmed: bool = False  # the unit administrator confirmed the 补录

    @property
    def label(self) -> str:
        if self.filed_on is None:
            return LABELS[self.state]
        label = "按时归档" if self.state == NORMAL else "逾期归档"
        if not self.backfill:
            return label
        return f"补录·{label}" if self.confirmed else f"补录·{label}（待单位管理员确认）"

    @property
    def late(self) -> bool:
        return self.state == OVERDUE


def filing_standing(*, due: dt.date, filed_on: dt.date | None, today: dt.date, recorded_on: dt.date | None = None,
                    backfill: bool = False, confirmed: bool = False) -> FilingStanding:
    """Filing lateness, the one rule: a filing is judged on the day it was recorded (server time); a 补录's
    declared earlier date counts only once the unit administrator has confirmed it."""
    if filed_on is not None:
        judged = filed_on if (not backfill or confirmed) else (recorded_on or filed_on)
        return FilingStanding(NORMAL if judged <= due else OVERDUE, due, filed_on, None, backfill, confirmed)
    state, left = due_standing(due, today, warning_days=warning_workdays())
    return FilingStanding(state, due, None, left)


def closure_filing(closure, today: dt.date) -> FilingStanding:
    """Where a completion or termination form stands against its filing deadline."""
    recorded_on = timezone.localtime(closure.filed_at).date() if closure.filed_at else None
    return filing_standing(due=closure.filing_due_on, filed_on=closure.filed_on, today=today, recorded_on=recorded_on,
                           backfill=closure.backfilled, confirmed=closure.backfill_confirmed_at is not None)
