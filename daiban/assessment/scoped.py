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
    fastest); otherwise `case_ids` is the subquery of cases_for(user) and `requests` requests_for(user).
    `units`: when the scope is exactly the requests and cases of these agency units (a unit's staff: no department
    rule, no owner's companies), so that the rollups kept per unit answer for it as they do county-wide."""

    county_wide: bool
    case_ids: QuerySet | None
    requests: QuerySet[Request]
    body_ids: frozenset[int] = frozenset()
    units: frozenset[int] | None = None

    @classmethod
    def of(cls, user) -> Scoped:
        scope = scope_of(user)
        if scope.county_wide:
            return cls.county()
        units_only = scope.body_ids and not scope.department_ids and scope.owner_user_id is None
        return cls(False, cases_for(user).order_by().values("pk"), requests_for(user).order_by(),
                   scope.body_ids, scope.body_ids if units_only else None)

    @property
    def rolled_up(self) -> bool:
        """Whether the rollups kept per unit answer for this scope (filtered by `in_units` where it is narrower)."""
        return self.county_wide or self.units is not None

    def in_units(self, rollup: QuerySet) -> QuerySet:
        """A rollup's rows (keyed by `unit`) in this scope: all of them county-wide."""
        return rollup if self.units is None else rollup.filter(unit__in=self.units)

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
