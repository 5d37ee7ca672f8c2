"""The overdue cohort counted from the kept spans (assessment.overdue) answers what grouping the items answers
(item_states.late_on, the oracle): for histories with items in every state — planned and not started, started,
paused before and after their due date, finished late and on time, withdrawn — in open and closed cases, for
periods cut anywhere and judged on days before and after "today", in total and by unit, township and department;
the spans follow the items as they move, equal a rebuild, and the figure needs no more queries for more cases."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import DEMO_PASSWORD
from daiban.assessment.dimensions import DIMENSIONS
from daiban.assessment.figures import _overdue
from daiban.assessment.models import OverdueSpan
from daiban.assessment.overdue import merged, overdue_rows
from daiban.assessment.periods import Period
from daiban.assessment.rollups import case_rollups_rebuild
from daiban.assessment.scoped import Scoped
from daiban.assessment.tests.builders import CaseSpec, at, build
from daiban.cases.models import Case, CaseItem, CaseTransition
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.lib import clock
from daiban.plans.models import Pause

D = dt.date.fromisoformat
TODAY = D("2026-10-20")
TOWNS = ("鳌江镇", "昆阳镇", "萧江镇")
CODES = ("L02", "L05", "S01", "G02")
BREAKDOWNS = (None, "unit", "township", "department")


class _Narrow(Scoped):
    """The county seen as a narrower scope would be: the cohort is grouped from the items themselves."""

    def __init__(self):
        super().__init__(False, None, Scoped.county().requests)

    def over(self, queryset, path="case"):
        return queryset


def _near(pick: random.Random, day: dt.date, spread: int = 12) -> dt.date:
    return day + dt.timedelta(days=pick.randint(-spread, spread))


def _item(pick: random.Random, case: Case, catalog: CatalogItem) -> CaseItem:
    accepted = case.accepted_at.date()
    status = pick.choice(list(ItemStatus))
    started = _near(pick, accepted + dt.timedelta(days=10)) if status != ItemStatus.PENDING and pick.random() < 0.8 else None
    due = started + dt.timedelta(days=pick.randint(0, 25)) if started and pick.random() < 0.9 else None
    planned = _near(pick, accepted + dt.timedelta(days=15)) if pick.random() < 0.6 else None
    finished = None
    if status in (ItemStatus.APPROVED, ItemStatus.REFUSED, ItemStatus.WITHDRAWN) or pick.random() < 0.1:
        finished = _near(pick, (due or accepted) + dt.timedelta(days=3), 10)
    item = CaseItem.objects.create(case=case, catalog_item=catalog, status=status, started_on=started, due_on=due,
                                   planned_due=planned, finished_on=finished)
    if pick.random() < (0.8 if status in (ItemStatus.SUSPENDED, ItemStatus.AWAITING_CORRECTION) else 0.1):
        Pause.objects.create(item=item, kind=Pause.Kind.CORRECTION, reason="补正", rule="补正",
                             started_on=_near(pick, due or accepted + dt.timedelta(days=20), 6),
                             recorded_by=case.accepted_by)
    return item


def _history(seed: int, cases: int = 16) -> list[Case]:
    """Cases accepted around September–October 2026 with random items, some closed after them."""
    case_rollups_rebuild()  # the demo county's own cases, loaded as a fixture (no events)
    pick = random.Random(seed)
    catalog = list(CatalogItem.objects.filter(code__in=CODES))
    built = []
    for _ in range(cases):
        accepted = D("2026-09-01") + dt.timedelta(days=pick.randrange(45))
        case = build(CaseSpec(pick.choice(TOWNS), f"{accepted} 09:00", f"{accepted} 23:50"))
        assert isinstance(case, Case)
        for catalog_item in pick.sample(catalog, pick.randint(1, 4)):
            _item(pick, case, catalog_item)
        if pick.random() < 0.35:
            to_status = pick.choice((CaseStatus.COMPLETED, CaseStatus.TERMINATED))
            case.status = to_status
            case.save(update_fields=["status"])
            CaseTransition.objects.create(case=case, from_status=CaseStatus.IN_PROGRESS, to_status=to_status,
                                          at=at(f"{_near(pick, accepted + dt.timedelta(days=30))} 16:00"),
                                          by=case.accepted_by)
        built.append(case)
    return built


def _periods() -> list[Period]:
    """Periods whose cutoffs fall on every day from before the first acceptance to after today."""
    found = [Period(D("2026-01-01"), D("2026-12-31")), Period(D("2026-09-01"), D("2026-09-30"))]
    for n in range(0, 80, 3):
        end = D("2026-09-05") + dt.timedelta(days=n)
        found += [Period(D("2026-09-01"), end), Period(end - dt.timedelta(days=9), end)]
    return found


def _plain(found: dict) -> dict:
    return {key: values["overdue"] for key, values in found.items() if values.get("overdue")}


def _compare() -> int:
    seen = 0
    with clock.frozen(TODAY):
        for period in _periods():
            for by in BREAKDOWNS:
                dimension = DIMENSIONS[by] if by else None
                kept = _plain(_overdue(Scoped.county(), period, dimension))
                assert kept == _plain(_overdue(_Narrow(), period, dimension)), (period, by)
                seen += sum(kept.values())
    return seen


def _spans() -> set[tuple]:
    return set(OverdueSpan.objects.values_list("case", "department", "accepted_on", "unit", "township",
                                               "starts_on", "ends_on"))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_overdue_spans_answer_what_grouping_the_items_answers_on_every_cutoff(seed, person):
    _history(seed)
    assert _compare() > 50  # the histories were overdue on many of the days compared


@pytest.mark.django_db
def test_the_spans_follow_items_as_they_start_pause_resume_finish_and_move(person):
    pick = random.Random(9)
    _history(9)
    open_items = list(CaseItem.objects.filter(case__status__in=(CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS)))
    for item in pick.sample(open_items, min(20, len(open_items))):
        change = pick.choice(("start", "pause", "resume", "finish", "plan", "withdraw"))
        if change == "start":
            item.status, item.started_on = ItemStatus.IN_PROGRESS, _near(pick, D("2026-09-20"))
            item.due_on = item.started_on + dt.timedelta(days=pick.randint(0, 20))
            item.save(update_fields=["status", "started_on", "due_on"])
        elif change == "pause":
            item.status = ItemStatus.SUSPENDED
            item.save(update_fields=["status"])
            Pause.objects.create(item=item, kind=Pause.Kind.HEARING, reason="听证", rule="听证",
                                 started_on=_near(pick, item.due_on or D("2026-10-01")), recorded_by=item.case.accepted_by)
        elif change == "resume":
            for pause in item.pauses.filter(ended_on__isnull=True):
                pause.ended_on = D("2026-10-15")
                pause.save(update_fields=["ended_on"])
            item.status = ItemStatus.IN_PROGRESS
            item.due_on = (item.due_on or D("2026-10-01")) + dt.timedelta(days=5)
            item.save(update_fields=["status", "due_on"])
        elif change == "finish":
            item.status, item.finished_on = ItemStatus.APPROVED, _near(pick, item.due_on or D("2026-10-05"))
            item.save(update_fields=["status", "finished_on"])
        elif change == "plan":
            item.planned_due = _near(pick, D("2026-09-25"))
            item.save(update_fields=["planned_due"])
        else:
            item.status, item.finished_on = ItemStatus.WITHDRAWN, D("2026-10-10")
            item.save(update_fields=["status", "finished_on"])
    CaseItem.objects.filter(pk=pick.choice(open_items).pk).delete()
    _compare()
    kept = _spans()
    assert kept
    OverdueSpan.objects.all().delete()
    OverdueSpan.objects.bulk_create(overdue_rows(OverdueSpan))
    assert _spans() == kept  # what the events kept is what a rebuild works out


@pytest.mark.django_db
def test_the_overdue_figure_reads_as_many_queries_for_many_cases_as_for_few(person):
    def queries() -> list[int]:
        found = []
        with clock.frozen(TODAY):
            for by in BREAKDOWNS:
                with CaptureQueriesContext(connection) as captured:
                    _overdue(Scoped.county(), Period(D("2026-09-01"), D("2026-10-31")), DIMENSIONS[by] if by else None)
                found.append(len(captured))
        return found

    _history(10, cases=3)
    few = queries()
    _history(11, cases=25)
    assert queries() == few == [1, 1, 1, 1]


def test_touching_and_overlapping_spans_merge_into_one():
    assert merged([(D("2026-01-05"), D("2026-01-09")), (D("2026-01-01"), D("2026-01-05")),
                   (D("2026-01-20"), None), (D("2026-01-25"), D("2026-02-01"))]) == [
        (D("2026-01-01"), D("2026-01-09")), (D("2026-01-20"), None)]
    assert merged([(D("2026-01-01"), D("2026-01-03")), (D("2026-01-04"), D("2026-01-06"))]) == [
        (D("2026-01-01"), D("2026-01-03")), (D("2026-01-04"), D("2026-01-06"))]


@pytest.mark.django_db
def test_the_dashboard_page_and_the_stats_api_read_as_many_queries_for_many_cases_as_for_few(person, client):
    assert client.login(username="center", password=DEMO_PASSWORD)
    query = {"from": "2026-09-01", "to": "2026-10-31"}

    def queries() -> list[int]:
        found = []
        with clock.frozen(TODAY):
            for path in ("/assessment/", "/api/v1/stats"):
                client.get(path, query)
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(path, query).status_code == 200
                found.append(len(captured))
        return found

    _history(12, cases=3)
    few = queries()
    _history(13, cases=25)
    assert queries() == few
