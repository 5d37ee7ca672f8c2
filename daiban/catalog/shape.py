"""What the case page reads of the catalog beyond the items' own rows, read once per catalog revision: every
item's prerequisites with their alternatives, and the county counterpart of each city-level department. Kept in
the shared cache until a catalog item, its links, a department or a region changes (signals below, at once and
again on commit), so a page reads it without a query.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from daiban.catalog.models import CatalogItem
from daiban.catalog.prerequisites import Link
from daiban.lib.kept import kept
from daiban.org.models import Department, Region

KEY = "catalog:shape:v1"


@dataclass(frozen=True)
class Shape:
    links: dict[int, list[Link]]  # catalog item id -> its prerequisites
    local: dict[int, Department]  # city-level department id -> the county department doing its local steps


def _read() -> Shape:
    items = {item.pk: item for item in CatalogItem.objects.only("pk", "code", "sort", "only_if_needed")}
    codes = {pk: item.code for pk, item in items.items()}
    through = CatalogItem.alternatives.through.objects.values_list("from_catalogitem_id", "to_catalogitem_id")
    alternatives: dict[int, list[str]] = {}
    for item_id, alternative_id in through:
        alternatives.setdefault(item_id, []).append(codes[alternative_id])
    links: dict[int, list[Link]] = {}
    for item_id, prerequisite_id in CatalogItem.prerequisites.through.objects.values_list(
            "from_catalogitem_id", "to_catalogitem_id"):
        prerequisite = items[prerequisite_id]
        links.setdefault(item_id, []).append(Link(prerequisite.code, prerequisite.sort, prerequisite.only_if_needed,
                                                  tuple(alternatives.get(prerequisite_id, ()))))
    departments = list(Department.objects.select_related("region"))
    county: dict[str, Department] = {}
    for department in departments:
        if department.region.level == Region.Level.COUNTY:
            county.setdefault(department.name, department)
    local = {d.pk: county.get(d.name.replace("温州市", ""), d) for d in departments
             if d.region.level != Region.Level.COUNTY}
    return Shape(links, local)


def catalog_shape() -> Shape:
    return kept(KEY, _read, seconds=24 * 3600)


def invalidate(**kwargs) -> None:
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))


def connect() -> None:
    """Called by CatalogConfig.ready."""
    for model in (CatalogItem, Department, Region):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"catalog-shape-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"catalog-shape-delete-{model.__name__}")
    for through in (CatalogItem.prerequisites.through, CatalogItem.alternatives.through):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"catalog-shape-m2m-{through.__name__}")
