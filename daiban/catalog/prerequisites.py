"""Which prerequisites bind a case's item, as the law sets them (issue 9 §5).

A prerequisite binds when it is entrusted; one that not every project needs (`only_if_needed`: 节能审查, 水土保持方案,
危化品安全条件审查 …) binds only then; alternatives (`alternatives`: 环评报告表 L05 or 报告书 L05C) bind as one:
the entrusted one, or, when neither is entrusted, the owner's own "L05或L05C". So 施工许可 (S04) waits for the
environmental approval the project has, L07 and L08 when they are entrusted.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from daiban.catalog.models import CatalogItem


class Link(NamedTuple):
    """One prerequisite of an item as bound_prerequisites reads it."""
    code: str
    sort: int
    only_if_needed: bool
    alternatives: tuple[str, ...]


def links_of(item: CatalogItem) -> list[Link]:
    """The item's prerequisites as links (uses prefetched `prerequisites` and `prerequisites__alternatives`)."""
    return [Link(p.code, p.sort, p.only_if_needed, tuple(a.code for a in p.alternatives.all()))
            for p in item.prerequisites.all()]


def bound_prerequisites(item: CatalogItem, entrusted: Collection[str],
                        links: list[Link] | None = None) -> tuple[list[str], list[str]]:
    """(entrusted prerequisites, the owner's own) of `item` for a case entrusting `entrusted` (codes).

    Reads `links` when given (catalog.shape, read once per catalog revision), else the item's prefetched
    `prerequisites` and `prerequisites__alternatives` when present."""
    prerequisites = sorted(links_of(item) if links is None else links, key=lambda p: (p.sort, p.code))
    codes = {p.code for p in prerequisites}
    ours: list[str] = []
    owners: list[str] = []
    for prerequisite in prerequisites:
        group = [prerequisite.code] + sorted(code for code in prerequisite.alternatives if code in codes)
        chosen = [code for code in group if code in entrusted]
        if chosen:
            if chosen[0] == prerequisite.code:
                ours.append(prerequisite.code)
        elif prerequisite.only_if_needed:
            continue
        elif len(group) == 1:
            owners.append(prerequisite.code)
        elif prerequisite.code == min(group, key=lambda c: next(p.sort for p in prerequisites if p.code == c)):
            owners.append("或".join(group))
    return ours, owners
