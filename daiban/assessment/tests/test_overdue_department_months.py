"""The departments' overdue cohort read from the month rows of their spans (assessment.models.OverdueDepartmentMonth)
answers what counting the spans answers and what grouping the items answers (item_states.late_on): for periods
cutting months, a whole year, one day, a past period and the running one; the rows hold the GROUP BY of the spans
as the services move items and close cases, equal a rebuild and the upgrade migration, keep every count when
writers move one row at once, and the figure reads two queries at most however many cases."""
from __future__ import annotations

import datetime as dt
import importlib
import random
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import in_parallel
from daiban.assessment.dimensions import DIMENSIONS
from daiban.assessment.figures import _overdue, _overdue_spanned
from daiban.assessment.models import OverdueDepartmentMonth, OverdueSpan
from daiban.assessment.overdue import _months_moved
from daiban.assessment.periods import Period
from daiban.assessment.rollups import case_rollups_rebuild
from daiban.assessment.scoped import Scoped
from daiban.assessment.tests.builders import CaseSpec, build
from daiban.assessment.tests.test_overdue_spans import TODAY, _history, _Narrow
from daiban.cases.models import Case, CaseItem
from daiban.closure.services import case_terminate
from daiban.closure.tests.conftest import Builder
from daiban.lib import clock
from daiban.org.models import Department
from daiban.plans import services as plans
from daiban.plans.models import Pause

D = dt.date.fromisoformat
DEPARTMENT = DIMENSIONS["department"]
PERIODS = {
    "cutting months": Period(D("2026-08-20"), D("2026-10-10")),
    "inside one month": Period(D("2026-09-05"), D("2026-09-25")),
    "a whole year": Period(D("2026-01-01"), D("2026-12-31")),
    "one day": Period(D("2026-09-15"), D("2026-09-15")),
    "past (judged on its last day)": Period(D("2026-09-01"), D("2026-09-30")),
    "past, cutting months": Period(D("2026-08-25"), D("2026-10-05")),
    "running (judged today)": Period(D("2026-09-10"), D("2026-12-20")),
    "the default (1 January to today)": Period(D("2026-01-01"), TODAY),
}


def _month_rows() -> Counter:
    return Counter({(row.month, row.starts_on, row.ends_on, row.department_id): row.spans
                    for row in OverdueDepartmentMonth.objects.all()})


def _spans_grouped() -> Counter:
    """The oracle: the department spans grouped by accepted month in Python."""
    return Counter((accepted_on.replace(day=1), starts_on, ends_on, department)
                   for accepted_on, starts_on, ends_on, department in OverdueSpan.objects.filter(
                       department__isnull=False).values_list("accepted_on", "starts_on", "ends_on", "department"))


def _spans_counted(period: Period) -> dict:
    """The plain count of the spans covering the cutoff (what the figure read before the month rows)."""
    cutoff = period.cutoff()
    rows = (OverdueSpan.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=cutoff), department__isnull=False,
                                       accepted_on__range=(period.start, period.end), starts_on__lte=cutoff)
            .values("department").annotate(overdue=Count("*")))
    return {row["department"]: row["overdue"] for row in rows}


def _twin(case: Case) -> None:
    """A case accepted the same day whose items are its own copies (the pauses too): its spans are the same."""
    accepted = timezone.localtime(case.accepted_at)
    twin = build(CaseSpec("鳌江镇", f"{accepted:%Y-%m-%d %H:%M}", f"{accepted:%Y-%m-%d %H:%M}"))
    assert isinstance(twin, Case)
    twin.status = case.status
    twin.save(update_fields=["status"])
    for item in case.items.prefetch_related("pauses"):
        copy = CaseItem.objects.create(case=twin, catalog_item=item.catalog_item, status=item.status,
                                       started_on=item.started_on, due_on=item.due_on, planned_due=item.planned_due,
                                       finished_on=item.finished_on)
        for pause in item.pauses.all():
            Pause.objects.create(item=copy, kind=pause.kind, reason=pause.reason, rule=pause.rule,
                                 started_on=pause.started_on, ended_on=pause.ended_on,
                                 recorded_by=pause.recorded_by)


def _plain(found: dict) -> dict:
    return {key: values["overdue"] for key, values in found.items() if values.get("overdue")}


def _figure_matches_the_spans_and_the_items(period: Period) -> int:
    rolled = _plain(_overdue_spanned(Scoped.county(), period, DEPARTMENT))
    assert rolled == _spans_counted(period), period
    assert rolled == _plain(_overdue(_Narrow(), period, DEPARTMENT)), period
    return sum(rolled.values())


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [4, 5])
def test_the_month_rows_answer_what_counting_the_spans_and_grouping_the_items_answer(seed, person):
    for case in _history(seed, cases=24)[:6]:
        _twin(case)
    assert _month_rows() == _spans_grouped()
    assert max(_month_rows().values()) > 1  # the twins share their originals' rows
    with clock.frozen(TODAY):
        seen = {name: _figure_matches_the_spans_and_the_items(period) for name, period in PERIODS.items()}
        for day in range(0, 90, 4):  # cutoffs on every side of the acceptances and of today
            end = D("2026-09-03") + dt.timedelta(days=day)
            for start in (D("2026-08-28"), D("2026-09-01"), end - dt.timedelta(days=20)):
                _figure_matches_the_spans_and_the_items(Period(start, end))
    assert seen["a whole year"] and seen["running (judged today)"] and seen["past (judged on its last day)"]


