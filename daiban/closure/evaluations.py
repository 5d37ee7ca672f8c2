"""Every write after a case closes: the return visit, the owner's evaluation (through a one-time link, its
own account or at the window), the owner's grade of each finished item (一事一评), the fee-or-gift alert to
the discipline inspectors, and the agent's ratings of the approval departments (seed §6.9, §7.4).

Evaluations use the five grades of the 好差评 convention (grades.py), the earlier 1–5 scores kept as optional
detail; each is submitted once and never edited. A 差评 is announced through `signals.evaluation_given`, in
the transaction, for the rectification loop (daiban/goodbad) to open its record."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from daiban.audit.services import audit_record
from daiban.cases.audiences import case_people
from daiban.cases.models import Case, CaseItem
from daiban.cases.selectors import is_case_owner
from daiban.cases.services import require_case_worker
from daiban.cases.states import ITEM_FINISHED
from daiban.closure.grades import Grade, grade_from_scores
from daiban.closure.models import (
    Channel,
    DepartmentRating,
    EvaluationLink,
    FeeAlert,
    ItemEvaluation,
    OwnerEvaluation,
    ReturnVisit,
)
from daiban.closure.paperwork import evaluation_document
from daiban.closure.selectors import closure_of
from daiban.closure.served import served_agent_id
from daiban.closure.signals import evaluation_given
from daiban.intake.audiences import owner_of
from daiban.lib import clock
from daiban.lib.errors import Conflict, NotFound, ValidationFailed
from daiban.notify.rules import To
from daiban.notify.services import notify_event
from daiban.org.models import Department, User
from daiban.org.permissions import require_role
from daiban.org.roles import CASE_WORKER_ROLES, Role

CRITERIA = {"attitude": "服务态度", "efficiency": "办事效率", "quality": "服务质量", "overall": "总体评价"}
LINK_PATH = "/closure/evaluate/{token}/"
LINK_ACTOR = "业主（评价链接）"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


GRADE_HELP = "非常满意、满意、基本满意、不满意、非常不满意"


def _grade_error(value, prefix: str = "", where: str = "") -> tuple[str | None, dict[str, str]]:
    if value in (None, ""):
        return None, {}
    if value not in Grade.values:
        return None, {f"{prefix}grade": f"{where}评价等级应为{GRADE_HELP}之一"}
    return value, {}


def _score_errors(values: Mapping, prefix: str = "", where: str = "") -> tuple[dict, dict[str, str]]:
    """The grade, and the optional 1–5 scores under it. Without a grade, the scores decide it (their mean,
    总体评价 included, grades.grade_from_scores); overall defaults to the rounded mean of the three."""
    scores: dict = {}
    grade, errors = _grade_error(values.get("grade"), prefix, where)
    for name, label in CRITERIA.items():
        value = values.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[f"{prefix}{name}"] = f"{where}请为{label}评分（1–5 分）"
        else:
            scores[name] = value
    three = ("attitude", "efficiency", "quality")
    if "overall" not in scores and not errors and all(k in scores for k in three):
        scores["overall"] = math.floor(sum(scores[k] for k in three) / 3 + 0.5)
    if grade is None and not errors:
        if scores:
            grade = grade_from_scores(*scores.values())
        else:
            errors[f"{prefix}grade"] = f"{where}请选择评价等级（{GRADE_HELP}）"
    return {**scores, "grade": grade}, errors


# -- return visits -------------------------------------------------------------------------------------------


def visit_schedule(*, actor: User, case: Case, planned_on: dt.date, visitor: User | None, channel: str) -> ReturnVisit:
    """回访: the unit plans a visit (phone, in person or online) after the case has closed."""
    require_case_worker(actor, case, "visit_schedule")
    closure = closure_of(case)
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = "回访方式应为电话回访（phone）、上门回访（visit）或网上评价（online）"
    if planned_on < closure.closed_on:
        errors["planned_on"] = f"回访日期不能早于{closure.get_kind_display()}日期（{closure.closed_on}）"
    if visitor is None or not visitor.is_active or not visitor.has_role(*CASE_WORKER_ROLES):
        errors["visitor"] = "回访人应为代办机构的工作人员"
    if errors or visitor is None:  # no visitor means errors["visitor"] is set
        raise ValidationFailed(errors)
    with transaction.atomic():
        visit = ReturnVisit.objects.create(case=case, planned_on=planned_on, visitor=visitor, channel=channel,
                                           scheduled_by=actor, scheduled_at=clock.now())
        audit_record(event_type="closure.visit_scheduled", actor=actor, obj=case,
                     new={"planned_on": planned_on, "visitor": visitor.username, "channel": channel})
        notify_event("visit.scheduled", values={"project": case.project.name, "on": f"{planned_on:%Y年%m月%d日}",
                                                "channel": Channel(channel).label},
                     people={To.HANDLER: [visitor]}, unit=case.unit, link=f"/closure/cases/{case.pk}/", case=case,
                     dedupe_key=str(visit.pk))
    return visit


def visit_record(*, actor: User, visit: ReturnVisit, done_on: dt.date, note: str, fee_asked: bool | None = None,
                 fee_details: str = "") -> ReturnVisit:
    """The visitor (or a colleague of the unit) records how the visit went, and the owner's answer to the
    evaluation's question (有无索取费用或礼品); a yes goes to the discipline inspectors at once."""
    case = visit.case
    if actor.pk != visit.visitor_id:
        require_case_worker(actor, case, "visit_record")
    closure = closure_of(case)
    errors = {}
    if done_on > clock.today():
        errors["done_on"] = "回访日期不能晚于今天"
    elif done_on < closure.closed_on:
        errors["done_on"] = f"回访日期不能早于{closure.get_kind_display()}日期（{closure.closed_on}）"
    if not (note or "").strip():
        errors["note"] = "请填写回访情况"
    if fee_asked is None:
        errors["fee_asked"] = "请回答代办过程中是否有人索取费用或礼品"
    if len(fee_details or "") > 2000:
        errors["fee_details"] = "情况说明过长（最多 2000 字）"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        visit = ReturnVisit.objects.select_for_update(no_key=True).get(pk=visit.pk)
        if visit.done_on is not None:
            raise Conflict("该回访已记录，不能修改", code="evaluation.already_submitted")
        visit.done_on, visit.note, visit.recorded_by = done_on, note.strip(), actor
        visit.fee_asked, visit.fee_details = bool(fee_asked), (fee_details or "").strip() if fee_asked else ""
        visit.save(update_fields=["done_on", "note", "recorded_by", "fee_asked", "fee_details"])
        audit_record(event_type="closure.visit_recorded", actor=actor, obj=case,
                     new={"done_on": done_on, "channel": visit.channel, "note": visit.note,
                          "fee_asked": visit.fee_asked})
        if visit.fee_asked:
            _fee_alert(case, actor, details=visit.fee_details, source="回访", evaluation=None, visit=visit)
        if OwnerEvaluation.objects.filter(case=case).exists():
            evaluation_document(case)  # the form names the visitor and the date
    return visit


