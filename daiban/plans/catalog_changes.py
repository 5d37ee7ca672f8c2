"""Catalog changes carried through to the cases that use the item (issue 18 §2).

The catalog app keeps the catalog and cannot see cases; a change that matters to open cases (deactivating
an item, changing its time limit) goes through `catalog_item_change` here, which the catalog's page and API
call. Deactivating is refused while an open case has the item undone, unless a replacement is named for the
items not yet dispatched; a limit change must say whether it applies to the items already planned, and when
it does their planned and due dates are recomputed (audited, with the reason), so that no plan's dates
disagree with the limits.
"""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from daiban.audit.services import audit_record
from daiban.cases.models import CaseItem
from daiban.cases.states import ITEM_FINISHED, OPEN_STATUSES, ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.catalog.services import CATALOG_ROLES, catalog_item_update, catalog_item_validate
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.plans.services import plan_reschedule


def items_in_use(item: CatalogItem) -> QuerySet[CaseItem]:
    """The item, undone, in open cases: what a deactivation or a limit change touches."""
    return (CaseItem.objects.filter(catalog_item=item, case__status__in=OPEN_STATUSES)
            .exclude(status__in=ITEM_FINISHED).select_related("case", "case__request", "case__project")
            .order_by("case_id"))


def in_use_text(rows: list[CaseItem]) -> str:
    shown = "、".join(f"{r.case.request.tracking_no}（{r.case.project.name}）" for r in rows[:5])
    return shown + (f"等{len(rows)}个案件" if len(rows) > 5 else "")


def catalog_item_change(*, actor: User, item: CatalogItem, changes: dict[str, Any],
                        applies_to_planned: bool | None = None, reason: str = "",
                        replacement: str | None = None) -> CatalogItem:
    """catalog_item_update, with what the change means for open cases checked and carried through."""
    require_role(actor, *CATALOG_ROLES, action="catalog_item_update")
    catalog_item_validate(item=item, **changes)  # the item's own field errors first
    reason = (reason or "").strip()
    with transaction.atomic():
        item = CatalogItem.objects.select_for_update(no_key=True).get(pk=item.pk)
        in_use = list(items_in_use(item))
        deactivating = changes.get("active") is False and item.active
        new_limit = changes.get("limit_workdays")
        limit_changing = new_limit is not None and new_limit != item.limit_workdays
        substitute = _check_deactivation(item, in_use, replacement, reason) if deactivating and in_use else None
        if limit_changing and in_use:
            _check_limit_change(in_use, applies_to_planned, reason)
        old_limit = item.limit_workdays
        item = catalog_item_update(actor=actor, item=item, **changes)
        if substitute is not None:
            _replace(actor, item, substitute, in_use, reason)
        if limit_changing and in_use:
            for case in {row.case_id: row.case for row in in_use}.values():
                plan_reschedule(case)
                audit_record(event_type="plan.limit_changed", actor=actor, obj=case,
                             old={"item": item.code, "limit_workdays": old_limit},
                             new={"item": item.code, "limit_workdays": item.limit_workdays, "reason": reason,
                                  "applies_to_planned": True})
    return item


def _check_deactivation(item: CatalogItem, in_use: list[CaseItem], replacement: str | None,
                        reason: str) -> CatalogItem:
    if not replacement:
        raise Conflict(f"以下在办案件仍有“{item.name}”未办结：{in_use_text(in_use)}。请先办结或撤回这些事项，"
                       "或指定替代事项", code="catalog.item_in_use")
    substitute = CatalogItem.objects.filter(code=str(replacement).strip(), active=True).first()
    errors = {}
    if substitute is None or substitute.pk == item.pk:
        errors["replacement"] = f"替代事项“{replacement}”不存在、已停用或与原事项相同"
    if not reason:
        errors["reason"] = "请填写停用事项的理由（记入各案件）"
    if errors or substitute is None:  # no substitute means errors["replacement"] is set
        raise ValidationFailed(errors)
    moving = [r for r in in_use if r.status != ItemStatus.PENDING]
    if moving:
        raise Conflict(f"以下案件的“{item.name}”已派单办理，不能替换：{in_use_text(moving)}。请先办结或撤回",
                       code="catalog.item_in_use")
    return substitute


def _replace(actor: User, item: CatalogItem, substitute: CatalogItem, in_use: list[CaseItem], reason: str) -> None:
    for row in in_use:
        if row.case.items.filter(catalog_item=substitute).exists():
            row.delete()  # the case already has the replacement: the old item simply leaves the plan
        else:
            row.catalog_item = substitute
            row.save(update_fields=["catalog_item"])
        plan_reschedule(row.case)
        audit_record(event_type="plan.item_replaced", actor=actor, obj=row.case,
                     old={"item": item.code}, new={"item": substitute.code, "reason": reason})


def _check_limit_change(in_use: list[CaseItem], applies_to_planned: bool | None, reason: str) -> None:
    count = len({r.case_id for r in in_use})
    if applies_to_planned is None:
        raise ValidationFailed({"applies_to_planned": f"有{count}个在办案件已将该事项排入计划，请说明新时限是否适用于它们"})
    if not applies_to_planned:
        raise Conflict(f"{in_use_text(in_use)}已按原时限排定计划。新时限不适用于它们会使计划与事项库时限不一致；"
                       "请选择适用于已排计划的事项（将重算计划日期），或待这些事项办结后再修改",
                       code="catalog.item_in_use")
    if not reason:
        raise ValidationFailed({"reason": "请填写时限变更的理由（记入各案件的计划）"})
