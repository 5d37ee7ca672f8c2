"""Every write of the plan and its execution: the plan, item transitions, urging, logs, visits."""
from __future__ import annotations

import datetime as dt

from django.conf import settings

from daiban.audit.refusals import atomic
from daiban.audit.services import audit_record
from daiban.cases.audiences import case_people
from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.cases.provincial_reports import provincial_enqueue
from daiban.cases.selectors import local_department_of
from daiban.cases.services import (
    PROJECT_CODE_ITEM,
    case_transition,
    project_code_problem,
    project_code_record,
    public_step,
    require_case_worker,
    require_open,
)
from daiban.cases.states import ALLOWED_ITEM_CHANGES, CaseStatus, ItemStatus
from daiban.catalog.models import Level
from daiban.catalog.prerequisites import bound_prerequisites
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.notify.rules import To
from daiban.notify.services import notify_event
from daiban.org.models import Department, User
from daiban.org.permissions import refuse, require_role
from daiban.org.roles import Role
from daiban.plans.dates import check_declared
from daiban.plans.deadlines import legal_due, report_up_due, report_up_late
from daiban.plans.duties import next_progress_period, send_one_progress_report
from daiban.plans.evidence import evidence_record
from daiban.plans.models import ItemTransition, ItemUrge, OwnerVisit, Pause, ProgressReport, TaskPlan, WorkLog
from daiban.plans.notices import tell_item
from daiban.plans.push import push_after_finish
from daiban.plans.rollups import rollup_item_finished, rollup_item_reported_up
from daiban.plans.scheduling import PlanInput, permit_and_end, schedule
from daiban.plans.selectors import acting_as
from daiban.plans.target import target_length
from daiban.workdays.loader import add_workdays, deemed_day, workdays_between

CORRECTION_RULE = "补正期间暂停计时，材料补齐之日起继续计算，不重新起算（《行政许可法》第三十二条、第四十五条）"
SUSPENSION_RULE = "听证、检验、检测、鉴定和专家评审所需时间不计入期限（《行政许可法》第四十五条）"


# -- the plan --------------------------------------------------------------------------------------


def _plan_inputs(case: Case) -> list[PlanInput]:
    items = list(case.items.select_related("catalog_item").prefetch_related(
        "catalog_item__prerequisites__alternatives"))
    entrusted = {i.catalog_item.code for i in items}
    inputs = []
    for i in items:
        ours, owners = bound_prerequisites(i.catalog_item, entrusted)
        inputs.append(PlanInput(code=i.catalog_item.code, limit=i.catalog_item.limit_workdays, sort=i.catalog_item.sort,
                                prerequisites=tuple(ours + owners)))
    return inputs


def apply_schedule(case: Case, plan: TaskPlan) -> None:
    fixed = {i.catalog_item.code: (i.moved_start, i.moved_due)
             for i in case.items.select_related("catalog_item") if i.moved_start or i.moved_due}
    result = schedule(_plan_inputs(case), plan.start_date, add_workdays=add_workdays, deemed_day=deemed_day,
                      fixed=fixed)
    for item in case.items.select_related("catalog_item"):
        planned = result.items[item.catalog_item.code]
        item.planned_start, item.planned_due, item.planned_provisional = planned.start, planned.due, planned.provisional
        item.save(update_fields=["planned_start", "planned_due", "planned_provisional"])
    permit, end = permit_and_end(result.items)
    plan.effective_start = result.start
    plan.critical_path = result.critical_path
    plan.projected_permit_date = permit
    plan.target_length = target_length(result.start, end)
    plan.fits_target = None if plan.target_length is None else plan.target_length <= settings.PERMIT_TARGET_LENGTH
    plan.provisional = result.provisional
    plan.save()


def plan_reschedule(case: Case) -> None:
    """The planned dates again from the catalog as it is now (a limit changed), in the caller's transaction;
    an item the department has accepted gets its due date from the new limit too."""
    plan = TaskPlan.objects.filter(case=case).first()
    if plan is not None:
        apply_schedule(case, plan)
    for item in case.items.select_related("catalog_item").filter(started_on__isnull=False, finished_on__isnull=True):
        due = legal_due(item)
        item.due_on, item.due_provisional = due.date, due.provisional
        item.save(update_fields=["due_on", "due_provisional"])


