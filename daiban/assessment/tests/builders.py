"""Cases with exactly the dates a test needs, written straight to the models (no services, no papers).

Used where a figure is computed by hand: every date is given, nothing depends on the day the test runs.
"""
from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from daiban.cases.models import Case, CaseItem, CaseTransition, Project, TeamMember, TeamRole
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.intake.models import Company, Request
from daiban.lib.validators import credit_code_check_char
from daiban.org.models import AgencyBody, Region, User
from daiban.plans.deadlines import report_up_due
from daiban.plans.models import OwnerVisit
from daiban.plans.rollups import rollup_item_finished, rollup_item_reported_up
from daiban.workdays.loader import add_workdays

_serial = itertools.count(1)


def at(text: str) -> dt.datetime:
    """'2025-03-04' or '2025-03-04 15:30' as an aware local time (10:00 when no time is given)."""
    value = dt.datetime.fromisoformat(text if " " in text else f"{text} 10:00")
    return timezone.make_aware(value)


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass
class ItemSpec:
    code: str
    started: str | None = None
    finished: str | None = None
    paused: int = 0
    status: str | None = None  # default: approved when finished, in_progress when started, else pending
    planned_due: str | None = None


@dataclass
class CaseSpec:
    town: str  # the unit's and the project's township, e.g. "鳌江镇"
    received: str
    accepted: str | None = None  # None: the request stays unaccepted
    agent: str | None = None
    chief: str | None = None
    items: list[ItemSpec] = field(default_factory=list)
    completed: str | None = None
    terminated: str | None = None
    visits: int = 0
    company: str = "平阳县测试机械有限公司"
    contact_name: str = "张伟"
    contact_phone: str = "13857712345"
    project: str = "测试项目"
    category: str = "investment_promotion"


def _company(name: str) -> Company:
    number = next(_serial)
    body = f"91330326MA{number:07d}"
    return Company.objects.create(name=name, credit_code=body + credit_code_check_char(body))


def build(spec: CaseSpec) -> Request | Case:
    number = next(_serial)
    region = Region.objects.get(name=spec.town)
    unit = AgencyBody.objects.get(kind=AgencyBody.Kind.UNIT, region=region)
    company = _company(spec.company)
    received = at(spec.received)
    request = Request.objects.create(
        tracking_no=f"T{received:%Y%m}{number:05d}", query_code="123456", source="window",
        status=Request.Status.ACCEPTED if spec.accepted else Request.Status.NEW, unit=unit, company=company,
        company_name=company.name, contact_name=spec.contact_name, contact_phone=spec.contact_phone,
        project_name=spec.project, location=region, category=spec.category, industrial=True, investment_wan=3000,
        received_at=received, deemed_day=received.date(), first_contact_due=received.date())
    if not spec.accepted:
        return request
    worker = User.objects.get(username=spec.agent or "center")
    project = Project.objects.create(name=spec.project, company=company, location=region, category=spec.category,
                                     industrial=True, investment_wan=3000,
                                     project_code=f"2503-330326-04-01-{number:06d}")
    status = (CaseStatus.COMPLETED if spec.completed else CaseStatus.TERMINATED if spec.terminated
              else CaseStatus.IN_PROGRESS if spec.items else CaseStatus.ACCEPTED)
    case = Case.objects.create(request=request, project=project, unit=unit, status=status,
                               accepted_at=at(spec.accepted), accepted_by=worker)
    CaseTransition.objects.create(case=case, to_status=CaseStatus.ACCEPTED, at=at(spec.accepted), by=worker)
    if spec.agent:
        TeamMember.objects.create(case=case, user=worker, role=TeamRole.AGENT)
    if spec.chief:
        TeamMember.objects.create(case=case, user=User.objects.get(username=spec.chief), role=TeamRole.CHIEF_AGENT)
    for item in spec.items:
        catalog = CatalogItem.objects.get(code=item.code)
        started, finished = day(item.started), day(item.finished)
        due = add_workdays(started, catalog.limit_workdays + item.paused).date if started else None
        status = item.status or (ItemStatus.APPROVED if finished else ItemStatus.IN_PROGRESS if started
                                 else ItemStatus.PENDING)
        row = CaseItem.objects.create(case=case, catalog_item=catalog, status=status, started_on=started,
                                      due_on=due, paused_workdays=item.paused, finished_on=finished,
                                      planned_due=day(item.planned_due))
        rollup_item_finished(item=row)  # as item_finish does: the statistics read the rollups
    for n in range(spec.visits):
        OwnerVisit.objects.create(case=case, day=received.date(), reason=f"第{n + 1}次到场", recorded_by=worker)
    for closed, to_status in ((spec.completed, CaseStatus.COMPLETED), (spec.terminated, CaseStatus.TERMINATED)):
        if closed:  # last, as a case closes after its items (the rollups read them at the closing)
            CaseTransition.objects.create(case=case, from_status=CaseStatus.IN_PROGRESS, to_status=to_status,
                                          at=at(closed), by=worker)
    return case


