"""The demo county's records from before this service: how long its items really took (issue 16).

Imported, as a county would from the provincial approval platform, so the plans of the demo cases show
expected dates beside the legal ones: 环评报告表 (L05) is promised in 10 working days and took 18.3 on average;
施工图审查 (S01) 14.9 against 10; 设计方案审查 (G01) faster than its 15. Idempotent.
"""
from __future__ import annotations

import datetime as dt

from daiban.catalog.models import CatalogItem
from daiban.lib import clock
from daiban.plans.evidence import evidence_import
from daiban.plans.models import DurationCount

HISTORY = {
    "L02": [1, 1, 1, 1, 2, 1, 1, 1, 2, 1],
    "L05": [12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 23],
    "G01": [9, 10, 11, 12, 12, 13, 14, 16],
    "G02": [4, 5, 5, 6, 6, 7, 8, 9],
    "S01": [11, 12, 13, 14, 15, 15, 16, 17, 18, 18],
    "S04": [5, 6, 7, 7, 8, 8, 9, 11],
}


def load(password: str) -> None:  # noqa: ARG001
    if DurationCount.objects.filter(imported=True).exists():
        return
    catalog = {c.code: c for c in CatalogItem.objects.filter(code__in=HISTORY)}
    today = clock.today()
    rows = []
    for code, used in HISTORY.items():
        for index, workdays in enumerate(used):
            # Spread over the last twenty months, one finish every seven weeks or so.
            finished = today - dt.timedelta(days=30 + 49 * index)
            rows.append((catalog[code].pk, catalog[code].department_id, finished, workdays))
    evidence_import(rows=rows, source="演示县历史办件（省投资项目在线审批监管平台导出）")