def plan_generate(*, actor: User, case: Case, start_date: dt.date) -> TaskPlan:
    """代办任务分解计划表 from the entrusted items and the catalog's prerequisites."""
    require_case_worker(actor, case, "plan_generate")
    require_open(case)
    if not case.items.exists():
        raise ValidationFailed({"start_date": "请先签订委托代办协议、确定委托事项"})
    if start_date < case.accepted_at.date() - dt.timedelta(days=366):
        raise ValidationFailed({"start_date": "计划开始日期早于受理日期一年以上，请核对"})
    with atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        existing = TaskPlan.objects.filter(case=case).first()
        if existing and case.items.exclude(status=ItemStatus.PENDING).exists():
            raise Conflict("已有事项派单办理，计划不能重新生成；请逐项调整日期", code="plan.items_dispatched")
        plan = existing or TaskPlan(case=case)
        old = {"start_date": plan.start_date} if existing else None
        plan.start_date, plan.generated_at, plan.generated_by = start_date, clock.now(), actor
        case.items.update(moved_start=None, moved_due=None)
        apply_schedule(case, plan)
        if case.status == CaseStatus.ENTRUSTED:
            case_transition(actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, note="制定代办任务分解计划")
        public_step(case, f"已制定代办计划，预计{_permit_text(plan)}")
        people, contact = case_people(case)
        notify_event("case.plan_made", values={"project": case.project.name, "count": case.items.count(),
                                               "start": f"{start_date:%Y年%m月%d日}"},
                     link=f"/cases/{case.pk}/", people=people, owner_contact=contact, unit=case.unit, case=case,
                     dedupe_key=f"{case.pk}:{plan.generated_at.isoformat()}")
        audit_record(event_type="plan.generated", actor=actor, obj=case, old=old,
                     new={"start_date": start_date, "permit": plan.projected_permit_date,
                          "critical_path": plan.critical_path, "provisional": plan.provisional})

        # The form draws the plan's charts with matplotlib (seconds to import): loaded when a plan is issued.
        from daiban.plans.paperwork import plan_document

        plan_document(case=case, actor=actor)
    return plan


def _permit_text(plan: TaskPlan) -> str:
    if plan.projected_permit_date is None:
        return "按计划推进"
    return f"{plan.projected_permit_date:%Y年%m月%d日}取得施工许可" + ("（暂定）" if plan.provisional else "")


def plan_item_move(*, actor: User, item: CaseItem, reason: str, planned_start: dt.date | None = None,
                   planned_due: dt.date | None = None) -> CaseItem:
    """The agent moves an item's planned dates, with a reason; the items after it follow."""
    case = item.case
    require_case_worker(actor, case, "plan_item_move")
    require_open(case)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "调整计划日期须说明理由"})
    if planned_start is None and planned_due is None:
        raise ValidationFailed({"planned_due": "请给出新的计划开始或完成日期"})
    start = planned_start or item.planned_start
    if planned_due is not None and start is not None and planned_due < start:
        raise ValidationFailed({"planned_due": "计划完成日期不能早于计划开始日期"})
    plan = TaskPlan.objects.filter(case=case).first()
    if plan is None:
        raise ValidationFailed({"planned_start": "请先生成代办计划"})
    with atomic():
        old = {"planned_start": item.planned_start, "planned_due": item.planned_due}
        item.moved_start = planned_start or item.moved_start
        item.moved_due = planned_due or item.moved_due
        item.save(update_fields=["moved_start", "moved_due"])
        apply_schedule(case, plan)
        item.refresh_from_db()
        audit_record(event_type="plan.item_moved", actor=actor, obj=item, old=old,
                     new={"planned_start": item.planned_start, "planned_due": item.planned_due,
                          "reason": reason.strip()})
    return item


# -- items in motion --------------------------------------------------------------------------------


def local_department(item: CaseItem) -> Department:
    return local_department_of(item)


