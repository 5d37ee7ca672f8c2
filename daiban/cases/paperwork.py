"""Maps a case to the plain data of its official forms and keeps each generated .docx.

A form keeps one serial number for its whole life. When the data it prints change (the team is set after the
agreement, the items change, the project code is assigned, the company's address is given or corrected), it is
issued again as a new version (版次) under that serial; every version stays in the archive, and a signature
belongs to the version signed. Issuing a form whose data did not change makes no new version.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string

from daiban.audit.services import audit_record
from daiban.cases.models import Case, CaseDocument, TeamRole
from daiban.catalog.models import CatalogItem
from daiban.documents import data as d
from daiban.documents.agreement import entrustment_agreement
from daiban.documents.registration import registration_form
from daiban.documents.versions import content_hash, version_label
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
                   contact_phone=phone if in_full else mask_phone(phone),
                   address=request.company_address or company.address)


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


@dataclass(frozen=True)
class Entrustment:
    """What the owner entrusted, as the registration form and the agreement both print it."""
    all_items: bool | None  # 全程代办 / 部分代办; None while the owner has not chosen (before the agreement)
    items: tuple[d.Item, ...]


def full_service(codes: set[str]) -> bool:
    """全程代办: every item each project needs is entrusted (the catalog's active items that are neither an
    optional extension nor needed only by some projects), an item counting as entrusted when one of its
    alternatives is (环评报告表 or 报告书)."""
    needed = (CatalogItem.objects.filter(active=True, optional=False, only_if_needed=False)
              .prefetch_related("alternatives"))
    return all(item.code in codes or any(other.code in codes for other in item.alternatives.all())
               for item in needed)


def entrustment_of(case: Case) -> Entrustment:
    """The one answer to 全程 or 部分 and to the list of items, for every form that states them."""
    items = tuple(items_of(case))
    if not items:
        return Entrustment(all_items=None, items=())
    return Entrustment(all_items=full_service({item.code for item in items}), items=items)


def _local(moment):
    return timezone.localtime(moment).date() if moment else None


# -- issuing forms -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A form to issue: its data (serial and version are filled in when issued) and the function printing it."""
    data: Any
    render: Callable[[Any], bytes]


def registration_paper(case: Case) -> Paper:
    request = case.request
    entrusted = entrustment_of(case)
    return Paper(d.RegistrationData(
        serial="", registered_on=_local(request.received_at), channel=request.get_source_display(),
        project=project_of(case), owner=owner_of(case, in_full=True),
        card_number=request.card.number if request.card else "",
        all_items=entrusted.all_items, items=entrusted.items, coordination_needs=request.coordination_needs,
        received_by=case.accepted_by.display_name, receiving_body=case.unit.name,
        received_on=_local(case.accepted_at)), registration_form)


def agreement_paper(case: Case) -> Paper:
    entrusted = entrustment_of(case)
    return Paper(d.AgreementData(serial="", owner=owner_of(case, in_full=True), agency=agency_of(case, in_full=True),
                                 project=project_of(case), items=entrusted.items, all_items=bool(entrusted.all_items)),
                 entrustment_agreement)


# The forms issued again when the case's data change, in the order of the case's life: kind → the function
# giving its paper (None when there is nothing to print), or its dotted path for an app above this one.
PAPERS: dict[str, Callable[[Case], Paper | None] | str] = {
    "registration": registration_paper, "agreement": agreement_paper}


def paper_register(kind: str, make: Callable[[Case], Paper | None] | str) -> None:
    """An app above cases adds a form of its own that is re-issued with the others (plans: the task plan)."""
    PAPERS[kind] = make


def _serial(case: Case, kind: str, subject: str) -> str:
    """The serial of a new document; a kind a case has several of (progress reports, meetings) counts them."""
    base = f"{SERIAL_PREFIX[kind]}{case.request.tracking_no[2:]}"
    if not subject:
        return base
    number = next_number(f"case_document_serial:{case.pk}:{kind}", start=lambda: case.documents.filter(
        kind=kind).values("subject").distinct().count() + 1)
    return base + (f"-{number}" if number > 1 else "")


