"""The case figures read from the day and month rollups (assessment.rollups) answer exactly what the old GROUP BY
over the requests, cases, closings, visits and evaluations answers: for generated histories with times around
local midnight, by every breakdown the rollups keep, for periods of a day, a week, two whole months, a year and
periods starting and ending mid-month, and for the previous period of each; the rollups the events (the
services' too) kept equal a rebuild and the upgrade migrations' counts; and the dashboard reads as many queries
however long the history."""
from __future__ import annotations

import datetime as dt
import importlib
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from daiban.assessment.departments import departments_rebuild
from daiban.assessment.dimensions import DIMENSIONS
from daiban.assessment.figures import (
    CASE_ROLLUP_KEYS,
    _accepted,
    _cases_rolled_up,
    _closed,
    _department_cases_rolled_up,
    _overdue,
    _received,
    _satisfaction,
    _visits,
)
from daiban.assessment.models import CaseMonthRollup, CaseRollup, OverdueSpan
from daiban.assessment.periods import Period
from daiban.assessment.rollups import case_rollups_rebuild
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import monthly, stats
from daiban.assessment.tests.builders import random_history
from daiban.audit.models import AuditEvent
from daiban.cases.models import Case
from daiban.closure.evaluations import OwnerAnswers, evaluation_submit
from daiban.closure.tests.conftest import Builder
from daiban.lib import clock

D = dt.date.fromisoformat
PERIODS = [Period(D("2026-10-01"), D("2026-10-08")), Period(D("2026-09-01"), D("2026-10-31")),
           Period(D("2026-01-01"), D("2026-12-31")), Period(D("2026-09-15"), D("2026-09-15")),
           # cut months: partial first and last months around whole ones, and around none
           Period(D("2026-08-20"), D("2026-11-10")), Period(D("2026-09-15"), D("2026-10-20"))]
FIGURES = ("overdue", "received", "accepted", "completed", "terminated", "visits", "score_sum", "scores")


def _history(seed: int, cases: int = 24) -> list[Case]:
    """Requests (some never accepted), cases completed or terminated or open, visits before and after the
    completion, owners' evaluations graded or scored: all written as the services write them (rows created one
    by one, so the rollups follow the same signals)."""
    case_rollups_rebuild()  # the demo county's own cases, loaded as a fixture (no events)
    departments_rebuild()
    return random_history(random.Random(seed), cases, accepted_share=0.8, agents=("aojiang",))


class _Narrow(Scoped):
    """The county seen as a narrower scope would be: the figures are grouped from the rows themselves."""

    def __init__(self):
        super().__init__(False, None, Scoped.county().requests)

    def over(self, queryset, path="case"):
        return queryset


def _grouped(period: Period, by: str | None) -> dict:
    """The old GROUP BY over every row of the period, for the whole county."""
    county, dimension = _Narrow(), DIMENSIONS[by] if by else None
    found: dict = {}
    for part in (_received, _accepted, _closed, _visits, _satisfaction, _overdue):
        for key, values in part(county, period, dimension).items():
            found.setdefault(key, {}).update(values)
    return found


def _rolled_up(period: Period, by: str | None) -> dict:
    county, dimension = Scoped.county(), DIMENSIONS[by] if by else None
    if by == "department":
        found = _department_cases_rolled_up(county, period, dimension)
        for key, values in _satisfaction(county, period, dimension).items():
            found.setdefault(key, {}).update(values)
    else:
        found = _cases_rolled_up(county, period, dimension)
    for key, values in _overdue(county, period, dimension).items():
        found.setdefault(key, {}).update(values)
    return found


def _plain(found: dict) -> dict:
    rows = {key: {name: round(float(values.get(name) or 0), 4) for name in FIGURES} for key, values in found.items()}
    # a case without items has no department: counts() leaves the None group out
    return {key: values for key, values in rows.items() if any(values.values()) and key is not None}


def _figures_match_the_oracle() -> int:
    compared = 0
    for period in (*PERIODS, *(period.previous() for period in PERIODS)):
        for by in (None, *CASE_ROLLUP_KEYS, "department"):
            rolled = _plain(_rolled_up(period, by))
            grouped = _plain(_grouped(period, by))
            assert rolled == grouped, (period, by)
            compared += len(grouped)
    return compared


def _spans() -> set[tuple]:
    return set(OverdueSpan.objects.values_list("case", "department", "accepted_on", "unit", "township", "starts_on",
                                               "ends_on"))


def _rows() -> set[tuple]:
    return set(CaseRollup.objects.values_list("day", "unit", "township", *FIGURES[1:]))


