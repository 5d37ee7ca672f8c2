"""Response deadlines of coordination: read from input, and where one stands (the items' thresholds)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from daiban.lib.errors import ValidationFailed
from daiban.plans.deadlines import LABELS, due_standing
from daiban.workdays.loader import add_workdays

# A coordination tier, a linked request or a resolution asks for an answer within weeks, not a year.
MAX_WORKDAYS = 120


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date
    provisional: bool
    workdays: int | None  # None when the deadline was given as a date


def deadline_from(*, start: dt.date, workdays=None, respond_by: dt.date | None = None,
                  field: str = "deadline_workdays", date_field: str = "respond_by") -> Deadline:
    """A deadline in working days after `start` (the start day not counted), or an explicit later date."""
    if workdays in (None, "") and respond_by is None:
        raise ValidationFailed({field: "请填写答复时限（工作日）"})
    if workdays not in (None, "") and respond_by is not None:
        raise ValidationFailed({field: "答复时限请按工作日数或按日期填写其中一种"})
    if respond_by is not None:
        if respond_by <= start:
            raise ValidationFailed({date_field: f"答复期限应晚于{start:%Y-%m-%d}，不能是已过去的日期"})
        return Deadline(respond_by, False, None)
    if isinstance(workdays, bool) or not isinstance(workdays, int):
        try:
            workdays = int(str(workdays).strip())
        except ValueError:
            raise ValidationFailed({field: "答复时限应为工作日数（正整数）"}) from None
    if workdays <= 0:
        raise ValidationFailed({field: "答复时限应为正整数个工作日"})
    if workdays > MAX_WORKDAYS:
        raise ValidationFailed({field: f"答复时限不超过{MAX_WORKDAYS}个工作日"})
    result = add_workdays(start, workdays)
    return Deadline(result.date, result.provisional, workdays)


@dataclass(frozen=True)
class DueState:
    """How a deadline stands: running (state 正常/预警/逾期, days left) or met (answered on time or late)."""

    due_on: dt.date
    state: str | None  # normal / warning / overdue while running; None once answered or done
    left: int | None
    finished_on: dt.date | None = None

    @property
    def late(self) -> bool:
        return bool(self.finished_on and self.finished_on > self.due_on)

    @property
    def label(self) -> str:
        if self.finished_on is not None:
            return "逾期完成" if self.late else "按期完成"
        return LABELS.get(self.state or "", "")

    @property
    def css(self) -> str:
        if self.finished_on is not None:
            return "tag bad" if self.late else "tag good"
        return f"state-{self.state}" if self.state else ""

    @property
    def left_text(self) -> str:
        if self.left is None:
            return ""
        if self.left < 0:
            return f"已逾期{-self.left}个工作日"
        return "今日到期" if self.left == 0 else f"剩余{self.left}个工作日"

    def as_dict(self) -> dict:
        return {"due_on": self.due_on, "warning": self.state, "warning_label": self.label,
                "workdays_left": self.left, "finished_on": self.finished_on, "late": self.late}


def running(due_on: dt.date, today: dt.date) -> DueState:
    state, left = due_standing(due_on, today)
    return DueState(due_on, state, left)


def finished(due_on: dt.date, on: dt.date) -> DueState:
    return DueState(due_on, None, None, on)


def where(due_on: dt.date, today: dt.date, finished_on: dt.date | None) -> DueState:
    return finished(due_on, finished_on) if finished_on else running(due_on, today)
