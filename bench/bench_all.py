"""`make bench`: one table of the province-scale goals (issue 12) on PostgreSQL.

    .venv/bin/python bench/bench_all.py [--small 1000] [--large 5000] [--repeat 20] [--warm 8] [--users 20] [--seconds 30]
        [--database-url postgres://postgres@127.0.0.1:5432/daiban_bench] [--reuse]
    .venv/bin/python bench/bench_all.py --small-url postgres://…/daiban_1k --large-url postgres://…/daiban_scale …

Prepares the database as bench/load.py does (seed_demo + seed_scale --cases SMALL), starts `manage.py serve`
(gunicorn, debug off) and measures, at that size, each staff page and API one client at a time (--warm untimed
calls, then --repeat calls: p50/p95 over HTTP; queries counted in-process by Django's test client on the same
database); then grows the data by seed_scale --cases LARGE-SMALL and measures again. Then: the case API against
the bare one-row view (the issue's reference: one case row by primary key as JSON, daiban/desk/bench_views.py)
and against /healthz (no query) under the production server with 4 clients, working days against chinese_calendar
(bench_workdays.py), the ledger .xlsx export of all cases (time, peak RSS of its process), audit_verify over the
whole chain (events/s) and the load test (bench/load.py --reuse). Prints one table; goals from the issue.

With --small-url and --large-url, two databases prepared beforehand (e.g. by bench/load.py or as
/work/notes/SCALE_READY describes) are measured as they are, nothing grown: each is only migrated first (quick when
it is up to date; static files collected for this checkout), and everything after the pages runs on the large one.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable

import bench_search  # noqa: E402  (bench/bench_search.py: the search box's query shapes)
import load  # noqa: E402  (bench/load.py: database, server and logins)
from load import percentile as pct  # noqa: E402  (one percentile for every bench figure)

# (label, who, path) — who: a page session or an API token of that person, or "public" (no login); {case} is a
# sampled case.
TARGETS = [
    ("page /cases/", "page", "/cases/"),
    ("page /cases/requests/", "page", "/cases/requests/"),
    ("page /cases/<id>/", "page", "/cases/{case}/"),
    ("page /assessment/", "page", "/assessment/"),
    ("page /assessment/ledger/", "page", "/assessment/ledger/"),
    ("GET /api/v1/cases/{id}", "api", "/api/v1/cases/{case}"),
    ("GET /api/v1/stats", "api", "/api/v1/stats"),
    # Plans from evidence (issue 16): the plan with expected dates beside the legal ones.
    # {plan}: a case with a plan (the demo county's; generated cases have none).
    ("page /plans/cases/<id>/ (expected dates)", "page", "/plans/cases/{plan}/"),
    ("GET /api/v1/cases/{id}/plan", "api", "/api/v1/cases/{plan}/plan"),
    # Find anything (issue 14): every query shape of bench_search.py, in the centre's scope (every case).
    *bench_search.targets(),
    # The public portal's 承诺时限 / 实际平均 (issue 16 §4): anyone, no login, from the stored figures.
    ("page /portal/timeliness/ (承诺时限 / 实际平均, public)", "public", "/portal/timeliness/"),
]
WHO = "center"  # the county centre: scope "all", the heaviest


def child(env: dict, code: str, timeout: float | None = None) -> str:
    """Runs code in a fresh Django process on the bench database; returns its last output line."""
    out = subprocess.run([PY, "-c", "import django; django.setup()\n" + code], cwd=ROOT, check=True,
                         env={**env, "DJANGO_SETTINGS_MODULE": "daiban.settings"}, capture_output=True, text=True,
                         timeout=timeout)
    return out.stdout.strip().splitlines()[-1]


QUERY_COUNTS = """
import json, sys
sys.path.insert(0, '.')
from django.conf import settings
from django.db import connection
settings.READ_THREADS = 0  # a page's reads one after another on this connection, where all of its queries are seen
from django.test.utils import CaptureQueriesContext
from conftest import StaffClient, DEMO_PASSWORD, totp_code
from daiban.cases.models import Case
case = Case.objects.order_by('-pk').values_list('pk', flat=True).first()
plan = Case.objects.filter(plan__isnull=False).order_by('-pk').values_list('pk', flat=True).first()
page = StaffClient(); assert page.login('center')
api = StaffClient()
token = api.post('/api/v1/auth/token', {'username': 'center', 'password': DEMO_PASSWORD, 'otp': totp_code('center')},
                 content_type='application/json').json()['token']
