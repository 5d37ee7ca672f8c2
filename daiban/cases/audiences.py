"""The people of a case by audience of the notification rule table (daiban/notify/rules.py)."""
from __future__ import annotations

from daiban.cases.models import Case, TeamRole
from daiban.intake.audiences import owner_of
from daiban.notify.rules import To
from daiban.notify.services import Contact

_TEAM: dict[str, To] = {TeamRole.AGENT: To.AGENT, TeamRole.CHIEF_AGENT: To.CHIEF_AGENT, TeamRole.SUPERVISOR: To.SUPERVISOR,
         TeamRole.LIAISON: To.LIAISON}


def case_people(case: Case, *, liaisons=None) -> tuple[dict, Contact]:
    """The team by audience (an audience without a team member is left out, so the unit's own people are found
    instead), the owner's accounts, and the request's contact for an owner without one.
    `liaisons` names the liaison officers of the item concerned, instead of the team's."""
    people: dict = {}
    for member in case.team.select_related("user"):
        if member.role in _TEAM:
            people.setdefault(_TEAM[member.role], []).append(member.user)
    if liaisons is not None:
        people[To.LIAISON] = [u for u in liaisons if u is not None]
    owners, contact = owner_of(case.request)
    return {**people, **owners}, contact