@pytest.mark.django_db
def test_the_month_rows_follow_the_services_as_items_start_pause_finish_and_the_case_ends(person):
    case_rollups_rebuild()  # the demo county's own cases (a fixture, no events)
    builder = Builder(person)
    case = builder.case(on="2026-09-01", items=("L02", "L05", "S01"))
    agent = builder.agent
    checked = []

    def check(on: str) -> None:
        assert _month_rows() == _spans_grouped(), on
        with clock.frozen(on):
            for period in (PERIODS["cutting months"], PERIODS["a whole year"], Period(D("2026-09-01"), D(on))):
                checked.append(_figure_matches_the_spans_and_the_items(period))

    for code in ("L02", "L05", "S01"):
        with clock.frozen("2026-09-02"):
            plans.item_dispatch(actor=agent, item=builder.item(case, code))
            plans.item_start(actor=builder.item(case, code).liaison, item=builder.item(case, code))
    check("2026-09-02")
    assert OverdueDepartmentMonth.objects.filter(month=D("2026-09-01")).exists()  # they will turn overdue
    liaison = builder.item(case, "L05").liaison
    with clock.frozen("2026-09-04"):
        plans.item_pause(actor=liaison, item=builder.item(case, "L05"), kind=Pause.Kind.HEARING, reason="听证")
    check("2026-09-04")
    with clock.frozen("2026-09-20"):
        plans.item_resume(actor=liaison, item=builder.item(case, "L05"))
    check("2026-09-20")
    finish_on = str(builder.item(case, "L02").due_on + dt.timedelta(days=3))  # late
    with clock.frozen(finish_on):
        plans.item_finish(actor=builder.item(case, "L02").liaison, item=builder.item(case, "L02"), approved=True,
                          approval_no=builder.approval_no(case, "L02", finish_on))
    check(finish_on)
    closed_on = str(max(builder.item(case, code).due_on for code in ("L05", "S01")) + dt.timedelta(days=5))
    with clock.frozen(closed_on):
        case_terminate(actor=agent, case=case, reason="业主书面申请终止")  # its open items withdrawn
    check(closed_on)
    assert sum(checked) > 0  # the case did run late on some of the days judged
    kept = _month_rows()
    case_rollups_rebuild()
    assert _month_rows() == kept  # what the services kept is what a rebuild works out


@pytest.mark.django_db
def test_the_month_rows_equal_a_rebuild_and_the_upgrade_migration(person):
    _history(6, cases=20)
    kept = _month_rows()
    assert kept
    case_rollups_rebuild()
    assert _month_rows() == kept
    OverdueDepartmentMonth.objects.all().delete()
    state = MigrationLoader(connection).project_state(("assessment", "0010_spans_department_months"))
    importlib.import_module("daiban.assessment.migrations.0010_spans_department_months").fill(
        state.apps, SimpleNamespace(connection=connection))
    assert _month_rows() == kept


@pytest.mark.django_db
def test_a_row_whose_spans_all_moved_away_is_deleted(person):
    key = dict(month=D("2026-09-01"), starts_on=D("2026-09-20"), ends_on=None,
               department_id=Department.objects.order_by("pk").values_list("pk", flat=True)[0])
    moved = Counter({tuple(key.values()): 2})
    _months_moved(moved, Counter())
    assert OverdueDepartmentMonth.objects.get(**key).spans == 2
    _months_moved(Counter(), Counter({tuple(key.values()): 1}))
    assert OverdueDepartmentMonth.objects.get(**key).spans == 1
    _months_moved(Counter(), Counter({tuple(key.values()): 1}))
    assert not OverdueDepartmentMonth.objects.filter(**key).exists()


@pytest.mark.django_db
def test_the_department_figure_reads_as_many_queries_for_many_cases_as_for_few(person):
    periods = (Period(D("2026-09-01"), D("2026-10-31")), PERIODS["cutting months"], PERIODS["one day"])

    def queries() -> list[tuple[int, set[str]]]:
        found = []
        with clock.frozen(TODAY):
            for period in periods:
                with CaptureQueriesContext(connection) as captured:
                    _overdue(Scoped.county(), period, DEPARTMENT)
                read = {table for table in ("assessment_overduedepartmentmonth", "assessment_overduespan")
                        if any(table in query["sql"] for query in captured)}
                found.append((len(captured), read))
        return found

    _history(10, cases=3)
    few = queries()
    _history(11, cases=25)
    # one statement whatever the period: whole months read the month rows alone; cut months, and the partial
    # months' spans; one day, the spans alone
    assert queries() == few == [(1, {"assessment_overduedepartmentmonth"}),
                                (1, {"assessment_overduedepartmentmonth", "assessment_overduespan"}),
                                (1, {"assessment_overduespan"})]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_writers_moving_one_row_at_once_lose_no_count(demo):
    department = Department.objects.order_by("pk").values_list("pk", flat=True)[0]
    shared = (D("2026-09-01"), D("2026-09-20"), None, department)
    other = (D("2026-09-01"), D("2026-09-21"), D("2026-10-01"), department)
    pick = random.Random(1)

    def writer(made: Counter, dropped: Counter, times: int):
        def run() -> int:
            for _ in range(times):
                with transaction.atomic():
                    _months_moved(made, dropped)
            return times
        return run

    ups = [writer(Counter({shared: 1, other: pick.randint(1, 3)}), Counter(), 25) for _ in range(4)]
    assert in_parallel(ups) == [25] * 4  # the first ones race to make the rows
    assert OverdueDepartmentMonth.objects.get(starts_on=shared[1], ends_on=None).spans == 100
    made_other = OverdueDepartmentMonth.objects.get(starts_on=other[1]).spans
    downs = [writer(Counter({other: 1}), Counter({shared: 1}), 50) for _ in range(2)]
    assert in_parallel(downs) == [50] * 2
    assert not OverdueDepartmentMonth.objects.filter(starts_on=shared[1]).exists()  # reached 0 together: deleted
    assert OverdueDepartmentMonth.objects.get(starts_on=other[1]).spans == made_other + 100
