"""The item catalog over HTTP: anyone reads it; the county center changes it."""
from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from daiban.catalog.models import CatalogItem, Stage
from daiban.catalog.selectors import active_items, follower_codes, item_by_code, prerequisite_codes
from daiban.catalog.services import catalog_item_create
from daiban.lib.errors import ValidationFailed
from daiban.lib.pagination import paginate
from daiban.lib.schemas import Page, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.plans.catalog_changes import catalog_item_change

router = Router(tags=["事项库"])


class ItemOut(Schema):
    code: str
    name: str
    department: str
    stage: str
    limit_workdays: int
    prerequisites: list[str]
    intermediary: str | None
    owner_in_person: bool
    level: str


class ItemDetail(ItemOut):
    stage_label: str
    level_label: str
    limit_source: str
    limit_source_label: str
    limit_note: str
    in_person_note: str
    optional: bool
    note: str
    materials: str
    where_how: str
    followers: list[str]
    active: bool


class ItemPatch(Schema):
    """Only the fields given are changed. `department` is the short name (e.g. 发展和改革局) or code."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    department: str | None = None
    stage: str | None = None
    limit_workdays: int | None = None
    limit_source: str | None = None
    limit_note: str | None = None
    intermediary: str | None = None
    owner_in_person: bool | None = None
    in_person_note: str | None = None
    level: str | None = None
    optional: bool | None = None
    prerequisites: list[str] | None = None
    note: str | None = None
    materials: str | None = None
    where_how: str | None = None
    active: bool | None = None
    sort: int | None = None


class ItemChange(ItemPatch):
    """With what the change means for open cases that use the item (daiban/plans/catalog_changes.py)."""

    applies_to_planned: bool | None = Field(None, description="修改时限且有在办案件使用时必填：true 重算其计划日期；"
                                                              "false 答复 409（计划将与时限不一致）")
    replacement: str | None = Field(None, description="停用仍有在办案件使用的事项时：替代事项编码（未派单的事项改为它）")
    reason: str | None = Field(None, max_length=200, description="停用或时限变更的理由，记入各案件")


class ItemCreate(ItemPatch):
    code: str
    name: str
    department: str
    stage: str
    limit_workdays: int


def _summary(item: CatalogItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department.name,
        "stage": item.stage,
        "limit_workdays": item.limit_workdays,
        "prerequisites": prerequisite_codes(item),
        "intermediary": item.intermediary or None,
        "owner_in_person": item.owner_in_person,
        "level": item.level,
    }


def _detail(item: CatalogItem) -> dict[str, Any]:
    return {
        **_summary(item),
        "stage_label": item.get_stage_display(),
        "level_label": item.get_level_display(),
        "limit_source": item.limit_source,
        "limit_source_label": item.get_limit_source_display(),
        "limit_note": item.limit_note,
        "in_person_note": item.in_person_note,
        "optional": item.optional,
        "note": item.note,
        "materials": item.materials,
        "where_how": item.where_how,
        "followers": follower_codes(item),
        "active": item.active,
    }


@router.get("/items", response=Page[ItemOut], auth=None, summary="事项库（启用的事项，按事项库顺序）")
def list_items(request: HttpRequest, page: Query[PageIn], stage: str | None = None) -> dict[str, Any]:
    """`stage` 可选：0、1、2、3、utilities、4。"""
    if stage is not None and stage not in Stage.values:
        raise ValidationFailed({"stage": f"阶段应为以下之一：{'、'.join(Stage.values)}"})
    return paginate(active_items(stage), page, order=["sort", "code"], row=_summary)


@router.get("/items/{code}", response=ItemDetail, auth=None, summary="事项详情和办事指南")
def get_item(request: HttpRequest, code: str) -> dict[str, Any]:
    return _detail(item_by_code(code))


@router.patch("/items/{code}", response={200: ItemDetail, **errors(403, 409)},
              summary="修改事项（县代办中心管理员）")
def update_item(request: StaffRequest, code: str, payload: ItemChange) -> dict[str, Any]:
    """只修改请求中给出的字段；`prerequisites` 为前置事项编码列表（须为启用的事项），整体替换。停用仍有在办案件
    未办结的事项答复 409 catalog.item_in_use（列出案件），除非给出 `replacement`；修改在办案件使用的事项的时限须给出
    `applies_to_planned` 和 `reason`。"""
    item = item_by_code(code)
    changes = payload.model_dump(exclude_unset=True)
    terms = {key: changes.pop(key, None) for key in ("applies_to_planned", "replacement", "reason")}
    catalog_item_change(actor=request.auth, item=item, changes=changes, applies_to_planned=terms["applies_to_planned"],
                        replacement=terms["replacement"], reason=terms["reason"] or "")
    return _detail(item_by_code(code))


@router.post("/items", response={201: ItemDetail, **errors(403)},
             summary="新增事项（县代办中心管理员）")
def create_item(request: StaffRequest, payload: ItemCreate) -> Status[dict[str, Any]]:
    item = catalog_item_create(actor=request.auth, **payload.model_dump(exclude_unset=True))
    return Status(201, _detail(item_by_code(item.code)))
