"""The figures by agent read from the agent rollups (assessment.agents) answer exactly what grouping every request,
case, closing, visit, evaluation and item through the case's team answers (assessment.figures, the oracle): for
generated histories with several agents, cases with two agents and cases with none, for periods of a day, a week,
whole and cut months and a year and the previous period of each; also after cases change agent (open and closed
ones, through the team service and row by row), after events that come after the change, and after a catalog item's
limit changes; what the events kept equals a rebuild and the upgrade migration; parallel writers lose no count; and
the statistics by agent read as many queries however long the history."""
from __future__ import annotations

import datetime as dt
import importlib
import io
import random
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from conftest import in_parallel
from daiban.assessment import agents
from daiban.assessment.dimensions import DIMENSIONS
from daiban.assessment.figures import COUNTED, counts
from daiban.assessment.models import AgentMonthRollup, AgentRollup, CaseAgent, OverdueAgentSpan
from daiban.assessment.periods import Period
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import stats
from daiban.assessment.tests.builders import random_history, report_some_up
from daiban.assessment.tests.test_case_rollups import PERIODS, _Narrow
from daiban.assessment.tests.test_rollups import LONGER_NATIONAL_DAY_2026
from daiban.cases import hooks as team_hooks
from daiban.cases.models import Case, TeamMember, TeamRole
from daiban.cases.services import case_team_set
from daiban.catalog.models import CatalogItem
from daiban.catalog.services import catalog_item_update
from daiban.closure.services import case_complete
from daiban.closure.tests.conftest import HANDOVER, Builder
from daiban.lib import clock
from daiban.org.models import User
from daiban.workdays.services import calendar_confirm_year, calendar_import_year

D = dt.date.fromisoformat
AGENT = DIMENSIONS["agent"]
TODAY = "2026-11-20"
AGENTS = ("aojiang", "kunyang", "xiaojiang", None)
CUT = [Period(D("2026-09-02"), D("2026-10-30")), Period(D("2026-09-01"), D("2026-09-30"))]


def _history(seed: int, cases: int = 24) -> list[Case]:
    """Requests (some never accepted), cases of three agents or of none (a few with a second agent), completed or
    terminated or open, items finished late, on time, paused, refused or withdrawn and some reported up, visits
    before and after the completion, owners' evaluations: the rows created one by one as the services create them."""
    return random_history(random.Random(seed), cases, accepted_share=0.85, agents=AGENTS,
                          each=_second_agent_and_reports)


def _second_agent_and_reports(case: Case, pick: random.Random) -> None:
    if pick.random() < 0.15:  # a second agent on the team
        TeamMember.objects.create(case=case, user=User.objects.get(username="shuitou"), role=TeamRole.AGENT)
    report_some_up(case, pick, 0.3)


def _plain(found: dict) -> dict:
    names = (*COUNTED, "score_sum", "scores")
    rows = {key: {name: round(float(values.get(name) or 0), 4) for name in names} for key, values in found.items()}
    return {key: values for key, values in rows.items() if any(values.values())}


def _figures_match_the_oracle() -> int:
    """Every figure by agent from the rollups against the GROUP BY through the team; answers the groups compared."""
    compared = 0
    with clock.frozen(TODAY):
        for period in (*PERIODS, *CUT, *(period.previous() for period in (*PERIODS, *CUT))):
            rolled = _plain(counts(Scoped.county(), period, AGENT))
            grouped = _plain(counts(_Narrow(), period, AGENT))
            assert rolled == grouped, period
            compared += sum(1 for values in grouped.values() if values["finished"] or values["overdue"])
    return compared


def _kept() -> tuple[set, ...]:
    """Every row the agent rollups keep (a row whose counts all came to 0 is as good as none)."""
    names = agents.COUNTERS
    zero = {name: 0 for name in names}
    return (set(AgentRollup.objects.exclude(**zero).values_list("day", "agent", *names)),
            set(AgentMonthRollup.objects.exclude(**zero).values_list("month", "agent", *names)),
            set(CaseAgent.objects.values_list("case", "agent")),
            set(OverdueAgentSpan.objects.values_list("case", "agent", "accepted_on", "starts_on", "ends_on")))


