"""The plan as the county's practice predicts it, beside the legal one (issue 16).

Each entrusted item is expected to take the median of the working days its catalog item really used at its
department (the item × department figure when its sample reaches DAIBAN_EVIDENCE_MIN_SAMPLE, else the
item's over all departments, else the legal limit, said so), rounded up to whole working days; the 80 % plan
takes the 80th percentile the same way. The dates follow the task plan's own rule (plans.scheduling): an item
starts when its last entrusted prerequisite is expected to finish. What already happened stands: a started
item keeps its start, a finished one its finish, and a started item still open is never expected to finish
before today.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings

from daiban.cases.models import Case, CaseItem
from daiban.cases.states import ITEM_FINISHED
from daiban.catalog.prerequisites import bound_prerequisites
from daiban.catalog.shape import catalog_shape
from daiban.plans.deadlines import OVERDUE, open_pause_workdays, standing
from daiban.plans.evidence import LEGAL, trusted
from daiban.plans.models import DurationFigure, TaskPlan
from daiban.plans.scheduling import PlanInput, Schedule, permit_and_end, schedule
from daiban.plans.target import target_length
from daiban.workdays.loader import add_workdays, deemed_day


@dataclass(frozen=True)
class Expectation:
    workdays: int  # expected working days, median (rounded up), or the legal limit
    workdays_p80: int
    basis: int | str  # the sample size behind the figures, or "法定时限"
    median: float | None = None
    p80: float | None = None
    mean: float | None = None
    by_department: bool = False

    @property
    def basis_label(self) -> str:
        if self.basis == LEGAL:
            return f"{LEGAL}（办结样本不足{settings.EVIDENCE_MIN_SAMPLE}件）"
        where = "本部门" if self.by_department else "全县"
        return f"{where}近{settings.EVIDENCE_MONTHS}个月{self.basis}件办结样本"


def _rounded_up(value) -> int:
    return max(1, math.ceil(float(value)))


def expectation_of(limit: int, own: DurationFigure | None, overall: DurationFigure | None) -> Expectation:
    """The department's figure when its sample is enough, else the item's, else the legal limit."""
    for figure, by_department in ((own, True), (overall, False)):
        # A figure's median, p80 and mean are computed together: all set or all None.
        if (figure is not None and trusted(figure.sample) and figure.median is not None
                and figure.p80 is not None and figure.mean is not None):
            return Expectation(workdays=_rounded_up(figure.median), workdays_p80=_rounded_up(figure.p80),
                               basis=figure.sample, median=float(figure.median), p80=float(figure.p80),
                               mean=float(figure.mean), by_department=by_department)
    return Expectation(workdays=limit, workdays_p80=limit, basis=LEGAL)


def expectations_for(catalog_items, *, figures: list[DurationFigure] | None = None) -> dict[int, Expectation]:
    """catalog item id → Expectation, for catalog items (each with its department_id): one query, none when
    their `figures` were read already."""
    catalog_items = list(catalog_items)
    if figures is None:
        figures = list(DurationFigure.objects.filter(catalog_item_id__in=[c.pk for c in catalog_items]))
    by_key = {(f.catalog_item_id, f.department_id): f for f in figures}
    return {c.pk: expectation_of(c.limit_workdays, by_key.get((c.pk, c.department_id)), by_key.get((c.pk, None)))
            for c in catalog_items}


@dataclass(frozen=True)
class ExpectedPlan:
    median: Schedule
    p80: Schedule
    expectations: dict[str, Expectation]  # by item code
    permit_date: dt.date | None
    permit_date_p80: dt.date | None
    target_length: int | None
    target_length_p80: int | None

    @property
    def target_likely_met(self) -> bool | None:
        """Likely when the median plan meets the target (the 80 % plan says how safely)."""
        return None if self.target_length is None else self.target_length <= settings.PERMIT_TARGET_LENGTH


def _fixed(item: CaseItem, workdays: int, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """What already happened, for an item in motion: its start, and its finish or its expected finish."""
    if item.started_on is None:
        return None, None
    if item.finished_on is not None:
        return item.started_on, item.finished_on
    paused = item.paused_workdays + open_pause_workdays(item, today)
    return item.started_on, max(add_workdays(item.started_on, workdays + paused).date, today)


def expected_plan(case: Case, plan: TaskPlan, items: list[CaseItem], today: dt.date, *,
                  figures: list[DurationFigure] | None = None) -> ExpectedPlan:
    """The median and 80 % plans of a case; `items` with their catalog_item; the prerequisites bound as the legal
    plan binds them (catalog.prerequisites, read from catalog.shape: no query), the duration `figures` read with
    the items when given (plans.selectors.plan_items), else in one query."""
    by_catalog = expectations_for((item.catalog_item for item in items), figures=figures)
    expectations = {item.catalog_item.code: by_catalog[item.catalog_item_id] for item in items}
    links, entrusted = catalog_shape().links, {item.catalog_item.code for item in items}
    prerequisites = {}
    for i in items:
        ours, owners = bound_prerequisites(i.catalog_item, entrusted, links.get(i.catalog_item_id, []))
        prerequisites[i.catalog_item.code] = tuple(ours + owners)
    schedules = []
    for attribute in ("workdays", "workdays_p80"):
        inputs = [PlanInput(code=i.catalog_item.code, limit=getattr(expectations[i.catalog_item.code], attribute),
                            sort=i.catalog_item.sort, prerequisites=prerequisites[i.catalog_item.code])
                  for i in items]
        fixed = {i.catalog_item.code: _fixed(i, getattr(expectations[i.catalog_item.code], attribute), today)
                 for i in items if i.started_on is not None}
        schedules.append(schedule(inputs, plan.start_date, add_workdays=add_workdays, deemed_day=deemed_day,
                                  fixed=fixed))
    median, p80 = schedules
    permit, end = permit_and_end(median.items)
    permit_p80, end_p80 = permit_and_end(p80.items)
    return ExpectedPlan(median=median, p80=p80, expectations=expectations, permit_date=permit,
                        permit_date_p80=permit_p80, target_length=target_length(median.start, end),
                        target_length_p80=target_length(p80.start, end_p80))


def beyond_practice(item: CaseItem, today: dt.date, expectation: Expectation | None) -> bool:
    """Early warning from evidence: an open item that has used more working days than 80 % of its kind took at
    its department, while still within its legal time (once overdue, the legal warning says more)."""
    if expectation is None or expectation.basis == LEGAL or expectation.p80 is None or item.status in ITEM_FINISHED:
        return False
    where = standing(item, today)
    return where.elapsed is not None and where.state != OVERDUE and where.elapsed > expectation.p80