def _month_rows() -> set[tuple]:
    return set(CaseMonthRollup.objects.values_list("month", "unit", "township", *FIGURES[1:]))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_case_rollups_answer_what_grouping_every_row_answers(seed, person):
    _history(seed)
    assert _figures_match_the_oracle() > 20  # the histories did reach every period and breakdown
    rolled = {k: v for k, v in stats(Scoped.county(), PERIODS[1], "township")["totals"].items() if k != "previous"}
    assert rolled["accepted"] and rolled["completed"] and rolled["satisfaction"] is not None and rolled["overdue"]


@pytest.mark.django_db
def test_the_month_series_from_the_rollups_equals_the_one_grouped_from_the_rows(person):
    _history(4)

    for period in (PERIODS[2], PERIODS[0], Period(D("2026-08-20"), D("2026-11-10"))):  # whole and cut months
        assert monthly(Scoped.county(), period) == monthly(_Narrow(), period)


@pytest.mark.django_db
def test_the_rollups_the_events_kept_equal_a_rebuild_and_the_upgrade_migration(person):
    _history(5)
    kept, months = _rows(), _month_rows()
    late = _spans()
    assert any(row[3] for row in kept) and any(row[7] for row in kept) and late  # received, visits, late cases
    assert len(months) < len(kept)
    assert case_rollups_rebuild()["rows"] == len(kept)
    assert _rows() == kept
    assert _month_rows() == months
    assert _spans() == late
    assert AuditEvent.objects.filter(event_type="rollups.cases_rebuilt").exists()
    CaseRollup.objects.all().delete()
    state = MigrationLoader(connection).project_state(("assessment", "0004_count_case_rollups"))
    importlib.import_module("daiban.assessment.migrations.0004_count_case_rollups").rebuild(state.apps, None)
    assert _rows() == kept
    OverdueSpan.objects.all().delete()
    state = MigrationLoader(connection).project_state(("assessment", "0005_dash_overdue_spans"))
    importlib.import_module("daiban.assessment.migrations.0005_dash_overdue_spans").fill(state.apps, None)
    assert _spans() == late
    CaseMonthRollup.objects.all().delete()
    state = MigrationLoader(connection).project_state(("assessment", "0008_stats_case_month_rollups"))
    importlib.import_module("daiban.assessment.migrations.0008_stats_case_month_rollups").fill(state.apps, None)
    assert _month_rows() == months
    CaseRollup.objects.all().delete()
    CaseMonthRollup.objects.all().delete()
    call_command("rebuild_rollups", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _rows() == kept
    assert _month_rows() == months


@pytest.mark.django_db
def test_the_county_dashboard_reads_as_many_queries_for_a_long_history_as_for_a_short_one(person):
    cut = Period(D("2026-01-01"), D("2026-10-20"))  # as the default period: whole months, then a partial one

    def queries() -> list[int]:
        found = []
        for period in (PERIODS[2], cut):
            for by in ("unit", "township", "department", "agent"):
                with CaptureQueriesContext(connection) as captured:
                    stats(Scoped.county(), period, by)
                found.append(len(captured))
        return found

    _history(6, cases=4)
    queries()  # the first reading by agent builds the working-day table
    short = queries()
    _history(7, cases=30)
    assert queries() == short
    # By unit and township: every rollup read of this period and the previous one (the case and item month rollups,
    # the days of a partial month from the day rollups, the overdue spans) in one statement, then the names. By
    # department: that statement, the agents' ratings of each period, the names and the county's totals (a case has
    # several departments, so its totals are one more statement of reads).
    assert short[:3] == [2, 2, 5]
    assert short[4:7] == [2, 2, 5]


@pytest.mark.django_db
def test_the_services_add_to_the_month_rows_as_they_add_to_the_day_rows(person):
    case_rollups_rebuild()  # the rows filled as the migration fills them; then the events
    build = Builder(person)
    case = build.completed(start="2026-10-12", on="2026-11-03")  # received, accepted, items finished, completed
    with clock.frozen("2026-11-05"):
        evaluation_submit(actor=build.owner(case), case=case, answers=OwnerAnswers(grade="satisfied", fee_asked=False))
    key = {"unit": case.unit_id, "township": case.project.location_id}
    october, november = (CaseMonthRollup.objects.get(month=D(month), **key) for month in ("2026-10-01", "2026-11-01"))
    assert (october.received, october.accepted, november.completed, november.scores) == (1, 1, 1, 1)
    kept, months = _rows(), _month_rows()
    case_rollups_rebuild()
    assert (_rows(), _month_rows()) == (kept, months)
    for period in (Period(D("2026-10-12"), D("2026-11-30")), Period(D("2026-10-01"), D("2026-11-04"))):
        for by in (None, *CASE_ROLLUP_KEYS):
            assert _plain(_rolled_up(period, by)) == _plain(_grouped(period, by)), (period, by)