def require_item_say(actor: User, item: CaseItem, action: str) -> None:
    """Permission first (issue 10 §5): someone with no say on the item — neither staff of its case's unit nor a
    liaison officer of its department — is refused before its input or its state is looked at; `_move` then
    checks which side may make the change the state allows. `action` names the change as `_move` does
    (`item_<status>`), so a refusal reads the same whichever check made it."""
    if not acting_as(actor, item):
        refuse(actor, action=action, why="不是该事项的代办员或本部门代办联络员")


def _move(*, actor: User, item: CaseItem, to_status: str, note: str = "") -> str:
    """The one place an item changes state: the table says who may, the change is kept as a row."""
    require_open(item.case)
    allowed = ALLOWED_ITEM_CHANGES.get((item.status, to_status))
    if allowed is None:
        raise Conflict(f"事项当前为“{item.get_status_display()}”，不能变为“{ItemStatus(to_status).label}”",
                       code="item.state_conflict")
    if not allowed & acting_as(actor, item):
        refuse(actor, action=f"item_{to_status}", why="不是该事项的代办员或本部门代办联络员")
    old = item.status
    item.status = to_status
    ItemTransition.objects.create(item=item, from_status=old, to_status=to_status, at=clock.now(), by=actor,
                                  note=note[:300])
    return old


def _locked(item: CaseItem) -> CaseItem:
    return CaseItem.objects.select_for_update(no_key=True).select_related("catalog_item", "case", "case__unit").get(pk=item.pk)


def item_dispatch(*, actor: User, item: CaseItem, liaison: User | None = None, note: str = "") -> CaseItem:
    """派单: to the liaison officer of the item's (local) department."""
    require_item_say(actor, item, f"item_{ItemStatus.DISPATCHED}")
    with atomic():
        item = _locked(item)
        department = local_department(item)
        if liaison is None:
            member = item.case.team.filter(role=TeamRole.LIAISON, user__department=department).first()
            liaison = member.user if member else User.objects.filter(
                department=department, role_grants__role=Role.LIAISON, is_active=True).order_by("username").first()
        if liaison is None or not liaison.has_role(Role.LIAISON) or liaison.department_id != department.pk:
            raise ValidationFailed({"liaison": f"请指定{department.name}的代办联络员"})
        if not item.catalog_item.active:
            raise Conflict(f"“{item.catalog_item.name}”已从事项库停用，不能派单", code="catalog.item_inactive")
        old = _move(actor=actor, item=item, to_status=ItemStatus.DISPATCHED, note=note)
        item.liaison, item.dispatched_at = liaison, clock.now()
        item.save(update_fields=["status", "liaison", "dispatched_at"])
        audit_record(event_type="item.dispatched", actor=actor, obj=item, old={"status": old},
                     new={"status": item.status, "liaison": liaison.username})
        tell_item("item.dispatched", item, due=item.planned_due or "按计划", dedupe_key=str(item.pk))
    return item


def item_start(*, actor: User, item: CaseItem, started_on: dt.date | None = None) -> CaseItem:
    """The department accepts the complete application: the legal clock starts (the day is not counted)."""
    require_item_say(actor, item, f"item_{ItemStatus.IN_PROGRESS}")
    with atomic():
        item = _locked(item)
        old = _move(actor=actor, item=item, to_status=ItemStatus.IN_PROGRESS, note="部门受理")
        started_on = check_declared(item, started_on or clock.today(), field="started_on", what="受理日期")
        item.started_on = started_on
        due = legal_due(item)
        item.due_on, item.due_provisional = due.date, due.provisional
        item.save(update_fields=["status", "started_on", "due_on", "due_provisional"])
        audit_record(event_type="item.started", actor=actor, obj=item, old={"status": old},
                     new={"status": item.status, "started_on": started_on, "due_on": item.due_on})
        public_step(item.case, f"{item.catalog_item.name}已由审批部门受理")
    return item


