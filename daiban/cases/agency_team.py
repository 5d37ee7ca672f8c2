"""The agency team by the seed's rules (§1.3 leaders, §5.4 chief agent), checked and proposed.

Rules, each refused with its own message:
- AGENT: always an agent of the case's unit.
- LEAD_LEADER: an industrial 招商引资/平商回归 project of ≥ 5000万元 is led by a section-level (乡科级)
  leader of its locality.
- SUPERVISOR: ≥ 1亿元, also the head of a relevant county department supervises.
- CHIEF_AGENT: a major project has a chief agent (seed §5.4). Which project is major (designated by the center,
  or at or above DAIBAN_MAJOR_PROJECT_WAN) and who qualifies (DAIBAN_CHIEF_AGENT_QUALIFICATIONS: a section-level
  cadre of the township or park, a cadre of the county development-and-reform bureau, a senior agent) are the
  county's own rules (daiban/lib/county_rules.py), and their messages say so.
- LIAISONS: a major project's team includes the liaison officer of every department its items involve;
  any liaison named must be the liaison officer of a department the items involve.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from daiban.cases.models import Case
from daiban.cases.selectors import local_departments_of
from daiban.cases.states import OPEN_STATUSES
from daiban.intake.models import PROMOTION_CATEGORIES
from daiban.lib import county_rules
from daiban.org.models import Region, User
from daiban.org.roles import Role

LEAD_THRESHOLD_WAN = Decimal("5000")
SUPERVISE_THRESHOLD_WAN = Decimal("10000")

RULE_MESSAGES = {
    "agent": "代办员须为本案承办代办机构的代办员（实施办法第六条第二项：指派代办员）",
    "lead_leader": "投资5000万元以上的招商引资（平商回归）工业项目，须由属地乡科级领导干部牵头代办（实施办法第一条第三项）",
    "supervisor": "投资1亿元以上的招商引资（平商回归）工业项目，须由相关县直部门主要负责人督办（实施办法第一条第三项）",
    "liaisons": "重大项目的代办小组须包含所涉每个审批部门的代办联络员（实施办法第五条第四项）",
    "liaison_member": "代办联络员须为本案事项所涉审批部门的代办联络员",
}


def major_threshold_wan() -> Decimal:
    return county_rules.major_project_wan()


def chief_agent_message() -> str:
    return (f"重大项目须由首席代办员领衔代办小组（实施办法第五条第四项）。{county_rules.major_project_text()}；"
            f"{county_rules.chief_agent_text()}")


def rule_message(role: str) -> str:
    return chief_agent_message() if role == "chief_agent" else RULE_MESSAGES[role]


@dataclass
class TeamChoice:
    agent: User | None
    chief_agent: User | None = None
    lead_leader: User | None = None
    supervisor: User | None = None
    liaisons: list[User] = field(default_factory=list)

    def as_usernames(self) -> dict:
        name = lambda u: u.username if u else None  # noqa: E731
        return {"agent": name(self.agent), "chief_agent": name(self.chief_agent),
                "lead_leader": name(self.lead_leader), "supervisor": name(self.supervisor),
                "liaisons": [u.username for u in self.liaisons]}


@dataclass(frozen=True)
class Requirements:
    lead_leader: bool
    supervisor: bool
    chief_agent: bool
    department_ids: frozenset[int]


def project_needs(case: Case) -> dict[str, bool]:
    """Which of the lead leader, the supervisor and the chief agent the case's project calls for."""
    project = case.project
    promoted = project.category in PROMOTION_CATEGORIES and project.industrial
    return {"lead_leader": promoted and project.investment_wan >= LEAD_THRESHOLD_WAN,
            "supervisor": promoted and project.investment_wan >= SUPERVISE_THRESHOLD_WAN,
            "chief_agent": is_major(case)}


def requirements(case: Case) -> Requirements:
    # A higher-level item involves the county department that does its local steps (its liaison officer).
    departments = frozenset(department.pk for department in local_departments_of(case).values())
    return Requirements(**project_needs(case), department_ids=departments)


