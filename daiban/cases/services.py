"""Every write on a case: acceptance, the entrusted items, the team, its papers."""
from __future__ import annotations

from django.db import transaction

from daiban.audit.services import audit_record
from daiban.cases import agency_team
from daiban.cases import hooks as team_hooks
from daiban.cases.models import Case, CaseItem, CaseTransition, CollaborationPhase, Project, TeamMember, TeamRole
from daiban.cases.paperwork import documents_reissue, generate
from daiban.cases.provincial_reports import provincial_enqueue
from daiban.cases.selectors import current_document, is_case_owner, team_of
from daiban.cases.states import ALLOWED_CASE_CHANGES, CaseStatus
from daiban.catalog.models import CatalogItem
from daiban.intake.audiences import owner_of
from daiban.intake.models import PROMOTION_CATEGORIES, Request
from daiban.intake.services import public_step_add
from daiban.intake.validation import company_address_error
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.lib.personal import mask_address, mask_name
from daiban.lib.validators import project_code_error
from daiban.notify.services import notify_event
from daiban.org.models import User
from daiban.org.permissions import require_role, require_unit_worker
from daiban.org.roles import Role


def case_transition(*, actor: User, case: Case, to_status: str, note: str = "") -> None:
    """The one place a case changes state: checked against ALLOWED_CASE_CHANGES and kept as a row."""
    if to_status not in ALLOWED_CASE_CHANGES[case.status]:
        raise Conflict(f"案件当前为“{case.get_status_display()}”，不能变为“{CaseStatus(to_status).label}”",
                       code="case.state_conflict")
    old = case.status
    case.status = to_status
    case.save(update_fields=["status"])
    CaseTransition.objects.create(case=case, from_status=old, to_status=to_status, at=clock.now(), by=actor, note=note)


def public_step(case: Case, text: str) -> None:
    public_step_add(request_id=case.request_id, text=text)


def case_lock(case: Case) -> None:
    """Inside the caller's transaction: the case's row, locked before anything else its change writes. Every writer
    of a case takes it first and the audit chain's head after (audit_record), one order for all, so no two wait on
    each other in a circle. FOR NO KEY UPDATE, like every row lock here: rows that point at the case (documents,
    public steps) are still inserted meanwhile."""
    Case.objects.select_for_update(no_key=True).filter(pk=case.pk).first()


def require_case_worker(actor: User, case: Case, action: str) -> None:
    """Staff of the case's unit, or the center (a closed case is refused by require_open)."""
    require_unit_worker(actor, case.unit_id, action=action, what="案件")


def require_open(case: Case) -> None:
    if case.status in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
        raise Conflict("案件已办结或终止，只能查阅", code="case.closed")


FIRST_CONTACT_FIRST = "请先在“首次联系”中记录与企业联系的情况，再受理。"


