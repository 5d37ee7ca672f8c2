"""Reads of other parts' records that assessment and supervision show: one small selector each.

Owner evaluations, department ratings and fee alerts belong to daiban.closure; joint meetings and
escalated coordination issues to daiban.coordination (both always installed, below assessment).
"""
from __future__ import annotations

from django.db.models import Case, F, FloatField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, TruncDate

from daiban.closure.grades import SCORE_OF
from daiban.closure.models import Closure, DepartmentRating, FeeAlert, OwnerEvaluation
from daiban.coordination.models import Issue, Meeting
from daiban.coordination.states import ISSUE_ACTIVE
from daiban.plans.models import Escalation


def scored(queryset: QuerySet, at: str) -> QuerySet:
    """`score`: the 好差评 grade as 5 (非常满意) … 1 (非常不满意) — the grade already weighs 服务态度、办事效率、
    服务质量 and 总体评价 together (closure.grades) — or, for a row without a grade, the mean of those four
    scores; `day`: the local date of `at`."""
    four = Cast(F("attitude") + F("efficiency") + F("quality") + F("overall"), FloatField()) / 4.0
    level = Case(*[When(grade=grade, then=Value(float(score))) for grade, score in SCORE_OF.items()],
                 default=four, output_field=FloatField())
    return queryset.annotate(score=level, day=TruncDate(at))


def owner_evaluations() -> QuerySet:
    """Owners' evaluations of the agency service (one per case), with `score` and `day`."""
    return scored(OwnerEvaluation.objects.all(), "submitted_at")


def department_ratings() -> QuerySet:
    """The agents' ratings of each approval department on a case, with `score` and `day`."""
    return scored(DepartmentRating.objects.all(), "rated_at")


def fee_alerts() -> QuerySet:
    """Owners' reports that someone asked for a fee or a gift (the service is free)."""
    return FeeAlert.objects.select_related("case", "case__request", "case__project")


def meeting_records() -> QuerySet:
    """Joint meetings (联席会议) and whether their record form was filled in and signed."""
    return Meeting.objects.select_related("case", "case__request", "convener_body")


def escalated_issues() -> QuerySet:
    """Coordination issues still open that went above the agent (tier ≥ 2)."""
    return Issue.objects.filter(tier__gte=2, status__in=ISSUE_ACTIVE).select_related("case", "case__request")


def escalations() -> QuerySet:
    """Overdue items escalated to the unit administrator (level 1) or the county center (level 2)."""
    return Escalation.objects.select_related("item", "item__catalog_item", "item__catalog_item__department",
                                             "item__case", "item__case__request")


def closed_on_of_case() -> Subquery:
    """The date on the completion or termination form of the case (OuterRef "pk")."""
    return Subquery(Closure.objects.filter(case=OuterRef("pk")).values("closed_on")[:1])


def filing_of_case() -> dict[str, Subquery]:
    """The filing date of the case's form (OuterRef "pk") and whether it is a 补录 and confirmed."""
    closure = Closure.objects.filter(case=OuterRef("pk"))
    return {"filed_on": Subquery(closure.values("filed_on")[:1]),
            "backfill_reason": Subquery(closure.values("backfill_reason")[:1]),
            "backfill_confirmed_at": Subquery(closure.values("backfill_confirmed_at")[:1])}


def owner_score_of_case() -> Subquery:
    """The owner's evaluation score of the case (OuterRef "pk"), 1–5."""
    return Subquery(owner_evaluations().filter(case=OuterRef("pk")).values("score")[:1])
