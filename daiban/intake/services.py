"""Every write of the front door: requests, first contact, review, consultations, cards, directory."""
from __future__ import annotations

from django.db import IntegrityError, transaction

from daiban.audit.services import audit_record
from daiban.intake.audiences import owner_of
from daiban.intake.deadlines import first_contact_deadline
from daiban.intake.models import (
    PROMOTION_CATEGORIES,
    Category,
    Company,
    Consultation,
    ContactCard,
    DirectoryEntry,
    PublicStep,
    Request,
    Source,
)
from daiban.intake.signals import consultation_logged
from daiban.intake.validation import RequestData, clean_request, parse_decimal, resolve_location
from daiban.lib import clock, county_rules
from daiban.lib.codes import new_query_code
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.lib.personal import mask_name
from daiban.lib.validators import credit_code_error
from daiban.notify.services import notify_event
from daiban.numbering.counters import next_number
from daiban.org.models import AgencyBody, Department, Region, User
from daiban.org.permissions import refuse, require_role, require_unit_worker
from daiban.org.roles import CASE_WORKER_ROLES, Role
from daiban.org.scope import scope_of
from daiban.org.services import role_grant, user_create

STAFF_SOURCES = (Source.WINDOW, Source.PHONE, Source.ASSIGNED, Source.DEPARTMENT)


def _tracking_no() -> str:
    """DB + the day + the day's 4-digit count; the count comes from the day's counter (daiban.numbering)."""
    prefix = f"DB{clock.today().strftime('%Y%m%d')}"

    def after_existing() -> int:
        last = (Request.objects.filter(tracking_no__startswith=prefix).order_by("-tracking_no")
                .values_list("tracking_no", flat=True).first())
        return int(last[-4:]) + 1 if last else 1

    return f"{prefix}{next_number(f'tracking_no:{prefix}', start=after_existing):04d}"


def public_step_add(*, request_id: int, text: str) -> None:
    """A step on the owner's public progress page, from the request's services and the case's alike."""
    PublicStep.objects.create(request_id=request_id, at=clock.now(), text=PublicStep.fitted(text))


def _unit_for(location) -> AgencyBody:
    return AgencyBody.objects.get(kind=AgencyBody.Kind.UNIT, region=location)


def _redeemable_card(card_no: str, credit_code: str) -> ContactCard | None:
    if not card_no:
        return None
    card = ContactCard.objects.select_for_update(no_key=True).select_related("company").filter(number=card_no.strip()).first()
    if card is None:
        raise ValidationFailed({"card_no": "未找到该代办联系卡，请核对卡号"})
    if card.company.credit_code != credit_code:
        raise ValidationFailed({"card_no": "该代办联系卡由其他企业持有，不能用于本企业"})
    if card.redeemed_at is not None:
        raise ValidationFailed({"card_no": "该代办联系卡已使用，不能重复使用"})
    return card


def _unredeemed_card_of(credit_code: str) -> ContactCard | None:
    """A request by a card holder's company links to its card even when the card number was not given."""
    return (ContactCard.objects.select_for_update(no_key=True).filter(company__credit_code=credit_code, redeemed_at__isnull=True)
            .order_by("issued_at", "pk").first())


def _directory_entry_id(card: ContactCard | None, credit_code: str) -> int | None:
    if card is not None and card.directory_entry_id:
        return card.directory_entry_id
    return (DirectoryEntry.objects.filter(credit_code=credit_code).exclude(status=DirectoryEntry.Status.LANDED)
            .order_by("-created_at", "-pk").values_list("pk", flat=True).first())


