"""The statistics read from the day rollups (plans.rollups) answer exactly what the old GROUP BY over every
item answers: for generated histories around the 2026 holidays, by every breakdown the rollups keep, for
periods of a day, a month and a year; and the rollups the events kept equal a rebuild from scratch."""
from __future__ import annotations

import datetime as dt
import importlib
import random

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from daiban.assessment.dimensions import DIMENSIONS
from daiban.assessment.figures import COUNTED, ROLLUP_KEYS, _items_grouped, _items_rolled_up, counts, whole_months
from daiban.assessment.periods import Period
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import _bottleneck_rows, monthly, stats
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build, report_some_up
from daiban.audit.models import AuditEvent
from daiban.cases.models import Case, CaseItem
from daiban.catalog.models import CatalogItem
from daiban.catalog.services import catalog_item_update
from daiban.intake.models import Request
from daiban.plans.deadlines import report_up_due, report_up_late
from daiban.plans.models import ItemCatalogMonthRollup, ItemRollup, ItemUnitMonthRollup
from daiban.plans.rollups import rollup_item_reported_up, rollups_rebuild
from daiban.workdays.services import calendar_confirm_year, calendar_import_year

D = dt.date.fromisoformat
CODES = ("L02", "L05", "S01", "G02")
TOWNS = ("鳌江镇", "昆阳镇")
PERIODS = [Period(D("2026-10-01"), D("2026-10-08")), Period(D("2026-09-01"), D("2026-10-31")),
           Period(D("2026-01-01"), D("2026-12-31")), Period(D("2026-10-09"), D("2026-10-09")),
           # periods that cut months: partial first and last months around whole ones, and none whole
           Period(D("2026-08-20"), D("2026-11-10")), Period(D("2026-09-15"), D("2026-10-20")),
           Period(D("2026-09-02"), D("2026-10-30")), Period(D("2026-09-01"), D("2026-09-30"))]


def _history(seed: int, cases: int = 30) -> None:
    """Cases whose items start and finish (late, on time, paused, refused, withdrawn) around National Day,
    some reported up, all written straight to the models with the rollups kept as the services keep them."""
    pick = random.Random(seed)
    for _ in range(cases):
        received = D("2026-09-01") + dt.timedelta(days=pick.randrange(40))
        items = []
        for code in pick.sample(CODES, pick.randint(1, 3)):
            started = received + dt.timedelta(days=pick.randrange(1, 10))
            finished = started + dt.timedelta(days=pick.randrange(0, 30)) if pick.random() < 0.8 else None
            status = pick.choice((None, None, None, "refused", "withdrawn")) if finished else None
            items.append(ItemSpec(code, f"{started}", f"{finished}" if finished else None,
                                  paused=pick.choice((0, 0, 2)), status=status))
        case = build(CaseSpec(pick.choice(TOWNS), f"{received}", f"{received}", agent="aojiang", items=items))
        report_some_up(case, pick, 0.4)


def _plain(found: dict) -> dict:
    """Groups with every count as a number, groups with nothing dropped (a GROUP BY has no empty groups)."""
    names = ("finished", "on_time", "workdays", "limit", "reported_up", "report_up_late")
    rows = {key: {name: int(values.get(name) or 0) for name in names} for key, values in found.items()}
    return {key: values for key, values in rows.items() if any(values.values())}


def _rows() -> set[tuple]:
    """Every day and month rollup row."""
    counters = ("finished", "on_time", "workdays", "limit_workdays", "late", "reported_up", "report_up_late")
    return (set(ItemRollup.objects.values_list("day", "unit", "township", "department", "catalog_item", *counters))
            | set(ItemUnitMonthRollup.objects.values_list("month", "unit", "township", *counters))
            | set(ItemCatalogMonthRollup.objects.values_list("month", "catalog_item", *counters)))


@pytest.mark.parametrize(("start", "end", "whole"), [
    ("2026-09-01", "2026-10-31", ("2026-09-01", "2026-10-31")),
    ("2026-08-20", "2026-11-10", ("2026-09-01", "2026-10-31")),
    ("2026-09-02", "2026-10-30", ("2026-10-01", "2026-09-30")),  # none whole: the first after the last
    ("2026-12-15", "2027-01-31", ("2027-01-01", "2027-01-31")),
    ("2024-02-01", "2024-02-29", ("2024-02-01", "2024-02-29")),
    ("2026-10-09", "2026-10-09", ("2026-11-01", "2026-09-30")),
])
def test_a_period_is_its_whole_months_and_the_days_around_them(start, end, whole):
    assert whole_months(Period(D(start), D(end))) == (D(whole[0]), D(whole[1]))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollups_answer_what_grouping_every_item_answers(seed):
    _history(seed)
    county = Scoped.county()
    compared = 0
    for period in (*PERIODS, *(period.previous() for period in PERIODS)):
        for by in (None, *ROLLUP_KEYS):
            dimension = DIMENSIONS[by] if by else None
            rolled = _plain(_items_rolled_up(county, period, dimension))
            grouped = _plain(_items_grouped(county, period, dimension))
            assert rolled == grouped, (period, by)
            compared += len(grouped)
        by_item = lambda rows: {r["catalog_item"]: (r["items"], int(r["workdays"]), r["late_items"])  # noqa: E731
                                for r in rows}
        assert by_item(_bottleneck_rows(county, period)) == by_item(_bottleneck_rows(_Narrow(county), period))
    assert compared > 20  # the histories did reach every period and breakdown


