"""What keeping the figures by agent costs a write (assessment.agents): a team change that moves a case's counts to
another agent, and the rows an item's finish adds to.

    DATABASE_URL=postgres://…/daiban_scale DAIBAN_… .venv/bin/python bench/bench_agent_refresh.py [--cases 200]

For the first N cases accepted since --since, the case's agent row is given to another agent (as case_team_set
leaves it) and `agents_refresh` times the move: the case's counts worked out from its rows, taken from the old
agent's day and month rows and added to the new one's, its CaseAgent row and agent spans rewritten. Then, for the
same cases, the count hook an item's finish calls (`_item_counted`: the case's agents read, a day and a month row
added to). In one transaction that is rolled back; prints p50/p95 (ms) and queries per call.
"""
from __future__ import annotations

import argparse
import datetime as dt
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

from daiban.assessment.agents import _item_counted, agents_refresh  # noqa: E402
from daiban.cases.models import Case, TeamMember, TeamRole  # noqa: E402


def _timed(calls) -> str:
    times, queries = [], []
    for call in calls:
        with CaptureQueriesContext(connection) as seen:
            began = time.perf_counter()
            call()
            times.append((time.perf_counter() - began) * 1000)
        queries.append(len(seen))
    times.sort()
    return (f"p50 {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms, "
            f"queries p50 {statistics.median(queries):.0f} max {max(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--since", default="2026-06-01", help="the cases accepted on or after this day")
    options = parser.parse_args()
    cases = list(Case.objects.filter(accepted_at__date__gte=options.since).order_by("pk")
                 .values_list("pk", flat=True)[:options.cases])
    members = {m.case_id: m for m in TeamMember.objects.filter(case__in=cases, role=TeamRole.AGENT)}
    others = {m.case_id: TeamMember.objects.filter(role=TeamRole.AGENT, case__unit=m.case.unit)
              .exclude(user=m.user_id).values_list("user_id", flat=True).first() for m in members.values()}
    moved = [case_id for case_id in cases if others.get(case_id)]
    with transaction.atomic():
        for case_id in moved:
            TeamMember.objects.filter(pk=members[case_id].pk).update(user=others[case_id])
        refresh = _timed([lambda c=case_id: agents_refresh(c) for case_id in moved])
        counts = {"finished": 1, "on_time": 1, "workdays": 12, "limit_workdays": 15}
        finish = _timed([lambda c=case_id: _item_counted(c, dt.date(2026, 12, 1), counts) for case_id in moved])
        transaction.set_rollback(True)
    print(f"load average {os.getloadavg()[0]:.1f}; {connection.settings_dict['NAME']}; {len(moved)} cases")
    print(f"team change (agents_refresh): {refresh}")
    print(f"an item's finish (count hook): {finish}")


if __name__ == "__main__":
    main()