def item_pause(*, actor: User, item: CaseItem, kind: str, reason: str, started_on: dt.date | None = None) -> CaseItem:
    """Suspension (hearing, testing, appraisal, expert review) or a material correction: time not counted."""
    to_status = ItemStatus.AWAITING_CORRECTION if kind == Pause.Kind.CORRECTION else ItemStatus.SUSPENDED
    require_item_say(actor, item, f"item_{to_status}")
    if kind not in Pause.Kind.values:
        raise ValidationFailed({"kind": "暂停类型应为听证、检验检测、鉴定、专家评审或材料补正"})
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写暂停事由"})
    rule = CORRECTION_RULE if kind == Pause.Kind.CORRECTION else SUSPENSION_RULE
    with atomic():
        item = _locked(item)
        old = _move(actor=actor, item=item, to_status=to_status, note=reason)
        started_on = check_declared(item, started_on or clock.today(), field="started_on", what="暂停开始日期")
        item.save(update_fields=["status"])
        Pause.objects.create(item=item, kind=kind, reason=reason.strip(), started_on=started_on, rule=rule,
                             recorded_by=actor)
        audit_record(event_type="item.paused", actor=actor, obj=item, old={"status": old},
                     new={"status": item.status, "kind": kind, "reason": reason, "started_on": started_on,
                          "rule": rule})
        tell_item("item.paused", item, kind=Pause.Kind(kind).label, reason=reason.strip(), rule=rule)
    return item


def item_resume(*, actor: User, item: CaseItem, ended_on: dt.date | None = None) -> CaseItem:
    """Ends the open pause: its working days are not counted and the due date moves on by them."""
    require_item_say(actor, item, f"item_{ItemStatus.IN_PROGRESS}")
    with atomic():
        item = _locked(item)
        pause = item.pauses.filter(ended_on__isnull=True).first()
        if pause is None:
            raise Conflict("该事项没有进行中的暂停", code="item.state_conflict")
        old = _move(actor=actor, item=item, to_status=ItemStatus.IN_PROGRESS, note="恢复计时")
        ended_on = check_declared(item, ended_on or clock.today(), field="ended_on", what="恢复计时日期")
        pause.ended_on = ended_on
        pause.workdays = workdays_between(pause.started_on, ended_on).workdays
        pause.save(update_fields=["ended_on", "workdays"])
        item.paused_workdays += pause.workdays
        if item.started_on is not None:
            due = legal_due(item)
            item.due_on, item.due_provisional = due.date, due.provisional
        item.save(update_fields=["status", "paused_workdays", "due_on", "due_provisional"])
        audit_record(event_type="item.resumed", actor=actor, obj=item, old={"status": old},
                     new={"status": item.status, "paused_workdays": pause.workdays, "due_on": item.due_on,
                          "rule": pause.rule})
        tell_item("item.resumed", item, paused=pause.workdays, due=item.due_on or "待部门受理后确定")
    return item


def item_local_done(*, actor: User, item: CaseItem, done_on: dt.date | None = None) -> CaseItem:
    """本级办结: the liaison officer records that the local steps of a higher-level item are done; the
    1-working-day report-up deadline runs from it (deadlines.report_up_due)."""
    if "liaison" not in acting_as(actor, item):
        refuse(actor, action="item_local_done", why="不是该事项本部门的代办联络员")
    with atomic():
        item = _locked(item)
        require_open(item.case)
        if item.catalog_item.level == Level.COUNTY:
            raise ValidationFailed({"item": "该事项在本级审批，无需上报"})
        if item.status != ItemStatus.IN_PROGRESS or item.local_done_on is not None:
            raise Conflict("只有办理中、尚未登记本级办结的上级审批事项可以登记本级办结", code="item.state_conflict")
        done_on = check_declared(item, done_on or clock.today(), field="done_on", what="本级办结日期")
        due = report_up_due(done_on)
        item.local_done_on, item.report_due_on = done_on, due.date
        item.save(update_fields=["local_done_on", "report_due_on"])
        audit_record(event_type="item.local_done", actor=actor, obj=item,
                     new={"local_done_on": done_on, "report_due_on": due.date})
        tell_item("item.local_done", item, done=f"{done_on:%Y-%m-%d}", due=f"{due.date:%Y-%m-%d}",
                  department=item.catalog_item.department.name, dedupe_key=str(item.pk))
    return item


