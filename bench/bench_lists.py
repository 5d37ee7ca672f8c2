"""The staff lists at scale: p50/p95 over HTTP and the queries of the case list, the request list, a case page,
the ledger page and the search box, for the county centre, a town's agent and a department's liaison officer.

    python bench/bench_lists.py --database-url postgres://postgres@127.0.0.1:5432/daiban_scale [--repeat 40]
        [--who center,aojiang,fgj] [--only ledger]

Starts `manage.py serve --no-worker` (gunicorn, debug off) on the database as it is (nothing written but the
logins' audit events and sessions), one client at a time. `{case}` is a case in the person's scope, a different
one each call (sampled by cases_for); queries are counted in this process by Django's test client on the same
database (the second of two calls, so the count kept a minute is warm as on a busy list). A page the person may
not open is shown as its HTTP status. Prints a Markdown table and the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import bench_all  # noqa: E402  (bench/bench_all.py: the server as make bench starts it)
import bench_search  # noqa: E402  (bench/bench_search.py: the search box's query shapes)
import load  # noqa: E402  (bench/load.py: database environment, server and logins)
from load import percentile as pct  # noqa: E402  (one percentile for every bench figure)

# (label, path): {case} is a case in the person's scope.
TARGETS = [
    ("page /cases/", "/cases/"),
    ("page /cases/requests/", "/cases/requests/"),
    ("page /cases/<id>/", "/cases/{case}/"),
    ("page /assessment/ledger/", "/assessment/ledger/"),
    ("page /assessment/ledger/?warning=overdue", "/assessment/ledger/?warning=overdue"),
    *[(label, path) for label, who, path in bench_search.targets() if who == "page"],
]


def query_counts(who: str, cases: list[int]) -> dict[str, int | str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import StaffClient

    client = StaffClient()
    assert client.login(who), f"{who} could not log in"
    counts: dict[str, int | str] = {}
    for label, path in TARGETS:
        url = path.format(case=cases[0])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        counts[label] = len(queries) if status == 200 else f"HTTP {status}"
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=40, help="calls per page and person")
    parser.add_argument("--who", default="center,aojiang,fgj", help="comma-separated demo accounts")
    parser.add_argument("--only", default="", help="measure only the rows whose label matches this regular expression")
    options = parser.parse_args()
    env = load.server_env(options.database_url)
    os.environ.update({k: v for k, v in env.items() if k.startswith("DAIBAN_") or k == "DATABASE_URL"},
                      DJANGO_SETTINGS_MODULE="daiban.settings")
    import django

    django.setup()
    from daiban.cases.models import Case
    from daiban.cases.selectors import cases_for
    from daiban.org.models import User

    targets = [(label, path) for label, path in TARGETS if re.search(options.only, label)]
    base, server = bench_all.serve(env)
    try:
        print(f"{Case.objects.count():,} cases; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
              flush=True)
        bare = []
        for _ in range(options.repeat):
            began = time.perf_counter()
            requests.get(f"{base}/healthz", timeout=60)
            bare.append((time.perf_counter() - began) * 1000)
        print(f"/healthz (the floor on this machine now): p50/p95 {pct(bare, 50):.0f}/{pct(bare, 95):.0f} ms")
        print("| who | page | p50 ms | p95 ms | queries |\n|---|---|---:|---:|---:|")
        for who in options.who.split(","):
            user = User.objects.get(username=who)
            cases = list(cases_for(user).order_by("?").values_list("pk", flat=True)[:options.repeat])
            counts = query_counts(who, cases)
            page = load.session_login(base, who, options.database_url)
            for label, path in targets:
                if not isinstance(counts[label], int):
                    print(f"| {who} | {label} | | | {counts[label]} |", flush=True)
                    continue
                page.get(base + path.format(case=cases[0]), timeout=120)  # warm: the count kept a minute
                times = []
                for i in range(options.repeat):
                    began = time.perf_counter()
                    answer = page.get(base + path.format(case=cases[i % len(cases)]), timeout=120)
                    times.append((time.perf_counter() - began) * 1000)
                    if answer.status_code != 200:
                        raise SystemExit(f"{who} {path}: HTTP {answer.status_code}")
                print(f"| {who} | {label} | {pct(times, 50):.0f} | {pct(times, 95):.0f} | {counts[label]} |",
                      flush=True)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
