"""The case API's throughput against the bare one-row view (issue 12), alone: `make bench`'s ratio rows, quicker.

    .venv/bin/python bench/bench_case_api.py --database-url postgres://postgres@127.0.0.1:5432/daiban_1k \
        [--seconds 30] [--rounds 3] [--clients 4] [--who center]

Starts `manage.py serve --no-worker` (gunicorn, 2 processes × 4 threads, debug off) on the database as it is
(collect the static files of this checkout first), takes a bearer token of `--who` on the login steps, then counts
the requests/s of GET /api/v1/cases/{id}, of /bench/one-case-row/{id} (one case row by primary key as JSON, no
login: daiban/desk/bench_views.py) and of /healthz (no query), each with `--clients` keep-alive clients, in
`--rounds` alternating turns of `--seconds`/`--rounds` each, over the same 50 sampled cases. The token is revoked
at the end. Prints the three rates, the two ratios and the load average before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_all  # noqa: E402  (bench/bench_all.py: serve, the sampled cases, the ratio)
import load  # noqa: E402  (bench/load.py: server environment and logins)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--who", default=bench_all.WHO)
    options = parser.parse_args()
    env = load.server_env(options.database_url)
    count, cases, _ = json.loads(bench_all.child(env, bench_all.SAMPLE))
    before = os.getloadavg()
    base, server = bench_all.serve(env)
    try:
        token = load.token_login(base, options.who, options.database_url)
        try:
            api, row, bare = bench_all.api_ratio(base, token, cases, seconds=options.seconds,
                                                 clients=options.clients, rounds=options.rounds)
        finally:
            requests.delete(f"{base}/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    finally:
        server.terminate()
        server.wait(30)
    after = os.getloadavg()
    print(f"{count} cases, {options.clients} clients, {options.seconds:g} s each in {options.rounds} rounds; "
          f"load average {before[0]:.1f} → {after[0]:.1f}")
    print(f"GET /api/v1/cases/{{id}}        {api:8.1f} req/s")
    print(f"/bench/one-case-row/{{id}}      {row:8.1f} req/s   case API ÷ one-row view = {api / row:.0%}")
    print(f"/healthz                       {bare:8.1f} req/s   case API ÷ /healthz     = {api / bare:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
