"""The county dashboard, GET /api/v1/stats and the ledger page as `center`, on a database others share, without
leaving a trace: in-process (Django's test client), with the rollups and the GROUP BY side by side.

    DATABASE_URL=postgres://…/daiban_scale DAIBAN_… .venv/bin/python bench/bench_dashboard.py [--repeat 10]

Everything runs inside transactions that are rolled back: the first applies assessment's migrations if the
database lacks them (0003 makes the case rollup tables, 0004 counts them from the whole history, timed), makes a
logged-in session for `center` as the login pages would (no audit event: the login is not what is measured) and
times /assessment/ and GET /api/v1/stats, each first with the rollups and then with the old GROUP BY (the
statistics told that no rollup applies); the ledger page, which records that personal data was viewed, runs
one request per transaction so that the audit chain's head is locked only for that request. Prints p50/p95 (ms)
and the queries of each, and the writes a page tried (they are rolled back).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.migrations.recorder import MigrationRecorder  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from daiban.accounts import sessions  # noqa: E402
from daiban.accounts.models import LoginSession  # noqa: E402
from daiban.assessment import figures  # noqa: E402
from daiban.org.models import User  # noqa: E402

TARGETS = [("page /assessment/", "/assessment/"), ("GET /api/v1/stats", "/api/v1/stats")]
LEDGER = ("page /assessment/ledger/", "/assessment/ledger/")


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def center_client() -> Client:
    """A session as session_begin makes it, written in the current transaction."""
    client = Client()
    user = User.objects.get(username="center")
    store = client.session
    now = time.time()
    store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                  HASH_SESSION_KEY: user.get_session_auth_hash(), sessions.AUTH_AT: now, sessions.SEEN_AT: now,
                  sessions.FACTOR: "totp"})
    store.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    LoginSession.objects.get_or_create(session_key=store.session_key,
                                       defaults={"user": user, "started_at": timezone.now()})
    return client


@contextmanager
def statements():
    """The SQL run meanwhile (an execute wrapper: counts whatever DEBUG and the query log's length)."""
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def _writes(seen: list[str]) -> list[str]:
    return [sql[:60] for sql in seen if sql.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


def timed(client: Client, path: str, repeat: int) -> tuple[float, float, int, list[str]]:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    with statements() as captured:
        client.get(path)
    writes = _writes(captured)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], len(captured), writes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--analyze", action="store_true",
                        help="ANALYZE the tables first (rolled back with the rest): a bulk-seeded database that "
                             "autovacuum has not yet analysed gets plans hundreds of times slower")
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {connection.settings_dict['NAME']}")
    rows = []
    with rolled_back():
        if not MigrationRecorder.Migration.objects.filter(app="assessment", name="0004_count_case_rollups").exists():
            began = time.perf_counter()
            call_command("migrate", "assessment", "0004", verbosity=0)
            print(f"assessment 0003+0004 (tables, counting the case rollups): {time.perf_counter() - began:.1f} s")
        if options.analyze:
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"ANALYZE (rolled back): {time.perf_counter() - began:.1f} s")
        client = center_client()
        for label, path in TARGETS:
            rows.append((label + ", rollups", *timed(client, path, options.repeat)))
        from_case_rollups = figures.from_case_rollups
        figures.from_case_rollups = lambda scoped, dimension: False  # the old GROUP BY, for comparison
        try:
            for label, path in TARGETS:
                rows.append((label + ", GROUP BY", *timed(client, path, options.repeat)))
        finally:
            figures.from_case_rollups = from_case_rollups
    times = []
    for n in range(options.repeat + 2):
        with rolled_back():
            client = center_client()
            began = time.perf_counter()
            with statements() as captured:
                assert client.get(LEDGER[1]).status_code == 200
            if n >= 2:
                times.append((time.perf_counter() - began) * 1000)
    times.sort()
    rows.append((LEDGER[0], statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)],
                 len(captured), _writes(captured)))
    print("| what | p50 ms | p95 ms | queries | writes (rolled back) |")
    print("|---|---:|---:|---:|---|")
    for label, p50, p95, queries, writes in rows:
        print(f"| {label} | {p50:.0f} | {p95:.0f} | {queries} | {len(writes)} |")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