def issue(*, case: Case, kind: str, actor: User, paper: Paper, subject: str = "",
          version: int | None = None) -> tuple[CaseDocument, bool]:
    """Issues the form (subject tells apart the documents of a kind a case has several of) and says whether a
    new version was made. Without `version`, a change of the printed data makes the next version and unchanged
    data return the current one. With it (a meeting record's own version), that version's file is replaced when
    its data changed (its signatures were added), or made."""
    key = content_hash(paper.data)
    current = (case.documents.filter(kind=kind, subject=subject).defer("content").order_by("-version", "-pk")
               .first())
    existing = current if version is None else case.documents.filter(
        kind=kind, subject=subject, version=version).defer("content").first()
    if version is None and current is not None and current.data_hash == key:
        return current, False
    if existing is not None and version is not None and existing.data_hash == key:
        return existing, False
    if version is None:
        version = next_number(f"case_document_version:{case.pk}:{kind}:{subject}", start=lambda: (
            case.documents.filter(kind=kind, subject=subject).aggregate(n=Max("version"))["n"] or 0) + 1)
    serial = current.serial_no if current is not None else _serial(case, kind, subject)
    content = paper.render(dataclasses.replace(paper.data, serial=serial, version=version))
    values = {"content": content, "sha256": hashlib.sha256(content).hexdigest(), "data_hash": key,
              "generated_at": clock.now(), "generated_by": actor}
    if existing is not None and existing.version == version:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(values))
        document, created = existing, False
    else:
        document = CaseDocument.objects.create(case=case, kind=kind, subject=subject, serial_no=serial,
                                               version=version, **values)
        created = True
    audit_record(event_type="case.document_generated", actor=actor, obj=case,
                 new={"document": document.get_kind_display(), "serial_no": serial, "version": version,
                      "sha256": document.sha256})
    return document, created


def generate(*, case: Case, kind: str, actor: User, paper: Paper | None = None, subject: str = "",
             version: int | None = None) -> CaseDocument:
    """Issues a form (by `paper`, or the registered one of its kind) and returns its current version."""
    paper = paper or _paper(kind, case)
    if paper is None:
        raise ValueError(f"nothing to print for {kind}")
    return issue(case=case, kind=kind, actor=actor, paper=paper, subject=subject, version=version)[0]


def _paper(kind: str, case: Case) -> Paper | None:
    make = PAPERS[kind]
    return (import_string(make) if isinstance(make, str) else make)(case)


def documents_reissue(*, case: Case, actor: User, reason: str) -> list[CaseDocument]:
    """After a change of what the forms print: each form already issued whose data changed is issued again as
    its next version (unsigned until signed again). Runs in the caller's transaction, after its audit event;
    returns the new versions.

    The forms are printed from the case read again here, not from the caller's copy: that copy was read when its
    request began, and another writer may have changed the case since (the project code set while the address
    was being changed). The caller's audit event holds the chain's head (audit_record), so every other writer
    has committed by now or waits until this one has: what is read here is the case as the last version must
    print it."""
    case = Case.objects.select_related("request", "project__company", "project__location", "unit").get(pk=case.pk)
    issued = set(case.documents.filter(kind__in=list(PAPERS)).values_list("kind", flat=True))
    new = []
    for kind in [kind for kind in PAPERS if kind in issued]:
        paper = _paper(kind, case)
        if paper is None:
            continue
        document, created = issue(case=case, kind=kind, actor=actor, paper=paper)
        if created:
            new.append(document)
    if new:
        audit_record(event_type="case.documents_reissued", actor=actor, obj=case,
                     new={"reason": reason, "documents": [f"{doc.get_kind_display()}{doc.serial_no}"
                                                          f"{version_label(doc.version)}" for doc in new]})
    return new