counts = {}
for label, who, path in TARGETS:
    client, headers = {'page': (page, {}), 'public': (StaffClient(), {})}.get(
        who, (api, {'Authorization': 'Bearer ' + token}))
    client.get(path.format(case=case, plan=plan), headers=headers)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path.format(case=case, plan=plan), headers=headers).status_code
    counts[label] = len(queries) if status == 200 else f'HTTP {status}'
print(json.dumps(counts))
"""


def measure_size(env: dict, base: str, page, token: str, cases: list[int], plans: list[int], repeat: int,
                 warm: int) -> dict:
    """p50/p95 of each target over `repeat` timed calls, after `warm` untimed ones: a worker's first request to a
    page pays once for what the process keeps (compiled templates, statements built once, pooled connections), and
    each call opens a new connection that either of the server's processes may take, so one warm-up call would
    leave the other process cold and its first answer would be the p95 of 20 calls."""
    counts = json.loads(child(env, f"TARGETS = {TARGETS!r}\n" + QUERY_COUNTS))
    figures = {}
    for label, who, path in TARGETS:
        times = []
        for i in range(-warm, repeat):
            url = base + path.format(case=cases[i % len(cases)], plan=plans[i % len(plans)])
            began = time.perf_counter()
            if who == "page":
                answer = page.get(url, timeout=120)
            elif who == "public":
                answer = requests.get(url, timeout=120)
            else:
                answer = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
            if i >= 0:
                times.append(time.perf_counter() - began)
            if answer.status_code != 200:
                raise SystemExit(f"{label}: HTTP {answer.status_code}")
        figures[label] = (pct(times, 50) * 1000, pct(times, 95) * 1000, counts.get(label))
    return figures


def api_ratio(base: str, token: str, cases: list[int], seconds: float = 10, clients: int = 4,
              rounds: int = 2) -> tuple[float, float, float]:
    """Requests/s of GET /api/v1/cases/{id}, of the bare one-row view (/bench/one-case-row/{id}: one case row by
    primary key as JSON, no login, DAIBAN_BENCH_ONE_ROW_VIEW) and of /healthz (no query), each with `clients`
    keep-alive clients, `seconds` in all, taken in `rounds` alternating turns so that a change in the shared
    machine's load falls on all three alike."""
    def rate(path_for, headers, seconds: float) -> int:
        done = [0]
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def run(n: int) -> None:
            http, mine = requests.Session(), 0
            while time.monotonic() < stop:
                if http.get(base + path_for(n + mine), headers=headers, timeout=60).status_code == 200:
                    mine += 1
            with lock:
                done[0] += mine

        threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return done[0]

    kinds = {"api": (lambda i: f"/api/v1/cases/{cases[i % len(cases)]}", {"Authorization": f"Bearer {token}"}),
             "row": (lambda i: f"/bench/one-case-row/{cases[i % len(cases)]}", {}),
             "healthz": (lambda i: "/healthz", {})}
    done = dict.fromkeys(kinds, 0)
    for _ in range(rounds):
        for kind, (path_for, headers) in kinds.items():
            done[kind] += rate(path_for, headers, seconds / rounds)
    return done["api"] / seconds, done["row"] / seconds, done["healthz"] / seconds


LEDGER = """
import resource, time, tempfile, os
from daiban.assessment.ledger import LEDGER_COLUMNS, LedgerFilters, ledger_rows, ledger_table
from daiban.assessment.scoped import Scoped
from daiban.assessment.xlsx import write_xlsx
from daiban.lib.streaming import rows_read_ahead
path = os.path.join(tempfile.mkdtemp(), 'ledger.xlsx')
began = time.perf_counter()
rows = write_xlsx(path, title='代办台帐', columns=LEDGER_COLUMNS,
                  rows=ledger_table(rows_read_ahead(ledger_rows(Scoped.county(), LedgerFilters()))))
print(rows, time.perf_counter() - began, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

# One item finishing updates the evidence figures (plans/evidence.py: its histogram row, then its catalog item's
# figures), timed inside a transaction that is rolled back so the data stays as seeded.
EVIDENCE = """
import time
from django.db import transaction
from daiban.cases.models import CaseItem
from daiban.plans.evidence import evidence_record
items = list(CaseItem.objects.filter(status='approved').select_related('catalog_item').order_by('-finished_on')[:20])
times = []
for item in items:
    with transaction.atomic():
        began = time.perf_counter()
        evidence_record(item=item)
        times.append(time.perf_counter() - began)
        transaction.set_rollback(True)
