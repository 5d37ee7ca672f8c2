"""The demo county's closed cases (../shared/reference/demo-cases.md):

- demo-5, 滨海园区: the public industrial-wastewater station, every item approved in the summer of 2026,
  completed, filed on time, visited and evaluated 非常满意 by the owner, who grades four of the items too
  (一事一评: the planning permit 不满意); the agent rates the departments.
- demo-4, 昆阳镇: the urban-renewal block, terminated by the owner in stage 2 after a change of investor;
  the termination form filed on time.
- demo-3, 萧江镇 (still being carried out): its plan made on 2026-11-02; the half-monthly duty was down on 11-16
  and caught the period 11-01—11-15 up on 11-17; the period 11-16—11-30 (due 12-01) has no report: 未反馈 on
  the case page and the supervision page until the duty or the agent sends it.

The case demo (cases/demo.py) accepts and entrusts both today; here they are moved back to the dates their story needs
(once, before anything else happens on them), then taken forward through the services with the clock
frozen on each day. Idempotent: a second run finds each step done and moves on.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daiban.cases import provincial_reports
from daiban.cases.models import Case, CaseDocument, CaseItem, CaseTransition
from daiban.cases.services import case_project_code_set
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.closure import evaluations, services
from daiban.closure.models import Closure, DepartmentRating, OwnerEvaluation
from daiban.intake.deadlines import first_contact_deadline
from daiban.intake.models import PublicStep, Request
from daiban.lib import clock
from daiban.org.models import User
from daiban.plans import services as plans
from daiban.plans.duties import send_progress_reports
from daiban.plans.models import TaskPlan
from daiban.provincial.models import ProvincialMessage
from daiban.workdays.loader import deemed_day

D = dt.date.fromisoformat


def load(password: str) -> None:  # noqa: ARG001  (the accounts already exist)
    _binhai()
    _kunyang()
    _xiaojiang()


def _case(key: str) -> Case | None:
    request = Request.objects.filter(idempotency_key=key).first()
    return Case.objects.filter(request=request).first() if request else None


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _backdate(case: Case, *, received: dt.date, accepted: dt.date, entrusted: dt.date) -> None:
    """Moves the case demo's timestamps of the case (made today) to the days of its story, keeping their
    order: submitted and contacted on `received`, accepted on `accepted`, agreement and team on `entrusted`."""
    request = case.request
    entrusted_at = (case.transitions.filter(to_status=CaseStatus.ENTRUSTED).order_by("at").values_list("at", flat=True)
                    .first()) or timezone.now()
    marks = [(request.first_contact_at or request.reviewed_at, _at(received, 9, 30)),
             (request.reviewed_at or case.accepted_at, _at(received, 15)),
             (entrusted_at, _at(accepted, 10)),
             (None, _at(entrusted, 10))]

    def moved(moment: dt.datetime | None) -> dt.datetime | None:
        if moment is None:
            return None
        for before, day in marks:
            if before is None or moment < before:
                return day
        return marks[-1][1]

    deemed = deemed_day(received)
    Request.objects.filter(pk=request.pk).update(
        received_at=_at(received, 9), deemed_day=deemed.date, first_contact_due=first_contact_deadline(received).due_on,
        first_contact_at=_at(received, 15) if request.first_contact_at else None, reviewed_at=_at(accepted, 10))
    Case.objects.filter(pk=case.pk).update(accepted_at=_at(accepted, 10), entrusted_on=entrusted)
    for row in CaseTransition.objects.filter(case=case):
        CaseTransition.objects.filter(pk=row.pk).update(at=moved(row.at))
    for step in PublicStep.objects.filter(request=request):
        PublicStep.objects.filter(pk=step.pk).update(at=moved(step.at))
    for document in CaseDocument.objects.filter(case=case):
        CaseDocument.objects.filter(pk=document.pk).update(generated_at=moved(document.generated_at),
                                                           signed_at=moved(document.signed_at))
    case.refresh_from_db()
    # The acceptance report was queued (unsent) with today's date: it reports the day of the story instead.
    for message in ProvincialMessage.objects.filter(case=case, event=ProvincialMessage.Event.ACCEPTANCE,
                                                    status=ProvincialMessage.Status.PENDING):
        ProvincialMessage.objects.filter(pk=message.pk).update(
            occurred_at=case.accepted_at, created_at=case.accepted_at, next_attempt_at=case.accepted_at,
            payload=provincial_reports.build(message_id=message.message_id, event=message.event, case=case,
                                             event_label=message.get_event_display(), occurred_at=case.accepted_at))


def _item(case: Case, code: str) -> CaseItem:
    return case.items.select_related("catalog_item", "case").get(catalog_item__code=code)


def _liaison(item: CaseItem) -> User:
    """A dispatched item always has its department's liaison (item_dispatch sets it)."""
    if item.liaison is None:
        raise LookupError(f"{item.catalog_item.code} has no liaison")
    return item.liaison


