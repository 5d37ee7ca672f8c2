"""The county dashboard and GET /api/v1/stats over HTTP under the production server, as `center`.

    DAIBAN_BENCH_CHECKPOINTS=… .venv/bin/python bench/bench_dashboard_http.py \
        --database-url postgres://postgres@127.0.0.1:5432/daiban_scale [--repeat 20] [--checkout DIR]

Starts `manage.py serve --no-worker` (gunicorn, debug off) of this checkout, or of --checkout (another checkout of
the project, e.g. main's, to measure before and after on the same database and load), logs in as bench/load.py
does (a session and an API token: the login's own rows are the only writes), calls each path --warm times to warm
up (every server process), then --repeat times one at a time, and prints p50/p95 in ms with the machine's load
average. --paths adds more pages, e.g. the dashboard's full listings (`/assessment/ranking/`).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402  (bench/load.py: server environment and logins)

PATHS = [("page /assessment/", "page", "/assessment/"), ("GET /api/v1/stats", "api", "/api/v1/stats")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warm", type=int, default=8, help="untimed calls of each path first")
    parser.add_argument("--paths", default="", help="more pages, comma-separated (as center, with the session)")
    parser.add_argument("--checkout", default=str(ROOT), help="the checkout whose server is measured")
    options = parser.parse_args()
    env = load.server_env(options.database_url)
    root = Path(options.checkout)
    port = load.free_port()
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "serve", "--no-worker",
                               "--host", "127.0.0.1", "--port", str(port)], cwd=root, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        load.wait_ready(base)
        page = load.session_login(base, "center", options.database_url)
        token = load.token_login(base, "center", options.database_url)
        print(f"{root} on {options.database_url.rsplit('/', 1)[1]}; load average {os.getloadavg()[0]:.1f}")
        print("| what | p50 ms | p95 ms | bytes |")
        print("|---|---:|---:|---:|")
        more = [(f"page {p}", "page", p) for p in options.paths.split(",") if p]
        for label, who, path in PATHS + more:
            def get(path=path, who=who) -> requests.Response:
                if who == "page":
                    return page.get(base + path, timeout=120)
                return requests.get(base + path, headers={"Authorization": f"Bearer {token}"}, timeout=120)

            size = len(get().content)
            for _ in range(options.warm):
                get()
            times = []
            for _ in range(options.repeat):
                began = time.perf_counter()
                answer = get()
                times.append((time.perf_counter() - began) * 1000)
                assert answer.status_code == 200, (label, answer.status_code)
            print(f"| {label} | {load.percentile(times, 50):.0f} | {load.percentile(times, 95):.0f} | {size} |")
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
