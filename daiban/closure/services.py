"""Every write that ends a case: completion, termination, the owner's receipt, the filing (seed §6.8).

Completion needs every entrusted item finished — approved, refused (不予许可) or withdrawn — with at least
one approved; a case with nothing approved ends by termination instead. Termination is open from every
open state; the items not yet finished are withdrawn with it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from daiban.audit.refusals import atomic
from daiban.audit.services import audit_record
from daiban.cases.audiences import case_people
from daiban.cases.models import Case, CaseItem
from daiban.cases.provincial_reports import provincial_enqueue
from daiban.cases.selectors import is_case_owner
from daiban.cases.services import case_transition, public_step, require_case_worker, require_open
from daiban.cases.states import ALLOWED_ITEM_CHANGES, ITEM_FINISHED, CaseStatus, ItemStatus
from daiban.closure import business
from daiban.closure.deadlines import case_workdays_used, filing_due
from daiban.closure.models import Closure, HandoverEntry
from daiban.closure.paperwork import closing_document
from daiban.closure.selectors import closure_details, closure_of
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.lib.personal import mask_name
from daiban.notify.rules import To
from daiban.notify.services import notify_event
from daiban.org.models import User
from daiban.org.permissions import refuse, require_role
from daiban.org.roles import Role
from daiban.org.scope import scope_of
from daiban.plans.models import ItemTransition

MAX_HANDOVER = 50
WITHDRAWN_ON_TERMINATION = "委托终止，事项撤回"


@dataclass(frozen=True)
class HandoverLine:
    document: str
    copies: int = 1
    original: bool = True


def _handover_lines(lines: Iterable[HandoverLine | Mapping] | None, *, field: str) -> list[HandoverLine]:
    """Checks a hand-over (or return) list; errors are keyed "<field>.<n>.<part>", n from 1 as printed."""
    parsed: list[HandoverLine] = []
    errors: dict[str, str] = {}
    for n, line in enumerate(lines or [], 1):
        values = line if isinstance(line, Mapping) else line.__dict__
        document = str(values.get("document") or "").strip()
        copies = values.get("copies", 1)
        if not document:
            errors[f"{field}.{n}.document"] = f"第 {n} 行：请填写资料名称"
        elif len(document) > 120:
            errors[f"{field}.{n}.document"] = f"第 {n} 行：资料名称过长（最多 120 字）"
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 99:
            errors[f"{field}.{n}.copies"] = f"第 {n} 行：份数应为 1 至 99"
        parsed.append(HandoverLine(document=document, copies=copies if isinstance(copies, int) else 1,
                                   original=bool(values.get("original", True))))
    if len(parsed) > MAX_HANDOVER:
        errors[field] = f"资料清单最多 {MAX_HANDOVER} 项"
    if errors:
        raise ValidationFailed(errors)
    return parsed


def _save_handover(closure: Closure, lines: list[HandoverLine]) -> None:
    HandoverEntry.objects.bulk_create([HandoverEntry(closure=closure, position=n, document=line.document,
                                                     copies=line.copies, original=line.original)
                                       for n, line in enumerate(lines, 1)])


def _open_items(case: Case) -> list[CaseItem]:
    return list(case.items.exclude(status__in=ITEM_FINISHED).select_related("catalog_item"))


def _check_completable(case: Case) -> None:
    require_open(case)
    if case.status != CaseStatus.IN_PROGRESS:
        raise Conflict("代办尚未开始实施（尚未制定代办计划），不能办结；如需结束代办，请办理委托终止", code="closure.not_started")
    still_open = _open_items(case)
    if still_open:
        names = "、".join(f"{i.catalog_item.name}（{i.get_status_display()}）" for i in still_open)
        raise Conflict(f"尚有 {len(still_open)} 个事项未办结，不能办结：{names}", code="closure.items_open")
    if not case.items.filter(status=ItemStatus.APPROVED).exists():
        raise Conflict("没有获得批准的事项，不能办结；请办理委托终止", code="closure.nothing_approved")


def case_complete(*, actor: User, case: Case, handover: Iterable[HandoverLine | Mapping],
                  opinion: str = "", close_open: Mapping[str, str] | None = None) -> Closure:
    """§6.8: every item finished — the completion form is filled in, the papers listed for hand-over, and
    the 2-working-day filing deadline starts. Open issues, linked requests and meeting resolutions are
    closed with the agent's reasons (`close_open`: {"issue:12": reason}) or block the completion."""
    require_case_worker(actor, case, "case_complete")
    _check_completable(case)
    reasons = business.reasons_from(close_open)
    business.check_closable(case, reasons)
    lines = _handover_lines(handover, field="handover")
    errors = {}
    if not lines:
        errors["handover"] = "请填写移交资料清单（向业主移交的批准文件、证照等）"
    if len((opinion or "").strip()) > 300:
        errors["opinion"] = "意见过长（最多 300 字）"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        _check_completable(case)
        business.close_all(actor=actor, case=case, business=business.check_closable(case, reasons), reasons=reasons,
                           why="办结")
        today, now = clock.today(), clock.now()
        due = filing_due(today)
        entrusted = case.entrusted_on or case.accepted_at.date()
        closure = Closure.objects.create(
            case=case, kind=Closure.Kind.COMPLETION, closed_on=today, closed_at=now, closed_by=actor,
            workdays_used=case_workdays_used(entrusted, today), opinion=(opinion or "").strip(),
            filing_due_on=due.date, filing_due_provisional=due.provisional)
        _save_handover(closure, lines)
        case_transition(actor=actor, case=case, to_status=CaseStatus.COMPLETED, note="委托代办事项全部办结")
        closure.document = closing_document(closure=closure, actor=actor)
        closure.save(update_fields=["document"])
        public_step(case, "委托代办事项已全部办结，代办服务结束")
        audit_record(event_type="case.completed", actor=actor, obj=case, old={"status": CaseStatus.IN_PROGRESS},
                     new={"status": case.status, "closed_on": today, "filing_due_on": due.date,
                          "workdays_used": closure.workdays_used, "handover": [line.document for line in lines],
                          "serial_no": closure.document.serial_no})
        provincial_enqueue(event="completion", case=case, details=closure_details(closure))
        people, contact = case_people(case)
        notify_event("case.completed", values={"project": case.project.name}, link=f"/closure/cases/{case.pk}/",
                     people=people, owner_contact=contact, unit=case.unit, case=case, dedupe_key=str(case.pk))
    return closure


