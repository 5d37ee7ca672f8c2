"""Reads on the item catalog: the active items, and the graph of their prerequisites."""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from django.db.models import QuerySet

from daiban.catalog.models import CatalogItem
from daiban.catalog.shape import catalog_shape
from daiban.lib.errors import NotFound
from daiban.org.models import Department


def active_items(stage: str | None = None) -> QuerySet[CatalogItem]:
    """Active items in catalog order, with department and prerequisites loaded."""
    items = (CatalogItem.objects.filter(active=True).select_related("department")
             .prefetch_related("prerequisites"))
    return items.filter(stage=stage) if stage else items


def item_by_code(code: str) -> CatalogItem:
    item = (CatalogItem.objects.select_related("department", "department__region")
            .prefetch_related("prerequisites", "followers").filter(code=code).first())
    if item is None:
        raise NotFound(f"事项 {code} 不存在")
    return item


def _catalog_order(item: CatalogItem) -> tuple[int, str]:
    return (item.sort, item.code)


def prerequisite_codes(item: CatalogItem) -> list[str]:
    """The item's direct prerequisites in catalog order (uses prefetched rows when present)."""
    return [p.code for p in sorted(item.prerequisites.all(), key=_catalog_order)]


def follower_codes(item: CatalogItem) -> list[str]:
    return [f.code for f in sorted(item.followers.all(), key=_catalog_order)]


def prerequisite_graph() -> dict[str, list[str]]:
    """Every item's code -> its direct prerequisites' codes in catalog order; inactive items included,
    since they still pass their ordering on. Two queries."""
    order = {code: (sort, code) for code, sort in CatalogItem.objects.values_list("code", "sort")}
    graph: dict[str, list[str]] = {code: [] for code in order}
    links = CatalogItem.prerequisites.through.objects.values_list("from_catalogitem__code", "to_catalogitem__code")
    for code, prerequisite in links:
        graph[code].append(prerequisite)
    for prerequisites in graph.values():
        prerequisites.sort(key=order.__getitem__)
    return graph


def cycle_through(graph: Mapping[str, Iterable[str]], start: str) -> list[str] | None:
    """The shortest chain start → … → start along prerequisite links, or None when there is none."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for prerequisite in graph.get(node, ()):
            if prerequisite == start:
                chain = []
                while node != start:
                    chain.append(node)
                    node = parent[node]
                return [start, *reversed(chain), start]
            if prerequisite not in parent:
                parent[prerequisite] = node
                queue.append(prerequisite)
    return None


def local_department(item: CatalogItem) -> Department:
    """The county department that handles an item locally: a city-level department's county
    counterpart (温州市生态环境局 → 生态环境局), where the local steps are done and reported up."""
    return local_departments([item])[item.department_id]


def local_departments(items) -> dict[int, Department]:
    """local_department of several catalog items, by their department's id, from the catalog's shape (read
    once per catalog revision, catalog.shape)."""
    local = catalog_shape().local
    return {item.department_id: local.get(item.department_id, item.department) for item in items}
