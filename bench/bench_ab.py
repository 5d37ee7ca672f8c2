"""A/B over HTTP: two checkouts' servers (`manage.py serve --no-worker`, gunicorn) on one database, requests
alternated between them so both see the same machine load; p50/p95 of each path for each checkout.

    python bench/bench_ab.py --before /path/to/old/checkout --database-url postgres://…/daiban_scale \
        [--repeat 30] [--who center] /assessment/ledger/ /cases/ …

The old checkout (e.g. `git archive <commit> | tar -x -C DIR`) needs a .venv (a symlink to this one's will do)
and its static files collected. Prints a Markdown table and the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402  (bench/load.py: database environment, server and logins)
from load import percentile as pct  # noqa: E402  (one percentile for every bench figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="the old checkout's directory")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--who", default="center")
    parser.add_argument("paths", nargs="+")
    options = parser.parse_args()
    env = load.server_env(options.database_url)
    servers, bases = [], []
    try:
        for root in (Path(options.before).resolve(), ROOT):
            port = load.free_port()
            servers.append(subprocess.Popen([str(root / ".venv/bin/python"), "manage.py", "serve", "--no-worker",
                                             "--host", "127.0.0.1", "--port", str(port)], cwd=root, env=env))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            load.wait_ready(base)
        sessions = [load.session_login(base, options.who, options.database_url) for base in bases]
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print("| who | page | before p50/p95 ms | after p50/p95 ms |\n|---|---|---:|---:|")
        for path in options.paths:
            times: list[list[float]] = [[], []]
            for session, base in zip(sessions, bases, strict=True):
                for _ in range(3):  # warm: each worker's first request, the count kept a minute
                    session.get(base + path, timeout=120)
            for i in range(options.repeat):
                for k in (0, 1) if i % 2 else (1, 0):
                    began = time.perf_counter()
                    answer = sessions[k].get(bases[k] + path, timeout=120)
                    times[k].append((time.perf_counter() - began) * 1000)
                    if answer.status_code != 200:
                        raise SystemExit(f"{path}: HTTP {answer.status_code}")
            print(f"| {options.who} | {path} | {pct(times[0], 50):.0f}/{pct(times[0], 95):.0f} | "
                  f"{pct(times[1], 50):.0f}/{pct(times[1], 95):.0f} |", flush=True)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