times.sort()
print(times[len(times) // 2] * 1000, times[int(len(times) * 0.95) - 1] * 1000)
"""

SAMPLE = """
import json
from daiban.cases.models import Case
cases = list(Case.objects.order_by('?').values_list('pk', flat=True)[:50])
plans = list(Case.objects.filter(plan__isnull=False).order_by('?').values_list('pk', flat=True)[:20])
print(json.dumps([Case.objects.count(), cases, plans]))
"""


def serve(env: dict) -> tuple[str, subprocess.Popen]:
    """`manage.py serve` (gunicorn, no worker) on a free loopback port of this database; answers its base URL."""
    port = load.free_port()
    server = subprocess.Popen([PY, "manage.py", "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        load.wait_ready(base)
    except BaseException:
        server.terminate()
        raise
    return base, server


VERIFY = """
import time
from daiban.audit.services import audit_checkpoint, audit_verify
# what the hourly checkpoint duty does in production: the benchmark's server runs without a worker, so the events an
# earlier run's load test wrote would be over an hour old without a checkpoint, which audit_verify rightly reports
audit_checkpoint()
began = time.perf_counter()
result = audit_verify()
print(result.ok, result.events, time.perf_counter() - began)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1000, help="seed_scale cases of the first size")
    parser.add_argument("--large", type=int, default=5000, help="cases of the second size (grown from the first)")
    parser.add_argument("--events-per-case", type=int, default=10, help="audit events per case at the first size")
    parser.add_argument("--audit-events", type=int, default=10_000_000, help="audit events added to reach the second size")
    parser.add_argument("--repeat", type=int, default=20, help="calls per page and API at each size")
    parser.add_argument("--warm", type=int, default=8,
                        help="untimed calls per page and API first, so that every server process has served it")
    parser.add_argument("--users", type=int, default=20, help="load test users")
    parser.add_argument("--seconds", type=float, default=30, help="load test duration")
    parser.add_argument("--database-url", default=os.environ.get(
        "DAIBAN_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/daiban_bench"))
    parser.add_argument("--reuse", action="store_true", help="the database is already seeded at --small")
    parser.add_argument("--small-url", help="a database prepared beforehand, measured as the first size")
    parser.add_argument("--large-url", help="a database prepared beforehand, measured as the second size")
    parser.add_argument("--row-timeout", type=float, default=900,
                        help="seconds the ledger export and the audit verification may take each (then reported as not done)")
    parser.add_argument("--skip", default="", help="rows left out, comma-separated: ledger, verify, load")
    options = parser.parse_args()
    separate = bool(options.small_url or options.large_url)
    if separate and not (options.small_url and options.large_url):
        parser.error("--small-url and --large-url go together")
    small_env = load.server_env(options.small_url or options.database_url)
    env = load.server_env(options.large_url or options.database_url)
    if not options.reuse and not separate:
        load.prepare(small_env, options.small, options.events_per_case)
    for prepared in (small_env, env) if separate else (small_env,) if options.reuse else ():
        began = time.perf_counter()
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=prepared, check=True)
        print(f"{prepared['DATABASE_URL']} migrated in {time.perf_counter() - began:.0f} s", flush=True)
    if options.reuse or separate:  # the static files belong to this checkout, not to the database
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    rows: list[tuple[str, str, str]] = []  # what, figure, goal

    sizes = []
    for n, at in enumerate((small_env, env)):
        if n and not separate and options.large > options.small:
            began = time.perf_counter()
            subprocess.run([PY, "manage.py", "seed_scale", "--cases", str(options.large - options.small), "--tag",
                            "U", "--audit-events", str(options.audit_events), "--no-verify"], cwd=ROOT, env=env,
                           check=True)
            # seed_scale writes items in bulk, past the events that keep the statistics' rollups
            subprocess.run([PY, "manage.py", "rebuild_rollups"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            print(f"grown to {options.large} requests in {time.perf_counter() - began:.0f} s", flush=True)
        count, cases, plans = json.loads(child(at, SAMPLE))
        base, server = serve(at)
        try:
            page, token = (load.session_login(base, WHO, at["DATABASE_URL"]),
                           load.token_login(base, WHO, at["DATABASE_URL"]))
            sizes.append((count, measure_size(at, base, page, token, cases, plans, options.repeat, options.warm)))
            if n:
                api, row, bare = api_ratio(base, token, cases)
        finally:
            server.terminate()
            server.wait(30)
    (small, first), (large, second) = sizes
    for label, *_ in TARGETS:
        a, b = first[label], second[label]
        rows.append((f"{label} p50/p95 ms, queries at {small} → {large} cases",
                     f"{a[0]:.0f}/{a[1]:.0f}, {a[2]}q → {b[0]:.0f}/{b[1]:.0f}, {b[2]}q",
                     "p95 ≤ 100 ms" + (", ≤ 15 queries" if "<id>" in label else "")))
    p50, p95 = (float(x) for x in child(env, EVIDENCE).split())
    rows.append((f"evidence figures: one item finish at {large} cases (p50/p95 ms)", f"{p50:.1f}/{p95:.1f}",
                 "within the page budget (≤ 100 ms)"))
    rows.append(("case API ÷ bare one-row view (req/s, 4 clients, gunicorn)", f"{api:.1f} ÷ {row:.1f} = {api / row:.0%}",
                 "≥ 50 %"))
    rows.append(("case API ÷ /healthz (no query; req/s, 4 clients, gunicorn)",
                 f"{api:.1f} ÷ {bare:.1f} = {api / bare:.0%}", "(harsher than the issue's reference)"))

    out = subprocess.run([PY, "bench/bench_workdays.py", "--calls", "300"], cwd=ROOT, capture_output=True, text=True)
    speedups = re.findall(r"(\d+)×", out.stdout)
    rows.append(("working days ÷ chinese_calendar (add, between)",
                 f"{speedups[0]}×, {speedups[2]}×" if len(speedups) >= 4 else "failed", "≥ 20×"))

    def bounded(code: str, late: str, goal: str, row) -> None:
        """A row from a child process that may take at most --row-timeout seconds (else reported as not done)."""
        try:
            what, figure = row(*child(env, code, timeout=options.row_timeout).split())
        except subprocess.TimeoutExpired:
            what, figure = late, f"not done in {options.row_timeout:g} s"
        rows.append((what, figure, goal))
        print(*rows[-1], sep=" | ", flush=True)

    if "ledger" not in options.skip:
        bounded(LEDGER, f"ledger .xlsx of all {large} cases: time, peak RSS", "≤ 60 s, ≤ 300 MB at 100k",
                lambda n, seconds, rss: (f"ledger .xlsx of {n} cases: time, peak RSS",
                                         f"{float(seconds):.1f} s, {float(rss):.0f} MB"))
    if "verify" not in options.skip:
        bounded(VERIFY, "audit_verify over the whole chain", "≥ 200k events/s",
                lambda ok, events, seconds: (f"audit_verify over {events} events (chain ok: {ok})",
                                             f"{int(events) / float(seconds):,.0f} events/s"))
    if "load" not in options.skip:
        out = subprocess.run([PY, "bench/load.py", "--reuse", "--database-url", env["DATABASE_URL"], "--users",
                              str(options.users), "--seconds", str(options.seconds)], cwd=ROOT, capture_output=True,
                             text=True)
        print(out.stdout, flush=True)
        line = next((x for x in out.stdout.splitlines() if x.startswith("all ")), "")
        numbers = line.split()
        rows.append((f"load test: {options.users} users × {options.seconds:g} s, 70 % reads / 30 % writes",
                     f"{numbers[1]} requests, {numbers[2]} errors, p95 {numbers[4]} ms" if len(numbers) >= 5
                     else "failed", "0 errors (50 users × 120 s)"))

    width = max(len(r[0]) for r in rows)
    figure = max(len(r[1]) for r in rows)
    print(f"| {'what':<{width}} | {'figure':<{figure}} | goal |")
    print(f"|{'-' * (width + 2)}|{'-' * (figure + 2)}|------|")
    for what, value, goal in rows:
        print(f"| {what:<{width}} | {value:<{figure}} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