def _withdraw_open_items(actor: User, case: Case, today: dt.date) -> list[CaseItem]:
    """Items not finished when the entrustment ends are withdrawn, each change kept as a row."""
    withdrawn = []
    now = clock.now()
    for item in case.items.select_for_update(no_key=True, of=("self",)).exclude(status__in=ITEM_FINISHED).select_related(
            "catalog_item", "liaison"):
        if (item.status, ItemStatus.WITHDRAWN) not in ALLOWED_ITEM_CHANGES:
            raise Conflict(f"事项“{item.catalog_item.name}”当前不能撤回", code="item.state_conflict")
        old = item.status
        ItemTransition.objects.create(item=item, from_status=old, to_status=ItemStatus.WITHDRAWN, at=now, by=actor,
                                      note=WITHDRAWN_ON_TERMINATION)
        item.status, item.finished_on, item.result_note = ItemStatus.WITHDRAWN, today, WITHDRAWN_ON_TERMINATION
        item.save(update_fields=["status", "finished_on", "result_note"])
        item.pauses.filter(ended_on__isnull=True).update(ended_on=today)
        audit_record(event_type="item.withdrawn", actor=actor, obj=item, old={"status": old},
                     new={"status": item.status, "reason": WITHDRAWN_ON_TERMINATION})
        withdrawn.append(item)
    return withdrawn