def _create_request(data: RequestData, *, source: str, actor: User | None, idempotency_key: str | None) -> Request:
    clean = clean_request(data)
    received_at = clock.now()
    contact = first_contact_deadline(clock.today())
    with transaction.atomic():
        card = _redeemable_card(data.card_no, clean.credit_code) or _unredeemed_card_of(clean.credit_code)
        entry_id = data.directory_entry_id or _directory_entry_id(card, clean.credit_code)
        # An existing company's register is not changed by a request (anyone may submit one): the request keeps
        # the address it gave, and staff confirm it on the case (case_company_address_set).
        company, _ = Company.objects.get_or_create(
            credit_code=clean.credit_code, defaults={"name": data.company_name, "legal_rep": data.legal_rep,
                                                     "address": data.company_address})
        request = Request(
            query_code=new_query_code(), source=source, unit=_unit_for(clean.location),
            company=company, company_name=data.company_name, legal_rep=data.legal_rep,
            company_address=data.company_address, contact_name=data.contact_name,
            contact_phone=data.contact_phone, contact_email=data.contact_email, project_name=data.project_name,
            project_code=data.project_code, location=clean.location, category=data.category,
            industrial=bool(data.industrial), investment_wan=clean.investment_wan, land_area_mu=data.land_area_mu,
            floor_area_m2=data.floor_area_m2, description=data.description,
            coordination_needs=data.coordination_needs, card=card, directory_entry_id=entry_id,
            registered_by=actor, written_request=actor is not None, received_at=received_at,
            deemed_day=contact.deemed_day, first_contact_due=contact.due_on,
            first_contact_provisional=contact.provisional, idempotency_key=idempotency_key,
        )
        request.tracking_no = _tracking_no()
        request.save()
        if card is not None:
            card.redeemed_at = received_at
            card.save(update_fields=["redeemed_at"])
            audit_record(event_type="intake.card_redeemed", actor=actor, obj=card,
                         new={"request": request.tracking_no, "company": company.name})
        if entry_id:
            DirectoryEntry.objects.filter(pk=entry_id).exclude(status=DirectoryEntry.Status.LANDED).update(
                status=DirectoryEntry.Status.IN_AGENCY)
        public_step_add(request_id=request.pk,
                        text=f"已收到代办申请（{request.get_source_display()}），由{request.unit.name}承办")
        _alert_unit(request)
        audit_record(event_type="intake.request_submitted", actor=actor, obj=request,
                     new={"source": source, "project": data.project_name, "company": data.company_name,
                          "unit": request.unit.name, "first_contact_due": contact.due_on.isoformat()})
    return request


def _alert_unit(request: Request) -> None:
    """The unit is alerted to each new request (first contact is due by the county's own rule); a unit without
    active staff makes it the center's to assign. The owner gets the tracking number and query code."""
    staff = User.objects.filter(body=request.unit, is_active=True,
                                role_grants__role__in=[Role.AGENT, Role.UNIT_ADMIN]).exists()
    values = {"project": request.project_name, "company": request.company_name, "unit": request.unit.name,
              "source": request.get_source_display(), "due": f"{request.first_contact_due:%Y年%m月%d日}",
              "tracking_no": request.tracking_no, "query_code": request.query_code,
              "contact_rule": county_rules.first_contact_text()}
    link = f"/cases/requests/{request.pk}/"
    notify_event("request.received" if staff else "request.unassigned", values=values, link=link,
                 unit=request.unit, dedupe_key=str(request.pk))
    people, contact = owner_of(request)
    notify_event("request.received_owner", values=values, link=link, people=people, owner_contact=contact,
                 dedupe_key=str(request.pk))


def request_submit(*, data: RequestData, idempotency_key: str | None = None) -> tuple[Request, bool]:
    """An online request (website or phone page), no login. Returns (request, created).

    The same Idempotency-Key returns the first request and creates nothing.
    """
    key = (idempotency_key or "").strip()[:80] or None
    if key and (existing := Request.objects.filter(idempotency_key=key).first()):
        return existing, False
    return _create_once(data, source=Source.ONLINE, actor=None, idempotency_key=key)


def _create_once(data: RequestData, *, source: str, actor: User | None,
                 idempotency_key: str | None) -> tuple[Request, bool]:
    """Creates the request, or, when a parallel submission with the same key got there first, returns that one."""
    try:
        return _create_request(data, source=source, actor=actor, idempotency_key=idempotency_key), True
    except IntegrityError:
        existing = Request.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return existing, False


def request_register(*, actor: User, data: RequestData, source: str = Source.WINDOW,
                     idempotency_key: str | None = None) -> tuple[Request, bool]:
    """Window or phone registration by staff, or a case assigned from above or brought by a department."""
    require_role(actor, *CASE_WORKER_ROLES, action="request_register")
    if source not in STAFF_SOURCES:
        raise ValidationFailed({"source": "受理渠道应为窗口、电话、上级交办或部门协调"})
    # A staff key is the caller's own: another person's key never returns that person's request.
    key = f"staff:{actor.pk}:{(idempotency_key or '').strip()[:60]}" if (idempotency_key or "").strip() else None
    if key and (existing := Request.objects.filter(idempotency_key=key).first()):
        return existing, False
    location = resolve_location(data.location)
    if location is not None and not scope_of(actor).covers_body(_unit_for(location).pk):
        raise ValidationFailed({"location": "该地点不属于您所在代办机构的辖区，请由属地代办机构登记"})
    return _create_once(data, source=source, actor=actor, idempotency_key=key)


