"""Every write of a 差评's loop (国办发〔2019〕51号): opened with the evaluation that gave it, verified by the unit
concerned, rectified by a deadline, answered to the rater; an unfounded one is appealed to the center, which
upholds or rejects the appeal. Each change checks who acts, runs in a transaction, is kept as a ReviewStep
row and an audit event, and tells the people concerned."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.cases.models import TeamRole
from daiban.closure.grades import is_bad
from daiban.closure.models import ItemEvaluation, OwnerEvaluation
from daiban.goodbad import export
from daiban.goodbad.deadlines import stage_due
from daiban.goodbad.models import BadReview, ReviewStep
from daiban.goodbad.people import center_admins, concerned_people, is_concerned
from daiban.goodbad.states import (
    ALLOWED_REVIEW_CHANGES,
    CENTER,
    AppealDecision,
    Finding,
    Outcome,
    RaterReply,
    ReviewStatus,
)
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.notify.rules import To
from daiban.notify.services import notify_event
from daiban.org.models import User
from daiban.org.permissions import refuse, require_role
from daiban.org.roles import Role

NOTE_MAX = 2000


def bad_review_open(*, evaluation: OwnerEvaluation | ItemEvaluation, actor: User | None) -> BadReview | None:
    """Called in the transaction of the evaluation (closure.signals.evaluation_given): a 差评 opens its
    record, owned by the agency unit (the case's service) or the approval department (an item). The
    evaluation service has already checked who gave it; nothing else may call this."""
    if not is_bad(evaluation.grade):
        return None
    case = evaluation.case
    on = timezone.localtime(evaluation.submitted_at).date()
    agent = case.team.filter(role=TeamRole.AGENT).select_related("user").first()
    review = BadReview(case=case, grade=evaluation.grade, comments=evaluation.comments, channel=evaluation.via,
                       unit=case.unit, agent=agent.user if agent else None, opened_on=on, opened_at=clock.now(),
                       verify_due_on=stage_due("verify", on))
    review.due_on = review.verify_due_on
    if isinstance(evaluation, ItemEvaluation):
        review.item_evaluation, review.department = evaluation, evaluation.department
        review.unit_kind = BadReview.UnitKind.DEPARTMENT
    else:
        review.owner_evaluation, review.unit_kind = evaluation, BadReview.UnitKind.AGENCY
    review.save()
    ReviewStep.objects.create(review=review, to_status=review.status, on=on, at=review.opened_at, by=actor,
                              note=review.comments[:500])
    audit_record(event_type="goodbad.opened", actor=actor, actor_name="" if actor else "业主（评价链接）", obj=review,
                 new={"case": case.pk, "grade": review.grade, "unit": review.concerned_name,
                      "verify_due_on": review.verify_due_on})
    notify_event("bad_review.opened", people={To.HANDLER: concerned_people(review)}, unit=case.unit, case=case,
                 link=f"/goodbad/{review.pk}/", dedupe_key=str(review.pk),
                 values={"project": case.project.name, "concerned": review.concerned_name,
                         "grade": review.get_grade_display(), "due": f"{review.verify_due_on:%Y年%m月%d日}",
                         "comments": f"评价意见：{review.comments}" if review.comments else ""})
    return review


def _day(on: dt.date | None, after: dt.date | None, field: str, what: str) -> dt.date:
    """A declared date: today by default, never in the future, never before the previous event."""
    on = on or clock.today()
    if on > clock.today():
        raise ValidationFailed({field: f"{what}不能晚于今天"})
    if after is not None and on < after:
        raise ValidationFailed({field: f"{what}不能早于上一环节的日期（{after:%Y-%m-%d}）"})
    return on


def _note(note: str, field: str, what: str, *, required: bool = True) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationFailed({field: f"请填写{what}"})
    if len(note) > NOTE_MAX:
        raise ValidationFailed({field: f"{what}过长（最多 {NOTE_MAX} 字）"})
    return note


def _require(actor: User, review: BadReview, to: str, action: str, *, expected: str | None = None) -> None:
    """Who may make the change, by the one table (from the status the action expects, else the current);
    then whether the 差评 is in that status. Checked again under the row lock."""
    who = ALLOWED_REVIEW_CHANGES.get((expected or review.status, to))
    if who == CENTER:
        require_role(actor, Role.CENTER_ADMIN, action=action)
    elif not is_concerned(actor, review):
        refuse(actor, action=action, why="不是该差评的责任单位")
    if who is None or (expected and review.status != expected):
        raise Conflict(f"该差评当前为“{review.get_status_display()}”，不能办理此环节", code="goodbad.state_conflict")


def _locked(review: BadReview, actor: User, to: str, action: str, *, expected: str | None = None) -> BadReview:
    review = BadReview.objects.select_for_update(no_key=True, of=("self",)).select_related(
        "case", "case__project", "unit", "department").get(pk=review.pk)
    _require(actor, review, to, action, expected=expected)
    return review


def _move(review: BadReview, *, to: str, actor: User, on: dt.date, note: str, finished_due: dt.date | None,
          event: str, new: dict) -> None:
    old = review.status
    if finished_due is not None and on > finished_due:
        review.late = True
    review.status = to
    review.save()
    ReviewStep.objects.create(review=review, from_status=old, to_status=to, on=on, at=clock.now(), by=actor,
                              note=note[:2000])
    audit_record(event_type=event, actor=actor, obj=review, old={"status": old},
                 new={"status": to, "on": on, "late": bool(finished_due and on > finished_due), **new})
    if to == ReviewStatus.CLOSED:
        export.rectification_enqueue(review)


def bad_review_verify(*, actor: User, review: BadReview, finding: str, note: str,
                      verified_on: dt.date | None = None) -> BadReview:
    """核实/回访: founded (rectify), explained (answer the rater), or unfounded (appealed to the center)."""
    targets: dict[str, str] = {Finding.FOUNDED: ReviewStatus.RECTIFYING, Finding.EXPLAINED: ReviewStatus.ANSWERING,
                               Finding.UNFOUNDED: ReviewStatus.APPEALED}
    target = targets.get(finding)
    _require(actor, review, target or ReviewStatus.RECTIFYING, "bad_review_verify", expected=ReviewStatus.VERIFYING)
    if target is None:
        raise ValidationFailed({"finding": "核实结论应为属实（founded）、解释说明（explained）或不属实申诉（unfounded）"})
    note = _note(note, "note", "核实情况" if finding != Finding.UNFOUNDED else "申诉理由")
    with transaction.atomic():
        review = _locked(review, actor, target, "bad_review_verify", expected=ReviewStatus.VERIFYING)
        on = _day(verified_on, review.opened_on, "verified_on", "核实日期")
        review.verified_on, review.finding, review.verify_note = on, finding, note
        if target == ReviewStatus.RECTIFYING:
            review.rectify_due_on = review.due_on = stage_due("rectify", on)
        elif target == ReviewStatus.ANSWERING:
            review.answer_due_on = review.due_on = stage_due("answer", on)
        else:
            review.review_due_on = review.due_on = stage_due("review", on)
        _move(review, to=target, actor=actor, on=on, note=note, finished_due=review.verify_due_on,
              event="goodbad.verified", new={"finding": finding, "due_on": review.due_on})
        people = center_admins() if target == ReviewStatus.APPEALED else concerned_people(review)
        notify_event("bad_review.verified", people={To.HANDLER: people}, unit=review.case.unit, case=review.case,
                     values={"status": review.get_status_display(), "project": review.case.project.name,
                             "concerned": review.concerned_name, "finding": Finding(finding).label,
                             "note": f"{note}。" if note else "", "due": f"{review.due_on:%Y年%m月%d日}"},
                     link=f"/goodbad/{review.pk}/", dedupe_key=str(review.pk))
    return review


def bad_review_appeal_review(*, actor: User, review: BadReview, decision: str, note: str,
                             reviewed_on: dt.date | None = None) -> BadReview:
    """The center reviews an appeal: upheld sets the 差评 aside (it no longer counts); rejected sends it back
    to be rectified, its deadline counted from the review."""
    targets: dict[str, str] = {AppealDecision.UPHELD: ReviewStatus.CLOSED,
                               AppealDecision.REJECTED: ReviewStatus.RECTIFYING}
    target = targets.get(decision)
    _require(actor, review, target or ReviewStatus.CLOSED, "bad_review_appeal_review",
             expected=ReviewStatus.APPEALED)
    if target is None:
        raise ValidationFailed({"decision": "复核结论应为申诉成立（upheld）或申诉不成立（rejected）"})
    note = _note(note, "note", "复核意见")
    with transaction.atomic():
        review = _locked(review, actor, target, "bad_review_appeal_review", expected=ReviewStatus.APPEALED)
        on = _day(reviewed_on, review.verified_on, "reviewed_on", "复核日期")
        review.reviewed_on, review.appeal_decision, review.review_note = on, decision, note
        if target == ReviewStatus.CLOSED:
            review.outcome, review.closed_on = Outcome.SET_ASIDE, on
        else:
            review.rectify_due_on = review.due_on = stage_due("rectify", on)
        _move(review, to=target, actor=actor, on=on, note=note, finished_due=review.review_due_on,
              event="goodbad.appeal_reviewed", new={"decision": decision})
        notify_event("bad_review.appeal_reviewed", people={To.HANDLER: concerned_people(review)},
                     unit=review.case.unit, case=review.case,
                     values={"project": review.case.project.name, "decision": AppealDecision(decision).label,
                             "note": f"{note}。" if note else "",
                             "next": f"请于{review.due_on:%Y年%m月%d日}前完成整改。"
                                     if target == ReviewStatus.RECTIFYING else ""},
                     link=f"/goodbad/{review.pk}/", dedupe_key=str(review.pk))
    return review


def bad_review_rectify(*, actor: User, review: BadReview, note: str,
                       rectified_on: dt.date | None = None) -> BadReview:
    """整改: the unit records what it changed; the answer to the rater is due next."""
    _require(actor, review, ReviewStatus.ANSWERING, "bad_review_rectify", expected=ReviewStatus.RECTIFYING)
    note = _note(note, "note", "整改措施")
    with transaction.atomic():
        review = _locked(review, actor, ReviewStatus.ANSWERING, "bad_review_rectify", expected=ReviewStatus.RECTIFYING)
        on = _day(rectified_on, review.reviewed_on or review.verified_on, "rectified_on", "整改完成日期")
        review.rectified_on, review.rectify_note = on, note
        review.answer_due_on = review.due_on = stage_due("answer", on)
        _move(review, to=ReviewStatus.ANSWERING, actor=actor, on=on, note=note, finished_due=review.rectify_due_on,
              event="goodbad.rectified", new={"answer_due_on": review.answer_due_on})
    return review


def bad_review_answer(*, actor: User, review: BadReview, note: str, rater_reply: str, rater_reply_note: str = "",
                      answered_on: dt.date | None = None) -> BadReview:
    """答复: the unit answers the rater and records the rater's reply; the loop is closed."""
    _require(actor, review, ReviewStatus.CLOSED, "bad_review_answer", expected=ReviewStatus.ANSWERING)
    note = _note(note, "note", "答复内容")
    if rater_reply not in RaterReply.values:
        raise ValidationFailed({"rater_reply": "评价人反馈应为满意、基本满意、不满意或未表态"})
    reply_note = _note(rater_reply_note, "rater_reply_note", "评价人反馈说明", required=False)[:500]
    with transaction.atomic():
        review = _locked(review, actor, ReviewStatus.CLOSED, "bad_review_answer", expected=ReviewStatus.ANSWERING)
        on = _day(answered_on, review.rectified_on or review.verified_on, "answered_on", "答复日期")
        review.answered_on, review.answer_note = on, note
        review.rater_reply, review.rater_reply_note = rater_reply, reply_note
        review.outcome = Outcome.RECTIFIED if review.rectified_on else Outcome.EXPLAINED
        review.closed_on = on
        _move(review, to=ReviewStatus.CLOSED, actor=actor, on=on, note=note, finished_due=review.answer_due_on,
              event="goodbad.answered", new={"rater_reply": rater_reply, "outcome": review.outcome})
    return review
