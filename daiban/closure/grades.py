"""The five grades of the national 政务服务「好差评」 convention (国办发〔2019〕51号) and the mapping of the
earlier 1–5 scores onto them. Pure: imports nothing of Django's models."""
from __future__ import annotations

import math

from django.db import models


class Grade(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"


# 不满意 and 非常不满意 are 差评: each one opens a rectification record; the other three are 好评.
BAD_GRADES = frozenset({Grade.DISSATISFIED, Grade.VERY_DISSATISFIED})
GOOD_GRADES = frozenset(Grade) - BAD_GRADES

# The earlier scores, 5 best: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
BY_SCORE = {5: Grade.VERY_SATISFIED, 4: Grade.SATISFIED, 3: Grade.BASICALLY_SATISFIED, 2: Grade.DISSATISFIED,
            1: Grade.VERY_DISSATISFIED}
SCORE_OF: dict[str, int] = {grade: score for score, grade in BY_SCORE.items()}


def grade_from_scores(*scores: int | None) -> str:
    """The grade of a set of 1–5 scores: their mean, the overall score included, rounded half up.

    (4, 4, 3, 4) → 3.75 → 4 → 满意; (3, 2, 2, 2) → 2.25 → 2 → 不满意; (3, 3, 2, 2) → 2.5 → 3 → 基本满意.
    """
    given = [s for s in scores if s is not None]
    if not given:
        raise ValueError("no scores to grade")
    return BY_SCORE[math.floor(sum(given) / len(given) + 0.5)]


def is_bad(grade: str) -> bool:
    return grade in BAD_GRADES


def label(grade: str | None) -> str:
    return Grade(grade).label if grade in Grade.values else ""
