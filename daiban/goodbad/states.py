"""The rectification loop of a 差评: one table of the allowed changes and who makes each."""
from __future__ import annotations

from django.db import models


class ReviewStatus(models.TextChoices):
    VERIFYING = "verifying", "待核实"
    RECTIFYING = "rectifying", "整改中"
    ANSWERING = "answering", "待答复"
    APPEALED = "appealed", "申诉复核中"
    CLOSED = "closed", "已办结"


class Finding(models.TextChoices):
    FOUNDED = "founded", "属实，整改"
    EXPLAINED = "explained", "解释说明"
    UNFOUNDED = "unfounded", "不属实，申诉"


class Outcome(models.TextChoices):
    RECTIFIED = "rectified", "属实已整改"
    EXPLAINED = "explained", "已解释说明"
    SET_ASIDE = "set_aside", "申诉成立，差评不计"


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", "申诉成立"
    REJECTED = "rejected", "申诉不成立"


class RaterReply(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    NO_REPLY = "no_reply", "未表态"


UNIT, CENTER = "unit", "center"

# (from, to): who may make the change — the unit concerned (agency unit or department) or the center.
ALLOWED_REVIEW_CHANGES: dict[tuple[str, str], str] = {
    (ReviewStatus.VERIFYING, ReviewStatus.RECTIFYING): UNIT,  # founded
    (ReviewStatus.VERIFYING, ReviewStatus.ANSWERING): UNIT,  # explained
    (ReviewStatus.VERIFYING, ReviewStatus.APPEALED): UNIT,  # unfounded: appealed to the center
    (ReviewStatus.APPEALED, ReviewStatus.CLOSED): CENTER,  # appeal upheld: set aside
    (ReviewStatus.APPEALED, ReviewStatus.RECTIFYING): CENTER,  # appeal rejected: rectify after all
    (ReviewStatus.RECTIFYING, ReviewStatus.ANSWERING): UNIT,
    (ReviewStatus.ANSWERING, ReviewStatus.CLOSED): UNIT,
}

OPEN_REVIEW = frozenset(ReviewStatus) - {ReviewStatus.CLOSED}
# The stage whose deadline runs in each open status.
STAGE_OF: dict[str, str] = {ReviewStatus.VERIFYING: "verify", ReviewStatus.RECTIFYING: "rectify",
                            ReviewStatus.ANSWERING: "answer", ReviewStatus.APPEALED: "review"}
