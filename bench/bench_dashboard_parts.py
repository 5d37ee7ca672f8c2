"""Where the county dashboard's time goes: each read `/assessment/` and `GET /api/v1/stats` make, timed alone as
`center` (county-wide), with its queries, then the whole page and the API through Django's test client.

    DATABASE_URL=postgres://…/daiban_scale DAIBAN_… .venv/bin/python bench/bench_dashboard_parts.py [--repeat 7]

Runs in one transaction that is rolled back (as bench_dashboard.py): with --migrate the missing migrations are
applied in it (timed), so a shared database is left as it was. Prints p50/max (ms) and queries per part.
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
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")

import django  # noqa: E402

django.setup()

from bench_dashboard import center_client, rolled_back, statements  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

from daiban.assessment.periods import parse_period  # noqa: E402
from daiban.assessment.scoped import Scoped  # noqa: E402
from daiban.assessment.selectors import bottlenecks, chart_rows, monthly, practice_trend, stats  # noqa: E402
from daiban.assessment.team_records import team_summary  # noqa: E402
from daiban.goodbad.stats import figures as good_bad_figures  # noqa: E402


def parts(period):
    county = Scoped.county()
    return [
        ("stats by unit (two periods)", lambda: stats(county, period, "unit")),
        ("stats by township", lambda: stats(county, period, "township")),
        ("stats by department", lambda: stats(county, period, "department")),
        ("stats by agent (two periods)", lambda: stats(county, period, "agent", "on_time_rate")),
        ("chart: departments' overdue", lambda: chart_rows(county, period, "department", ("overdue",))),
        ("month series", lambda: monthly(county, period)),
        ("bottleneck items", lambda: bottlenecks(county, period)),
        ("practice trend (12 months)", lambda: practice_trend(period.end)),
        ("好差评 figures", lambda: good_bad_figures(period)),
        ("team records", lambda: team_summary(county, period)),
    ]


def timed(fn, repeat: int) -> tuple[float, float, int]:
    fn()
    with statements() as seen:
        fn()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times), len(seen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--from", dest="start", default=None)
    parser.add_argument("--to", dest="end", default=None)
    parser.add_argument("--migrate", action="store_true", help="apply the missing migrations first (rolled back)")
    options = parser.parse_args()
    period = parse_period(options.start, options.end)
    print(f"load average {os.getloadavg()[0]:.1f}; {connection.settings_dict['NAME']}; {period.start}…{period.end}")
    rows = []
    with rolled_back():
        executor = MigrationExecutor(connection)
        if options.migrate and executor.migration_plan(executor.loader.graph.leaf_nodes()):
            began = time.perf_counter()
            call_command("migrate", verbosity=0)
            print(f"migrations applied (rolled back at the end): {time.perf_counter() - began:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE assessment_overduespan")
        for label, fn in parts(period):
            rows.append((label, *timed(fn, options.repeat)))
        client = center_client()
        query = f"?from={period.start}&to={period.end}" if options.start or options.end else ""
        pages = (("page /assessment/", "/assessment/"), ("page /assessment/?by=agent", "/assessment/?by=agent"),
                 ("GET /api/v1/stats", "/api/v1/stats"), ("GET /api/v1/stats?by=agent", "/api/v1/stats?by=agent"))
        for label, where in pages:
            path = where + (("&" if "?" in where else "?") + query[1:] if query else "")
            assert client.get(path).status_code == 200
            rows.append((label + " (test client)", *timed(lambda p=path: client.get(p), options.repeat)))
    print("| part | p50 ms | max ms | queries |")
    print("|---|---:|---:|---:|")
    for label, p50, top, queries in rows:
        print(f"| {label} | {p50:.0f} | {top:.0f} | {queries} |")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
