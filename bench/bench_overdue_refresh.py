"""What keeping the overdue spans costs a write: `overdue_refresh` of cases whose department spans moved.

    DATABASE_URL=postgres://…/daiban_scale DAIBAN_… .venv/bin/python bench/bench_overdue_refresh.py [--cases 300]

For the first N cases accepted since --since with department spans, the department spans are deleted (as if their
items had moved) and the case refreshed: its spans made again, and their month rows (OverdueDepartmentMonth)
counted up. In one transaction that is rolled back; prints p50/p95 (ms) and queries per refresh.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from daiban.assessment.models import OverdueSpan  # noqa: E402
from daiban.assessment.overdue import overdue_refresh  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--since", default="2026-06-01", help="the cases accepted on or after this day")
    options = parser.parse_args()
    cases = list(OverdueSpan.objects.filter(department__isnull=False, accepted_on__gte=options.since)
                 .order_by("case_id").values_list("case_id", flat=True).distinct()[:options.cases])
    times, queries = [], []
    with transaction.atomic():
        for case_id in cases:
            OverdueSpan.objects.filter(case_id=case_id, department__isnull=False).delete()
            with CaptureQueriesContext(connection) as seen:
                began = time.perf_counter()
                overdue_refresh(case_id)
                times.append((time.perf_counter() - began) * 1000)
            queries.append(len(seen))
        transaction.set_rollback(True)
    times.sort()
    print(f"load average {os.getloadavg()[0]:.1f}; {connection.settings_dict['NAME']}; {len(cases)} refreshes: "
          f"p50 {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms, "
          f"queries p50 {statistics.median(queries):.0f} max {max(queries)}")


if __name__ == "__main__":
    main()
