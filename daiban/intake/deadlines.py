"""The first-contact deadline: the one formula every service, recompute and demo calls.

The period is the county's own rule (DAIBAN_FIRST_CONTACT_WORKDAYS, default 1 working day; the seed says 第一时间),
counted from the day the request is deemed received (a request on a rest day counts from the next working day).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from daiban.lib import county_rules
from daiban.workdays.loader import add_workdays, deemed_day


@dataclass(frozen=True)
class FirstContact:
    deemed_day: dt.date
    due_on: dt.date
    provisional: bool


def first_contact_deadline(received_on: dt.date) -> FirstContact:
    deemed = deemed_day(received_on)
    due = add_workdays(deemed.date, county_rules.first_contact_workdays())
    return FirstContact(deemed.date, due.date, deemed.provisional or due.provisional)
