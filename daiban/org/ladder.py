"""The coordination ladder (分层分级协调, seed §5.5.2), read from the agency bodies' data.

For an issue on a case served by agency body B: the agent coordinates (1) → B organises the departments at its
level (2) → B's parent, the agency body of the government above (3) → that level's approval-management
department or its government (4) → the next parent body (5) → its department or government (6) … up to the
body without a parent. A township or park unit's parent is the county center; a case the county center serves
itself therefore starts at the county. Each body's `parent`, `government` and `authority` are data, so another
county's chain is configured, not programmed.

疑难会商 (a special problem the same-level government must solve) goes to a leader of a government on the same
ladder: the bodies' `government` names it and the leaders are the people with the leader role in its region.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from daiban.org.models import AgencyBody, Department, User
from daiban.org.roles import Role


class Step(models.IntegerChoices):
    """What kind of rung a level is."""

    AGENT = 1, "代办员协调"
    UNIT = 2, "属地代办机构组织同级部门协调"
    HIGHER_BODY = 3, "上级代办机构组织协调"
    AUTHORITY = 4, "上级审管部门或上级政府协调"


@dataclass(frozen=True)
class Rung:
    number: int
    step: int
    body: AgencyBody
    authority: Department | None = None

    @property
    def label(self) -> str:
        return Step(self.step).label

    @property
    def government(self) -> str:
        return government_name(self.body)

    @property
    def handler(self) -> str:
        """Who coordinates at this level (for the agent's level, the agent's own name is added by the caller)."""
        if self.step == Step.AUTHORITY:
            return (self.authority.full_name or self.authority.name) if self.authority else self.government
        return self.body.name


def government_name(body: AgencyBody) -> str:
    """The government at `body`'s level, as its data names it (by default the region's 人民政府)."""
    return body.government or f"{body.region.name}人民政府"


def ladder_for(unit: AgencyBody) -> list[Rung]:
    """Every level an issue on a case served by `unit` may reach, lowest first, numbered from 1."""
    rungs = [Rung(1, Step.AGENT, unit), Rung(2, Step.UNIT, unit)]
    seen = {unit.pk}
    body = unit.parent
    while body is not None and body.pk not in seen:  # a misconfigured cycle ends the ladder, not the server
        seen.add(body.pk)
        rungs.append(Rung(len(rungs) + 1, Step.HIGHER_BODY, body))
        rungs.append(Rung(len(rungs) + 1, Step.AUTHORITY, body, body.authority))
        body = body.parent
    return rungs



def government_leaders(body: AgencyBody) -> list[User]:
    """The leaders of `body`'s government (`Rung.government`): the people with the leader role in the body's
    region; heads of departments are not the government's leaders."""
    return list(User.objects.filter(role_grants__role=Role.LEADER, is_active=True, department_head=False,
                                    region_id=body.region_id).distinct().order_by("pk"))


def consultation_bodies(unit: AgencyBody, reached: int) -> list[AgencyBody]:
    """Whose governments are at the same level for a 疑难会商 on an issue at ladder level `reached`, lowest
    first: the unit's own, and each body above it up to the level reached, and at least up to the county
    center (the first body of kind 县投资项目代办服务中心: the government a township or park unit applies to)."""
    bodies: list[AgencyBody] = []
    top = 1
    county_found = False
    for rung in ladder_for(unit):
        if rung.step not in (Step.UNIT, Step.HIGHER_BODY):
            continue
        bodies.append(rung.body)
        is_county = rung.body.kind == AgencyBody.Kind.CENTER and not county_found
        county_found = county_found or is_county
        if rung.number <= reached or is_county:
            top = len(bodies)
    return bodies[:top]