def _unit_scopes(unit_id: int) -> tuple[Scoped, Scoped]:
    """A unit's staff's scope as Scoped.of makes it (its rows of the rollups), and the same cases and requests
    with the rollups out of reach (`units` None: every figure grouped from the unit's own rows)."""
    cases, requests = Case.objects.filter(unit=unit_id).order_by().values("pk"), Request.objects.filter(unit=unit_id)
    units = frozenset({unit_id})
    return Scoped(False, cases, requests.order_by(), units, units), Scoped(False, cases, requests.order_by(), units)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_a_units_staff_reads_their_units_rows_of_the_rollups_and_sees_what_grouping_their_cases_shows(seed):
    _history(seed)
    units = set(Case.objects.values_list("unit", flat=True))
    assert len(units) > 1  # the other units' rows are there to be left out
    for unit_id in units:
        rolled, grouped = _unit_scopes(unit_id)
        assert rolled.rolled_up and not grouped.rolled_up
        for period in (*PERIODS, PERIODS[0].previous()):
            for by in (None, "unit", "township"):
                dimension = DIMENSIONS[by] if by else None
                assert _counted(counts(rolled, period, dimension)) == _counted(counts(grouped, period, dimension)), (
                    unit_id, period, by)
            assert monthly(rolled, period) == monthly(grouped, period), (unit_id, period)


def _counted(found: dict) -> dict:
    """Groups with every count (COUNTED and the scores) as a number, groups with nothing dropped."""
    names = (*COUNTED, "score_sum", "scores")
    rows = {key: {name: int(values.get(name) or 0) for name in names} for key, values in found.items()}
    return {key: values for key, values in rows.items() if any(values.values())}


@pytest.mark.django_db
def test_a_units_staff_reads_the_rollups_in_as_few_queries_as_the_county(person):
    _history(7)
    unit_id = Case.objects.values_list("unit", flat=True).first()
    rolled, _grouped = _unit_scopes(unit_id)
    period = PERIODS[1]  # partial first and last months around whole ones
    with CaptureQueriesContext(connection) as county_queries:
        counts(Scoped.county(), period, DIMENSIONS["unit"])
    with CaptureQueriesContext(connection) as unit_queries:
        counts(rolled, period, DIMENSIONS["unit"])
    assert len(unit_queries) == len(county_queries)
    assert all("cases_case" not in query["sql"] for query in unit_queries)


class _Narrow(Scoped):
    """The county seen as a narrower scope would be: the statistics group the items themselves."""

    def __init__(self, county: Scoped):
        super().__init__(False, None, county.requests)

    def over(self, queryset, path="case"):
        return queryset


@pytest.mark.django_db
def test_the_rollups_the_events_kept_equal_a_rebuild_from_every_item():
    _history(4)
    kept = _rows()
    assert ItemRollup.objects.filter(finished__gt=0).exists() and ItemRollup.objects.filter(reported_up__gt=0).exists()
    assert ItemUnitMonthRollup.objects.count() < ItemRollup.objects.count()
    assert rollups_rebuild()["rows"] == ItemRollup.objects.count()
    assert _rows() == kept


@pytest.mark.django_db
def test_a_report_up_around_national_day_is_late_alike_by_the_rule_the_rollups_and_sql(person):
    """Local steps done on 2026-09-30: the report is due on 10-08 (10-01…10-07 are the holiday); one item
    reported on 10-08 is on time, one on 10-09 is late."""
    case = build(CaseSpec("鳌江镇", "2026-09-20", "2026-09-21", agent="aojiang",
                          items=[ItemSpec("L05", "2026-09-22"), ItemSpec("S01", "2026-09-22")]))
    reports = {"L05": D("2026-10-08"), "S01": D("2026-10-09")}
    for row in case.items.select_related("catalog_item", "case__project"):
        row.local_done_on, row.report_due_on = D("2026-09-30"), report_up_due(D("2026-09-30")).date
        row.reported_up_on = reports[row.catalog_item.code]
        row.save(update_fields=["local_done_on", "report_due_on", "reported_up_on"])
        rollup_item_reported_up(item=row)
    assert set(case.items.values_list("report_due_on", flat=True)) == {D("2026-10-08")}
    by_rule = {row.catalog_item.code: report_up_late(due=row.report_due_on, reported_on=row.reported_up_on)
               for row in CaseItem.objects.filter(case=case).select_related("catalog_item")}
    assert by_rule == {"L05": False, "S01": True}
    national_day = Period(D("2026-10-01"), D("2026-10-31"))
    totals = stats(Scoped.county(), national_day, "unit")["totals"]
    assert (totals["reported_up"], totals["report_up_late"]) == (2, 1)
    grouped = _plain(_items_grouped(Scoped.county(), national_day, None))
    assert [(g["reported_up"], g["report_up_late"]) for g in grouped.values()] == [(2, 1)]


