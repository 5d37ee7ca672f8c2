"""Where items stand against their deadlines, as SQL conditions on CaseItem.

The same rules as daiban.plans.deadlines.standing(), written so that the database can filter and
count tens of thousands of items at once:

- an item's due date is its stored `due_on` once the department has accepted it (started_on set),
  and its plan date `planned_due` before that;
- it is overdue on a day D when it is still open on D and its due date is before D;
- a paused item's clock stands still: it is overdue only if its due date had already passed when
  the pause began (its open pause started after the due date);
- warning (预警): open, dispatched, not paused, not overdue, and no more than
  workdays.warning.warning_window(its limit) working days left (WARNING_WORKDAYS, less for short limits).

Withdrawn items (已撤回) are taken out of the plan and never count. Open items of a case that is
already completed or terminated do not count either (the case's papers close them).
"""
from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When

from daiban.cases.models import CaseItem
from daiban.cases.states import ITEM_FINISHED, ITEM_PAUSED, OPEN_STATUSES, ItemStatus
from daiban.plans.models import Pause
from daiban.workdays.loader import add_workdays
from daiban.workdays.warning import warning_window

# plans.deadlines.report_up_late (a report on the due day is on time, one after it is late) as an SQL condition.
REPORTED_LATE = Q(reported_up_on__gt=F("report_due_on"))


def _due_before(day: dt.date, *, started_by: dt.date) -> Q:
    accepted = Q(started_on__isnull=False, started_on__lte=started_by)
    return (accepted & Q(due_on__lt=day)) | (~accepted & Q(planned_due__lt=day))


def _paused_in_time(day: dt.date) -> Q:
    """Paused on `day` by a pause that began before the due date had passed."""
    pause = Pause.objects.filter(Q(started_on__lte=day) & Q(started_on__lte=OuterRef("due_on")),
                                 item=OuterRef("pk"), ended_on__isnull=True)
    return Q(status__in=ITEM_PAUSED) & Q(Exists(pause))


# An item finished after its due date (a withdrawn one never counts): overdue from its finish on.
FINISHED_LATE = (~Q(status=ItemStatus.WITHDRAWN) & Q(finished_on__isnull=False, due_on__isnull=False)
                 & Q(finished_on__gt=F("due_on")))


def late_on(day: dt.date) -> Q:
    """Items overdue at the end of `day`: finished late by then, or still open after their due date.

    Finished late: finished_on ≤ day and finished_on > due_on. Still open: not finished by `day`
    (finished_on empty or later), due date before `day`, not excused by a pause, case not closed.
    """
    measured = ~Q(status=ItemStatus.WITHDRAWN)
    finished_late = FINISHED_LATE & Q(finished_on__lte=day)
    still_open = ((Q(finished_on__isnull=True) | Q(finished_on__gt=day)) & Q(case__status__in=OPEN_STATUSES)
                  & _due_before(day, started_by=day) & ~_paused_in_time(day))
    return measured & (finished_late | still_open)


def overdue_now(today: dt.date) -> Q:
    """Open items whose due date has passed (standing() state 'overdue')."""
    return (~Q(status__in=ITEM_FINISHED) & Q(case__status__in=OPEN_STATUSES) & _due_before(today, started_by=today)
            & ~_paused_in_time(today))


def _due_in_window(today: dt.date, window: int) -> Q:
    # left = workdays_between(today, due) <= k  ⇔  due < the (k+1)-th working day after today
    limit = add_workdays(today, window + 1).date
    accepted = Q(started_on__isnull=False)
    return ((accepted & Q(due_on__gte=today, due_on__lt=limit))
            | (~accepted & Q(planned_due__gte=today, planned_due__lt=limit)))


def warning_now(today: dt.date, warning_days: int | None = None) -> Q:
    """Open, running items due today or within the warning window (standing() state 'warning').

    The window is each item's workdays.warning.warning_window(limit): one condition per window size, so an item's
    limit picks its window in the database as standing() picks it in Python."""
    if warning_days is not None:
        due_in_window = _due_in_window(today, warning_days)
    else:
        most = settings.WARNING_WORKDAYS  # limits above it all have the full window
        by_limit = ([(Q(catalog_item__limit_workdays=n), warning_window(n)) for n in range(1, most + 1)]
                    + [(Q(catalog_item__limit_workdays__gt=most), warning_window(most + 1))])
        due_in_window = reduce(or_, (limits & _due_in_window(today, window) for limits, window in by_limit))
    return (~Q(status__in=ITEM_FINISHED) & ~Q(status__in=ITEM_PAUSED) & ~Q(status=ItemStatus.PENDING)
            & Q(case__status__in=OPEN_STATUSES) & due_in_window)


def case_warning(today: dt.date) -> Case:
    """A case's worst item state today: 'overdue', 'warning', 'normal' (open cases) or '' (closed)."""
    items = CaseItem.objects.filter(case=OuterRef("pk"))
    return Case(
        When(Exists(items.filter(overdue_now(today))), then=Value("overdue")),
        When(Exists(items.filter(warning_now(today))), then=Value("warning")),
        When(status__in=OPEN_STATUSES, then=Value("normal")),
        default=Value(""), output_field=CharField())
