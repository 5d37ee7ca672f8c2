"""A catalog item's change over HTTP: PATCH /catalog/items/{code}, on the catalog's router (the path is the item's),
here because a change reports what it means for the open cases that use the item (catalog_changes.py).
daiban/api.py imports this module before it mounts the catalog's router."""
from __future__ import annotations

from ninja import Field

from daiban.catalog.api import ItemDetail, ItemPatch, item_detail, router
from daiban.catalog.selectors import item_by_code
from daiban.lib.schemas import errors
from daiban.plans.catalog_changes import catalog_item_change


class ItemChange(ItemPatch):
    """With what the change means for open cases that use the item (daiban/plans/catalog_changes.py)."""

    applies_to_planned: bool | None = Field(None, description="修改时限且有在办案件使用时必填：true 重算其计划日期；"
                                                              "false 答复 409（计划将与时限不一致）")
    replacement: str | None = Field(None, description="停用仍有在办案件使用的事项时：替代事项编码（未派单的事项改为它）")
    reason: str | None = Field(None, max_length=200, description="停用或时限变更的理由，记入各案件")


@router.patch("/items/{code}", response={200: ItemDetail, **errors(403, 409)},
              summary="修改事项（县代办中心管理员）")
def update_item(request, code: str, payload: ItemChange):
    """只修改请求中给出的字段；`prerequisites` 为前置事项编码列表（须为启用的事项），整体替换。停用仍有在办案件
    未办结的事项答复 409 catalog.item_in_use（列出案件），除非给出 `replacement`；修改在办案件使用的事项的时限须给出
    `applies_to_planned` 和 `reason`。"""
    item = item_by_code(code)
    changes = payload.model_dump(exclude_unset=True)
    terms = {key: changes.pop(key, None) for key in ("applies_to_planned", "replacement", "reason")}
    catalog_item_change(actor=request.auth, item=item, changes=changes, applies_to_planned=terms["applies_to_planned"],
                        replacement=terms["replacement"], reason=terms["reason"] or "")
    return item_detail(item_by_code(code))
