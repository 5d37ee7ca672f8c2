"""The search box at scale: p50/p95 of every query shape, page and API, on a prepared database.

    python bench/bench_search.py --database-url postgres://postgres@127.0.0.1:5432/daiban_scale [--repeat 20]

Starts `manage.py serve --no-worker` (debug off) on the database as it is (nothing written but the logins' audit
events and sessions), logs in as the county centre (scope "all", the heaviest) and as a town's agent, and calls
`/search/?q=` and `GET /api/v1/search?q=` for each shape in SHAPES (and times the search's own queries in this
process, apart from HTTP, login checks and the template), `{case}` replaced by sampled case ids (so the
number is a different one each call). bench_all.py measures the same SHAPES. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
PY = sys.executable

import load  # noqa: E402  (bench/load.py: database environment, server and logins)
from load import percentile as pct  # noqa: E402  (one percentile for every bench figure)

# (shape, query): the generated cases are 测试企业<n>有限公司's 测试项目<n>, credit codes 9133…, the demo
# county's tracking numbers DB2026…; {case} is a sampled case id, a number that names some generated case.
SHAPES = [
    ("company word", "测试企业"),
    ("a word no case has", "减速机"),
    ("credit-code prefix", "913303"),
    ("tracking-number prefix", "DB2026"),
    ("number alone", "{case}"),
    ("project word + number", "测试项目{case}"),
    ("whole company name", "测试企业{case}有限公司"),
]


def targets() -> list[tuple[str, str, str]]:
    """The rows bench_all.py measures: (label, "page" or "api", path with {case})."""
    rows = []
    for shape, q in SHAPES:
        rows.append((f"page /search/?q= ({shape})", "page", f"/search/?q={quote(q, safe='{}')}"))
        rows.append((f"GET /api/v1/search?q= ({shape})", "api", f"/api/v1/search?q={quote(q, safe='{}')}"))
    return rows


def in_process(who: str, q: str, cases: list[int], repeat: int) -> str:
    """The search's own queries (the capped count and the first page, as the page runs them), in this process."""
    from daiban.cases.search import SearchPaginator, search
    from daiban.org.models import User

    user = User.objects.get(username=who)
    times = []
    for i in range(repeat + 1):
        began = time.perf_counter()
        list(SearchPaginator(search(user, q.format(case=cases[i % len(cases)])), 30).get_page(1).object_list)
        times.append((time.perf_counter() - began) * 1000)
    return f"{pct(times[1:], 50):.0f}/{pct(times[1:], 95):.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=20, help="calls per shape, page and API, per person")
    parser.add_argument("--who", default="center,aojiang", help="comma-separated demo accounts")
    options = parser.parse_args()
    env = load.server_env(options.database_url)
    os.environ.update({k: v for k, v in env.items() if k.startswith("DAIBAN_") or k == "DATABASE_URL"},
                      DJANGO_SETTINGS_MODULE="daiban.settings")
    import django

    django.setup()
    from daiban.cases.models import Case
    from daiban.intake.models import Request

    cases = list(Case.objects.order_by("?").values_list("pk", flat=True)[:options.repeat])
    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PY, "manage.py", "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env)
    try:
        load.wait_ready(base)
        print(f"{Request.objects.count():,} requests, {len(cases)} sampled cases; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        bare = []
        for _ in range(options.repeat):
            began = time.perf_counter()
            requests.get(f"{base}/healthz", timeout=60)
            bare.append((time.perf_counter() - began) * 1000)
        print(f"/healthz (the floor on this machine now): p50/p95 {pct(bare, 50):.0f}/{pct(bare, 95):.0f} ms")
        print("| who | query shape | search's queries p50/p95 ms | page p50/p95 ms | API p50/p95 ms |\n"
              "|---|---|---:|---:|---:|")
        for who in options.who.split(","):
            page, token = (load.session_login(base, who, options.database_url),
                           load.token_login(base, who, options.database_url))
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token}"
            for shape, q in SHAPES:
                figures = [in_process(who, q, cases, options.repeat)]
                for client, path in ((page, "/search/"), (api, "/api/v1/search")):
                    client.get(f"{base}{path}", params={"q": q.format(case=cases[0])}, timeout=120)  # warm
                    times = []
                    for i in range(options.repeat):
                        began = time.perf_counter()
                        answer = client.get(f"{base}{path}", params={"q": q.format(case=cases[i % len(cases)])},
                                            timeout=120)
                        times.append((time.perf_counter() - began) * 1000)
                        if answer.status_code != 200:
                            raise SystemExit(f"{who} {path} {q}: HTTP {answer.status_code}")
                    figures.append(f"{pct(times, 50):.0f}/{pct(times, 95):.0f}")
                print(f"| {who} | {shape} (`{q}`) | {' | '.join(figures)} |", flush=True)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
