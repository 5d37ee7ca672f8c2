"""The item catalog over HTTP: anyone reads it; the county center adds items. A change to an item reports its
effect on running plans, so its PATCH is plans' (daiban/plans/catalog_api.py), on this router."""
from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict

from daiban.catalog.models import CatalogItem, Stage
from daiban.catalog.selectors import active_items, follower_codes, item_by_code, prerequisite_codes
from daiban.catalog.services import catalog_item_create
from daiban.lib.errors import ValidationFailed
from daiban.lib.pagination import paginate
from daiban.lib.schemas import Page, PageIn, errors
from daiban.org.http import StaffRequest

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


def item_detail(item: CatalogItem) -> dict[str, Any]:
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
    return item_detail(item_by_code(code))


@router.post("/items", response={201: ItemDetail, **errors(403)},
             summary="新增事项（县代办中心管理员）")
def create_item(request: StaffRequest, payload: ItemCreate) -> Status[dict[str, Any]]:
    item = catalog_item_create(actor=request.auth, **payload.model_dump(exclude_unset=True))
    return Status(201, item_detail(item_by_code(item.code)))