def request_contact(*, actor: User, request: Request, note: str) -> Request:
    """The first contact with the owner (due by first_contact_deadline)."""
    require_unit_worker(actor, request.unit_id, action="request_contact", what="登记")
    if not (note or "").strip():
        raise ValidationFailed({"note": "请填写联系情况"})
    with transaction.atomic():
        request = Request.objects.select_for_update(no_key=True).get(pk=request.pk)
        if request.first_contact_at is not None:
            return request
        request.first_contact_at = clock.now()
        request.first_contact_by = actor
        request.first_contact_note = note.strip()
        if request.status == Request.Status.NEW:
            request.status = Request.Status.CONTACTED
        request.save()
        late = clock.today() > request.first_contact_due
        public_step_add(request_id=request.pk, text="代办机构已与企业联系")
        audit_record(event_type="intake.first_contact", actor=actor, obj=request,
                     new={"note": request.first_contact_note, "late": late})
    return request


def request_reject(*, actor: User, request: Request, reason: str) -> Request:
    require_unit_worker(actor, request.unit_id, action="request_reject", what="登记")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写不予受理的理由（企业可见）"})
    with transaction.atomic():
        request = Request.objects.select_for_update(no_key=True).get(pk=request.pk)
        if request.status == Request.Status.REJECTED:
            return request
        if request.status == Request.Status.ACCEPTED:
            raise Conflict("该申请已受理，不能再作不予受理", code="intake.already_decided")
        old = request.status
        request.status = Request.Status.REJECTED
        request.reject_reason = reason
        request.reviewed_at = clock.now()
        request.reviewed_by = actor
        request.save()
        public_step_add(request_id=request.pk, text=f"不予受理：{reason}")
        people, contact = owner_of(request)
        notify_event("request.refused", values={"project": request.project_name, "reason": reason},
                     link=f"/cases/requests/{request.pk}/", people=people, owner_contact=contact,
                     dedupe_key=str(request.pk))
        audit_record(event_type="intake.request_rejected", actor=actor, obj=request, old={"status": old},
                     new={"status": request.status, "reason": reason})
    return request


def consultation_log(*, actor: User, asker_name: str, question: str, answer: str, asker_org: str = "",
                     asker_phone: str = "", channel: str = Source.WINDOW) -> Consultation:
    """提前介入: logged even when no case follows."""
    require_role(actor, *CASE_WORKER_ROLES, action="consultation_log")
    errors = {}
    if not asker_name.strip():
        errors["asker_name"] = "请填写咨询人"
    if not question.strip():
        errors["question"] = "请填写咨询内容"
    if not answer.strip():
        errors["answer"] = "请填写政策解答"
    if asker_phone and not asker_phone.isdigit():
        errors["asker_phone"] = "联系电话应为数字"
    if channel not in Source.values:
        errors["channel"] = "咨询方式不正确"
    if errors:
        raise ValidationFailed(errors)
    body = actor.body or AgencyBody.objects.get(kind=AgencyBody.Kind.CENTER)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            body=body, staff=actor, asker_name=asker_name.strip(), asker_org=asker_org.strip(),
            asker_phone=asker_phone.strip(), channel=channel, question=question.strip(), answer=answer.strip())
        audit_record(event_type="intake.consultation_logged", actor=actor, obj=consultation,
                     new={"asker": mask_name(consultation.asker_name), "question": consultation.question[:200]})
        # The answer links to the guides of the items it mentions (the agent as policy adviser, §5.2.1):
        # daiban.policy listens.
        consultation_logged.send(sender=Consultation, consultation=consultation, actor=actor)
    return consultation


CARD_ISSUER_KINDS = (Department.Kind.INVESTMENT, Department.Kind.COMMERCE, Department.Kind.GOVERNMENT_INVESTMENT)


def card_issue(*, actor: User, company_name: str, credit_code: str, project_name: str,
               kind: str = ContactCard.Kind.FULL_SERVICE) -> ContactCard:
    """代办联系卡, issued by the investment-promotion, commerce or government-investment body."""
    if actor.department is None or actor.department.kind not in CARD_ISSUER_KINDS:
        refuse(actor, action="card_issue", why="代办联系卡由政府投资项目平台、招商、商务部门发放")
    errors = {}
    credit_code = (credit_code or "").strip().upper()
    if message := credit_code_error(credit_code):
        errors["credit_code"] = message
    if not company_name.strip():
        errors["company_name"] = "请填写企业名称"
    if not project_name.strip():
        errors["project_name"] = "请填写项目名称"
    if kind not in ContactCard.Kind.values:
        errors["kind"] = "服务类型不正确"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        company, _ = Company.objects.get_or_create(credit_code=credit_code, defaults={"name": company_name.strip()})
        prefix = f"LXK{clock.today().year}{actor.department.code.upper()[:4]}"
        count = ContactCard.objects.filter(number__startswith=prefix).count()
        entry = _directory_entry_for_card(actor, actor.department, company, project_name.strip())
        card = ContactCard.objects.create(number=f"{prefix}{count + 1:04d}", issuer=actor.department, kind=kind,
                                          company=company, project_name=project_name.strip(), issued_by=actor,
                                          directory_entry=entry)
        audit_record(event_type="intake.card_issued", actor=actor, obj=card,
                     new={"number": card.number, "company": company.name, "project": card.project_name,
                          "directory_entry": entry.pk})
    return card


