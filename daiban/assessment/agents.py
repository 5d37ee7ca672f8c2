"""The figures by agent (代办员) kept as events happen (assessment.models.AgentRollup, AgentMonthRollup, CaseAgent,
OverdueAgentSpan), so the statistics by agent sum a few rows per day and month instead of joining every case of
the period to its team and its items.

Whose figures: a case's figures count for the agents its team names NOW (TeamMember role AGENT; one in practice),
whenever they happened — the semantics the statistics by agent always had (assessment.figures groups through
`team__user`, and stays the oracle of the tests). So a team change moves the whole case: CaseAgent keeps the
agents a case is counted under, and `agents_refresh` takes the case's counts (worked out from its own rows, ~20
items) from the agents it lost and adds them to those it gained, in the transaction of the change. (The 好差评
figures count for whoever served when the owner evaluated, closure.served; the assessment figures do not.)

A case's counts come from the same rules as the county's rollups: the case sources of assessment.rollups
(received, accepted, closed, visits, satisfaction; `rollups.case_counts`) and each item's finish and report up
(plans.rollups.parts_of). The events add their own counts under the case's agents: a closing, a visit and an
evaluation through post_save (as assessment.rollups), an item's finish and report up through plans.rollups' count
hook, a team change through cases.hooks, which every writer of a team runs after it (and TeamMember's post_save,
for a writer that creates one row). A catalog item's new limit counts again the limits of the agents' days it
finished on; a calendar change queues a rebuild (assessment.tasks). Each write adds to a day's row and its month's
row by INSERT … ON CONFLICT DO UPDATE, in one order of keys, so parallel writers neither lose a count nor deadlock
on these rows. `agents_rebuild` counts everything again (manage.py rebuild_rollups, the migration that made the
tables).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from django.apps import apps as installed
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_save

from daiban.assessment import rollups
from daiban.assessment.models import AgentMonthRollup, AgentRollup, CaseAgent, OverdueAgentSpan
from daiban.assessment.overdue import agent_spans_fill, agent_spans_write
from daiban.cases import hooks as team_hooks
from daiban.cases.models import CaseItem, CaseTransition, TeamMember, TeamRole
from daiban.cases.states import CaseStatus
from daiban.catalog import hooks as catalog_hooks
from daiban.plans import rollups as item_rollups
from daiban.plans.models import OwnerVisit

CASE_COUNTERS = rollups.COUNTERS
ITEM_COUNTERS = ("finished", "on_time", "workdays", "limit_workdays", "reported_up", "report_up_late")
COUNTERS = (*CASE_COUNTERS, *ITEM_COUNTERS)
Counts = rollups.Counts  # [(day, {counter: value})]


def _agents_named(apps=installed, case_ids: Collection[int] | None = None) -> dict[int, set[int]]:
    """{case: its team's agents} (TeamMember role AGENT), of every case or of `case_ids`."""
    members = apps.get_model("cases", "TeamMember").objects.filter(role=TeamRole.AGENT)
    if case_ids is not None:
        members = members.filter(case_id__in=case_ids)
    found: dict[int, set[int]] = defaultdict(set)
    for case_id, user_id in members.order_by().values_list("case_id", "user_id"):
        found[case_id].add(user_id)
    return found


def _item_counts(apps=installed, **where) -> Iterable[tuple[int, dt.date, dict]]:
    """(case, day, counts) of each finish and report up of the items (all, or those `where` selects)."""
    items = apps.get_model("cases", "CaseItem").objects.filter(**where)
    for row in item_rollups.counted_items(items).values(*item_rollups.FIELDS, "case_id").iterator(chunk_size=5000):
        case_id = row.pop("case_id")
        for key, values in item_rollups.parts_of(row):
            yield case_id, key[0], {name: values[name] for name in ITEM_COUNTERS if values.get(name)}


def case_contribution(case_id: int) -> Counts:
    """What one case adds to its agents' rows: its case counts and its items' counts, by day."""
    counts = list(rollups.case_counts(case_ids=[case_id], counters=CASE_COUNTERS).get(case_id, []))
    counts += [(day, values) for _case, day, values in _item_counts(case_id=case_id)]
    return counts


# --- writing the rows ---------------------------------------------------------------------------------------------

Moves = dict[tuple[dt.date, int], dict[str, Any]]  # (day, agent) → counts to add


def _moves(agents: Iterable[int], counts: Counts, sign: int = 1, into: Moves | None = None) -> Moves:
    moves: Moves = into if into is not None else defaultdict(dict)
    for agent in agents:
        for day, values in counts:
            row = moves[day, agent]
            for name, value in values.items():
                row[name] = row.get(name, 0) + sign * value
    return moves


def _upsert(model, key: str, rows: list[tuple[dt.date, int, dict[str, Any]]], *, replace: bool = False) -> None:
    """Each row (key value, agent, counts) added to `model`'s row of that key and agent, made if it is the first,
    by INSERT … ON CONFLICT DO UPDATE (PostgreSQL and SQLite) in key order; `replace`: the counts given are set,
    not added (the others are left as they are)."""
    if not rows:
        return
    names = sorted({name for _day, _agent, counts in rows for name in counts})
    table, ops = connection.ops.quote_name(model._meta.db_table), connection.ops
    unset = [name for name in COUNTERS if name not in names]  # a new row's other counters: 0
    sets = ", ".join(f"{name} = excluded.{name}" if replace else f"{name} = {table}.{name} + excluded.{name}"
                     for name in names)
    one = "(" + ", ".join(["%s"] * (2 + len(names)) + ["0"] * len(unset)) + ")"
    ordered = sorted(rows, key=lambda row: (row[0], row[1]))
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            cursor.execute(f"INSERT INTO {table} ({', '.join([key, 'agent_id', *names, *unset])}) VALUES "
                           + ", ".join([one] * len(chunk)) + f" ON CONFLICT ({key}, agent_id) DO UPDATE SET {sets}",
                           [value for day, agent, counts in chunk
                            for value in (ops.adapt_datefield_value(day), agent, *(counts.get(n, 0) for n in names))])


def _apply(moves: Moves) -> None:
    """The moves added to the day rows and to their months' rows (in the caller's transaction)."""
    moves = {key: counts for key, counts in moves.items() if any(counts.values())}
    months: Moves = defaultdict(dict)
    for (day, agent), counts in moves.items():
        row = months[day.replace(day=1), agent]
        for name, value in counts.items():
            row[name] = row.get(name, 0) + value
    _upsert(AgentRollup, "day", [(day, agent, counts) for (day, agent), counts in moves.items()])
    _upsert(AgentMonthRollup, "month", [(month, agent, counts) for (month, agent), counts in months.items()])


def _counted_under(case_id: int) -> list[int]:
    return list(CaseAgent.objects.filter(case_id=case_id).values_list("agent_id", flat=True))


def agents_refresh(case_id: int) -> None:
    """The case's agents read again from its team; its counts moved from the agents it lost to those it gained, and
    its agent spans with them (in the caller's transaction)."""
    wanted = _agents_named(case_ids=[case_id]).get(case_id, set())
    kept = set(_counted_under(case_id))
    if wanted == kept:
        return
    counts = case_contribution(case_id)
    _apply(_moves(kept - wanted, counts, -1, _moves(wanted - kept, counts)))
    CaseAgent.objects.filter(case_id=case_id, agent__in=kept - wanted).delete()
    CaseAgent.objects.bulk_create([CaseAgent(case_id=case_id, agent_id=agent) for agent in sorted(wanted - kept)])
    agent_spans_write(case_id)


def _add(case_id: int, source: str, **where) -> None:
    """A closing's, a visit's or an evaluation's own counts added under the case's agents."""
    agents = _counted_under(case_id)
    if agents:
        counts = rollups.case_counts(case_ids=[case_id], sources=[source], counters=CASE_COUNTERS, **where)
        _apply(_moves(agents, counts.get(case_id, [])))


def _item_counted(case_id: int, day: dt.date, counts: dict[str, int]) -> None:
    """plans.rollups' count hook: an item's finish or report up added under its case's agents."""
    agents = _counted_under(case_id)
    if agents:
        _apply(_moves(agents, [(day, {name: counts[name] for name in ITEM_COUNTERS if counts.get(name)})]))


def limits_recount(catalog_item_id: int) -> None:
    """After a catalog item's limit changed: the limit sums of the agents' days it finished on (and of their months)
    counted again from the items of those agents' cases finished then (in the caller's transaction)."""
    finished = (CaseItem.objects.filter(catalog_item_id=catalog_item_id, status__in=item_rollups.MEASURED,
                                        started_on__isnull=False, finished_on__isnull=False, due_on__isnull=False)
                .order_by().values_list("case_id", "finished_on").distinct())
    days: dict[int, set[dt.date]] = defaultdict(set)
    for case_id, day in finished:
        if day is not None:  # (filtered above: for the type checker)
            days[case_id].add(day)
    if not days:
        return
    pairs = {(day, agent) for case_id, agent in CaseAgent.objects.filter(case_id__in=days).values_list(
        "case_id", "agent_id") for day in days[case_id]}
    agents = {agent for _day, agent in pairs}
    counted = CaseAgent.objects.filter(agent__in=agents)
    counted_cases: dict[int, list[int]] = defaultdict(list)
    for case_id, agent in counted.values_list("case_id", "agent_id"):
        counted_cases[case_id].append(agent)
    limits: Moves = {pair: {"limit_workdays": 0} for pair in pairs}
    for case_id, day, values in _item_counts(case__in=counted.values("case_id"),
                                             finished_on__in={day for day, _agent in pairs}):
        for agent in counted_cases[case_id]:
            if (day, agent) in limits and "limit_workdays" in values:
                limits[day, agent]["limit_workdays"] += values["limit_workdays"]
    _upsert(AgentRollup, "day", [(day, agent, counts) for (day, agent), counts in limits.items()], replace=True)
    months = {(day.replace(day=1), agent) for day, agent in pairs}
    summed = (AgentRollup.objects.filter(agent__in=agents, day__gte=min(month for month, _agent in months))
              .order_by().values("agent", month=TruncMonth("day")).annotate(limit_workdays=Sum("limit_workdays")))
    _upsert(AgentMonthRollup, "month", [(row["month"], row["agent"], {"limit_workdays": row["limit_workdays"]})
                                        for row in summed if (row["month"], row["agent"]) in months], replace=True)


# --- counting everything again --------------------------------------------------------------------------------------

def agent_rows(day_model, membership, apps=installed) -> tuple[list, list]:
    """Every day row (in day order) and every case's counted agents, from the whole history (`day_model`,
    `membership`: AgentRollup and CaseAgent, or a migration's)."""
    named = _agents_named(apps)
    totals: dict[tuple[dt.date, int], list] = {}
    position = {name: n for n, name in enumerate(COUNTERS)}

    def add(case_id: int, day: dt.date, values: dict) -> None:
        for agent in named.get(case_id, ()):
            row = totals.get((day, agent))
            if row is None:
                row = totals[day, agent] = [0] * len(COUNTERS)
            for name, value in values.items():
                row[position[name]] += value

    for case_id, counts in rollups.case_counts(apps, counters=CASE_COUNTERS).items():
        for day, values in counts:
            add(case_id, day, values)
    for case_id, day, values in _item_counts(apps):
        add(case_id, day, values)
    rows = [day_model(day=day, agent_id=agent, **dict(zip(COUNTERS, values, strict=True)))
            for (day, agent), values in sorted(totals.items(), key=lambda row: row[0])]
    return rows, [membership(case_id=case_id, agent_id=agent) for case_id, agents in named.items()
                  for agent in sorted(agents)]


def agent_month_rows(day_model, month_model) -> list:
    """The month rows summed from the day rows (the installed models, or a migration's)."""
    return item_rollups.month_rows(day_model, month_model, "agent_id", counters=COUNTERS)


def agents_rebuild() -> int:
    """The agent rollups, the cases' agents and their spans counted again in one transaction (rebuild_rollups,
    after the overdue spans); answers the day rows made."""
    rows, members = agent_rows(AgentRollup, CaseAgent)
    with transaction.atomic():
        for model in (OverdueAgentSpan, AgentMonthRollup, AgentRollup, CaseAgent):
            model.objects.all().delete()
        CaseAgent.objects.bulk_create(members, batch_size=5000)
        AgentRollup.objects.bulk_create(rows, batch_size=2000)
        AgentMonthRollup.objects.bulk_create(agent_month_rows(AgentRollup, AgentMonthRollup), batch_size=2000)
        agent_spans_fill()
    return len(rows)


# --- the events -----------------------------------------------------------------------------------------------------

def _transition(sender, instance: CaseTransition, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and instance.to_status in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
        _add(instance.case_id, "closed", pk=instance.pk)
        if instance.to_status == CaseStatus.COMPLETED:  # the visits recorded before now count under this day
            _add(instance.case_id, "visits")


def _visit(sender, instance: OwnerVisit, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:  # only adds when the case is already completed
        _add(instance.case_id, "visits", pk=instance.pk)


def _evaluation(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        _add(instance.case_id, "satisfaction", pk=instance.pk)


def _member(sender, instance: TeamMember, raw: bool = False, **kwargs) -> None:
    if not raw and instance.role == TeamRole.AGENT:
        agents_refresh(instance.case_id)


def after_catalog_change(item, changed: Collection[str]) -> None:
    if "limit_workdays" in changed:
        limits_recount(item.pk)


def connect() -> None:
    """Called by AssessmentConfig.ready."""
    post_save.connect(_transition, sender=CaseTransition, dispatch_uid="agent_rollup_transition")
    post_save.connect(_visit, sender=OwnerVisit, dispatch_uid="agent_rollup_visits")
    post_save.connect(_evaluation, sender="closure.OwnerEvaluation", dispatch_uid="agent_rollup_scores")
    # A row saved alone (TeamMember.objects.create) moves the case at once. Not on delete: case_team_set deletes the
    # whole team before writing the new one, and its hook then moves the case once, in one statement in key order
    # (the old agent's rows and the new one's together), not the old agent's rows and later the new one's.
    post_save.connect(_member, sender=TeamMember, dispatch_uid="agent_rollup_member_saved")
    team_hooks.register(agents_refresh)
    item_rollups.register_count_hook(_item_counted)
    catalog_hooks.register(after_catalog_change)