def case_terminate(*, actor: User, case: Case, reason: str, reason_kind: str | None = None,
                   returned: Iterable[HandoverLine | Mapping] | None = None,
                   close_open: Mapping[str, str] | None = None) -> Closure:
    """§6.8: the owner ends the entrustment (at any time, in writing: from its own account, or recorded by
    the staff from its letter), or the project's own reasons end it. Open items are withdrawn."""
    by_owner = is_case_owner(actor, case)
    if not by_owner:
        require_case_worker(actor, case, "case_terminate")
    require_open(case)
    kind = reason_kind or Closure.ReasonKind.OWNER_REQUEST
    errors = {}
    if kind not in Closure.ReasonKind.values:
        errors["reason_kind"] = "终止原因应为业主申请（owner_request）或项目自身原因（project）"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写终止原因的具体情况"
    elif len(reason) > 1000:
        errors["reason"] = "终止原因过长（最多 1000 字）"
    try:
        lines = _handover_lines(returned, field="returned")
    except ValidationFailed as refusal:
        errors.update(refusal.errors)
    reasons = business.reasons_from(close_open)
    if by_owner:  # the owner ends the entrustment in writing at any time: what is open ends with it
        reasons = {b.key: f"业主申请终止委托：{reason[:200]}" for b in business.open_business(case)}
    if errors:
        raise ValidationFailed(errors)
    business.check_closable(case, reasons)
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        require_open(case)
        business.close_all(actor=actor, case=case, business=business.check_closable(case, reasons), reasons=reasons,
                           why="终止")
        today, now = clock.today(), clock.now()
        old_status = case.status
        withdrawn = _withdraw_open_items(actor, case, today)
        due = filing_due(today)
        closure = Closure.objects.create(
            case=case, kind=Closure.Kind.TERMINATION, closed_on=today, closed_at=now, closed_by=actor,
            reason_kind=kind, reason=reason, requested_by_owner=by_owner, filing_due_on=due.date,
            filing_due_provisional=due.provisional,
            workdays_used=case_workdays_used(case.entrusted_on, today) if case.entrusted_on else None)
        _save_handover(closure, lines)
        label = Closure.ReasonKind(kind).label
        case_transition(actor=actor, case=case, to_status=CaseStatus.TERMINATED, note=f"{label}：{reason[:150]}")
        closure.document = closing_document(closure=closure, actor=actor)
        closure.save(update_fields=["document"])
        public_step(case, f"委托代办已终止（{label}）")
        audit_record(event_type="case.terminated", actor=actor, obj=case, old={"status": old_status},
                     new={"status": case.status, "reason_kind": kind, "reason": reason, "by_owner": by_owner,
                          "withdrawn": [i.catalog_item.code for i in withdrawn], "filing_due_on": due.date,
                          "serial_no": closure.document.serial_no})
        provincial_enqueue(event="termination", case=case, details=closure_details(closure))
        liaisons = [i.liaison for i in withdrawn if i.liaison is not None]
        if liaisons:
            notify_event("case.terminated_items", people={To.LIAISON: liaisons}, case=case, dedupe_key=str(case.pk),
                         values={"project": case.project.name, "reason": label,
                                 "items": "、".join(i.catalog_item.name for i in withdrawn)},
                         link=f"/cases/{case.pk}/")
        people, contact = case_people(case)
        notify_event("case.terminated", people=people, owner_contact=contact, unit=case.unit, case=case,
                     values={"project": case.project.name, "reason": f"{label}，{reason.rstrip('。；，. ')}",
                             "form": closure.form_name, "due": f"{due.date:%Y年%m月%d日}"},
                     link=f"/closure/cases/{case.pk}/", dedupe_key=str(case.pk))
    return closure


def handover_confirm(*, actor: User, case: Case, signatory: str = "") -> Closure:
    """The owner signs for the papers handed over (or returned): from its own account, or the agent records
    the signature on the paper form. Confirming twice changes nothing."""
    by_owner = is_case_owner(actor, case)
    if not by_owner:
        require_case_worker(actor, case, "handover_confirm")
    closure = closure_of(case)
    signatory = (signatory or "").strip() or (actor.display_name if by_owner else "")
    if not signatory:
        raise ValidationFailed({"signatory": "请填写业主签收人姓名"})
    if len(signatory) > 30:
        raise ValidationFailed({"signatory": "签收人姓名过长（最多 30 字）"})
    with transaction.atomic():
        closure = Closure.objects.select_for_update(no_key=True, of=("self",)).select_related("document").get(pk=closure.pk)
        if closure.handover_confirmed_at is not None:
            return closure
        now = clock.now()
        closure.handover_confirmed_at, closure.handover_signatory = now, signatory
        closure.handover_recorded_by = None if by_owner else actor
        closure.save(update_fields=["handover_confirmed_at", "handover_signatory", "handover_recorded_by"])
        document = closure.document
        if document is not None and document.signed_at is None:
            document.signed_at, document.signed_by_owner = now, signatory
            document.signing_recorded_by = None if by_owner else actor
            document.save(update_fields=["signed_at", "signed_by_owner", "signing_recorded_by"])
        audit_record(event_type="closure.handover_confirmed", actor=actor, obj=case,
                     new={"signatory": mask_name(signatory), "by_owner": by_owner,
                          "papers": list(closure.handover.values_list("document", flat=True))})
    return closure