def request_accept(*, actor: User, request: Request, in_county: bool = True, industrial_policy: bool = True,
                   voluntary: bool = True, note: str = "", contact_first: bool = False) -> Case:
    """§6.2: the unit reviews eligibility and accepts; the case starts. Accepting twice returns the case.
    With contact_first (the unit's page), a request nobody has contacted yet is not accepted: the first contact
    is recorded on its own, with what was said."""
    require_unit_worker(actor, request.unit_id, action="request_accept", what="登记")
    if contact_first and request.first_contact_at is None and request.status == Request.Status.NEW:
        raise ValidationFailed({"first_contact": FIRST_CONTACT_FIRST})
    failed = {name: message for name, ok, message in (
        ("in_county", in_county, "项目不在平阳县域范围内，不予受理"),
        ("industrial_policy", industrial_policy, "项目不符合产业导向，不予受理"),
        ("voluntary", voluntary, "代办服务须由企业自愿申请委托"),
    ) if not ok}
    if failed:
        raise ValidationFailed(failed)
    with transaction.atomic():
        request = Request.objects.select_for_update(no_key=True).get(pk=request.pk)
        if request.status == Request.Status.ACCEPTED:
            return request.case
        if request.status == Request.Status.REJECTED:
            raise Conflict("该申请已不予受理", code="intake.already_decided")
        now = clock.now()
        if request.first_contact_at is None:  # accepting is contact too
            request.first_contact_at, request.first_contact_by = now, actor
            request.first_contact_note = note or "受理时联系企业"
        request.status = Request.Status.ACCEPTED
        request.reviewed_at, request.reviewed_by = now, actor
        request.save()
        project = Project.objects.create(
            name=request.project_name, company=request.company, location=request.location,
            category=request.category, industrial=request.industrial, investment_wan=request.investment_wan,
            project_code=request.project_code, land_area_mu=request.land_area_mu,
            floor_area_m2=request.floor_area_m2, description=request.description)
        case = Case.objects.create(request=request, project=project, unit=request.unit, accepted_at=now,
                                   accepted_by=actor, card_holding=request.card_id is not None)
        CaseTransition.objects.create(case=case, from_status="", to_status=CaseStatus.ACCEPTED, at=now, by=actor,
                                      note=note)
        if project.category in PROMOTION_CATEGORIES:
            _open_collaboration(case)
        public_step(case, "已受理，待签订委托代办协议")
        people, contact = owner_of(request)
        notify_event("request.accepted", values={"project": request.project_name, "unit": case.unit.name},
                     link=f"/cases/{case.pk}/", people=people, owner_contact=contact, case=case,
                     dedupe_key=str(request.pk))
        audit_record(event_type="intake.request_accepted", actor=actor, obj=request,
                     new={"case_id": case.pk, "unit": case.unit.name})
        provincial_enqueue(event="acceptance", case=case)

        generate(case=case, kind="registration", actor=actor)
    return case


def _open_collaboration(case: Case) -> None:
    owners = {
        CollaborationPhase.Phase.INTRODUCTION: CollaborationPhase.OwnerBody.INVESTMENT,
        CollaborationPhase.Phase.SIGNING: CollaborationPhase.OwnerBody.INVESTMENT,
        CollaborationPhase.Phase.APPROVAL: CollaborationPhase.OwnerBody.APPROVAL,
        CollaborationPhase.Phase.LANDING: CollaborationPhase.OwnerBody.APPROVAL,
    }
    for phase, owner in owners.items():
        CollaborationPhase.objects.create(case=case, phase=phase, owner_body=owner,
                                          note="纪检监察部门全程监督" if phase == CollaborationPhase.Phase.APPROVAL else "")


