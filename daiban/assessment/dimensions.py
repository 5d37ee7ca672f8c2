"""What a statistic can be broken down by, and how each breakdown reaches its key from every table."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from daiban.cases.models import TeamRole
from daiban.org.models import AgencyBody, Department, Region, User


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    from_case: str  # path from a Case to the key
    from_item: str  # path from a CaseItem to the key (department: the item's own department)
    from_request: str | None  # path from a Request; None when only a case has the key
    case_filter: dict = field(default_factory=dict)  # conditions on the Case for the key to apply
    # Every case (and request) has exactly one key: the groups' counts add up to the totals.
    partition: bool = False

    def via(self, prefix: str) -> tuple[str, dict]:
        """The key path and conditions from a model that reaches the case through `prefix` ("case__")."""
        return prefix + self.from_case, {prefix + k: v for k, v in self.case_filter.items()}

    def names(self, keys: Iterable[int]) -> dict[int, str]:
        keys = [k for k in keys if k is not None]
        if self.code == "agent":
            # only the two fields display_name reads: a whole User decrypts its personal fields (583 agents: 16 → 8 ms)
            return {u.pk: u.display_name for u in User.objects.filter(pk__in=keys).only("full_name", "username")}
        model = {"unit": AgencyBody, "department": Department, "township": Region}[self.code]
        rows = model._default_manager.order_by().values_list("pk", "name")
        if len(keys) <= 20:
            return dict(rows.filter(pk__in=keys))
        # A ranking names most of a province's few hundred units, departments or townships: all of them, read
        # whole, cost less than a list of hundreds of ids sent with the query.
        wanted = set(keys)
        return {pk: name for pk, name in rows if pk in wanted}


DIMENSIONS: dict[str, Dimension] = {
    "unit": Dimension("unit", "代办机构", from_case="unit", from_item="case__unit", from_request="unit",
                      partition=True),
    "township": Dimension("township", "乡镇（园区）", from_case="project__location",
                          from_item="case__project__location", from_request="location", partition=True),
    "agent": Dimension("agent", "代办员", from_case="team__user", from_item="case__team__user", from_request=None,
                       case_filter={"team__role": TeamRole.AGENT}),
    "department": Dimension("department", "审批部门", from_case="items__catalog_item__department",
                            from_item="catalog_item__department", from_request=None),
}

# The item query of the agent breakdown goes through the case's team: its condition, seen from an item.
ITEM_FILTERS: dict[str, dict] = {"agent": {"case__team__role": TeamRole.AGENT}}