def closure_file(*, actor: User, case: Case, filed_on: dt.date | None = None, opinion: str | None = None,
                 backfill_reason: str = "") -> Closure:
    """The agent files the form (and the papers) with the agency unit. Timeliness is judged on the day the
    filing is recorded (server time); an earlier paper filing is entered as 补录 with a reason, and its
    declared date counts only after the unit administrator confirms it (closure_backfill_confirm)."""
    require_case_worker(actor, case, "closure_file")
    closure = closure_of(case)
    today = clock.today()
    filed_on = filed_on or today
    backfill_reason = (backfill_reason or "").strip()
    if filed_on > today:
        raise ValidationFailed({"filed_on": "归档日期不能晚于今天"})
    if filed_on < closure.closed_on:
        raise ValidationFailed({"filed_on": f"归档日期不能早于{closure.get_kind_display()}日期（{closure.closed_on}）"})
    if filed_on < today and not backfill_reason:
        raise ValidationFailed({"backfill_reason": f"归档日期早于今天（{today:%Y-%m-%d}），只能作为补录登记，请填写补录理由"})
    if filed_on == today:
        backfill_reason = ""  # filed today: nothing to back-date
    if len(backfill_reason) > 300:
        raise ValidationFailed({"backfill_reason": "补录理由过长（最多 300 字）"})
    if opinion is not None and len(opinion.strip()) > 300:
        raise ValidationFailed({"opinion": "意见过长（最多 300 字）"})
    with transaction.atomic():
        closure = Closure.objects.select_for_update(no_key=True, of=("self",)).select_related("document").get(pk=closure.pk)
        if closure.filed_on is not None:
            raise Conflict(f"{closure.form_name}已于{closure.filed_on:%Y年%m月%d日}归档，不能重复登记",
                           code="closure.already_filed")
        if closure.handover.exists() and closure.handover_confirmed_at is None:
            raise Conflict("业主尚未签收资料清单，请先登记业主签收后再归档", code="closure.handover_unsigned")
        if opinion is not None and opinion.strip():
            closure.opinion = opinion.strip()
        closure.filed_on, closure.filed_at, closure.filed_by = filed_on, clock.now(), actor
        closure.backfill_reason = backfill_reason
        # The filed form is a new version (with its archive date); the owner's signature stays on the version
        # the owner signed, which the archive keeps.
        closure.document = closing_document(closure=closure, actor=actor)
        closure.save(update_fields=["opinion", "filed_on", "filed_at", "filed_by", "backfill_reason", "document"])
        audit_record(event_type="closure.filed", actor=actor, obj=case,
                     new={"form": closure.form_name, "filed_on": filed_on, "recorded_on": today,
                          "due_on": closure.filing_due_on, "late": closure.filed_late,
                          "backfill_reason": backfill_reason or None, "serial_no": closure.document.serial_no})
        if backfill_reason:
            admins = User.objects.filter(body_id=case.unit_id, role_grants__role=Role.UNIT_ADMIN, is_active=True)
            notify_event("case.backfill_to_confirm", people={To.UNIT_ADMIN: list(admins.exclude(pk=actor.pk))},
                         values={"project": case.project.name, "form": closure.form_name,
                                 "filed": f"{filed_on:%Y-%m-%d}", "recorded": f"{today:%Y-%m-%d}",
                                 "reason": backfill_reason},
                         unit=case.unit, link=f"/cases/{case.pk}/closure/", case=case, dedupe_key=str(closure.pk))
    return closure


def closure_backfill_confirm(*, actor: User, case: Case) -> Closure:
    """The unit administrator (never the agent who entered it) confirms a 补录 filing: from then on its
    declared date is the one its timeliness is judged on."""
    require_role(actor, Role.UNIT_ADMIN, action="closure_backfill_confirm")
    if not scope_of(actor).covers_body(case.unit_id):
        refuse(actor, action="closure_backfill_confirm", why="该案件不在本代办机构")
    with atomic():
        closure = Closure.objects.select_for_update(no_key=True, of=("self",)).get(pk=closure_of(case).pk)
        if not closure.backfilled:
            raise Conflict("该办结单（终止单）不是补录归档，无需确认", code="closure.not_backfilled")
        if closure.backfill_confirmed_at is not None:
            raise Conflict("该补录归档已确认", code="closure.not_backfilled")
        if closure.filed_by_id == actor.pk:
            refuse(actor, action="closure_backfill_confirm", why="补录归档须由登记人以外的代办机构管理员确认")
        before = closure.filed_late
        closure.backfill_confirmed_at, closure.backfill_confirmed_by = clock.now(), actor
        closure.save(update_fields=["backfill_confirmed_at", "backfill_confirmed_by"])
        audit_record(event_type="closure.backfill_confirmed", actor=actor, obj=case, old={"late": before},
                     new={"filed_on": closure.filed_on, "recorded_at": closure.filed_at, "late": closure.filed_late})
    return closure