# The directory category of a card's project, by the kind of body that issued the card.
CARD_CATEGORIES: dict[str, str] = {
    Department.Kind.INVESTMENT: "investment_promotion", Department.Kind.COMMERCE: "returning_merchant",
    Department.Kind.GOVERNMENT_INVESTMENT: "government_investment"}


def _directory_entry_for_card(actor: User, issuer: Department, company: Company,
                              project_name: str) -> DirectoryEntry:
    """The company's directory entry (by credit code, the latest not yet landed), or a new one recorded from
    the card: its place and investment are left for the issuing body to complete (建设地点待定)."""
    entry = (DirectoryEntry.objects.filter(credit_code=company.credit_code)
             .exclude(status=DirectoryEntry.Status.LANDED).order_by("-created_at", "-pk").first())
    if entry is not None:
        return entry
    county = Region.objects.filter(level=Region.Level.COUNTY).earliest("pk")
    entry = DirectoryEntry.objects.create(
        category=CARD_CATEGORIES.get(issuer.kind, "investment_promotion"), project_name=project_name,
        company_name=company.name, credit_code=company.credit_code, location=county, investment_wan=0,
        description="由代办联系卡登记，建设地点和总投资待补充", source_department=issuer, created_by=actor)
    audit_record(event_type="intake.directory_added", actor=actor, obj=entry,
                 new={"project": entry.project_name, "category": entry.category, "from_card": True})
    return entry


def directory_add(*, actor: User, category: str, project_name: str, company_name: str, location,
                  investment_wan, industrial: bool = True, credit_code: str = "", contact_name: str = "",
                  contact_phone: str = "", description: str = "") -> DirectoryEntry:
    """目录库: fed by the investment-promotion, commerce and government-investment bodies."""
    if actor.department is None or actor.department.kind not in CARD_ISSUER_KINDS:
        require_role(actor, Role.CENTER_ADMIN, action="directory_add")
    errors = {}
    if category not in PROMOTION_CATEGORIES | {Category.GOVERNMENT_INVESTMENT}:
        errors["category"] = "目录库只收录招商引资、平商回归和政府投资项目"
    place = resolve_location(location) if isinstance(location, str) else location
    if place is None:
        errors["location"] = "建设地点应为平阳县的乡镇或园区"
    investment = parse_decimal(investment_wan)
    if investment is None or investment <= 0:
        errors["investment_wan"] = "总投资应为大于 0 的数字（万元）"
    if not project_name.strip():
        errors["project_name"] = "请填写项目名称"
    if not company_name.strip():
        errors["company_name"] = "请填写企业名称"
    if errors or place is None or investment is None:  # either None means errors says why
        raise ValidationFailed(errors)
    department = actor.department or Department.objects.get(code="zsj")
    with transaction.atomic():
        entry = DirectoryEntry.objects.create(
            category=category, project_name=project_name.strip(), company_name=company_name.strip(),
            credit_code=credit_code.strip().upper(), contact_name=contact_name, contact_phone=contact_phone,
            location=place, industrial=industrial, investment_wan=investment, description=description,
            source_department=department, created_by=actor)
        audit_record(event_type="intake.directory_added", actor=actor, obj=entry,
                     new={"project": entry.project_name, "category": category})
    return entry


def request_data_from_directory(entry: DirectoryEntry) -> RequestData:
    """A case started from the directory has its data filled in."""
    return RequestData(company_name=entry.company_name, credit_code=entry.credit_code,
                       contact_name=entry.contact_name, contact_phone=entry.contact_phone,
                       project_name=entry.project_name, location=entry.location.code, category=entry.category,
                       industrial=entry.industrial, investment_wan=entry.investment_wan,
                       description=entry.description, directory_entry_id=entry.pk)


def owner_account_create(*, actor: User | None, company: Company, username: str, password: str, full_name: str,
                         mobile: str = "", password_is_hash: bool = False) -> User:
    """An account for a company's owner: it sees only its own company's cases."""
    if actor is not None:
        # Accounts are the security administrator's to open (三权分立).
        require_role(actor, Role.SECURITY_ADMIN, action="owner_account_create")
    with transaction.atomic():
        user = user_create(actor=None, username=username, password=password, full_name=full_name, mobile=mobile,
                           title=f"{company.name}（项目业主）", password_is_hash=password_is_hash)
        role_grant(actor=None, user=user, role=Role.OWNER)
        company.owner_users.add(user)
        audit_record(event_type="intake.owner_account_created", actor=actor, obj=company,
                     new={"username": username})
    return user
