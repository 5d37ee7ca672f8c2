"""§5.1.3 主动推送: when an item finishes, what it unblocks and what usually follows is put forward."""
from __future__ import annotations

from daiban.cases.models import CaseItem
from daiban.cases.services import public_step
from daiban.cases.states import ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.plans.notices import tell_item


def unblocked_by(item: CaseItem) -> tuple[list[CaseItem], list[CatalogItem]]:
    """(entrusted items now free to start, catalog services that usually follow and are not entrusted)."""
    case = item.case
    done = set(case.items.filter(status=ItemStatus.APPROVED).values_list("catalog_item__code", flat=True))
    entrusted = {i.catalog_item.code: i for i in case.items.select_related("catalog_item")
                 .prefetch_related("catalog_item__prerequisites")}
    ready = []
    for follower in item.catalog_item.followers.filter(active=True).prefetch_related("prerequisites"):
        prerequisites = {p.code for p in follower.prerequisites.all()} & set(entrusted)
        if follower.code in entrusted and prerequisites <= done and entrusted[follower.code].status == ItemStatus.PENDING:
            ready.append(entrusted[follower.code])
    # An alternative of an entrusted item (e.g. 环评报告书 when the 报告表 is entrusted) is not suggested.
    replaced = set(CatalogItem.objects.filter(alternatives__code__in=entrusted).values_list("code", flat=True))
    suggested = [f for f in item.catalog_item.followers.filter(active=True)
                 if f.code not in entrusted and f.code not in replaced]
    return ready, suggested


def push_after_finish(*, item: CaseItem) -> None:
    ready, suggested = unblocked_by(item)
    if not ready and not suggested:
        return
    lines = []
    if ready:
        lines.append("可以派单的事项：" + "、".join(i.catalog_item.name for i in ready))
    if suggested:
        lines.append("通常随后办理（未委托）：" + "、".join(f.name for f in suggested))
    tell_item("item.next_step", item, steps="；".join(lines), dedupe_key=str(item.pk))
    if ready:
        public_step(item.case, "下一步：" + "、".join(i.catalog_item.name for i in ready))