def case_agreement_set(*, actor: User, case: Case, item_codes: list[str]) -> Case:
    """The owner chooses all or some items; the agreement lists exactly those."""
    _require_owner_or_worker(actor, case, "case_agreement_set")
    require_open(case)
    codes = [c.strip().upper() for c in item_codes if isinstance(c, str) and c.strip()]
    if not codes:
        raise ValidationFailed({"item_codes": "请至少选择一个委托代办事项"})
    known = {item.code: item for item in CatalogItem.objects.filter(code__in=codes, active=True)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed({"item_codes": f"事项库中没有这些事项：{'、'.join(unknown)}"})
    if len(set(codes)) != len(codes):
        raise ValidationFailed({"item_codes": "委托事项有重复"})
    both = sorted({f"{a}与{b}" for a, b in CatalogItem.alternatives.through.objects.filter(
        from_catalogitem__code__in=codes, to_catalogitem__code__in=codes).values_list(
        "from_catalogitem__code", "to_catalogitem__code") if a < b})
    if both:
        raise ValidationFailed({"item_codes": f"{'、'.join(both)}只能择一委托"})
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        if case.status not in (CaseStatus.ACCEPTED, CaseStatus.ENTRUSTED):
            raise Conflict("代办已开始实施，委托事项请通过补充协议调整", code="case.state_conflict")
        old = sorted(case.items.values_list("catalog_item__code", flat=True))
        case.items.exclude(catalog_item__code__in=codes).delete()
        present = set(case.items.values_list("catalog_item__code", flat=True))
        CaseItem.objects.bulk_create([CaseItem(case=case, catalog_item=known[c]) for c in codes if c not in present])
        if case.entrusted_on is None:
            case.entrusted_on = clock.today()
            case.save(update_fields=["entrusted_on"])
        case_transition(actor=actor, case=case, to_status=CaseStatus.ENTRUSTED, note=f"委托事项 {len(codes)} 项")
        public_step(case, f"已确定委托代办事项 {len(codes)} 项")
        audit_record(event_type="case.agreement_set", actor=actor, obj=case, old={"items": old},
                     new={"items": sorted(codes)})

        generate(case=case, kind="agreement", actor=actor)
        documents_reissue(case=case, actor=actor, reason="委托事项变更")  # the registration form lists them too
    return case


def _require_owner_or_worker(actor: User, case: Case, action: str) -> None:
    if is_case_owner(actor, case):
        return
    require_case_worker(actor, case, action)


def case_team_set(*, actor: User, case: Case, agent: str, chief_agent: str | None = None,
                  lead_leader: str | None = None, supervisor: str | None = None,
                  liaisons: list[str] | None = None) -> agency_team.TeamChoice:
    """Sets the team; a team that breaks a rule of the seed is refused with the rule named."""
    require_case_worker(actor, case, "case_team_set")
    require_open(case)
    names = {"agent": agent, "chief_agent": chief_agent, "lead_leader": lead_leader, "supervisor": supervisor}
    wanted = {n for n in [*names.values(), *(liaisons or [])] if n}
    people = {u.username: u for u in User.objects.filter(username__in=wanted, is_active=True)
              .select_related("body", "department", "department__region")}
    missing = {field: f"没有用户名为“{value}”的人员" for field, value in names.items() if value and value not in people}
    unknown = [n for n in (liaisons or []) if n not in people]
    if unknown:
        missing["liaisons"] = f"没有用户名为“{'、'.join(unknown)}”的人员"
    if missing:
        raise ValidationFailed(missing)
    choice = agency_team.TeamChoice(
        agent=people.get(agent), chief_agent=people.get(chief_agent or ""), lead_leader=people.get(lead_leader or ""),
        supervisor=people.get(supervisor or ""), liaisons=[people[n] for n in dict.fromkeys(liaisons or [])])
    broken = agency_team.violations(choice, case)
    if broken:
        raise ValidationFailed(broken)
    with transaction.atomic():
        case_lock(case)  # one team change at a time
        old = team_of(case)
        case.team.all().delete()
        members = [(TeamRole.AGENT, choice.agent), (TeamRole.CHIEF_AGENT, choice.chief_agent),
                   (TeamRole.LEAD_LEADER, choice.lead_leader), (TeamRole.SUPERVISOR, choice.supervisor)]
        members += [(TeamRole.LIAISON, person) for person in choice.liaisons]
        TeamMember.objects.bulk_create([TeamMember(case=case, user=u, role=r) for r, u in members if u is not None])
        team_hooks.run(case.pk)  # the statistics by agent move the case's figures to its new agent
        new = choice.as_usernames()
        audit_record(event_type="case.team_set", actor=actor, obj=case, old=old, new=new)
        if old["agent"] != new["agent"] and choice.agent is not None:  # (a team without one is refused above)
            public_step(case, f"已指派代办员{choice.agent.display_name[0]}*")

        documents_reissue(case=case, actor=actor, reason="代办团队确定")  # the agreement names the agents
    return choice


def case_designate_major(*, actor: User, case: Case, major: bool = True) -> Case:
    """Only the county center designates a major project."""
    require_role(actor, Role.CENTER_ADMIN, action="case_designate_major")
    require_open(case)
    with transaction.atomic():
        project = case.project
        old = project.major
        project.major = major
        project.save(update_fields=["major"])
        audit_record(event_type="case.major_designated", actor=actor, obj=case, old={"major": old},
                     new={"major": major})
    return case


PROJECT_CODE_ITEM = "L02"  # 企业投资项目备案（赋码）: its approval number is the project code


def project_code_problem(case: Case, code: str) -> str | None:
    """The one check of a project code for a case: its form, its month, and the project's county as its area."""
    return project_code_error(code, today=clock.today(), area=case.project.location.code[:6])


def project_code_record(*, actor: User, case: Case, code: str) -> bool:
    """Inside the caller's transaction, the code already checked: written to the project (and so to every later
    document, the ledger and the provincial report). False when it was already the code."""
    case_lock(case)
    project = Project.objects.select_for_update(no_key=True).get(pk=case.project_id)
    old = project.project_code
    if old == code:
        return False
    project.project_code = code
    project.save(update_fields=["project_code"])
    case.project = project
    audit_record(event_type="case.project_code_set", actor=actor, obj=case, old={"project_code": old},
                 new={"project_code": code})
    public_step(case, "已取得项目代码")
    provincial_enqueue(event="project_code", case=case)

    documents_reissue(case=case, actor=actor, reason="取得项目代码")
    return True


def case_project_code_set(*, actor: User, case: Case, project_code: str) -> Case:
    """The national project code issued by the provincial platform (备案/核准赋码), reported back to it."""
    require_case_worker(actor, case, "case_project_code_set")
    require_open(case)
    code = (project_code or "").strip().upper()
    error = project_code_problem(case, code)
    if error:
        raise ValidationFailed({"project_code": error})
    with transaction.atomic():
        project_code_record(actor=actor, case=case, code=code)
    return case


def case_company_address_set(*, actor: User, case: Case, address: str) -> Case:
    """Staff with rights on the case enter or correct the company's address: kept on the request and in the
    company's register, and every form already issued that prints it is issued again as its next version."""
    require_case_worker(actor, case, "case_company_address_set")
    require_open(case)
    address = " ".join((address or "").split())
    if message := company_address_error(address, required=True):
        raise ValidationFailed({"address": message})
    with transaction.atomic():
        case_lock(case)
        request = Request.objects.select_for_update(no_key=True).get(pk=case.request_id)
        old = request.company_address
        if old == address:
            return case
        request.company_address = address
        request.save(update_fields=["company_address"])
        company = request.company
        company.address = address
        company.save(update_fields=["address"])
        case.request = request
        audit_record(event_type="case.company_address_set", actor=actor, obj=case,
                     old={"address": mask_address(old)}, new={"address": mask_address(address)})

        documents_reissue(case=case, actor=actor, reason="企业地址变更")
    return case


def document_sign(*, actor: User, case: Case, kind: str, owner_signatory: str) -> None:
    """Records that the owner signed (and sealed) the current version of the form: a signature belongs to the
    version signed, and a later version waits for its own."""
    require_case_worker(actor, case, "document_sign")
    require_open(case)
    if not owner_signatory.strip():
        raise ValidationFailed({"owner_signatory": "请填写业主签字人"})
    with transaction.atomic():
        document = current_document(case, kind)
        if document is None:
            raise ValidationFailed({"kind": "尚未生成该文书"})
        if document.signed_at is not None:
            return
        document.signed_at, document.signed_by_owner = clock.now(), owner_signatory.strip()
        document.signing_recorded_by = actor
        document.save(update_fields=["signed_at", "signed_by_owner", "signing_recorded_by"])
        audit_record(event_type="case.document_signed", actor=actor, obj=case,
                     new={"document": document.get_kind_display(), "serial_no": document.serial_no,
                          "version": document.version, "signatory": mask_name(document.signed_by_owner),
                          "sha256": document.sha256})
        if kind == "agreement":
            public_step(case, "委托代办协议已签订" if document.version == 1
                        else f"委托代办协议（{document.version_label}）已签订")


def collaboration_update(*, actor: User, case: Case, phase: str, handed_over_at=None, handed_over_to: str = "",
                         note: str = "") -> CollaborationPhase:
    require_case_worker(actor, case, "collaboration_update")
    require_open(case)
    errors = {}
    if len(handed_over_to or "") > 60:
        errors["handed_over_to"] = "交接对象过长（最多 60 字）"
    if len(note or "") > 200:
        errors["note"] = "情况说明过长（最多 200 字）"
    if errors:
        raise ValidationFailed(errors)
    row = case.collaboration.filter(phase=phase).first()
    if row is None:
        raise ValidationFailed({"phase": "本案没有该协同阶段（仅招商引资、平商回归项目）"})
    with transaction.atomic():
        old = {"handed_over_at": row.handed_over_at, "to": row.handed_over_to, "note": row.note}
        row.handed_over_at, row.handed_over_to, row.note = handed_over_at, handed_over_to, note
        row.save()
        audit_record(event_type="case.collaboration_updated", actor=actor, obj=case, old=old,
                     new={"phase": phase, "handed_over_at": handed_over_at, "to": handed_over_to, "note": note})
    return row