def _advance(case: Case, agent: User, code: str, *, dispatched: str, started: str | None = None,
             finished: str | None = None, approval_no: str = "") -> None:
    """Takes one item as far as the story goes: dispatched, accepted by its department, approved."""
    if _item(case, code).status == ItemStatus.PENDING:
        with clock.frozen(D(dispatched)):
            plans.item_dispatch(actor=agent, item=_item(case, code))
    if started and _item(case, code).status == ItemStatus.DISPATCHED:
        item = _item(case, code)
        with clock.frozen(D(started)):
            plans.item_start(actor=_liaison(item), item=item, started_on=D(started))
    if finished and _item(case, code).status == ItemStatus.IN_PROGRESS:
        item = _item(case, code)
        with clock.frozen(D(finished)):
            plans.item_finish(actor=_liaison(item), item=item, approved=True, approval_no=approval_no,
                              finished_on=D(finished))


def _binhai() -> None:
    case = _case("demo-5")
    if case is None:
        return
    agent = _user("binhai")
    if case.status == CaseStatus.ENTRUSTED and not TaskPlan.objects.filter(case=case).exists():
        _backdate(case, received=D("2026-07-01"), accepted=D("2026-07-02"), entrusted=D("2026-07-03"))
        with clock.frozen("2026-07-03"):
            plans.plan_generate(actor=agent, case=case, start_date=D("2026-07-06"))
        case.refresh_from_db()
    if case.status == CaseStatus.IN_PROGRESS:
        _advance(case, agent, "L02", dispatched="2026-07-06", started="2026-07-06", finished="2026-07-07",
                 approval_no="2607-330326-04-01-518306")
        with clock.frozen("2026-07-07"):
            case_project_code_set(actor=agent, case=case, project_code="2607-330326-04-01-518306")
        _advance(case, agent, "L05", dispatched="2026-07-08", started="2026-07-08", finished="2026-07-20",
                 approval_no="平环建〔2026〕58号")
        _advance(case, agent, "U01", dispatched="2026-07-08", started="2026-07-08", finished="2026-08-26",
                 approval_no="供电方案答复单 PYGD-2026-0316")
        _advance(case, agent, "G02", dispatched="2026-07-21", started="2026-07-21", finished="2026-07-27",
                 approval_no="建字第330326202607270012号")
        with clock.frozen("2026-08-03"):  # the duty was down on 07-16 and 08-01: both periods catch up now
            send_progress_reports()
        _advance(case, agent, "S01", dispatched="2026-07-28", started="2026-07-28", finished="2026-08-10",
                 approval_no="浙施审〔2026〕第0821号")
        with clock.frozen("2026-08-16"):
            send_progress_reports()
        _advance(case, agent, "S04", dispatched="2026-08-11", started="2026-08-11", finished="2026-08-19",
                 approval_no="330326202608190101")
        with clock.frozen("2026-08-27"):
            handover = [{"document": f"{i.catalog_item.name}批准文件（{i.approval_no}）", "copies": 1, "original": True}
                        for i in case.items.select_related("catalog_item").order_by("catalog_item__sort")]
            handover.append({"document": "代办过程资料（申报材料复印件）", "copies": 1, "original": False})
            services.case_complete(actor=agent, case=case, handover=handover,
                                   opinion="委托代办的 6 个事项均已按时办结，批准文件已移交业主。")
    closure = Closure.objects.filter(case=case).first()
    if closure is None:
        return
    with clock.frozen("2026-08-27"):
        services.handover_confirm(actor=agent, case=case, signatory="郑海涛")
    if closure.filed_on is None:
        with clock.frozen("2026-08-28"):
            services.closure_file(actor=agent, case=case, opinion="资料齐全，同意办结归档。")
    if not case.return_visits.exists():
        with clock.frozen("2026-08-31"):
            evaluations.visit_schedule(actor=agent, case=case, planned_on=D("2026-09-07"), visitor=_user("zxagent"),
                                       channel="phone")
    visit = case.return_visits.filter(done_on__isnull=True).first()
    if visit is not None:
        with clock.frozen("2026-09-07"):
            evaluations.visit_record(actor=visit.visitor, visit=visit, done_on=D("2026-09-07"),
                                     note="电话回访业主郑海涛：对代办服务非常满意，审批提速明显；无人索取费用或礼品。",
                                     fee_asked=False)
    if not OwnerEvaluation.objects.filter(case=case).exists():
        with clock.frozen("2026-09-07"):
            # 一事一评 as well: the planning permit (G02) is graded 不满意 — its 差评 is rectified in goodbad.demo.
            items = [{"item": _item(case, code).pk, "grade": "very_satisfied"} for code in ("L02", "L05", "S01")]
            items.append({"item": _item(case, "G02").pk, "grade": "dissatisfied",
                          "comments": "建设工程规划许可申请材料两次退回补正，没有一次性告知需要补充的内容。"})
            evaluations.evaluation_submit(actor=_user("owner5"), case=case, answers=evaluations.OwnerAnswers(
                grade="very_satisfied", attitude=5, efficiency=5, quality=5, overall=5, fee_asked=False,
                comments="代办员全程帮办代跑，六个审批事项两个月内全部办结，非常满意。", items=tuple(items)))
    if not DepartmentRating.objects.filter(case=case).exists():
        comments = {"fgj": "当日赋码", "sthj": "提前两天批复", "zrj": "", "zjj": "联审高效", "gdgs": "现场勘查及时"}
        with clock.frozen("2026-09-08"):
            evaluations.department_ratings_submit(actor=agent, case=case, ratings=[
                {"department": code, "attitude": 5, "efficiency": 5 if code != "gdgs" else 4, "quality": 5,
                 "comment": comments.get(code, "")} for code in evaluations.rated_departments(case)])


