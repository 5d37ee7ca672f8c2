"""The dates a person declares about an item: never before the item's previous event, never after today.

Every item service that takes a declared date (受理、暂停、恢复、本级办结、上报、办结) asks `check_declared`,
so the people whose timeliness is judged cannot move the clock by choosing a date.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daiban.lib import clock
from daiban.lib.errors import ValidationFailed


def previous_event(item) -> tuple[dt.date, str]:
    """The latest thing that happened to the item (or its case), with its Chinese name."""
    events: list[tuple[dt.date, str]] = [(timezone.localtime(item.case.accepted_at).date(), "案件受理日期")]
    if item.dispatched_at is not None:
        events.append((timezone.localtime(item.dispatched_at).date(), "派单日期"))
    if item.started_on is not None:
        events.append((item.started_on, "受理（起算）日期"))
    for pause in item.pauses.all():
        events.append((pause.started_on, "暂停开始日期"))
        if pause.ended_on is not None:
            events.append((pause.ended_on, "恢复计时日期"))
    if item.local_done_on is not None:
        events.append((item.local_done_on, "本级办结日期"))
    if item.reported_up_on is not None:
        events.append((item.reported_up_on, "上报日期"))
    return max(events, key=lambda event: event[0])


def check_declared(item, day: dt.date, *, field: str, what: str) -> dt.date:
    """Answers `day` if it lies between the item's previous event and today; else a field error."""
    if day > clock.today():
        raise ValidationFailed({field: f"{what}不能晚于今天（{clock.today():%Y-%m-%d}）"})
    if item.dispatched_at is None and field == "started_on":
        raise ValidationFailed({field: "该事项尚未派单，不能受理"})
    previous, name = previous_event(item)
    if day < previous:
        raise ValidationFailed({field: f"{what}不能早于该事项的{name}（{previous:%Y-%m-%d}）"})
    return day
