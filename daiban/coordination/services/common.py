"""What the coordination services share: who is who on a case, departments by name, and sending a linked request
(an issue escalated to a higher agency body sends one, as does 联动代办 itself)."""
from __future__ import annotations

from django.db.models import Q

from daiban.audit.services import audit_record
from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.coordination.deadlines import Deadline
from daiban.coordination.models import Issue, LinkedRequest, LinkedStep
from daiban.coordination.selectors import HIGHER_KINDS
from daiban.coordination.states import LinkedStatus
from daiban.lib import clock
from daiban.notify.rules import To
from daiban.notify.services import notify_event
from daiban.org.models import AgencyBody, Department, User
from daiban.org.roles import CASE_WORKER_ROLES, UNIT_ROLES, Role
from daiban.org.scope import scope_of


def tell(event: str, *, people: list[User], case: Case, link: str, values: dict, audience: To = To.HANDLER,
         dedupe_key: str | None = None) -> None:
    """A coordination event through the rule table (daiban/notify/rules.py): `people` are the rule's handlers
    (or `audience`); nobody found means the center is told."""
    notify_event(event, values={"project": case.project.name, **values}, link=link, people={audience: people},
                 unit=case.unit, case=case, dedupe_key=dedupe_key)


def works_on(actor: User, case: Case) -> bool:
    """Staff of the case's unit, or of the county center (the same test as cases.require_case_worker)."""
    if not actor.has_role(*CASE_WORKER_ROLES):
        return False
    scope = scope_of(actor)
    return scope.covers_body(case.unit_id)


def staff_of(actor: User, body: AgencyBody | None) -> bool:
    return body is not None and actor.body_id == body.pk and actor.has_role(*UNIT_ROLES)


def body_staff(body: AgencyBody | None) -> list[User]:
    if body is None:
        return []
    return list(User.objects.filter(body=body, is_active=True, role_grants__role__in=sorted(UNIT_ROLES)).distinct())


def unit_admins(body: AgencyBody) -> list[User]:
    admins = list(User.objects.filter(body=body, is_active=True, role_grants__role=Role.UNIT_ADMIN))
    if body.kind == AgencyBody.Kind.CENTER or not admins:
        admins += list(User.objects.filter(is_active=True, role_grants__role=Role.CENTER_ADMIN))
    return admins


def agents_of(case: Case) -> list[User]:
    """The case's agent and chief agent; without a team yet, the unit's agents."""
    team = [m.user for m in case.team.filter(role__in=[TeamRole.AGENT, TeamRole.CHIEF_AGENT]).select_related("user")]
    return team or list(User.objects.filter(body=case.unit_id, is_active=True, role_grants__role=Role.AGENT))


def liaisons_of(departments) -> list[User]:
    return list(User.objects.filter(department__in=departments, is_active=True,
                                    role_grants__role=Role.LIAISON).distinct())


def departments_named(values, field: str) -> tuple[list[Department], dict[str, str]]:
    """Departments by code (or by their exact short name); unknown ones are reported on `field`."""
    wanted = [str(v).strip() for v in (values or []) if str(v).strip()]
    found = list(Department.objects.filter(Q(code__in=wanted) | Q(name__in=wanted)).select_related("region"))
    by_key = {**{d.name: d for d in found}, **{d.code: d for d in found}}
    unknown = [v for v in wanted if v not in by_key]
    if unknown:
        return [], {field: f"没有代号或名称为“{'”“'.join(unknown)}”的部门"}
    return list(dict.fromkeys(by_key[v] for v in wanted)), {}


def higher_body(case: Case, wanted: str | int | None, *, default_kind: str = AgencyBody.Kind.CITY) -> AgencyBody | None:
    """The city or province agency body above the case's unit: by kind ("city"/"province") or id."""
    if wanted in (None, ""):
        wanted = default_kind
    if str(wanted).isdigit():
        return AgencyBody.objects.filter(pk=int(wanted), kind__in=HIGHER_KINDS).first()
    if wanted not in HIGHER_KINDS:
        return None
    body: AgencyBody | None = case.unit
    while body is not None:
        if body.kind == wanted:
            return body
        body = body.parent
    return AgencyBody.objects.filter(kind=wanted).order_by("pk").first()


def linked_page(linked: LinkedRequest) -> str:
    return f"/coordination/linked/{linked.pk}/"


def send_linked(*, actor: User, case: Case, to_body: AgencyBody, subject: str, deadline: Deadline,
                item: CaseItem | None = None, issue: Issue | None = None) -> LinkedRequest:
    """Inside the caller's transaction, permission already checked: the request, its first step, the notice."""
    own = actor.body
    from_body = own if own is not None and own.kind in (AgencyBody.Kind.UNIT, AgencyBody.Kind.CENTER) else case.unit
    now = clock.now()
    linked = LinkedRequest.objects.create(
        case=case, item=item, issue=issue, from_body=from_body, to_body=to_body, subject=subject, sent_by=actor,
        sent_at=now, sent_on=clock.today(), deadline_workdays=deadline.workdays, due_on=deadline.due_on,
        due_provisional=deadline.provisional)
    LinkedStep.objects.create(request=linked, status=LinkedStatus.SENT, at=now, by=actor, note=subject)
    audit_record(event_type="coordination.linked_sent", actor=actor, obj=linked,
                 new={"case_id": case.pk, "from": from_body.name, "to": to_body.name, "subject": subject,
                      "item": item.catalog_item.code if item else None, "issue": issue.pk if issue else None,
                      "due_on": linked.due_on, "deadline_workdays": linked.deadline_workdays})
    tell("linked.sent", people=body_staff(to_body), case=case, link=linked_page(linked), dedupe_key=str(linked.pk),
         values={"from_body": from_body.name, "subject": subject, "due": f"{linked.due_on:%Y-%m-%d}"})
    return linked