def is_major(case: Case) -> bool:
    return case.project.major or case.project.investment_wan >= major_threshold_wan()


def _locality(location: Region) -> set[int]:
    """The township or park, and for a park its development zone."""
    ids = {location.pk}
    if location.level == Region.Level.PARK and location.parent_id:
        ids.add(location.parent_id)
    return ids


def qualifies(role: str, user: User, case: Case) -> bool:
    locality = _locality(case.project.location)
    if role == "agent":
        return user.has_role(Role.AGENT, Role.CHIEF_AGENT) and user.body_id == case.unit_id
    if role == "lead_leader":
        return user.section_level and (user.region_id in locality or
                                       (user.body is not None and user.body.region_id in locality))
    if role == "supervisor":
        return user.department_head and user.department is not None and user.department.region.level == "county"
    if role == "chief_agent":
        if not user.has_role(Role.CHIEF_AGENT):
            return False
        backgrounds = {
            "local_cadre": user.section_level and (user.region_id in locality or
                                                   (user.body is not None and user.body.region_id in locality)),
            "drc_cadre": user.department is not None and user.department.code == "fgj",
            "senior_agent": user.senior_agent,
        }
        return any(backgrounds[key] for key in county_rules.chief_agent_qualifications())
    raise ValueError(role)


def violations(choice: TeamChoice, case: Case) -> dict[str, str]:
    """Each broken rule, by the field of the team it concerns."""
    need = requirements(case)
    broken: dict[str, str] = {}
    if choice.agent is None or not qualifies("agent", choice.agent, case):
        broken["agent"] = RULE_MESSAGES["agent"]
    for role in ("lead_leader", "supervisor", "chief_agent"):
        person = getattr(choice, role)
        if person is None and getattr(need, role):
            broken[role] = rule_message(role)
        elif person is not None and not qualifies(role, person, case):
            broken[role] = rule_message(role)
    liaison_departments = set()
    for person in choice.liaisons:
        if not person.has_role(Role.LIAISON) or person.department_id not in need.department_ids:
            broken["liaisons"] = RULE_MESSAGES["liaison_member"]
        liaison_departments.add(person.department_id)
    if "liaisons" not in broken and need.chief_agent and not need.department_ids <= liaison_departments:
        broken["liaisons"] = RULE_MESSAGES["liaisons"]
    return broken


def propose(case: Case) -> TeamChoice:
    """A lawful team from the people on file: the unit's agent with the fewest open cases, and so on."""
    need = requirements(case)
    current = {m.role: m.user for m in case.team.select_related("user")}
    staff = User.objects.filter(is_active=True).select_related("body", "department", "department__region")
    open_cases = Count("case_memberships", filter=Q(case_memberships__case__status__in=OPEN_STATUSES))
    agents = staff.filter(body=case.unit, role_grants__role=Role.AGENT).annotate(load=open_cases).order_by(
        "load", "username")
    agent = current.get("agent") or agents.first()

    def first(role: str, candidates) -> User | None:
        return next((u for u in candidates if qualifies(role, u, case)), None)

    leaders = staff.filter(section_level=True).order_by("username")
    # The economy-and-information bureau supervises industrial projects; the DRC others.
    preferred = "jxj" if case.project.industrial else "fgj"
    heads = sorted(staff.filter(department_head=True).order_by("username"),
                   key=lambda u: (u.department.code != preferred if u.department else True, u.username))
    chiefs = sorted(staff.filter(role_grants__role=Role.CHIEF_AGENT).order_by("username"),
                    key=lambda u: (u.body_id != case.unit_id, u.username))
    liaisons = []
    for department_id in sorted(need.department_ids):
        officer = staff.filter(department_id=department_id, role_grants__role=Role.LIAISON).order_by("username").first()
        if officer is not None:
            liaisons.append(officer)
    return TeamChoice(
        agent=agent,
        chief_agent=first("chief_agent", chiefs) if need.chief_agent else None,
        lead_leader=first("lead_leader", leaders) if need.lead_leader else None,
        supervisor=first("supervisor", heads) if need.supervisor else None,
        liaisons=liaisons,
    )
