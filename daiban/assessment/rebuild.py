"""Every statistic kept as events happen counted again from the rows (after an import, a bulk seed such as seed_scale
or the demo county's load, or a change of the working-day calendar): the item rollups (plans.rollups), the case
rollups and overdue spans with their month rollup by department (assessment.rollups, assessment.overdue), the case
figures by department (assessment.departments), the unit and agent who served on the owners' evaluations written
without them (closure.served: the 好差评 figures group by them), and the figures by agent (assessment.agents, after
the overdue spans it copies)."""
from __future__ import annotations

from typing import NamedTuple

from daiban.assessment.agents import agents_rebuild
from daiban.assessment.departments import departments_rebuild
from daiban.assessment.models import (
    AgentMonthRollup,
    AgentRollup,
    CaseAgent,
    CaseDepartment,
    CaseMonthRollup,
    CaseRollup,
    DepartmentCaseRollup,
    OverdueAgentSpan,
    OverdueDepartmentMonth,
    OverdueSpan,
)
from daiban.assessment.rollups import case_rollups_rebuild
from daiban.cases.models import Case, TeamMember
from daiban.closure.models import OwnerEvaluation
from daiban.closure.served import served_fill
from daiban.goodbad.stats import figures_advance
from daiban.plans.models import ItemCatalogMonthRollup, ItemRollup, ItemUnitMonthRollup
from daiban.plans.rollups import rollups_rebuild

# The tables statistics_rebuild rewrites, for the planner's statistics after it (lib.migrating.analyze).
REWRITTEN = (ItemRollup, ItemUnitMonthRollup, ItemCatalogMonthRollup, CaseRollup, CaseMonthRollup, OverdueSpan,
             OverdueDepartmentMonth, DepartmentCaseRollup, CaseDepartment, OwnerEvaluation, CaseAgent, AgentRollup,
             AgentMonthRollup, OverdueAgentSpan)


class Rebuilt(NamedTuple):
    items: dict[str, int]  # plans.rollups.rollups_rebuild's counts
    cases: dict[str, int]  # case_rollups_rebuild's
    departments: int  # department rollup rows
    served: int  # evaluations told who served
    agents: int  # agent rollup day rows


def statistics_rebuild() -> Rebuilt:
    """Each rebuild in turn (each audited by its own service); answers what each counted."""
    rebuilt = Rebuilt(rollups_rebuild(), case_rollups_rebuild(), departments_rebuild(),
                      served_fill(OwnerEvaluation, Case, TeamMember), agents_rebuild())
    figures_advance()  # served_fill fills evaluations in bulk, without the receivers that advance it
    return rebuilt
