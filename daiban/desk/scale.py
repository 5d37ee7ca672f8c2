"""A generated county or province for measurement: many cases through bulk inserts, and their audit trail.

Used by `manage.py seed_scale` and bench/bench_stats.py. Seeded: the same arguments make the same data.
The organisation, the demo staff and the item catalog must be loaded first (`seed_demo`).
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils import timezone

from daiban.audit.bulk import audit_append_many
from daiban.cases.models import Case, CaseItem, CaseTransition, Project, TeamMember, TeamRole
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.intake.models import Category, Company, Request, Source
from daiban.lib.validators import credit_code_check_char
from daiban.org.models import AgencyBody, Region, User
from daiban.plans.models import OwnerVisit
from daiban.workdays.loader import add_workdays

FIRST_DAY, LAST_DAY = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
TOWNS = ["昆阳镇", "鳌江镇", "水头镇", "萧江镇", "万全镇", "滨海园区", "腾蛟镇", "麻步镇"]
AUDITED = ["intake.request_submitted", "case.agreement_set", "case.document_generated", "case.document_signed"]


def generate_cases(count: int, *, seed: int, first_day: dt.date = FIRST_DAY, last_day: dt.date = LAST_DAY,
                   tag: str = "B") -> dict:
    """N requests (about 90% become cases) through bulk inserts, seeded; returns what was made.

    `tag` starts the generated tracking numbers and credit codes, so that two runs never collide."""
    rng = random.Random(seed)
    catalog = list(CatalogItem.objects.all())
    center = User.objects.get(username="center")
    towns = {name: Region.objects.get(name=name) for name in TOWNS}
    units = {name: AgencyBody.objects.get(kind=AgencyBody.Kind.UNIT, region=region) for name, region in towns.items()}
    agents = {name: User.objects.bulk_create([User(username=f"scale-{tag}-{region.code}-{n}", full_name=f"{name}代办员{n}",
                                                   body=units[name]) for n in range(3)])
              for name, region in towns.items()}
    categories, sources = Category.values, Source.values
    span = (last_day - first_day).days

    def aware(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))

    made = {"cases": 0, "requests": 0, "items": 0, "finished_items": 0, "visits": 0}
    batch = 2000
    with transaction.atomic():
        for start in range(0, count, batch):
            size = min(batch, count - start)
            companies, plans = [], []
            for n in range(start, start + size):
                body = f"9133{tag:0>2.2}MB{n:09d}"[:17]
                code = body + credit_code_check_char(body)
                companies.append(Company(name=f"平阳县测试企业{n}有限公司", credit_code=code))
                town = rng.choice(TOWNS)
                received = first_day + dt.timedelta(days=rng.randrange(span))
                plans.append((town, received, rng.random() < 0.9))
            companies = Company.objects.bulk_create(companies)
            requests = Request.objects.bulk_create([Request(
                tracking_no=f"{tag}{start + i:09d}", query_code="000000", source=rng.choice(sources),
                status=Request.Status.ACCEPTED if accepted else Request.Status.NEW, unit=units[town],
                company=company, company_name=company.name, contact_name="测试联系人", contact_phone="13800000000",
                project_name=f"测试项目{start + i}", location=towns[town], category=rng.choice(categories),
                industrial=True, investment_wan=rng.randrange(500, 80000), received_at=aware(received),
                deemed_day=received, first_contact_due=received)
                for i, (company, (town, received, accepted)) in enumerate(zip(companies, plans, strict=True))])
            made["requests"] += len(requests)
            kept = [(r, c, p) for r, c, p in zip(requests, companies, plans, strict=True) if p[2]]
            projects = Project.objects.bulk_create([Project(
                name=r.project_name, company=c, location=r.location, category=r.category, industrial=True,
                investment_wan=r.investment_wan, project_code=f"2501-330326-04-01-{r.pk:06d}") for r, c, _ in kept])
            cases, closings, item_rows, visit_rows, members = [], [], [], [], []
            for (request, _, (town, received, _)), project in zip(kept, projects, strict=True):
                accepted = received + dt.timedelta(days=rng.randrange(0, 4))
                items, finished_all, last = [], True, accepted
                for catalog_item in rng.sample(catalog, rng.randrange(4, 9)):
                    started = accepted + dt.timedelta(days=rng.randrange(1, 60))
                    paused = rng.choice([0, 0, 0, 0, 2, 5])
                    due = add_workdays(started, catalog_item.limit_workdays + paused).date
                    used = max(1, int(catalog_item.limit_workdays * rng.uniform(0.4, 1.6))) + paused
                    finished = add_workdays(started, used).date
                    if finished > last_day or rng.random() < 0.1:
                        finished, finished_all = None, False
                    else:
                        last = max(last, finished)
                    items.append(dict(catalog_item=catalog_item, started_on=started, due_on=due, paused_workdays=paused,
                                      finished_on=finished,
                                      status=ItemStatus.APPROVED if finished else ItemStatus.IN_PROGRESS))
                status = CaseStatus.IN_PROGRESS
                closed = None
                if finished_all and rng.random() < 0.9:
                    status, closed = CaseStatus.COMPLETED, last + dt.timedelta(days=rng.randrange(1, 6))
                elif rng.random() < 0.05:
                    status, closed = CaseStatus.TERMINATED, last + dt.timedelta(days=rng.randrange(1, 30))
                case = Case(request=request, project=project, unit=request.unit, status=status,
                            accepted_at=aware(accepted, 11), accepted_by=center)
                cases.append(case)
                closings.append((status, closed, items, rng.randrange(0, 3), rng.choice(agents[town])))
            cases = Case.objects.bulk_create(cases)
            transitions = []
            for case, (status, closed, items, visits, agent) in zip(cases, closings, strict=True):
                transitions.append(CaseTransition(case=case, to_status=CaseStatus.ACCEPTED, at=case.accepted_at,
                                                  by=center))
                if closed:
                    transitions.append(CaseTransition(case=case, from_status=CaseStatus.IN_PROGRESS, to_status=status,
                                                      at=aware(closed, 15), by=center))
                members.append(TeamMember(case=case, user=agent, role=TeamRole.AGENT))
                item_rows += [CaseItem(case=case, **item) for item in items]
                visit_rows += [OwnerVisit(case=case, day=case.accepted_at.date(), reason="递交材料", recorded_by=center)
                               for _ in range(visits)]
            CaseTransition.objects.bulk_create(transitions)
            TeamMember.objects.bulk_create(members)
            CaseItem.objects.bulk_create(item_rows, batch_size=5000)
            OwnerVisit.objects.bulk_create(visit_rows)
            made["cases"] += len(cases)
            made["items"] += len(item_rows)
            made["finished_items"] += sum(1 for i in item_rows if i.finished_on)
            made["visits"] += len(visit_rows)
    return made


def generate_audit(per_case: int, *, seed: int, progress: Callable[[int], None] = lambda n: None) -> int:
    """`per_case` events for every generated case (in the order the cases were accepted), appended as one real
    chain that verifies (daiban.audit.bulk)."""
    rng = random.Random(seed)

    def events() -> Iterator[dict]:
        rows = Case.objects.order_by("accepted_at", "pk").values_list("pk", "accepted_at", "project__name")
        for n, (pk, accepted_at, name) in enumerate(rows.iterator(chunk_size=5000), start=1):
            for k in range(per_case):
                yield {"event_type": AUDITED[k % len(AUDITED)], "actor_name": "center", "object_type": "cases.case",
                       "object_id": str(pk), "object_repr": name[:200], "created_at": accepted_at + dt.timedelta(
                           minutes=k * rng.randrange(1, 600)), "new": {"step": k, "project": name}}
            if n % 10000 == 0:
                progress(n)

    return audit_append_many(events())
