"""The statistics' item figures from the day rollups alone (before plans.0005) and from the month rollups plus
the partial months' days (after), county-wide, on a database others share, without leaving a trace.

    DATABASE_URL=postgres://…/daiban_scale DAIBAN_… .venv/bin/python bench/bench_month_rollups.py [--repeat 5]

Everything runs in one transaction that is rolled back: it applies plans.0005 if the database lacks it (the
month table, summed from the day rows, timed), ANALYZEs the two tables, then times `_items_rolled_up` both ways
for each period and breakdown, checks that both answer the same, and times `stats()` by unit and the month
series. Prints p50/max ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.migrations.recorder import MigrationRecorder  # noqa: E402
from django.db.models import Sum  # noqa: E402

from daiban.assessment import figures  # noqa: E402
from daiban.assessment.dimensions import DIMENSIONS  # noqa: E402
from daiban.assessment.periods import Period  # noqa: E402
from daiban.assessment.scoped import Scoped  # noqa: E402
from daiban.assessment.selectors import monthly, stats  # noqa: E402
from daiban.plans.models import ItemRollup  # noqa: E402

D = dt.date.fromisoformat
PERIODS = {"2025": Period(D("2025-01-01"), D("2025-12-31")), "2025-02-10…2025-11-20": Period(
    D("2025-02-10"), D("2025-11-20")), "2026 to 12-05": Period(D("2026-01-01"), D("2026-12-05"))}


class Rollback(Exception):
    pass


def days_only(period: Period, dimension) -> dict:
    """The figures as plans.0004 answered them: every day row of P."""
    return figures._grouped(ItemRollup.objects.filter(day__range=(period.start, period.end)),
                            figures.ROLLUP_KEYS[dimension.code] if dimension else None,
                            finished=Sum("finished"), on_time=Sum("on_time"), workdays=Sum("workdays"),
                            limit=Sum("limit_workdays"), reported_up=Sum("reported_up"),
                            report_up_late=Sum("report_up_late"))


def timed(call, repeat: int) -> tuple[float, float, object]:
    answer = call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times), answer


def plain(found: dict) -> dict:
    return {key: {name: int(value or 0) for name, value in values.items()} for key, values in found.items()
            if any(values.values())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {connection.settings_dict['NAME']}")
    print("| period | by | days only p50/max ms | months + days p50/max ms | equal |")
    print("|---|---|---:|---:|---|")
    try:
        with transaction.atomic():
            if not MigrationRecorder.Migration.objects.filter(app="plans", name="0005_item_month_rollups").exists():
                began = time.perf_counter()
                call_command("migrate", "plans", "0005", verbosity=0)
                print(f"plans.0005 (month table summed from the days): {time.perf_counter() - began:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE plans_itemrollup")
                cursor.execute("ANALYZE plans_itemmonthrollup")
                cursor.execute("SELECT (SELECT count(*) FROM plans_itemrollup), "
                               "(SELECT count(*) FROM plans_itemmonthrollup)")
                print("rows: days {}, months {}".format(*cursor.fetchone()))
            for name, period in PERIODS.items():
                for by in (None, "unit", "township", "department"):
                    dimension = DIMENSIONS[by] if by else None
                    old = timed(partial(days_only, period, dimension), options.repeat)
                    new = timed(partial(figures._items_rolled_up, period, dimension), options.repeat)
                    print(f"| {name} | {by or 'total'} | {old[0]:.0f}/{old[1]:.0f} | {new[0]:.0f}/{new[1]:.0f} "
                          f"| {plain(old[2]) == plain(new[2])} |")
            whole = timed(lambda: stats(Scoped.county(), PERIODS["2025"], "unit"), options.repeat)
            print(f"stats() 2025 by unit, months + days: {whole[0]:.0f}/{whole[1]:.0f} ms")
            for name, period in PERIODS.items():
                series = timed(partial(monthly, Scoped.county(), period), options.repeat)
                print(f"month series {name} (3 queries): {series[0]:.0f}/{series[1]:.0f} ms")
            months_and_days, figures._items_rolled_up = figures._items_rolled_up, days_only
            try:
                whole = timed(lambda: stats(Scoped.county(), PERIODS["2025"], "unit"), options.repeat)
            finally:
                figures._items_rolled_up = months_and_days
            print(f"stats() 2025 by unit, days only: {whole[0]:.0f}/{whole[1]:.0f} ms")
            raise Rollback
    except Rollback:
        pass
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