# -- the owner's evaluation ----------------------------------------------------------------------------------


def evaluation_link_issue(*, actor: User, case: Case) -> tuple[EvaluationLink, str]:
    """A fresh one-time link (any earlier unused one stops working). The token is returned once, to be
    passed on to the owner (SMS, WeChat, a QR code on the visit); only its digest is kept."""
    require_case_worker(actor, case, "evaluation_link_issue")
    closure_of(case)
    if OwnerEvaluation.objects.filter(case=case).exists():
        raise Conflict("业主已评价，无需再发评价链接", code="evaluation.already_submitted")
    with transaction.atomic():
        return _link_issue(case=case, actor=actor)


def _link_issue(*, case: Case, actor: User | None) -> tuple[EvaluationLink, str]:
    """Inside the caller's transaction: the new link, its audit event and the message that carries it to the
    owner (rule case.evaluation_link): on its account the evaluation page, at the request's contact phone and
    e-mail the one-time link itself (kept encrypted in the outbox, as a digest here)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    EvaluationLink.objects.filter(case=case, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    # Sent by the duty, a link is issued in the name of whoever closed the case.
    expires_at = now + dt.timedelta(days=settings.EVALUATION_LINK_DAYS)
    link = EvaluationLink.objects.create(case=case, digest=_digest(token), created_at=now,
                                         created_by=actor or case.closure.closed_by, expires_at=expires_at)
    audit_record(event_type="closure.evaluation_link_issued", actor=actor, actor_name="" if actor else "系统",
                 obj=case, new={"link": link.pk, "expires_at": link.expires_at})
    owners, contact = owner_of(case.request)
    notify_event("case.evaluation_link", values={"project": case.project.name, "days": settings.EVALUATION_LINK_DAYS},
                 people=owners, owner_contact=contact, link=f"/closure/cases/{case.pk}/evaluate/",
                 secret_link=link_path(token), case=case, dedupe_key=str(link.pk))
    return link, token


def evaluation_links_send() -> int:
    """The duty: every closed case whose owner has neither evaluated nor been given a link gets one, once
    (a worker may issue a fresh one later, which is sent the same way). Returns how many were sent."""
    waiting = (Case.objects.filter(closure__isnull=False, evaluation_links__isnull=True, owner_evaluation__isnull=True)
               .select_related("project", "request", "request__company", "unit"))
    sent = 0
    for case in waiting:
        with transaction.atomic():
            if EvaluationLink.objects.select_for_update(no_key=True).filter(case=case).exists():
                continue  # another worker sent it first
            _link_issue(case=case, actor=None)
            sent += 1
    return sent


def link_path(token: str) -> str:
    return LINK_PATH.format(token=token)


def link_problem(link: EvaluationLink) -> str | None:
    """Why a link can no longer be used, in words for the owner; None while it can."""
    if link.used_at is not None or OwnerEvaluation.objects.filter(case_id=link.case_id).exists():
        return "该项目已评价。评价提交后不能修改，感谢您的参与。"
    if link.revoked_at is not None:
        return "该评价链接已作废，请使用代办机构最新发送的链接。"
    if link.expires_at <= clock.now():
        return "该评价链接已过期，请联系代办机构重新获取。"
    return None


def evaluation_link_find(token: str) -> EvaluationLink:
    link = (EvaluationLink.objects.select_related("case", "case__project", "case__project__company", "case__unit",
                                                  "case__request")
            .filter(digest=_digest(token or "")).first())
    if link is None:
        raise NotFound("评价链接无效，请核对链接是否完整")
    return link


@dataclass(frozen=True, kw_only=True)
class OwnerAnswers:
    fee_asked: bool | None
    grade: str | None = None
    attitude: int | str | None = None
    efficiency: int | str | None = None
    quality: int | str | None = None
    overall: int | str | None = None
    comments: str = ""
    fee_details: str = ""
    items: tuple[Mapping, ...] = ()  # 一事一评, optional: {"item": <case item id>, "grade", "comments"}


def _answers(answers: OwnerAnswers) -> dict:
    scores, errors = _score_errors({k: v for k, v in answers.__dict__.items() if k != "items"})
    if answers.fee_asked is None:
        errors["fee_asked"] = "请回答代办过程中是否有人索取费用或礼品"
    if len(answers.comments or "") > 2000:
        errors["comments"] = "意见和建议过长（最多 2000 字）"
    if len(answers.fee_details or "") > 2000:
        errors["fee_details"] = "情况说明过长（最多 2000 字）"
    if errors:
        raise ValidationFailed(errors)
    return {**scores, "comments": (answers.comments or "").strip(), "fee_asked": bool(answers.fee_asked),
            "fee_details": (answers.fee_details or "").strip() if answers.fee_asked else ""}


def evaluation_submit(*, actor: User, case: Case, answers: OwnerAnswers) -> OwnerEvaluation:
    """The owner evaluates from its own account."""
    if not is_case_owner(actor, case):
        require_role(None, Role.OWNER, action="evaluation_submit")
    return _submit(case=case, answers=answers, actor=actor, link=None)


def evaluation_record_at_window(*, actor: User, case: Case, answers: OwnerAnswers) -> OwnerEvaluation:
    """The owner evaluates at the service window (评价器 or paper form); the unit's staff records it as given."""
    require_case_worker(actor, case, "evaluation_record_at_window")
    return _submit(case=case, answers=answers, actor=actor, link=None, via=OwnerEvaluation.Via.WINDOW)