TOWNS = ("鳌江镇", "昆阳镇", "萧江镇")
CODES = ("L02", "L05", "S01", "G02")
GRADES = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied", "")


def moment(pick: random.Random, start: dt.date, days: int) -> str:
    """A local time on one of `days` days from `start`, often just after or before midnight."""
    when = start + dt.timedelta(days=pick.randrange(days))
    return f"{when} {pick.choice(('00:20', '09:30', '15:45', '23:50'))}"


def random_history(pick: random.Random, cases: int, *, accepted_share: float, agents: tuple[str | None, ...],
                   each: Callable[[Case, random.Random], None] | None = None) -> list[Case]:
    """Requests (some never accepted), cases of `agents` completed, terminated or open, items finished late, on time,
    paused, refused or withdrawn, visits before and after the completion, owners' evaluations graded or scored: the
    rows created one by one, so the rollups follow the same signals as the services'. `each(case, pick)` adds what a
    test needs more of to each case built (a second agent, reports up)."""
    from daiban.closure.models import OwnerEvaluation  # closure is above assessment: only its tests import it

    built = []
    for _ in range(cases):
        received = moment(pick, dt.date(2026, 9, 1), 40)
        accepted = moment(pick, dt.date.fromisoformat(received[:10]), 3) if pick.random() < accepted_share else None
        end = pick.choice(("completed", "terminated", None, None)) if accepted else None
        closed = moment(pick, dt.date.fromisoformat(accepted[:10]) + dt.timedelta(days=2), 30) if end else None
        items = []
        for code in pick.sample(CODES, pick.randint(0, 3)) if accepted else ():
            started = dt.date.fromisoformat(accepted[:10]) + dt.timedelta(days=pick.randrange(1, 6))
            finished = started + dt.timedelta(days=pick.randrange(0, 40)) if end or pick.random() < 0.6 else None
            status = pick.choice((None, None, None, "refused", "withdrawn")) if finished else None
            items.append(ItemSpec(code, f"{started}", f"{finished}" if finished else None,
                                  paused=pick.choice((0, 0, 2)), status=status))
        case = build(CaseSpec(pick.choice(TOWNS), received, accepted, agent=pick.choice(agents),
                              visits=pick.randrange(3), items=items, completed=closed if end == "completed" else None,
                              terminated=closed if end == "terminated" else None))
        if not isinstance(case, Case):
            continue
        built.append(case)
        if each is not None:
            each(case, pick)
        if end == "completed" and pick.random() < 0.5:  # a visit recorded after the completion
            OwnerVisit.objects.create(case=case, day=dt.date.fromisoformat(closed[:10]), reason="补记到场",
                                      recorded_by=case.accepted_by)
        if end == "completed" and pick.random() < 0.7:
            grade = pick.choice(GRADES)
            scores = [pick.randint(1, 5) for _ in range(4)]
            OwnerEvaluation.objects.create(case=case, grade=grade, attitude=scores[0], efficiency=scores[1],
                                           quality=scores[2], overall=scores[3], fee_asked=False, via="account",
                                           submitted_at=at(moment(pick, dt.date.fromisoformat(closed[:10]), 5)))
    return built


def report_some_up(case: Case, pick: random.Random, share: float) -> None:
    """About `share` of the case's started items done locally and reported up (early, on the due day or late), the
    rollups kept as the report-up service keeps them."""
    for row in case.items.select_related("catalog_item", "case__project").filter(started_on__isnull=False):
        if pick.random() < share:
            done = row.started_on + dt.timedelta(days=pick.randrange(0, 8))
            row.local_done_on, row.report_due_on = done, report_up_due(done).date
            row.reported_up_on = row.report_due_on + dt.timedelta(days=pick.randrange(-1, 4))
            row.save(update_fields=["local_done_on", "report_due_on", "reported_up_on"])
            rollup_item_reported_up(item=row)