def _move_agents(cases: list[Case], pick: random.Random) -> None:
    """Some cases (closed ones too) given another agent row by row, or none, then the team hook run as the team's
    writers run it."""
    for case in pick.sample(cases, len(cases) // 3):
        TeamMember.objects.filter(case=case, role=TeamRole.AGENT).delete()
        agent = pick.choice(AGENTS)
        if agent:
            TeamMember.objects.create(case=case, user=User.objects.get(username=agent), role=TeamRole.AGENT)
        team_hooks.run(case.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_agent_rollups_answer_what_grouping_through_the_team_answers(seed, person):
    cases = _history(seed)
    assert _figures_match_the_oracle() > 10  # the histories did reach agents with finished and overdue cases
    _move_agents(cases, random.Random(seed))
    assert _figures_match_the_oracle() > 10
    closed = [c for c in _history(seed + 10, cases=12) if c.status != "in_progress"]  # events after a move
    _move_agents(closed, random.Random(seed + 1))
    _history(seed + 20, cases=6)
    assert _figures_match_the_oracle() > 10


@pytest.mark.django_db
def test_a_new_limit_of_a_catalog_item_moves_the_agents_limits(person):
    _history(4)
    before = _kept()
    catalog_item_update(actor=person("center"), item=CatalogItem.objects.get(code="L05"), limit_workdays=1)
    assert _kept()[0] != before[0]  # the limit is part of the figures: they did change
    assert _figures_match_the_oracle()
    kept = _kept()
    agents.agents_rebuild()
    assert _kept() == kept


@pytest.mark.django_db
def test_confirming_the_calendar_counts_the_agents_working_days_again_after_commit(
        person, django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY

    _history(8)
    before = _kept()
    calendar_import_year(actor=person("sysadmin"), year=2026, text=LONGER_NATIONAL_DAY_2026)
    HUEY.immediate = True  # the worker runs in this process
    try:
        with django_capture_on_commit_callbacks(execute=True):
            calendar_confirm_year(actor=person("sysadmin"), year=2026)
    finally:
        HUEY.immediate = False
    assert _kept()[0] != before[0]  # the working days moved, and the agents' rows with them
    assert _figures_match_the_oracle()


@pytest.mark.django_db
def test_the_rollups_the_events_kept_equal_a_rebuild_and_the_upgrade_migration(person):
    cases = _history(5)
    _move_agents(cases, random.Random(5))
    kept = _kept()
    assert all(kept) and len(kept[1]) < len(kept[0])
    assert agents.agents_rebuild() >= len(kept[0])
    assert _kept() == kept
    for model in (OverdueAgentSpan, AgentMonthRollup, AgentRollup, CaseAgent):
        model.objects.all().delete()
    state = MigrationLoader(connection).project_state(("assessment", "0011_agent_rollups"))
    importlib.import_module("daiban.assessment.migrations.0011_agent_rollups").fill(
        state.apps, SimpleNamespace(connection=connection))
    assert _kept() == kept


@pytest.mark.django_db
def test_the_bulk_rows_of_seed_scale_are_counted_by_rebuild_rollups(demo, checkpoint_dir):
    call_command("seed_scale", "--cases", "80", "--audit-events", "100", "--tag", "T", "--no-verify",
                 stdout=io.StringIO())
    assert not AgentRollup.objects.filter(day__lt=D("2026-01-01")).exists()  # bulk rows send no signal
    call_command("rebuild_rollups", stdout=io.StringIO())
    compared = 0
    for period in (Period(D("2024-01-01"), D("2024-12-31")), Period(D("2025-03-15"), D("2025-06-20")),
                   Period(D("2026-01-01"), D(TODAY))):
        with clock.frozen(TODAY):
            rolled = _plain(counts(Scoped.county(), period, AGENT))
            assert rolled == _plain(counts(_Narrow(), period, AGENT)), period
        compared += len(rolled)
    assert compared > 20


@pytest.mark.django_db
def test_the_team_service_moves_a_cases_figures_to_its_new_agent(person):
    builder = Builder(person)
    case = builder.case(on="2026-09-01", items=("L02", "L05"))
    builder.finish(case, "L02", on="2026-09-03")
    chief = person("chief")  # 叶承志 of 鳌江镇 may serve as the agent
    rows = lambda: {r["key"]: r for r in stats(Scoped.county(), Period(D("2026-09-01"), D("2026-09-30")),  # noqa: E731
                                                 "agent")["rows"]}
    assert rows()[builder.agent.pk]["finished_items"] >= 1
    with clock.frozen("2026-09-04"):
        case_team_set(actor=builder.agent, case=case, agent="chief", liaisons=["fgj", "sthj"])
    assert set(CaseAgent.objects.filter(case=case).values_list("agent", flat=True)) == {chief.pk}
    builder.finish(case, "L05", on="2026-09-08")
    with clock.frozen("2026-09-10"):
        case_complete(actor=builder.agent, case=case, handover=HANDOVER, opinion="资料齐全，同意办结")
    moved = rows()[chief.pk]
    assert (moved["accepted"], moved["finished_items"], moved["completed"]) == (1, 2, 1)
    _figures_match_the_oracle()
    kept = _kept()
    agents.agents_rebuild()
    assert _kept() == kept


@pytest.mark.django_db
def test_the_statistics_by_agent_read_as_many_queries_for_a_long_history_as_for_a_short_one(person):
    def queries() -> list[int]:
        found = []
        with clock.frozen(TODAY):
            for period in (PERIODS[2], PERIODS[4], PERIODS[0]):  # whole months; cut months; days alone
                with CaptureQueriesContext(connection) as captured:
                    stats(Scoped.county(), period, "agent")
                found.append(len(captured))
        return found

    _history(6, cases=4)
    short = queries()
    _history(7, cases=30)
    # Every rollup read of this period and the previous one in one statement (the agent rollups' months and the days
    # around them, the agent spans), the totals in another (a case can count for two agents: the case and item
    # rollups, the overdue spans); then the agents' names.
    assert queries() == short == [3, 3, 3]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_writers_adding_to_one_agents_rows_at_once_lose_no_count(demo):
    aojiang, kunyang = (User.objects.get(username=name).pk for name in ("aojiang", "kunyang"))
    day, other = D("2026-09-20"), D("2026-10-03")

    def writer(moves: list, times: int):
        def run() -> int:
            for _ in range(times):
                with transaction.atomic():
                    agents._apply({key: dict(values) for key, values in moves})
            return times
        return run

    def kept() -> tuple:
        def of(model, **key) -> tuple:
            row = model.objects.filter(**key).first()
            return (row.finished, row.workdays, row.received, row.accepted) if row else (0, 0, 0, 0)
        return (of(AgentRollup, day=day, agent=aojiang), of(AgentRollup, day=day, agent=kunyang),
                of(AgentMonthRollup, month=D("2026-09-01"), agent=aojiang),
                of(AgentMonthRollup, month=D("2026-10-01"), agent=kunyang))

    before = kept()  # the demo county's own rows, if any
    ups = [writer([((day, aojiang), {"finished": 1, "workdays": 3}), ((other, kunyang), {"accepted": 1})], 25)
           for _ in range(4)]
    assert in_parallel(ups) == [25] * 4  # the first ones race to make the rows
    downs = [writer([((day, aojiang), {"finished": -1}), ((day, kunyang), {"received": 1})], 25) for _ in range(2)]
    assert in_parallel(downs) == [25] * 2
    moved = [tuple(a - b for a, b in zip(now, then, strict=True)) for now, then in zip(kept(), before, strict=True)]
    assert moved == [(50, 300, 0, 0), (0, 0, 50, 0), (50, 300, 0, 0), (0, 0, 0, 100)]
    # Team changes the other way round at once (aojiang → kunyang and back, over the same days): each move is one
    # statement per table in key order, so they wait for each other and never deadlock.
    there = [((day, aojiang), {"finished": -1}), ((day, kunyang), {"finished": 1}),
             ((other, aojiang), {"accepted": -1}), ((other, kunyang), {"accepted": 1})]
    back = [(key, {name: -value for name, value in counts.items()}) for key, counts in there]
    settled = kept()
    assert in_parallel([writer(there, 25), writer(back, 25), writer(there, 25), writer(back, 25)]) == [25] * 4
    assert kept() == settled
