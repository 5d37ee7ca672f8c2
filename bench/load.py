"""Load test: N concurrent users against `manage.py serve` (gunicorn) on PostgreSQL, 70 % reads / 30 % writes.

    .venv/bin/python bench/load.py [--users 50] [--seconds 120] [--cases 1000] [--reuse]
        [--database-url postgres://postgres@127.0.0.1:5432/daiban_perf2]

Unless --reuse, drops and creates the database, migrates it, loads the demo county (every staff account with an
authenticator) and `seed_scale --cases N`. Starts `manage.py serve --no-worker` (debug off) on a free loopback
port, logs in for real (password, then the authenticator's code: a session on the login pages and a bearer token
from POST /api/v1/auth/token) as a few staff people, then runs --users threads for --seconds. Reads: the case
list page, a case page, GET /api/v1/cases/{id}, GET /api/v1/stats; writes: POST /api/v1/cases (a staff
registration) with an Idempotency-Key. Prints requests, errors (5xx and connection errors, also any other
unexpected status) and p50/p95 per kind; exits non-zero on any error.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
PASSWORD = "demo-pass-2026"  # conftest.DEMO_PASSWORD: load_county gives it to every demo account
READERS = ["center", "aojiang"]  # the county centre (scope all) and a town's liaison
WRITER = "aojiang"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/daiban_perf2"


def server_env(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DAIBAN_DEBUG": "0", "DAIBAN_LOG_LEVEL": "WARNING",
           "DAIBAN_HUEY_NAME": "daiban_load",
           "DAIBAN_SECRET_KEY": "bench-" + "x1y2z3" * 10,
           "DAIBAN_BENCH_ONE_ROW_VIEW": "1",  # the case API's reference view (daiban/desk/bench_views.py)
           "DAIBAN_AUDIT_KEY": "bench-audit-key-0123456789",
           "DAIBAN_DATA_KEY": "bench-personal-data-key-0123456789abcdef",
           # One place per database (checkpoints of another chain do not verify against this one), under
           # DAIBAN_BENCH_CHECKPOINTS to measure databases prepared from another checkout.
           "DAIBAN_AUDIT_CHECKPOINT_DIR": str(Path(os.environ.get("DAIBAN_BENCH_CHECKPOINTS", ROOT / "var" / "bench-checkpoints"))
                                              / database_url.rsplit("/", 1)[1])}
    env.pop("DAIBAN_PUBLIC_URL", None)
    return env


def recreate_database(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env: dict, cases: int, events_per_case: int) -> None:
    recreate_database(env["DATABASE_URL"])
    Path(env["DAIBAN_AUDIT_CHECKPOINT_DIR"]).mkdir(parents=True, exist_ok=True)
    run = dict(cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], **run)
    subprocess.run([PY, "-c", "import django; django.setup(); import conftest; conftest.load_county()"],
                   **{**run, "env": {**env, "DJANGO_SETTINGS_MODULE": "daiban.settings"}})
    subprocess.run([PY, "manage.py", "seed_scale", "--cases", str(cases), "--events-per-case",
                    str(events_per_case)], **run)
    subprocess.run([PY, "manage.py", "rebuild_rollups"], **run)  # seed_scale's bulk items, past the events
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], **run)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/healthz", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("server did not start")


def code_for(username: str, database_url: str) -> str:
    """The code the person's authenticator shows now (as conftest.totp_code works it out), read from that database
    without Django: bench_all logs in to two databases from one process."""
    import psycopg
    from django_otp.oath import hotp

    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT d.key, d.t0, d.step, d.tolerance, d.digits, d.last_t FROM otp_totp_totpdevice d "
                           "JOIN org_user u ON u.id = d.user_id WHERE u.username = %s AND d.confirmed "
                           "ORDER BY d.id LIMIT 1", [username]).fetchone()
    if row is None:
        return ""
    key, t0, step_seconds, tolerance, digits, last_t = row
    while True:
        elapsed = time.time() - t0
        now = int(elapsed) // step_seconds
        earliest = now - tolerance if elapsed % step_seconds < step_seconds - 10 else now
        step = max(earliest, last_t + 1)
        if step <= now + tolerance:
            return f"{hotp(bytes.fromhex(key), step, digits=digits):0{digits}d}"
        time.sleep(step_seconds - elapsed % step_seconds + 0.05)


def session_login(base: str, username: str, database_url: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/login/", timeout=30)
    csrf = session.cookies["csrftoken"]
    form = {"csrfmiddlewaretoken": csrf}
    answer = session.post(f"{base}/login/", {**form, "username": username, "password": PASSWORD},
                          headers={"Referer": f"{base}/login/"}, allow_redirects=False, timeout=30)
    if answer.status_code == 302 and "/login/code/" in answer.headers.get("Location", ""):
        answer = session.post(f"{base}/login/code/", {**form, "code": code_for(username, database_url)},
                              headers={"Referer": f"{base}/login/code/"}, allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise SystemExit(f"page login of {username} failed: {answer.status_code}")
    return session


def token_login(base: str, username: str, database_url: str) -> str:
    answer = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD,
                                                            "otp": code_for(username, database_url)}, timeout=30)
    if answer.status_code != 200:
        raise SystemExit(f"token of {username} refused: {answer.status_code} {answer.text[:200]}")
    return answer.json()["token"]


def registration(i: int) -> dict:
    from conftest import request_payload

    return request_payload(project_name=f"压力测试登记{i}")


class Load:
    def __init__(self, base: str, sessions: dict, tokens: dict, case_ids: list[int]):
        self.base, self.sessions, self.tokens, self.case_ids = base, sessions, tokens, case_ids
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []
        self.counter = 0

    def one(self, rng: random.Random, http: requests.Session) -> None:
        reader = rng.choice(READERS)
        bearer = {"Authorization": f"Bearer {self.tokens[reader]}"}
        case_id = rng.choice(self.case_ids)
        pick = rng.random()
        if pick < 0.30:
            with self.lock:
                self.counter += 1
                n = self.counter
            kind, call = "POST /api/v1/cases", lambda: http.post(
                f"{self.base}/api/v1/cases", json=registration(n), timeout=60,
                headers={"Authorization": f"Bearer {self.tokens[WRITER]}", "Idempotency-Key": str(uuid.uuid4())})
            expected = (201,)
        elif pick < 0.475:
            kind, call, expected = "page /cases/", lambda: self.sessions[reader].get(
                f"{self.base}/cases/", timeout=60), (200,)
        elif pick < 0.65:
            kind, call, expected = "page /cases/<id>/", lambda: self.sessions["center"].get(
                f"{self.base}/cases/{case_id}/", timeout=60), (200,)
        elif pick < 0.825:
            kind, call, expected = "GET /api/v1/cases/{id}", lambda: http.get(
                f"{self.base}/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {self.tokens['center']}"},
                timeout=60), (200,)
        else:
            kind, call, expected = "GET /api/v1/stats", lambda: http.get(
                f"{self.base}/api/v1/stats", headers=bearer, timeout=60), (200,)
        began = time.perf_counter()
        try:
            status = call().status_code
        except requests.RequestException as error:
            status = f"{type(error).__name__}: {error}"[:300]
        elapsed = time.perf_counter() - began
        with self.lock:
            self.times.setdefault(kind, []).append(elapsed)
            if status not in expected:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind}: {status}")

    def run(self, users: int, seconds: float, seed: int) -> None:
        stop = time.monotonic() + seconds

        def user(n: int) -> None:
            rng = random.Random(seed + n)
            http = requests.Session()
            while time.monotonic() < stop:
                self.one(rng, http)

        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile (statistics.quantiles' default, exclusive method) of every bench script's figures."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[p - 1]


def report(load: Load, seconds: float) -> tuple[int, int, float]:
    every = [t for times in load.times.values() for t in times]
    print(f"{'kind':26s} {'requests':>8s} {'errors':>6s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for kind in sorted(load.times):
        times = load.times[kind]
        print(f"{kind:26s} {len(times):8d} {load.errors.get(kind, 0):6d} {percentile(times, 50) * 1000:8.0f} "
              f"{percentile(times, 95) * 1000:8.0f}")
    errors = sum(load.errors.values())
    p95 = percentile(every, 95) * 1000
    print(f"{'all':26s} {len(every):8d} {errors:6d} {percentile(every, 50) * 1000:8.0f} {p95:8.0f}   "
          f"({len(every) / seconds:.1f} req/s)")
    for sample in load.samples:
        print("  error:", sample)
    return len(every), errors, p95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--cases", type=int, default=1000, help="seed_scale --cases (with --reuse: ignored)")
    parser.add_argument("--events-per-case", type=int, default=10)
    parser.add_argument("--database-url", default=os.environ.get("DAIBAN_LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reuse", action="store_true", help="keep the database as it is (already seeded)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args(argv)
    env = server_env(options.database_url)
    if not options.reuse:
        began = time.perf_counter()
        prepare(env, options.cases, options.events_per_case)
        print(f"prepared {options.database_url} with seed_demo + seed_scale --cases {options.cases} "
              f"in {time.perf_counter() - began:.0f} s")
    os.environ.update(DATABASE_URL=options.database_url, DJANGO_SETTINGS_MODULE="daiban.settings")
    os.environ.update({key: value for key, value in env.items() if key.startswith("DAIBAN_")})
    import django

    django.setup()
    from daiban.cases.models import Case

    case_ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[:500])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PY, "manage.py", "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port),
                               "--processes", str(options.processes), "--threads", str(options.threads)],
                              cwd=ROOT, env=env)
    try:
        wait_ready(base)
        sessions = {name: session_login(base, name, options.database_url) for name in READERS}
        tokens = {name: token_login(base, name, options.database_url) for name in READERS}
        load = Load(base, sessions, tokens, case_ids)
        load.run(min(options.users, 4), 3, options.seed)  # warm-up: imports, templates, connections
        load = Load(base, sessions, tokens, case_ids)
        print(f"{options.users} users, {options.seconds:g} s, gunicorn {options.processes} processes × "
              f"{options.threads} threads, {len(case_ids)} cases sampled")
        load.run(options.users, options.seconds, options.seed)
        _, errors, _ = report(load, options.seconds)
    finally:
        server.terminate()
        server.wait(30)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