def _kunyang() -> None:
    case = _case("demo-4")
    if case is None:
        return
    agent = _user("kunyang")
    if case.status == CaseStatus.ENTRUSTED and not TaskPlan.objects.filter(case=case).exists():
        _backdate(case, received=D("2026-09-01"), accepted=D("2026-09-02"), entrusted=D("2026-09-03"))
        with clock.frozen("2026-09-03"):
            plans.plan_generate(actor=agent, case=case, start_date=D("2026-09-07"))
        case.refresh_from_db()
    if case.status == CaseStatus.IN_PROGRESS:
        _advance(case, agent, "L02", dispatched="2026-09-07", started="2026-09-07", finished="2026-09-08",
                 approval_no="2609-330326-04-01-742915")
        with clock.frozen("2026-09-08"):
            case_project_code_set(actor=agent, case=case, project_code="2609-330326-04-01-742915")
        _advance(case, agent, "L05", dispatched="2026-09-09", started="2026-09-09", finished="2026-09-22",
                 approval_no="平环建〔2026〕71号")
        _advance(case, agent, "G01", dispatched="2026-09-10", started="2026-09-10")
        _advance(case, agent, "G03", dispatched="2026-09-24")
        with clock.frozen("2026-10-13"):
            services.case_terminate(
                actor=_user("owner4"), case=case, reason_kind="owner_request",
                reason="项目投资方变更，新投资方将另行委托，业主书面申请终止委托代办。",
                returned=[{"document": "项目可行性研究报告", "copies": 1, "original": False},
                          {"document": "建设工程设计方案文本", "copies": 2, "original": True}])
    closure = Closure.objects.filter(case=case).first()
    if closure is None:
        return
    with clock.frozen("2026-10-13"):
        services.handover_confirm(actor=_user("owner4"), case=case)
    if closure.filed_on is None:  # filed on paper on 10-14, entered on 10-20: a 补录 awaiting the station head
        with clock.frozen("2026-10-20"):
            services.closure_file(actor=agent, case=case, filed_on=D("2026-10-14"),
                                  opinion="业主书面申请终止，资料已退还，同意终止归档。",
                                  backfill_reason="10月14日已将纸质终止单交站长归档，因系统维护当日未能登记，现补录。")
    if not case.return_visits.exists():
        with clock.frozen("2026-10-14"):
            evaluations.visit_schedule(actor=agent, case=case, planned_on=D("2026-10-19"), visitor=_user("kyadmin"),
                                       channel="phone")
    visit = case.return_visits.filter(done_on__isnull=True).first()
    if visit is not None:
        with clock.frozen("2026-10-19"):
            evaluations.visit_record(actor=visit.visitor, visit=visit, done_on=D("2026-10-19"),
                                     note="电话回访业主林志远：对终止手续办理无异议。",
                                     fee_asked=True, fee_details="业主反映某审批窗口工作人员曾暗示“请吃个饭好办事”，未给。")


def _xiaojiang() -> None:
    case = _case("demo-3")
    if case is None:
        return
    if case.status == CaseStatus.ENTRUSTED and not TaskPlan.objects.filter(case=case).exists():
        _backdate(case, received=D("2026-10-26"), accepted=D("2026-10-27"), entrusted=D("2026-10-28"))
        with clock.frozen("2026-11-02"):
            plans.plan_generate(actor=_user("xiaojiang"), case=case, start_date=D("2026-11-02"))
        with clock.frozen("2026-11-17"):  # the duty was down on 11-16: it catches that period up the next day
            send_progress_reports()
