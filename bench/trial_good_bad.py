"""A concurrency trial of the kept 好差评 figures (bench/README.md): on a copy of a prepared database (TEMPLATE,
default daiban_1k_main), the first N completed cases without an evaluation get closure rows; 8 clients post window
evaluations, one case each, while 4 read the month's statistics, under gunicorn; then the API's figures are
compared with a fresh count in a new process. Exits 1 on any error answer or a difference.

    python bench/trial_good_bad.py [N] [TEMPLATE]
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import random
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (bench/load.py: database environment, server and logins)
import psycopg  # noqa: E402
import requests  # noqa: E402
from bench_all import PY, ROOT, serve  # noqa: E402

TRIAL = "daiban_trial"
WRITERS, READERS = 8, 4
CLOSE = """
import datetime as dt
from django.utils import timezone
from daiban.closure.models import Closure
from daiban.org.models import User
center = User.objects.get(username="center")
yesterday = dt.date.today() - dt.timedelta(days=1)
for pk in {ids!r}:
    Closure.objects.create(case_id=pk, kind="completion", closed_on=yesterday, closed_by=center,
                           closed_at=timezone.now() - dt.timedelta(days=1),
                           filing_due_on=dt.date.today() + dt.timedelta(days=10))
"""
COUNT = """
import json
from daiban.goodbad import stats
print(json.dumps(stats.counted(stats.month_period("{month}")), default=str))
"""


def child(env: dict, code: str) -> str:
    done = subprocess.run([PY, "-c", "import django; django.setup()\n" + code], cwd=ROOT, check=True, text=True,
                          env={**env, "DJANGO_SETTINGS_MODULE": "daiban.settings"}, capture_output=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    template = sys.argv[2] if len(sys.argv) > 2 else "daiban_1k_main"
    url = f"postgres://postgres@127.0.0.1:5432/{TRIAL}"
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TRIAL}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{TRIAL}" TEMPLATE "{template}"')
    with psycopg.connect(url) as conn:
        ids = [row[0] for row in conn.execute(
            "SELECT c.id FROM cases_case c WHERE c.status = 'completed' AND NOT EXISTS "
            "(SELECT 1 FROM closure_ownerevaluation e WHERE e.case_id = c.id) ORDER BY c.id LIMIT %s", [count])]
    env = load.server_env(url)
    child(env, CLOSE.format(ids=ids))  # the seeded cases are completed without their closure rows
    base, server = serve(env)
    month = dt.date.today().strftime("%Y-%m")
    statistics = f"{base}/api/v1/good-bad/statistics"
    answers: collections.Counter = collections.Counter()
    lock, finished, todo = threading.Lock(), threading.Event(), list(ids)
    try:
        headers = {"Authorization": f"Bearer {load.token_login(base, 'center', url)}"}

        def writer() -> None:
            http = requests.Session()
            while True:
                with lock:
                    if not todo:
                        return
                    pk = todo.pop()
                grade = random.choice(["very_satisfied", "satisfied", "dissatisfied"])
                answer = http.post(f"{base}/api/v1/cases/{pk}/evaluation/window", headers=headers, timeout=60,
                                   json={"grade": grade, "fee_asked": False})
                with lock:
                    answers[f"POST {answer.status_code}"] += 1

        def reader() -> None:
            http = requests.Session()
            while not finished.is_set():
                answer = http.get(statistics, params={"month": month}, headers=headers, timeout=60)
                with lock:
                    answers[f"GET {answer.status_code}"] += 1

        threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
        readers = [threading.Thread(target=reader) for _ in range(READERS)]
        for thread in threads + readers:
            thread.start()
        for thread in threads:
            thread.join()
        finished.set()
        for thread in readers:
            thread.join()
        after = requests.get(statistics, params={"month": month}, headers=headers, timeout=60).json()
    finally:
        server.terminate()
        server.wait()
    fresh = json.loads(child(env, COUNT.format(month=month)))
    same = all(after[key] == fresh[key] for key in ("county", "units", "departments", "agents"))
    print(dict(answers))
    print(f"evaluations this month: API {after['county']['evaluations']}, fresh count {fresh['county']['evaluations']}; "
          f"equal in every table: {same}")
    errors = sum(n for kind, n in answers.items() if not kind.endswith((" 200", " 201")))
    return 0 if same and not errors and answers[f"POST {201}"] == len(ids) else 1


if __name__ == "__main__":
    sys.exit(main())
