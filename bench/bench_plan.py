"""The plan's pages (issue 16) over HTTP under the production server, on a database prepared already (read only).

    .venv/bin/python bench/bench_plan.py --database-url postgres://postgres@127.0.0.1:5432/daiban_scale [--repeat 40]

Starts `manage.py serve --no-worker` (gunicorn, debug off, no background duties writing to the database), logs in
as the county centre once (a session and a token: the only rows it writes), then measures bench_all's rows of the
plan one client at a time over --repeat calls spread over planned cases (p50/p95 over HTTP; queries counted
in-process on the same database), and prints them with the load average.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_all  # noqa: E402
import load  # noqa: E402
import requests  # noqa: E402

ROWS = ("page /plans/cases/<id>/ (expected dates)", "GET /api/v1/cases/{id}/plan",
        "page /portal/timeliness/ (承诺时限 / 实际平均, public)")
EXTRA = [("page /cases/<id>/ (a case with a plan)", "page", "/cases/{plan}/")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=40)
    options = parser.parse_args()
    env = load.server_env(options.database_url)
    os.environ.update({k: v for k, v in env.items() if k.startswith("DAIBAN_") or k == "DATABASE_URL"},
                      DJANGO_SETTINGS_MODULE="daiban.settings")
    import django

    django.setup()
    from daiban.cases.models import Case

    bench_all.TARGETS = [t for t in bench_all.TARGETS if t[0] in ROWS] + EXTRA
    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([bench_all.PY, "manage.py", "serve", "--no-worker", "--host", "127.0.0.1",
                               "--port", str(port)], cwd=ROOT, env=env)
    try:
        load.wait_ready(base)
        page, token = load.session_login(base, bench_all.WHO), load.token_login(base, bench_all.WHO)
        plans = list(Case.objects.filter(plan__isnull=False).order_by("?").values_list("pk", flat=True)[:20])
        bearer = {"Authorization": f"Bearer {token}"}
        for _label, who, path in bench_all.TARGETS:  # warm every process's caches (calendar, catalog)
            for n in range(8):
                url = base + path.format(case=plans[n % len(plans)], plan=plans[n % len(plans)])
                if who == "page":
                    page.get(url, timeout=120)
                else:
                    requests.get(url, headers=bearer if who == "api" else {}, timeout=120)
        cases = Case.objects.count()
        figures = bench_all.measure_size(env, base, page, token, plans, plans, options.repeat)
    finally:
        server.terminate()
        server.wait(30)
    print(f"{cases} cases, {len(plans)} planned cases sampled, {options.repeat} calls each, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, (p50, p95, queries) in figures.items():
        print(f"| {label} | {p50:.0f} | {p95:.0f} | {queries} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
