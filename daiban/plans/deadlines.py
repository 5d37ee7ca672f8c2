"""Where an item or a case stands against its deadline, in working days. Pure but for the calendar."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from daiban.cases.states import ITEM_FINISHED, ITEM_PAUSED, ItemStatus
from daiban.lib.prefetch import prefetched
from daiban.workdays.loader import add_workdays, workdays_between
from daiban.workdays.warning import warning_window

NORMAL, WARNING, OVERDUE = "normal", "warning", "overdue"
LABELS = {NORMAL: "正常", WARNING: "预警", OVERDUE: "逾期"}
SEVERITY = {None: -1, NORMAL: 0, WARNING: 1, OVERDUE: 2}


@dataclass(frozen=True)
class Standing:
    state: str | None  # None for a finished or unplanned item
    due: dt.date | None
    left: int | None  # working days left (0 on the due day); negative when overdue
    elapsed: int | None  # working days used since the clock started, pauses excluded
    provisional: bool = False

    @property
    def label(self) -> str:
        return LABELS.get(self.state or "", "")


def open_pause_workdays(item, today: dt.date) -> int:
    if item.status not in ITEM_PAUSED:
        return 0
    # The item's pauses as the page read them (its row's JSON list), else one query: not one per paused item.
    running = [p for p in prefetched(item, "pauses", item.pauses.filter(ended_on__isnull=True)) if p.ended_on is None]
    pause = min(running, key=lambda p: (p.started_on, p.pk), default=None)
    return workdays_between(pause.started_on, today).workdays if pause else 0


def legal_due(item, *, open_paused: int = 0):
    """The item's due date with pauses, the one rule: its promised working days after the acceptance day,
    moved on by every working day paused (ended pauses, plus `open_paused` of a pause still running).
    The services store it on start and resumption, the calendar recompute restores it, item_due reads it."""
    return add_workdays(item.started_on, item.catalog_item.limit_workdays + item.paused_workdays + open_paused)


def item_due(item, today: dt.date) -> tuple[dt.date | None, bool]:
    """The running due date: planned until the department accepts, then legal, moved on by pauses."""
    if item.started_on is None:
        return item.planned_due, item.planned_provisional
    result = legal_due(item, open_paused=open_pause_workdays(item, today))
    return result.date, result.provisional


def workdays_used(item, today: dt.date) -> int | None:
    """Working days the department has used on an item: from its start (not counted) to its finish, or to
    `today` while open, pauses excluded. The one measure lateness, warnings and the evidence figures share
    (assessment.workday_index.actual_workdays is its SQL form for finished items)."""
    if item.started_on is None:
        return None
    if item.finished_on is not None and item.status in ITEM_FINISHED:
        return max(0, workdays_between(item.started_on, item.finished_on).workdays - item.paused_workdays)
    return max(0, workdays_between(item.started_on, today).workdays - item.paused_workdays
               - open_pause_workdays(item, today))


def due_standing(due: dt.date, today: dt.date, *, warning_days: int | None = None) -> tuple[str, int]:
    """(state, working days left) of anything due on `due`: 0 left on the due day, negative once overdue.

    Items, coordination tiers, linked requests and meeting resolutions all share these thresholds.
    """
    warning_days = settings.WARNING_WORKDAYS if warning_days is None else warning_days
    if today > due:
        return OVERDUE, -workdays_between(due, today).workdays
    left = workdays_between(today, due).workdays
    return (WARNING if left <= warning_days else NORMAL), left


def standing(item, today: dt.date, *, warning_days: int | None = None) -> Standing:
    if item.status in ITEM_FINISHED:
        return Standing(None, item.due_on, None, None)
    due, provisional = item_due(item, today)
    if due is None:
        return Standing(None, None, None, None)
    elapsed = workdays_used(item, today)
    if warning_days is None:
        warning_days = warning_window(item.catalog_item.limit_workdays)
    state, left = due_standing(due, today, warning_days=warning_days)
    if state != OVERDUE and item.status in ITEM_PAUSED:
        state = NORMAL  # the clock stands still
    if state == WARNING and item.status == ItemStatus.PENDING:
        state = NORMAL  # not dispatched yet: a freshly generated plan is not already 预警
    return Standing(state, due, left, elapsed, provisional)


def worst(states) -> str:
    return max(states, key=lambda s: SEVERITY[s], default=None) or NORMAL


# -- reporting a higher-level item up (seed §6.5) -------------------------------------------------------------

REPORT_UP_WORKDAYS = 1


def report_up_due(local_done_on: dt.date):
    """The last day to report an item up: 1 working day after its local steps were done (本级办结)."""
    return add_workdays(local_done_on, REPORT_UP_WORKDAYS)


def report_up_late(*, due: dt.date, reported_on: dt.date) -> bool:
    """Report-up lateness, the one rule: a report on the due day is on time, one after it is late."""
    return reported_on > due


def report_up_standing(item, today: dt.date) -> tuple[str, int] | None:
    """(state, working days left) of the report still owed after 本级办结; None when none is owed.
    With 1 working day to report, the due day itself is 预警."""
    if item.local_done_on is None or item.reported_up_on is not None or item.report_due_on is None:
        return None
    if item.status in ITEM_FINISHED:
        return None
    if report_up_late(due=item.report_due_on, reported_on=today):
        return OVERDUE, -workdays_between(item.report_due_on, today).workdays
    return due_standing(item.report_due_on, today, warning_days=warning_window(REPORT_UP_WORKDAYS))
