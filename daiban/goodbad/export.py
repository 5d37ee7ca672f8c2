"""The 好差评 report to the provincial system, through the provincial outbox: one message per evaluation
(the case's service, or an item's handling) and one when a 差评's loop is closed. docs/good-bad-review.md."""
from __future__ import annotations

from typing import Any

from django.utils import timezone

from daiban.cases.provincial_reports import provincial_enqueue
from daiban.closure.grades import SCORE_OF
from daiban.closure.models import ItemEvaluation, OwnerEvaluation

# The provincial channels: 移动端 (the one-time link on a phone), 网上 (the owner's account), 窗口.
CHANNELS = {"link": ("mobile", "移动端"), "account": ("online", "网上"), "window": ("window", "窗口")}
RATER = {"rater_type": "enterprise", "rater_type_label": "企业"}


def _service(evaluation: OwnerEvaluation | ItemEvaluation) -> tuple[dict, dict]:
    case = evaluation.case
    if isinstance(evaluation, ItemEvaluation):
        catalog = evaluation.item.catalog_item
        return ({"kind": "approval_item", "code": catalog.code, "name": catalog.name},
                {"kind": "department", "code": evaluation.department.code, "name": evaluation.department.name})
    return ({"kind": "agency_service", "code": case.request.tracking_no, "name": f"企业投资项目代办：{case.project.name}"},
            {"kind": "agency", "code": case.unit.region.code, "name": case.unit.name})


def evaluation_block(evaluation: OwnerEvaluation | ItemEvaluation, rectification: dict | None = None) -> dict[str, Any]:
    service, unit = _service(evaluation)
    channel, channel_label = CHANNELS[evaluation.via]
    return {"service": service, "unit": unit, "grade": evaluation.grade, "grade_label": evaluation.get_grade_display(),
            "grade_level": SCORE_OF[evaluation.grade], "evaluated_at": timezone.localtime(evaluation.submitted_at),
            "channel": channel, "channel_label": channel_label, **RATER, "comments": evaluation.comments or None,
            "rectification": rectification}


def evaluation_enqueue(evaluation: OwnerEvaluation | ItemEvaluation) -> None:
    item = evaluation.item if isinstance(evaluation, ItemEvaluation) else None
    provincial_enqueue(event="evaluation", case=evaluation.case, item=item, details=evaluation_block(evaluation))


def rectification_block(review) -> dict[str, Any]:
    return {"status": review.status, "finding": review.finding or None, "outcome": review.outcome or None,
            "outcome_label": review.get_outcome_display() or None, "opened_on": review.opened_on,
            "verified_on": review.verified_on, "appeal_decision": review.appeal_decision or None,
            "rectified_on": review.rectified_on, "rectify_measures": review.rectify_note or None,
            "answered_on": review.answered_on, "rater_reply": review.rater_reply or None,
            "closed_on": review.closed_on, "on_time": not review.late}


def rectification_enqueue(review) -> None:
    evaluation = review.item_evaluation or review.owner_evaluation
    item = review.item_evaluation.item if review.item_evaluation_id else None
    provincial_enqueue(event="rectification", case=review.case, item=item, key=str(review.pk),
                       details=evaluation_block(evaluation, rectification_block(review)))