def item_report_up(*, actor: User, item: CaseItem, reported_on: dt.date | None = None, note: str = "") -> CaseItem:
    """The liaison officer records the report up; late when after 1 working day from 本级办结."""
    require_item_say(actor, item, f"item_{ItemStatus.REPORTED_UP}")
    with atomic():
        item = _locked(item)
        if item.catalog_item.level == Level.COUNTY:
            raise ValidationFailed({"item": "该事项在本级审批，无需上报"})
        old = _move(actor=actor, item=item, to_status=ItemStatus.REPORTED_UP, note=note or "上报上级部门")
        if item.local_done_on is None or item.report_due_on is None:  # 本级办结 sets both
            raise ValidationFailed({"local_done_on": "请先登记本级办结，再登记上报"})
        reported_on = check_declared(item, reported_on or clock.today(), field="reported_on", what="上报日期")
        item.reported_up_on = reported_on
        item.save(update_fields=["status", "reported_up_on"])
        late = report_up_late(due=item.report_due_on, reported_on=reported_on)
        rollup_item_reported_up(item=item)
        audit_record(event_type="item.reported_up", actor=actor, obj=item, old={"status": old},
                     new={"local_done_on": item.local_done_on, "report_due_on": item.report_due_on,
                          "reported_on": reported_on, "late": late})
        tell_item("item.reported_up", item, done=f"{item.local_done_on:%Y-%m-%d}", reported=f"{reported_on:%Y-%m-%d}",
                  department=item.catalog_item.department.name, late="（超过1个工作日的上报时限）" if late else "")
        public_step(item.case, f"{item.catalog_item.name}已报送上级部门审批")
    return item


def item_finish(*, actor: User, item: CaseItem, approved: bool, approval_no: str = "", note: str = "",
                finished_on: dt.date | None = None) -> CaseItem:
    require_item_say(actor, item, f"item_{ItemStatus.APPROVED if approved else ItemStatus.REFUSED}")
    if approved and not approval_no.strip():
        raise ValidationFailed({"approval_no": "请填写批准文号或证照编号"})
    if not approved and not note.strip():
        raise ValidationFailed({"note": "不予许可须写明理由"})
    code = approval_no.strip().upper() if approved and item.catalog_item.code == PROJECT_CODE_ITEM else None
    with atomic():
        item = _locked(item)
        to_status = ItemStatus.APPROVED if approved else ItemStatus.REFUSED
        old = _move(actor=actor, item=item, to_status=to_status, note=note)
        finished_on = check_declared(item, finished_on or clock.today(), field="finished_on", what="办结日期")
        if code is not None and (error := project_code_problem(item.case, code)):
            raise ValidationFailed({"approval_no": f"备案赋码的批准文号即项目代码：{error}"})
        item.finished_on, item.approval_no, item.result_note = finished_on, approval_no.strip(), note.strip()
        item.save(update_fields=["status", "finished_on", "approval_no", "result_note"])
        evidence_record(item=item)
        rollup_item_finished(item=item)
        audit_record(event_type="item.finished", actor=actor, obj=item, old={"status": old},
                     new={"status": item.status, "approval_no": item.approval_no, "finished_on": finished_on})
        if code is not None:
            project_code_record(actor=actor, case=item.case, code=code)
        provincial_enqueue(event="item_result", case=item.case, item=item)
        public_step(item.case, f"{item.catalog_item.name}{'已办结' if approved else '不予许可'}")
        if approved:
            push_after_finish(item=item)
        else:
            tell_item("item.refused", item, reason=item.result_note, dedupe_key=str(item.pk))
    return item


def item_withdraw(*, actor: User, item: CaseItem, reason: str) -> CaseItem:
    require_item_say(actor, item, f"item_{ItemStatus.WITHDRAWN}")
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写撤回理由"})
    with atomic():
        item = _locked(item)
        old = _move(actor=actor, item=item, to_status=ItemStatus.WITHDRAWN, note=reason)
        item.finished_on, item.result_note = clock.today(), reason.strip()
        item.save(update_fields=["status", "finished_on", "result_note"])
        audit_record(event_type="item.withdrawn", actor=actor, obj=item, old={"status": old},
                     new={"status": item.status, "reason": reason})
        tell_item("item.withdrawn", item, reason=item.result_note, dedupe_key=str(item.pk))
    return item


