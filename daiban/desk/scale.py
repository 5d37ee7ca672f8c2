"""A generated province for measurement: many cases through bulk inserts, their history and their audit trail.

Used by `manage.py seed_scale` and bench/bench_stats.py. Seeded: the same arguments make the same data.
The demo county, its staff and the item catalog must be loaded first (`seed_demo`); the province's other
counties come from data/province.json, each with its centre and three units.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from daiban.audit.bulk import audit_append_many
from daiban.cases.models import Case, CaseItem, CaseTransition, Project, TeamMember, TeamRole
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.closure.grades import Grade
from daiban.closure.models import OwnerEvaluation
from daiban.coordination.models import Issue, Meeting
from daiban.coordination.states import IssueStatus
from daiban.goodbad.stats import figures_advance
from daiban.intake.models import Category, Company, Request, Source
from daiban.lib import clock
from daiban.lib.validators import credit_code_check_char
from daiban.org.models import AgencyBody, Region, User
from daiban.plans.models import OwnerVisit, WorkLog
from daiban.workdays.loader import add_workdays

PROVINCE_FILE = Path(__file__).resolve().parent / "data" / "province.json"
YEARS = 5
FIRST_DAY, LAST_DAY = dt.date(2024, 1, 1), dt.date(2025, 12, 31)  # bench_stats' two county years
AUDITED = ["intake.request_submitted", "case.agreement_set", "case.document_generated", "case.document_signed"]
OPEN_ITEM_STATES = [ItemStatus.DISPATCHED, ItemStatus.IN_PROGRESS, ItemStatus.IN_PROGRESS, ItemStatus.IN_PROGRESS,
                    ItemStatus.AWAITING_CORRECTION, ItemStatus.SUSPENDED, ItemStatus.REPORTED_UP]
GRADES = [Grade.VERY_SATISFIED] * 6 + [Grade.SATISFIED] * 3 + [Grade.BASICALLY_SATISFIED, Grade.DISSATISFIED]
WORK = ["电话联系业主，核对申报材料", "陪同业主到窗口递交材料", "与审批部门联络员沟通办理进度", "整理补正材料清单并告知业主",
        "现场踏勘前协调相关部门", "汇总本周事项进展"]


def province_units() -> list[AgencyBody]:
    """The units of the whole province: the demo county's, and for every other county of province.json its
    centre and units (created once, found again on later runs)."""
    data = json.loads(PROVINCE_FILE.read_text(encoding="utf-8"))
    province, _ = Region.objects.get_or_create(code=data["province"]["code"], defaults={
        "name": data["province"]["name"], "level": Region.Level.PROVINCE})
    province_body = AgencyBody.objects.filter(kind=AgencyBody.Kind.PROVINCE).first()
    units = list(AgencyBody.objects.filter(kind=AgencyBody.Kind.UNIT).select_related("region").order_by("pk"))
    demo_counties = set(AgencyBody.objects.filter(kind=AgencyBody.Kind.CENTER).values_list("region__code", flat=True))
    for city in data["cities"]:
        city_region, _ = Region.objects.get_or_create(code=city["code"], defaults={
            "name": city["name"], "level": Region.Level.CITY, "parent": province})
        city_body, _ = AgencyBody.objects.get_or_create(name=f"{city['name']}投资项目代办服务中心", defaults={
            "kind": AgencyBody.Kind.CITY, "region": city_region, "parent": province_body,
            "government": f"{city['name']}人民政府"})
        for county in city["counties"]:
            if county["code"] in demo_counties:
                continue
            county_region, _ = Region.objects.get_or_create(code=county["code"], defaults={
                "name": county["name"], "level": Region.Level.COUNTY, "parent": city_region})
            center, _ = AgencyBody.objects.get_or_create(name=f"{county['name']}投资项目代办服务中心", defaults={
                "kind": AgencyBody.Kind.CENTER, "region": county_region, "parent": city_body,
                "government": f"{county['name']}人民政府"})
            for n, unit in enumerate(data["units"], start=1):
                region, _ = Region.objects.get_or_create(code=f"{county['code']}{n:03d}", defaults={
                    "name": county["name"] + unit["suffix"], "level": unit["level"], "parent": county_region})
                body, _ = AgencyBody.objects.get_or_create(name=f"{county['name']}{unit['suffix']}代办站", defaults={
                    "kind": AgencyBody.Kind.UNIT, "region": region, "parent": center})
                units.append(body)
    return units


def _items_of(rng: random.Random, catalog: list[CatalogItem], accepted: dt.date, last_day: dt.date
              ) -> tuple[list[dict], bool, dt.date]:
    """About 20 items of one case, each in the state its dates put it in by `last_day`."""
    items, finished_all, last = [], True, accepted
    for catalog_item in rng.sample(catalog, min(len(catalog), rng.randrange(16, 25))):
        started = accepted + dt.timedelta(days=rng.randrange(1, 90))
        if started > last_day:
            items.append(dict(catalog_item=catalog_item, status=ItemStatus.PENDING))
            finished_all = False
            continue
        paused = rng.choice([0, 0, 0, 0, 2, 5])
        due = add_workdays(started, catalog_item.limit_workdays + paused).date
        used = max(1, int(catalog_item.limit_workdays * rng.uniform(0.4, 1.6))) + paused
        finished = add_workdays(started, used).date
        if finished > last_day or rng.random() < 0.04:
            items.append(dict(catalog_item=catalog_item, started_on=started, due_on=due, paused_workdays=paused,
                              status=rng.choice(OPEN_ITEM_STATES)))
            finished_all = False
            continue
        last = max(last, finished)
        roll = rng.random()
        status = ItemStatus.REFUSED if roll < 0.02 else ItemStatus.WITHDRAWN if roll < 0.04 else ItemStatus.APPROVED
        items.append(dict(catalog_item=catalog_item, started_on=started, due_on=due, paused_workdays=paused,
                          finished_on=finished, status=status))
    return items, finished_all, last


def generate_cases(count: int, *, seed: int, first_day: dt.date | None = None, last_day: dt.date | None = None,
                   tag: str = "B", units: list[AgencyBody] | None = None,
                   progress: Callable[[int], object] = lambda n: None) -> dict:
    """N requests over the province's units (about 90% become cases) with ~20 items each in every state, work
    logs, owner visits, coordination issues and meetings, owner evaluations, over five years up to yesterday;
    bulk inserts, seeded. Returns what was made.

    `tag` starts the generated tracking numbers and credit codes, so that two runs never collide."""
    rng = random.Random(seed)
    last_day = last_day or clock.today() - dt.timedelta(days=1)
    first_day = first_day or last_day - dt.timedelta(days=round(365.25 * YEARS) - 1)
    catalog = list(CatalogItem.objects.all())
    center = User.objects.get(username="center")
    units = units if units is not None else province_units()
    agents = {}
    for unit in units:
        agents[unit.pk] = User.objects.bulk_create([User(username=f"scale-{tag}-{unit.pk}-{n}", body=unit,
                                                         full_name=f"{unit.name[:20]}代办员{n}") for n in range(2)])
    categories, sources = Category.values, Source.values
    span = (last_day - first_day).days + 1

    def aware(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))

    made = {"requests": 0, "cases": 0, "items": 0, "finished_items": 0, "work_logs": 0, "visits": 0, "issues": 0,
            "meetings": 0, "evaluations": 0}
    batch = 2000
    context = dict(rng=rng, tag=tag, units=units, agents=agents, catalog=catalog, center=center,
                   categories=categories, sources=sources, first_day=first_day, last_day=last_day, span=span,
                   aware=aware, made=made)
    for start in range(0, count, batch):
        with transaction.atomic():
            _batch(start, min(batch, count - start), **context)
        progress(start + min(batch, count - start))
    figures_advance()  # evaluations made in bulk, without the receivers that advance it
    return made


def _batch(start, size, *, rng, tag, units, agents, catalog, center, categories, sources, first_day, last_day, span,
           aware, made):
    companies, plans = [], []
    for n in range(start, start + size):
        body = f"9133{tag:0>2.2}MB{n:09d}"[:17]
        companies.append(Company(name=f"测试企业{n}有限公司", credit_code=body + credit_code_check_char(body)))
        plans.append((rng.choice(units), first_day + dt.timedelta(days=rng.randrange(span)), rng.random() < 0.9))
    companies = Company.objects.bulk_create(companies)
    requests = Request.objects.bulk_create([Request(
        tracking_no=f"{tag}{start + i:09d}", query_code="000000", source=rng.choice(sources),
        status=Request.Status.ACCEPTED if accepted else Request.Status.NEW, unit=unit,
        company=company, company_name=company.name, contact_name="测试联系人", contact_phone="13800000000",
        project_name=f"测试项目{start + i}", location=unit.region, category=rng.choice(categories),
        industrial=True, investment_wan=rng.randrange(500, 80000), received_at=aware(received),
        deemed_day=received, first_contact_due=received)
        for i, (company, (unit, received, accepted)) in enumerate(zip(companies, plans, strict=True))])
    made["requests"] += len(requests)
    kept = [(r, c, p) for r, c, p in zip(requests, companies, plans, strict=True) if p[2]]
    projects = Project.objects.bulk_create([Project(
        name=r.project_name, company=c, location=r.location, category=r.category, industrial=True,
        investment_wan=r.investment_wan, project_code=f"2501-330000-04-01-{r.pk:06d}") for r, c, _ in kept])
    cases, plans_of = [], []
    for (request, _, (unit, received, _)), project in zip(kept, projects, strict=True):
        accepted = min(received + dt.timedelta(days=rng.randrange(0, 4)), last_day)
        items, finished_all, last = _items_of(rng, catalog, accepted, last_day)
        status, closed = CaseStatus.IN_PROGRESS, None
        if finished_all and rng.random() < 0.9:
            status, closed = CaseStatus.COMPLETED, min(last + dt.timedelta(days=rng.randrange(1, 6)), last_day)
        elif rng.random() < 0.04:
            status, closed = CaseStatus.TERMINATED, min(last + dt.timedelta(days=rng.randrange(1, 30)), last_day)
        elif all(i["status"] == ItemStatus.PENDING for i in items) or (
                accepted > last_day - dt.timedelta(days=30) and rng.random() < 0.5):
            # Accepted lately, the agreement not yet signed or the plan not yet started: nothing dispatched.
            status = rng.choice([CaseStatus.ACCEPTED, CaseStatus.ENTRUSTED])
            items = [dict(catalog_item=i["catalog_item"], status=ItemStatus.PENDING) for i in items]
        cases.append(Case(request=request, project=project, unit=request.unit, status=status,
                          accepted_at=aware(accepted, 11), accepted_by=center))
        plans_of.append((status, closed, items, rng.choice(agents[unit.pk])))
    cases = Case.objects.bulk_create(cases)
    transitions, members, item_rows, logs, visits, evaluations = [], [], [], [], [], []
    for case, (status, closed, items, agent) in zip(cases, plans_of, strict=True):
        accepted = case.accepted_at.date()
        transitions.append(CaseTransition(case=case, to_status=CaseStatus.ACCEPTED, at=case.accepted_at, by=center))
        if closed:
            transitions.append(CaseTransition(case=case, from_status=CaseStatus.IN_PROGRESS, to_status=status,
                                              at=aware(closed, 15), by=center))
        members.append(TeamMember(case=case, user=agent, role=TeamRole.AGENT))
        item_rows += [CaseItem(case=case, **item) for item in items]
        until = closed or last_day
        for _ in range(rng.randrange(1, 5)):
            day = accepted + dt.timedelta(days=rng.randrange((until - accepted).days + 1))
            logs.append(WorkLog(case=case, author=agent, day=day, content=rng.choice(WORK), created_at=aware(day, 17)))
        visits += [OwnerVisit(case=case, day=accepted, reason="递交材料", recorded_by=center)
                   for _ in range(rng.randrange(0, 3))]
        if status == CaseStatus.COMPLETED and rng.random() < 0.7:
            scores = [rng.choice([4, 5, 5]) for _ in range(4)]
            evaluations.append(OwnerEvaluation(case=case, grade=rng.choice(GRADES), attitude=scores[0],
                                               efficiency=scores[1], quality=scores[2], overall=scores[3],
                                               fee_asked=False, via=OwnerEvaluation.Via.WINDOW,
                                               submitted_at=aware(closed, 16), unit=case.unit, agent=agent))
    CaseTransition.objects.bulk_create(transitions)
    TeamMember.objects.bulk_create(members)
    item_rows = CaseItem.objects.bulk_create(item_rows, batch_size=5000)
    WorkLog.objects.bulk_create(logs)
    OwnerVisit.objects.bulk_create(visits)
    OwnerEvaluation.objects.bulk_create(evaluations)
    _coordination(rng, cases, plans_of, item_rows, aware, made)
    made["cases"] += len(cases)
    made["items"] += len(item_rows)
    made["finished_items"] += sum(1 for i in item_rows if i.finished_on)
    made["work_logs"] += len(logs)
    made["visits"] += len(visits)
    made["evaluations"] += len(evaluations)


def _coordination(rng, cases, plans_of, item_rows, aware, made) -> None:
    """An issue on about one case in twelve (closed once the case is), a joint meeting on a third of them."""
    items_of: dict[int, list[CaseItem]] = {}
    for item in item_rows:
        items_of.setdefault(item.case_id, []).append(item)
    issues, chosen = [], []
    for case, (_, closed, _, agent) in zip(cases, plans_of, strict=True):
        started = [i for i in items_of.get(case.pk, []) if i.started_on]
        if not started or rng.random() >= 1 / 12:
            continue
        item = rng.choice(started)
        raised = item.started_on + dt.timedelta(days=rng.randrange(1, 10))
        done = closed is not None or rng.random() < 0.6
        issues.append(Issue(case=case, item=item, blocks_item=rng.random() < 0.5, title=f"{item.catalog_item.name}办理受阻",
                            description="材料要求与部门意见不一致，需协调", raised_by=agent, raised_at=aware(raised),
                            status=IssueStatus.CLOSED if done else rng.choice([IssueStatus.OPEN, IssueStatus.RESPONDED]),
                            resolution="经协调按部门意见补正后受理" if done else "",
                            confirmed_at=aware(raised + dt.timedelta(days=5), 16) if done else None,
                            confirmed_by=agent if done else None))
        chosen.append((item, agent, raised))
    issues = Issue.objects.bulk_create(issues)
    departments = [Issue.departments.through(issue_id=issue.pk, department_id=item.catalog_item.department_id)
                   for issue, (item, _, _) in zip(issues, chosen, strict=True)]
    Issue.departments.through.objects.bulk_create(departments)
    meetings, held = [], []
    for issue, (item, agent, raised) in zip(issues, chosen, strict=True):
        if rng.random() < 1 / 3:
            at = aware(raised + dt.timedelta(days=rng.randrange(2, 8)), 9)
            meetings.append(Meeting(case=issue.case, title=f"{item.catalog_item.name}协调会", agenda=issue.title,
                                    held_at=at, place="代办中心会议室", convened_by=agent,
                                    convener_body=issue.case.unit, created_at=at - dt.timedelta(days=1)))
            held.append(issue)
    meetings = Meeting.objects.bulk_create(meetings)
    Meeting.issues.through.objects.bulk_create([Meeting.issues.through(meeting_id=m.pk, issue_id=i.pk)
                                                for m, i in zip(meetings, held, strict=True)])
    made["issues"] += len(issues)
    made["meetings"] += len(meetings)


def generate_audit(total: int, *, seed: int, checkpoint_every: int = 0,
                   progress: Callable[[int], object] = lambda n: None) -> int:
    """`total` events over the generated cases, in the order the cases were accepted, appended as one real chain
    that verifies (daiban.audit.bulk), with a signed checkpoint every `checkpoint_every` events."""
    rng = random.Random(seed)
    cases = Case.objects.count()
    per_case, extra = divmod(total, max(cases, 1))

    def events() -> Iterator[dict]:
        rows = Case.objects.order_by("accepted_at", "pk").values_list("pk", "accepted_at", "project__name")
        made = 0
        for n, (pk, accepted_at, name) in enumerate(rows.iterator(chunk_size=5000)):
            for k in range(per_case + (n < extra)):
                yield {"event_type": AUDITED[k % len(AUDITED)], "actor_name": "center", "object_type": "cases.case",
                       "object_id": str(pk), "object_repr": name[:200], "created_at": accepted_at + dt.timedelta(
                           minutes=k * rng.randrange(1, 600)), "new": {"step": k, "project": name}}
                made += 1
                if made % 100_000 == 0:
                    progress(made)

    return audit_append_many(events(), checkpoint_every=checkpoint_every)
