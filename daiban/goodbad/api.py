"""差评 records and their loop (verify → rectify → answer; appeal and review), and the 好差评 figures."""
from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from daiban.goodbad import selectors, services, stats
from daiban.goodbad.models import BadReview
from daiban.goodbad.states import ReviewStatus
from daiban.lib.errors import ValidationFailed
from daiban.lib.pagination import paginate
from daiban.lib.schemas import AnyPage, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.scope import get_in_scope

router = Router(tags=["好差评"])
public = Router(tags=["企业（公开）"])


class VerifyIn(Schema):
    finding: str
    note: str
    verified_on: date | None = None


class ReviewIn(Schema):
    decision: str
    note: str
    reviewed_on: date | None = None


class RectifyIn(Schema):
    note: str
    rectified_on: date | None = None


class AnswerIn(Schema):
    note: str
    rater_reply: str
    rater_reply_note: str = ""
    answered_on: date | None = None


def _review(request: StaffRequest, review_id: int) -> BadReview:
    return get_in_scope(selectors.bad_reviews_for(request.user), pk=review_id, user=request.user)


@router.get("/bad-reviews", response=AnyPage,
            summary="差评整改记录（本人数据范围内；纪检监察、县代办中心看全部），含案件登记编号、状态和当前环节期限",
            description="status：verifying 待核实 / rectifying 整改中 / answering 待答复 / appealed 申诉复核中 / "
                        "closed 已办结。")
def list_bad_reviews(request: StaffRequest, page: Query[PageIn], status: str | None = None) -> dict[str, Any]:
    rows = selectors.bad_reviews_for(request.user)
    if status:
        if status not in ReviewStatus.values:
            raise ValidationFailed({"status": "状态应为 verifying、rectifying、answering、appealed 或 closed"})
        rows = rows.filter(status=status)
    return paginate(rows, page, order=["-opened_at", "-id"], row=selectors.review_row)


@router.get("/bad-reviews/{review_id}", summary="一条差评整改记录")
def get_bad_review(request: StaffRequest, review_id: int) -> dict:
    return selectors.review_row(_review(request, review_id))


@router.post("/bad-reviews/{review_id}/verify", response={200: dict, **errors(403, 409)},
             summary="责任单位回访核实：founded 属实（整改）/ explained 解释说明（答复）/ unfounded 不属实（向县代办中心申诉）")
def verify(request: StaffRequest, review_id: int, payload: VerifyIn) -> dict:
    review = services.bad_review_verify(actor=request.user, review=_review(request, review_id), **payload.dict())
    return selectors.review_row(review)


@router.post("/bad-reviews/{review_id}/appeal-review", response={200: dict, **errors(403, 409)},
             summary="县代办中心复核申诉：upheld 申诉成立（差评不计）/ rejected 申诉不成立（限期整改）")
def appeal_review(request: StaffRequest, review_id: int, payload: ReviewIn) -> dict:
    review = services.bad_review_appeal_review(actor=request.user, review=_review(request, review_id),
                                               **payload.dict())
    return selectors.review_row(review)


@router.post("/bad-reviews/{review_id}/rectify", response={200: dict, **errors(403, 409)},
             summary="责任单位登记整改措施和完成日期")
def rectify(request: StaffRequest, review_id: int, payload: RectifyIn) -> dict:
    review = services.bad_review_rectify(actor=request.user, review=_review(request, review_id), **payload.dict())
    return selectors.review_row(review)


@router.post("/bad-reviews/{review_id}/answer", response={200: dict, **errors(403, 409)},
             summary="责任单位答复评价人并登记评价人的反馈（satisfied / basically_satisfied / dissatisfied / no_reply）")
def answer(request: StaffRequest, review_id: int, payload: AnswerIn) -> dict:
    review = services.bad_review_answer(actor=request.user, review=_review(request, review_id), **payload.dict())
    return selectors.review_row(review)


@router.get("/good-bad/statistics", response={200: dict, **errors(403)},
            summary="好差评统计：好评率、差评数、差评整改率、按期整改率，按代办机构、审批部门、代办员，月度排名",
            description="month：YYYY-MM，默认本月。")
def statistics(request: StaffRequest, month: str | None = None) -> dict:
    return stats.monthly_figures(actor=request.user, month=month)


@public.get("/good-bad/monthly", auth=None, summary="全县代办服务好评率（按月）")
def public_monthly(request: HttpRequest) -> dict[str, list[dict]]:
    return {"months": stats.county_monthly()}