def evaluation_submit_by_link(*, token: str, answers: OwnerAnswers) -> OwnerEvaluation:
    """The owner evaluates through the one-time link, without logging in; the link is spent by it."""
    link = evaluation_link_find(token)
    problem = link_problem(link)
    if problem:
        raise Conflict(problem, code="evaluation.link_spent")
    return _submit(case=link.case, answers=answers, actor=None, link=link)


def _submit(*, case: Case, answers: OwnerAnswers, actor: User | None, link: EvaluationLink | None,
            via: str | None = None) -> OwnerEvaluation:
    closure_of(case)
    if OwnerEvaluation.objects.filter(case=case).exists():
        raise Conflict("该项目已评价。评价提交后不能修改。", code="evaluation.already_submitted")
    values = _answers(answers)
    via = via or (OwnerEvaluation.Via.LINK if link else OwnerEvaluation.Via.ACCOUNT)
    item_grades = _item_grades(case, answers.items)
    with transaction.atomic():
        case = (Case.objects.select_for_update(no_key=True, of=("self",)).select_related("project", "project__company", "unit")
                .get(pk=case.pk))
        if OwnerEvaluation.objects.filter(case=case).exists():
            raise Conflict("该项目已评价。评价提交后不能修改。", code="evaluation.already_submitted")
        now = clock.now()
        if link is not None:
            link = EvaluationLink.objects.select_for_update(no_key=True).get(pk=link.pk)
            problem = link_problem(link)
            if problem:
                raise Conflict(problem, code="evaluation.link_spent")
            link.used_at = now
            link.save(update_fields=["used_at"])
        EvaluationLink.objects.filter(case=case, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        evaluation = OwnerEvaluation.objects.create(case=case, via=via, link=link, submitted_by=actor,
                                                    submitted_at=now, unit=case.unit,
                                                    agent_id=served_agent_id(case), **values)
        audit_record(event_type="closure.owner_evaluated", actor=actor, actor_name="" if actor else LINK_ACTOR,
                     obj=case, new={"grade": values["grade"], **{k: values.get(k) for k in CRITERIA},
                                    "fee_asked": values["fee_asked"], "via": evaluation.via})
        evaluation_given.send(sender=OwnerEvaluation, evaluation=evaluation, actor=actor)
        for item, grade, comments in item_grades:
            _item_evaluate(item=item, grade=grade, comments=comments, via=via, actor=actor, now=now)
        if evaluation.fee_asked:
            _fee_alert(case, actor, details=evaluation.fee_details, source="服务评价", evaluation=evaluation)
        evaluation_document(case)
        people, _ = case_people(case)
        notify_event("case.evaluated", values={
            "project": case.project.name, "grade": evaluation.get_grade_display(),
            "comments": f"意见和建议：{evaluation.comments}" if evaluation.comments else ""},
            people=people, unit=case.unit, link=f"/closure/cases/{case.pk}/", case=case, dedupe_key=str(case.pk))
    return evaluation


# -- 一事一评: the owner's grade of each finished item --------------------------------------------------------


def _item_grades(case: Case, rows: Iterable[Mapping]) -> list[tuple[CaseItem, str, str]]:
    """Checks the optional item grades given with the case's evaluation."""
    found, errors, seen = [], {}, set()
    for n, row in enumerate(rows or (), 1):
        where = f"items.{n}."
        item_id = str(row.get("item") or "")
        item = case.items.filter(pk=int(item_id)).select_related(
            "catalog_item", "catalog_item__department").first() if item_id.isdigit() else None
        if item is None:
            errors[f"{where}item"] = f"第 {n} 项：本案没有该事项"
            continue
        problem = _item_problem(item)
        if problem or item.pk in seen:
            errors[f"{where}item"] = f"第 {n} 项：{problem or '重复评价'}"
            continue
        seen.add(item.pk)
        grade, problems = _grade_error(row.get("grade"), where, f"第 {n} 项：")
        if grade is None and not problems:
            problems = {f"{where}grade": f"第 {n} 项：请选择评价等级（{GRADE_HELP}）"}
        comments = str(row.get("comments") or "").strip()
        if len(comments) > 2000:
            problems[f"{where}comments"] = f"第 {n} 项：意见和建议过长（最多 2000 字）"
        errors.update(problems)
        if grade is not None:  # else a problem is reported above
            found.append((item, grade, comments))
    if errors:
        raise ValidationFailed(errors)
    return found


def items_to_grade(case: Case) -> list[CaseItem]:
    """The case's finished items the owner has not graded yet (一事一评 is optional)."""
    return list(case.items.filter(status__in=ITEM_FINISHED, evaluation__isnull=True)
                .select_related("catalog_item", "catalog_item__department").order_by("catalog_item__sort", "pk"))


def _item_problem(item: CaseItem) -> str | None:
    if item.status not in ITEM_FINISHED:
        return f"事项“{item.catalog_item.name}”尚未办结，办结后才能评价"
    if ItemEvaluation.objects.filter(item=item).exists():
        return f"事项“{item.catalog_item.name}”已评价，评价提交后不能修改"
    return None


def _item_evaluate(*, item: CaseItem, grade: str, comments: str, via: str, actor: User | None,
                   now: dt.datetime) -> ItemEvaluation:
    evaluation = ItemEvaluation.objects.create(case=item.case, item=item, department=item.catalog_item.department,
                                               grade=grade, comments=comments, via=via, recorded_by=actor,
                                               submitted_at=now)
    audit_record(event_type="closure.item_evaluated", actor=actor, actor_name="" if actor else LINK_ACTOR, obj=item,
                 new={"grade": grade, "department": evaluation.department.name, "via": via})
    evaluation_given.send(sender=ItemEvaluation, evaluation=evaluation, actor=actor)
    return evaluation


def item_evaluation_submit(*, actor: User, item: CaseItem, grade: str, comments: str = "") -> ItemEvaluation:
    """一事一评 once the item is finished: the owner from its account, or the unit's staff recording the
    owner's grade at the window."""
    case = item.case
    if is_case_owner(actor, case):
        via = OwnerEvaluation.Via.ACCOUNT
    else:
        require_case_worker(actor, case, "item_evaluation_submit")
        via = OwnerEvaluation.Via.WINDOW
    problem = _item_problem(item)
    if problem:
        raise Conflict(problem, code="evaluation.already_submitted" if item.status in ITEM_FINISHED
                       else "evaluation.item_unfinished")
    [(item, grade, comments)] = _item_grades(case, [{"item": item.pk, "grade": grade, "comments": comments}])
    with transaction.atomic():
        item = CaseItem.objects.select_for_update(no_key=True, of=("self",)).select_related(
            "case", "catalog_item", "catalog_item__department").get(pk=item.pk)
        problem = _item_problem(item)
        if problem:
            raise Conflict(problem, code="evaluation.already_submitted")
        return _item_evaluate(item=item, grade=grade, comments=comments, via=via, actor=actor, now=clock.now())


def inspectors() -> list[User]:
    return list(User.objects.filter(role_grants__role=Role.INSPECTOR, is_active=True).distinct())


def _fee_alert(case: Case, actor: User | None, *, details: str, source: str, evaluation: OwnerEvaluation | None,
               visit: ReturnVisit | None = None) -> FeeAlert:
    """A yes to the fee-or-gift question (in the evaluation or at a return visit) goes to the discipline
    inspectors at once, in this transaction."""
    alert = FeeAlert.objects.create(case=case, evaluation=evaluation, visit=visit, details=details,
                                    raised_at=clock.now())
    audit_record(event_type="closure.fee_alert_raised", actor=actor, actor_name="" if actor else LINK_ACTOR,
                 obj=case, new={"alert": alert.pk, "unit": case.unit.name, "details": alert.details,
                                "source": alert.source})
    notify_event("fee.alert", link="/closure/fee-alerts/", case=case, dedupe_key=str(alert.pk),
                 values={"project": case.project.name, "company": case.project.company.name, "unit": case.unit.name,
                         "source": source,
                         "details": f"情况：{alert.details}" if alert.details else "业主未说明具体情况。"})
    return alert


# -- the agent's ratings of the departments ------------------------------------------------------------------


def rated_departments(case: Case) -> dict[str, tuple[Department, User | None]]:
    """The departments whose liaison officers handled items of the case (by department code), each with the
    liaison officer who did."""
    found: dict[str, tuple[Department, User | None]] = {}
    for item in case.items.filter(liaison__isnull=False).select_related("liaison", "liaison__department"):
        if item.liaison is None:  # excluded by the query
            continue
        department = item.liaison.department
        if department is not None and department.code not in found:
            found[department.code] = (department, item.liaison)
    return found


def department_ratings_submit(*, actor: User, case: Case, ratings: Iterable[Mapping]) -> list[DepartmentRating]:
    """The agent rates each approval department and its liaison officer: once, never edited."""
    require_case_worker(actor, case, "department_ratings_submit")
    closure_of(case)
    known = rated_departments(case)
    if not known:
        raise Conflict("本案没有审批部门办理过事项，无需评价", code="evaluation.nothing_to_rate")
    rows, errors, seen = [], {}, set()
    for n, rating in enumerate(ratings or [], 1):
        code = str(rating.get("department") or "").strip()
        where = f"第 {n} 项："
        if code not in known:
            errors[f"ratings.{n}.department"] = f"{where}本案没有该审批部门（{code or '未填写'}）办理的事项"
            continue
        if code in seen:
            errors[f"ratings.{n}.department"] = f"{where}{known[code][0].name}重复评价"
            continue
        seen.add(code)
        scores, problems = _score_errors(rating, prefix=f"ratings.{n}.", where=f"{where}{known[code][0].name}：")
        errors.update(problems)
        comment = str(rating.get("comment") or "").strip()
        if len(comment) > 300:
            errors[f"ratings.{n}.comment"] = f"{where}意见过长（最多 300 字）"
        rows.append((known[code], scores, comment))
    if not rows and not errors:
        errors["ratings"] = "请至少评价一个审批部门"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        Case.objects.select_for_update(no_key=True).filter(pk=case.pk).first()
        if DepartmentRating.objects.filter(case=case).exists():
            raise Conflict("已评价审批部门，评价提交后不能修改", code="evaluation.already_submitted")
        now = clock.now()
        created = DepartmentRating.objects.bulk_create([
            DepartmentRating(case=case, department=department, liaison=liaison, comment=comment, rated_by=actor,
                             rated_at=now, **scores) for (department, liaison), scores, comment in rows])
        audit_record(event_type="closure.departments_rated", actor=actor, obj=case,
                     new=[{"department": r.department.name, "liaison": r.liaison.username if r.liaison else None,
                           "grade": r.grade, **{k: getattr(r, k) for k in CRITERIA}} for r in created])
        evaluation_document(case)
    return created
