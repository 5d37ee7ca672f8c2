"""Who served a case when its owner evaluated it: the case's agency unit and its agent, the last one added where
the team names several (TeamMember role AGENT, highest pk). Kept on the evaluation when it is submitted, so that
好差评 counts for the unit and agent who served then, not for whoever the team names later."""
from __future__ import annotations

from django.db.models import Model, OuterRef, QuerySet, Subquery

from daiban.cases.models import Case, TeamMember, TeamRole


def _agents(teams: type[Model], case) -> QuerySet:
    """The ids of the case's agents (`case`: a Case or an OuterRef to one), the one who served first."""
    return (teams._default_manager.filter(case=case, role=TeamRole.AGENT).order_by("-pk")
            .values_list("user_id", flat=True))


def served_agent_id(case: Case) -> int | None:
    return _agents(TeamMember, case).first()


def served_fill(evaluations: type[Model], cases: type[Model], teams: type[Model]) -> int:
    """The evaluations that do not say who served (rows from before the columns, or bulk-inserted by a seed) told
    by the rule above as of now, in one UPDATE. The models are passed in, so a migration passes its historical
    ones (OwnerEvaluation, Case, TeamMember)."""
    units = cases._default_manager.filter(pk=OuterRef("case_id")).values("unit_id")
    return evaluations._default_manager.filter(unit__isnull=True).update(
        unit=Subquery(units[:1]), agent=Subquery(_agents(teams, OuterRef("case_id"))[:1]))