@pytest.mark.django_db
def test_the_dashboard_figures_take_as_many_queries_for_a_year_as_for_a_day(person):
    _history(5)
    county = Scoped.county()

    def queries(period: Period) -> int:
        with CaptureQueriesContext(connection) as captured:
            stats(county, period, "department")
        return len(captured)

    assert queries(PERIODS[2]) == queries(PERIODS[3])


def _figures_match_the_oracle() -> bool:
    """The dashboard's figures from the rollups equal the GROUP BY over every item, for each period and
    breakdown."""
    return all(_plain(_items_rolled_up(Scoped.county(), period, DIMENSIONS[by] if by else None))
               == _plain(_items_grouped(Scoped.county(), period, DIMENSIONS[by] if by else None))
               for period in PERIODS for by in (None, *ROLLUP_KEYS))


@pytest.mark.django_db
def test_a_catalog_limit_change_recounts_the_items_rollups_at_once(person):
    _history(6)
    before = _rows()
    l05 = CatalogItem.objects.get(code="L05")
    catalog_item_update(actor=person("center"), item=l05, limit_workdays=1)
    assert _figures_match_the_oracle()
    assert _rows() != before  # the limit is part of the figures: they did change
    l05_rows = ItemRollup.objects.filter(catalog_item=l05, finished__gt=0)
    assert l05_rows and all(row.limit_workdays == row.finished for row in l05_rows)
    assert AuditEvent.objects.filter(event_type="rollups.rebuilt", new__catalog_item=l05.pk).exists()


@pytest.mark.django_db
def test_a_catalog_change_that_leaves_limit_and_department_recounts_nothing(person):
    _history(7)
    rebuilt = AuditEvent.objects.filter(event_type="rollups.rebuilt")
    before = rebuilt.count()  # the demo county's load rebuilds once
    catalog_item_update(actor=person("center"), item=CatalogItem.objects.get(code="L05"), note="只改备注")
    assert rebuilt.count() == before


# A made-up 2026 arrangement: National Day runs on to 10-16, so every item open over it used fewer working days.
LONGER_NATIONAL_DAY_2026 = """
2026-01-01~2026-01-03 休 元旦
2026-02-15~2026-02-23 休 春节
2026-10-01~2026-10-16 休 国庆节
"""


@pytest.mark.django_db
def test_confirming_the_calendar_rebuilds_the_rollups_after_commit(person, django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY

    _history(8)
    before, rebuilt = _rows(), AuditEvent.objects.filter(event_type="rollups.rebuilt")
    rebuilds = rebuilt.count()  # the demo county's load rebuilds once
    calendar_import_year(actor=person("sysadmin"), year=2026, text=LONGER_NATIONAL_DAY_2026)
    HUEY.immediate = True  # the worker runs in this process
    try:
        with django_capture_on_commit_callbacks(execute=True):
            calendar_confirm_year(actor=person("sysadmin"), year=2026)
    finally:
        HUEY.immediate = False
    assert _rows() != before  # the working days moved, and the rollups with them
    assert _figures_match_the_oracle()
    assert rebuilt.count() > rebuilds


@pytest.mark.django_db
def test_the_upgrade_migration_counts_the_rollups_of_items_written_before_the_table():
    """Items finished before plans.0003 made the table have no rollup rows; the migration's own function, run
    on the model state it was written for, counts them as a rebuild does."""
    _history(9)
    kept = _rows()
    ItemRollup.objects.all().delete()
    ItemUnitMonthRollup.objects.all().delete()
    ItemCatalogMonthRollup.objects.all().delete()
    loader = MigrationLoader(connection)
    importlib.import_module("daiban.plans.migrations.0004_rebuild_item_rollups").rebuild(
        loader.project_state(("plans", "0004_rebuild_item_rollups")).apps, None)
    # 0005's ItemMonthRollup is dropped by 0008: its successors count the months
    importlib.import_module("daiban.plans.migrations.0006_dash_item_catalog_months").count(
        loader.project_state(("plans", "0006_dash_item_catalog_months")).apps, None)
    importlib.import_module("daiban.plans.migrations.0007_dash_item_unit_months").count(
        loader.project_state(("plans", "0007_dash_item_unit_months")).apps, None)
    assert kept and _rows() == kept
    assert _figures_match_the_oracle()
