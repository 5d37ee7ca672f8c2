"""Which prerequisites bind a case's item, as the law sets them (issue 9 §5).

A prerequisite binds when it is entrusted; one that not every project needs (`only_if_needed`: 节能审查, 水土保持方案,
危化品安全条件审查 …) binds only then; alternatives (`alternatives`: 环评报告表 L05 or 报告书 L05C) bind as one:
the entrusted one, or, when neither is entrusted, the owner's own "L05或L05C". So 施工许可 (S04) waits for the
environmental approval the project has, L07 and L08 when they are entrusted.
"""
from __future__ import annotations

from collections.abc import Collection

from daiban.catalog.models import CatalogItem


def bound_prerequisites(item: CatalogItem, entrusted: Collection[str]) -> tuple[list[str], list[str]]:
    """(entrusted prerequisites, the owner's own) of `item` for a case entrusting `entrusted` (codes).

    Uses prefetched `prerequisites` and `prerequisites__alternatives` when present."""
    prerequisites = sorted(item.prerequisites.all(), key=lambda p: (p.sort, p.code))
    codes = {p.code for p in prerequisites}
    ours: list[str] = []
    owners: list[str] = []
    for prerequisite in prerequisites:
        group = [prerequisite.code] + sorted(a.code for a in prerequisite.alternatives.all() if a.code in codes)
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
