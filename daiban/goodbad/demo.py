"""The demo county's 差评: demo-5's owner graded the planning permit (G02, 自然资源和规划局) 不满意 on
2026-09-07 (closure.demo). The department's liaison officer verifies it the next day (founded: the missing
papers were not listed at once), rectifies within the week (a one-time checklist, one reviewer of the
papers) and answers the owner, who is satisfied — all on time. Idempotent: each step runs once."""
from __future__ import annotations

from daiban.goodbad import services
from daiban.goodbad.models import BadReview
from daiban.goodbad.states import ReviewStatus
from daiban.lib import clock
from daiban.org.models import User


def load(password: str) -> None:  # noqa: ARG001  (the accounts already exist)
    review = BadReview.objects.filter(case__request__idempotency_key="demo-5", department__code="zrj").first()
    if review is None:
        return
    liaison = User.objects.get(username="zrj")
    if review.status == ReviewStatus.VERIFYING:
        with clock.frozen("2026-09-08"):
            review = services.bad_review_verify(
                actor=liaison, review=review, finding="founded",
                note="电话回访业主：规划许可申请两次退回补正属实，首次受理时未一次性告知全部补正内容。")
    if review.status == ReviewStatus.RECTIFYING:
        with clock.frozen("2026-09-14"):
            review = services.bad_review_rectify(
                actor=liaison, review=review,
                note="编制建设工程规划许可一次性告知清单并在窗口公示；补正材料由专人一次审核、一次告知。")
    if review.status == ReviewStatus.ANSWERING:
        with clock.frozen("2026-09-15"):
            services.bad_review_answer(actor=liaison, review=review, rater_reply="satisfied",
                                       note="电话向业主说明核实情况和整改措施，并致歉。",
                                       rater_reply_note="业主表示认可整改措施。")