def item_urge(*, actor: User, item: CaseItem, kind: str, note: str, respond_by: dt.date | None = None) -> ItemUrge:
    """催办 by the agent; 督办 (a formal order) by the unit administrator, the center or a leader."""
    if kind == ItemUrge.Kind.SUPERVISE:  # who may act before what they sent is looked at
        require_role(actor, Role.UNIT_ADMIN, Role.CENTER_ADMIN, Role.LEADER, action="item_supervise")
    else:
        require_case_worker(actor, item.case, "item_urge")
    if kind not in ItemUrge.Kind.values:
        raise ValidationFailed({"kind": "类型应为催办或督办"})
    require_open(item.case)
    if not (note or "").strip():
        raise ValidationFailed({"note": "请填写内容"})
    if respond_by is not None and respond_by < clock.today():
        raise ValidationFailed({"respond_by": "要求办结日期不能早于今天"})
    recipient = item.liaison or User.objects.filter(department=local_department(item),
                                                    role_grants__role=Role.LIAISON).order_by("username").first()
    if recipient is None:
        raise ValidationFailed({"item": "该事项尚无代办联络员"})
    with atomic():
        urge = ItemUrge.objects.create(item=item, kind=kind, by=actor, to=recipient, at=clock.now(),
                                       note=note.strip(), respond_by=respond_by)
        audit_record(event_type=f"item.{kind}", actor=actor, obj=item,
                     new={"to": recipient.username, "note": urge.note, "respond_by": respond_by})
        notify_event("item.urged", values={"kind": urge.get_kind_display(), "item": item.catalog_item.name,
                                           "project": item.case.project.name, "note": urge.note},
                     people={To.LIAISON: [recipient]}, link=f"/cases/{item.case_id}/", case=item.case)
    return urge


# -- work log and visits ------------------------------------------------------------------------------


def worklog_add(*, actor: User, case: Case, day: dt.date, content: str) -> WorkLog:
    require_case_worker(actor, case, "worklog_add")
    require_open(case)
    errors = {}
    if not (content or "").strip():
        errors["content"] = "请填写工作内容"
    if day > clock.today():
        errors["day"] = "日志日期不能晚于今天"
    if errors:
        raise ValidationFailed(errors)
    with atomic():
        log = WorkLog.objects.create(case=case, author=actor, day=day, content=content.strip(), created_at=clock.now())
        audit_record(event_type="case.worklog_added", actor=actor, obj=case, new={"day": day, "content": log.content})
    return log


def visit_record(*, actor: User, case: Case, day: dt.date, reason: str, item: CaseItem | None = None) -> OwnerVisit:
    """An in-person visit of the owner; more than one on a case is flagged (最多跑一次)."""
    require_case_worker(actor, case, "visit_record")
    require_open(case)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写业主到场事由"})
    if day > clock.today():
        raise ValidationFailed({"day": "到场日期不能晚于今天"})
    with atomic():
        visit = OwnerVisit.objects.create(case=case, day=day, reason=reason.strip(), item=item, recorded_by=actor)
        count = case.visits.count()
        audit_record(event_type="case.visit_recorded", actor=actor, obj=case,
                     new={"day": day, "reason": visit.reason, "visits": count, "flagged": count > 1})
    return visit


# -- progress reports ------------------------------------------------------------------------------------


def progress_report_send_early(*, actor: User, case: Case) -> ProgressReport:
    """The agent sends the next half-monthly report before its report day (or a missed one at once): the
    same summary, document and message as the duty's (plans.duties), which then does not send that period
    again (one report per case and half month)."""
    require_case_worker(actor, case, "progress_report_send_early")
    require_open(case)
    today = clock.today()
    with atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        period = next_progress_period(case, today) if case.status == CaseStatus.IN_PROGRESS else None
        if period is None:
            raise Conflict("本期进度反馈已发送，下一期开始后才能再发送" if case.status == CaseStatus.IN_PROGRESS
                           else "计划制定、事项办理开始后才能发送进度反馈", code="progress_report.none_due")
        if not send_one_progress_report(case, *period, today, by=actor):
            raise Conflict("本期进度反馈已发送，下一期开始后才能再发送", code="progress_report.none_due")
    return case.progress_reports.get(period_start=period[0])
