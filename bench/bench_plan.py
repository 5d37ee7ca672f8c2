"""The plan's pages (issue 16) over HTTP under the production server, on a database prepared already.

    .venv/bin/python bench/bench_plan.py --database-url postgres://postgres@127.0.0.1:5432/daiban_scale [--repeat 40]

Starts `manage.py serve --no-worker` (gunicorn, debug off, no background duty writing to the database) and
measures bench_all's rows of the plan, and the case page of a planned case, one client at a time over --repeat
calls spread over the planned cases: p50/p95 over HTTP, queries counted in-process on the same database. The
county centre's session and API token are made directly and removed at the end (two rows; no audited login, so
it runs on a shared database whose audit chain another process is appending to).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_all  # noqa: E402
import load  # noqa: E402
import requests  # noqa: E402

ROWS = ("page /plans/cases/<id>/ (expected dates)", "GET /api/v1/cases/{id}/plan",
        "page /portal/timeliness/ (承诺时限 / 实际平均, public)")
TARGETS = [t for t in bench_all.TARGETS if t[0] in ROWS] + [
    ("page /cases/<id>/ (a case with a plan)", "page", "/cases/{plan}/")]


def quiet_login(username: str):
    """(session key, API token, remove) for `username`, as the login steps leave them (accounts.sessions)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from daiban.accounts import sessions
    from daiban.accounts.second_factor import Factor
    from daiban.org.models import ApiToken, User

    user = User.objects.get(username=username)
    session, now = SessionStore(), time.time()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(), sessions.AUTH_AT: now, sessions.SEEN_AT: now,
                    sessions.FACTOR: Factor.TOTP})
    session.create()
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, digest=hashlib.sha256(token.encode()).hexdigest(),  # accounts.tokens
                                  expires_at=timezone.now() + timedelta(hours=1))

    def remove() -> None:
        session.delete()
        row.delete()

    return settings.SESSION_COOKIE_NAME, session.session_key, token, remove


def query_counts(cookie: str, key: str, token: str, plan: int) -> dict[str, int | str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(HTTP_HOST="127.0.0.1"), {}
    client.cookies[cookie] = key
    for label, who, path in TARGETS:
        headers = {"Authorization": f"Bearer {token}"} if who == "api" else {}
        client.get(path.format(plan=plan), headers=headers)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path.format(plan=plan), headers=headers).status_code
        counts[label] = len(queries) if status == 200 else f"HTTP {status}"
    return counts


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

    cookie, key, token, remove = quiet_login(bench_all.WHO)
    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([bench_all.PY, "manage.py", "serve", "--no-worker", "--host", "127.0.0.1",
                               "--port", str(port)], cwd=ROOT, env=env)
    try:
        load.wait_ready(base)
        plans = list(Case.objects.filter(plan__isnull=False).order_by("?").values_list("pk", flat=True)[:20])
        page, bearer = requests.Session(), {"Authorization": f"Bearer {token}"}
        page.cookies.set(cookie, key)

        def get(who: str, path: str, n: int) -> requests.Response:
            url = base + path.format(plan=plans[n % len(plans)])
            if who == "page":
                return page.get(url, timeout=120)
            return requests.get(url, headers=bearer if who == "api" else {}, timeout=120)

        figures, by_case = {}, {}
        for label, who, path in TARGETS:
            for n in range(8):  # warm every process's caches (calendar, catalog)
                get(who, path, n)
            times, by_case[label] = [], {}
            for n in range(options.repeat):
                began = time.perf_counter()
                status = get(who, path, n).status_code
                times.append((time.perf_counter() - began) * 1000)
                by_case[label].setdefault(plans[n % len(plans)], []).append(times[-1])
                if status != 200:
                    raise SystemExit(f"{label}: HTTP {status}")
            figures[label] = (load.percentile(times, 50), load.percentile(times, 95))
        counts = query_counts(cookie, key, token, plans[0])
        cases = Case.objects.count()
    finally:
        server.terminate()
        server.wait(30)
        remove()
    print(f"{cases} cases, {len(plans)} planned cases, {options.repeat} calls a row, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, (p50, p95) in figures.items():
        print(f"| {label} | {p50:.0f} | {p95:.0f} | {counts[label]} |")
    for label, _, path in TARGETS:  # a p95 over a few cases is the heaviest one's: each case's median
        if "{plan}" in path:
            medians = ", ".join(f"{case}: {statistics.median(t):.0f}" for case, t in by_case[label].items())
            print(f"  {label}, median ms by case: {medians}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
