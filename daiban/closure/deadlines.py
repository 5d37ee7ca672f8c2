"""The filing deadline of a completion or termination form: 2 working days after the case closes
(seed §6.8), and where a closure stands against it. Pure but for the calendar."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from daiban.plans.deadlines import LABELS, NORMAL, OVERDUE, due_standing
from daiban.workdays.calendar import WorkdayResult
from daiban.workdays.loader import add_workdays

FILING_WORKDAYS = 2


def filing_due(closed_on: dt.date) -> WorkdayResult:
    """The last working day on which the form may be filed (the closing day itself is not counted)."""
    return add_workdays(closed_on, FILING_WORKDAYS)


def warning_workdays() -> int:
    # The items' warning threshold (2 by default) would flag every filing from its first day; a filing is
    # 预警 from the last working day but one.
    return min(settings.WARNING_WORKDAYS, FILING_WORKDAYS - 1)


@dataclass(frozen=True)
class FilingStanding:
    state: str  # normal / warning / overdue
    due: dt.date
    filed_on: dt.date | None
    left: int | None  # working days left while unfiled (0 on the due day, negative when late)

    @property
    def label(self) -> str:
        if self.filed_on is not None:
            return "按时归档" if self.state == NORMAL else "逾期归档"
        return LABELS[self.state]

    @property
    def late(self) -> bool:
        return self.state == OVERDUE


def filing_standing(*, due: dt.date, filed_on: dt.date | None, today: dt.date) -> FilingStanding:
    if filed_on is not None:
        return FilingStanding(NORMAL if filed_on <= due else OVERDUE, due, filed_on, None)
    state, left = due_standing(due, today, warning_days=warning_workdays())
    return FilingStanding(state, due, None, left)
