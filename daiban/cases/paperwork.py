"""Maps a case to the plain data of its official forms and keeps each generated .docx."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.cases.models import Case, CaseDocument, TeamRole
from daiban.documents import data as d
from daiban.lib import clock
from daiban.lib.personal import mask_name, mask_phone
from daiban.numbering.counters import next_number
from daiban.org.models import User

SERIAL_PREFIX = {"registration": "DJ", "agreement": "XY", "plan": "JH", "progress": "FK", "meeting": "HY",
                 "completion": "BJ", "termination": "ZZ"}


# The forms the owner signs and keeps (registration, agreement) carry its contact and the agents' mobiles in full;
# they are released only to the owner and to those who may reveal the request (intake/personal.py). Every other
# form is a file like an export, which may be passed on or lost: the people in it are masked for every reader,
# and whoever needs a full number reveals it on the record (POST /intake/reveal/, audited).


def owner_of(case: Case, *, in_full: bool = False) -> d.Owner:
    request, company = case.request, case.project.company
    name, phone = request.contact_name, request.contact_phone
    return d.Owner(name=company.name, credit_code=company.credit_code, legal_rep=request.legal_rep or company.legal_rep,
                   contact_name=name if in_full else mask_name(name),
                   contact_phone=phone if in_full else mask_phone(phone), address=company.address)


def project_of(case: Case) -> d.Project:
    project = case.project
    return d.Project(name=project.name, code=project.project_code, location=project.location.name,
                     category=project.get_category_display(), industrial=project.industrial,
                     investment_wan=project.investment_wan, land_area_mu=project.land_area_mu,
                     floor_area_m2=project.floor_area_m2, description=project.description)


def _member(case: Case, role: str) -> User | None:
    member = case.team.filter(role=role).select_related("user").first()
    return member.user if member else None


def agency_of(case: Case, *, in_full: bool = False) -> d.Agency:
    """The agency side of a form; the agents' mobiles masked unless `in_full` (an owner's form). The unit's
    office telephone is not personal data and is printed as it is."""
    agent, chief = _member(case, TeamRole.AGENT), _member(case, TeamRole.CHIEF_AGENT)

    def mobile(user: User | None) -> str:
        number = user.mobile if user else ""
        return number if in_full else mask_phone(number)

    return d.Agency(unit=case.unit.name, agent=agent.display_name if agent else "",
                    agent_phone=mobile(agent) or case.unit.phone,
                    chief_agent=chief.display_name if chief else "", chief_agent_phone=mobile(chief),
                    address=case.unit.address)


def items_of(case: Case) -> list[d.Item]:
    return [d.Item(code=i.catalog_item.code, name=i.catalog_item.name, department=i.catalog_item.department.name,
                   limit_workdays=i.catalog_item.limit_workdays, owner_in_person=i.catalog_item.owner_in_person)
            for i in case.items.select_related("catalog_item", "catalog_item__department")]


def _local(moment):
    return timezone.localtime(moment).date() if moment else None


def _registration(case: Case, serial: str) -> bytes:
    from daiban.documents.registration import registration_form

    request = case.request
    items = items_of(case)
    return registration_form(d.RegistrationData(
        serial=serial, registered_on=_local(request.received_at), channel=request.get_source_display(),
        project=project_of(case), owner=owner_of(case, in_full=True), card_number=request.card.number if request.card else "",
        all_items=not items, items=items, coordination_needs=request.coordination_needs,
        received_by=case.accepted_by.display_name, receiving_body=case.unit.name,
        received_on=_local(case.accepted_at)))


def _agreement(case: Case, serial: str) -> bytes:
    from daiban.catalog.models import CatalogItem
    from daiban.documents.agreement import entrustment_agreement

    items = items_of(case)
    all_items = len(items) >= CatalogItem.objects.filter(active=True, optional=False).count()
    return entrustment_agreement(d.AgreementData(serial=serial, owner=owner_of(case, in_full=True),
                                                 agency=agency_of(case, in_full=True),
                                                 project=project_of(case), items=items, all_items=all_items))


BUILDERS: dict[str, Callable[[Case, str], bytes]] = {"registration": _registration, "agreement": _agreement}


def generate(*, case: Case, kind: str, actor: User,
             builder: Callable[[Case, str], bytes] | None = None) -> CaseDocument:
    """Generates a form (by `builder`, or the registered one of its kind) and keeps it with its SHA-256.

    Each version is kept; the serial number carries the version from the second on.
    """
    version = next_number(f"case_document:{case.pk}:{kind}",
                          start=lambda: case.documents.filter(kind=kind).count() + 1)
    serial = f"{SERIAL_PREFIX[kind]}{case.request.tracking_no[2:]}" + (f"-{version}" if version > 1 else "")
    content = (builder or BUILDERS[kind])(case, serial)
    document = CaseDocument.objects.create(case=case, kind=kind, serial_no=serial, content=content,
                                           sha256=hashlib.sha256(content).hexdigest(), generated_at=clock.now(),
                                           generated_by=actor)
    audit_record(event_type="case.document_generated", actor=actor, obj=case,
                 new={"document": document.get_kind_display(), "serial_no": serial, "sha256": document.sha256})
    return document
