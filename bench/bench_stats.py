"""Assessment at county scale: the statistics queries and the ledger export on N generated cases.

    .venv/bin/python bench/bench_stats.py [--cases 20000] [--seed 2026] [--keep]

Builds a throwaway SQLite database in a temporary directory (migrations, the Pingyang organisation,
the demo staff and the item catalog), fills it with N cases spread over 2024–2025 through bulk
inserts (with their requests, companies, projects, transitions, agents, 4–8 items each and owner
visits), then times, in this order:

- stats(by=unit) for 2025 with its previous period, the first call (which also builds the working-
  day table) and again; then by agent, department and township;
- the dashboard's month series and bottleneck items;
- the first ledger page (50 rows);
- the whole ledger written as .xlsx (write-only openpyxl, rows streamed from the database), with
  the peak of Python allocations measured by tracemalloc;
- the public figures of 2025;
- plans from evidence: the rebuild of the duration histogram and figures, the refresh one finish
  triggers, and what the plan page, the dashboard's trend and the portal read.

Nothing is printed but the figures; the database is removed at the end unless --keep.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FIRST_DAY, LAST_DAY = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
TOWNS = ["昆阳镇", "鳌江镇", "水头镇", "萧江镇", "万全镇", "滨海园区", "腾蛟镇", "麻步镇"]


def _setup(directory: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DAIBAN_DEBUG", "1")
    os.environ.setdefault("DAIBAN_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "daiban.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from daiban.catalog.seed import load_catalog
    from daiban.org.demo import load_demo_people

    call_command("migrate", verbosity=0)
    load_demo_people("bench-pass-2026")
    load_catalog()


def _timed(label: str, fn, results: list, repeat: int = 1):
    best, answer = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        answer = fn()
        best = min(best, time.perf_counter() - began)
    results.append((label, best))
    return answer


def _evidence(results: list) -> None:
    """Plans from evidence (issue 16): the rebuild, what one finish refreshes, and what pages read."""
    from daiban.assessment.selectors import practice_trend
    from daiban.cases.models import CaseItem
    from daiban.catalog.models import CatalogItem
    from daiban.plans.evidence import evidence_rebuild, evidence_refresh
    from daiban.plans.expectations import expectations_for
    from daiban.portal.selectors import promise_and_practice

    _timed("evidence_rebuild: histogram and figures from every finished item", evidence_rebuild, results)
    l05 = CatalogItem.objects.get(code="L05")
    _timed("one finish: the figures of its catalog item recomputed", lambda: evidence_refresh(
        catalog_item_ids=[l05.pk]), results, repeat=3)
    catalog = list(CatalogItem.objects.all())
    _timed("a plan page: expectations of every catalog item (one query)", lambda: expectations_for(catalog),
           results, repeat=3)
    _timed("dashboard: practice against promise, 12 months", lambda: practice_trend(dt.date(2025, 12, 31)), results, repeat=3)
    _timed("portal: 承诺时限 / 实际平均", promise_and_practice, results, repeat=3)
    assert CaseItem.objects.exists()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000, help="requests to generate (about 90%% become cases)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args(argv)

    directory = tempfile.mkdtemp(prefix="daiban-bench-")
    try:
        began = time.perf_counter()
        _setup(directory)
        setup_seconds = time.perf_counter() - began
        began = time.perf_counter()
        from daiban.desk.scale import generate_cases

        made = generate_cases(args.cases, seed=args.seed)
        generate_seconds = time.perf_counter() - began

        from daiban.assessment.ledger import LEDGER_COLUMNS, LedgerFilters, ledger_rows, ledger_table
        from daiban.assessment.periods import Period
        from daiban.assessment.scoped import Scoped
        from daiban.assessment.selectors import bottlenecks, monthly, public_year, stats
        from daiban.assessment.xlsx import write_xlsx

        county, year = Scoped.county(), Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        results: list[tuple[str, float]] = []
        answer = _timed("stats by unit, 2025 vs 2024 — first call (builds the working-day table)",
                        lambda: stats(county, year, "unit"), results)
        _timed("stats by unit (again)", lambda: stats(county, year, "unit"), results, repeat=3)
        for by in ("agent", "department", "township"):
            _timed(f"stats by {by}", lambda by=by: stats(county, year, by), results, repeat=3)
        _timed("month series of 2025", lambda: monthly(county, year), results, repeat=3)
        _timed("bottleneck items of 2025", lambda: bottlenecks(county, year), results, repeat=3)
        _timed("ledger, first page of 50 rows", lambda: list(ledger_rows(county, LedgerFilters())[:50]), results,
               repeat=3)
        path = os.path.join(directory, "ledger.xlsx")

        def export() -> int:
            return write_xlsx(path, title="代办台帐", columns=LEDGER_COLUMNS,
                              rows=ledger_table(ledger_rows(county, LedgerFilters()).iterator(2000)))

        rows = _timed("ledger export, all cases → .xlsx", export, results)
        size = os.path.getsize(path)
        # Memory in a second run: tracemalloc slows Python several times, so it is not timed.
        tracemalloc.start()
        export()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _timed("public figures of 2025", lambda: public_year(2025), results, repeat=3)
        _evidence(results)

        import django

        print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
              f"{platform.system()} {platform.release()}, CPython {platform.python_version()}, "
              f"Django {django.get_version()}, SQLite {__import__('sqlite3').sqlite_version}")
        print(f"Data: {made['requests']} requests, {made['cases']} cases, {made['items']} items "
              f"({made['finished_items']} finished), {made['visits']} owner visits; seed {args.seed}")
        print(f"Setup (migrate, organisation, catalog): {setup_seconds:.1f} s; generating the data: "
              f"{generate_seconds:.1f} s")
        totals = answer["totals"]
        print(f"Check: 2025 accepted {totals['accepted']}, completed {totals['completed']}, on-time "
              f"{totals['on_time_rate']}, avg {totals['avg_workdays']} / {totals['avg_limit']} workdays, overdue rate "
              f"{totals['overdue_rate']}")
        print()
        print(f"| {'what':<72} | {'time':>9} |")
        print(f"|{'-' * 74}|{'-' * 11}:|")
        for label, seconds in results:
            print(f"| {label:<72} | {seconds * 1000:>6.0f} ms |")
        print()
        seconds = dict(results)["ledger export, all cases → .xlsx"]
        print(f"Ledger export: {rows} rows × {len(LEDGER_COLUMNS)} columns, {size / 1024 / 1024:.1f} MiB .xlsx, "
              f"{rows / seconds:.0f} rows/s; peak Python allocations during the export {peak / 1024 / 1024:.1f} MiB "
              f"(tracemalloc, a separate untimed run)")
        if args.keep:
            print(f"Database kept: {directory}/bench.sqlite3")
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
