"""The caller's data scope, in the form the statistics need: a filter any table can apply through its case."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from daiban.cases.models import Case
from daiban.cases.selectors import cases_for
from daiban.intake.models import Request
from daiban.intake.selectors import requests_for
from daiban.org.scope import scope_of


@dataclass(frozen=True)
class Scoped:
    """county_wide: no filter at all (the common case for the center, leaders and inspectors, and the
    fastest); otherwise `case_ids` is the subquery of cases_for(user) and `requests` requests_for(user)."""

    county_wide: bool
    case_ids: QuerySet | None
    requests: QuerySet[Request]
    body_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user) -> Scoped:
        scope = scope_of(user)
        if scope.county_wide:
            return cls.county()
        return cls(False, cases_for(user).order_by().values("pk"), requests_for(user).order_by(),
                   scope.body_ids)

    @classmethod
    def county(cls) -> Scoped:
        return cls(True, None, Request.objects.order_by())

    def cases(self) -> QuerySet[Case]:
        return self.over(Case.objects.order_by(), "pk")

    def over(self, queryset: QuerySet, path: str = "case") -> QuerySet:
        """`queryset` limited to rows whose case (reached through `path`) lies in scope."""
        if self.county_wide:
            return queryset
        return queryset.filter(**{f"{path}__in": self.case_ids})
