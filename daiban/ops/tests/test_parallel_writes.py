"""Parallel clients against the production server (gunicorn, `manage.py serve`) on PostgreSQL, for the write paths
that re-issue forms or import a ledger: no 5xx, every version and serial once, the latest version printing what
the case holds after all of them, one import of a file however many confirm it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db.models import Count, Max, Min

from conftest import DEMO_PASSWORD, totp_code
from daiban.adoption.models import LedgerRow, LedgerUpload
from daiban.adoption.tests.messy_ledger import credit_code
from daiban.cases.models import Case, CaseDocument
from daiban.documents.layout import read_text
from daiban.intake.models import Request
from daiban.notify.tests.test_worker import database_url, wait_until
from daiban.ops.tests.test_serve import descendants, free_port, get
from daiban.plans.tests.test_pages_plan import make_case, plan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="parallel writers are a PostgreSQL matter (SQLite runs one writer at a time)")]
CLIENTS = 8
ADDRESS_FORMS = ("registration", "agreement")  # the plan carries the owner too, without printing the address


@pytest.fixture
def server(demo, tmp_path) -> Iterator[str]:
    """The production server on the test database: 2 processes × 4 threads, so CLIENTS requests run at once."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "daiban.settings_test", "DATABASE_URL": database_url(),
           "REDIS_URL": "", "DAIBAN_LOG_LEVEL": "WARNING", "DAIBAN_AUDIT_CHECKPOINT_DIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "manage.py", "serve", "--no-worker", "--port", str(port),
                                "--processes", "2", "--threads", "4"], cwd=settings.BASE_DIR, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: get(f"{base}/healthz") == 200, 90), "the server did not start"
        yield base
    finally:
        children = descendants(process.pid)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def send(method: str, url: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text.startswith(b"{") else {"body": text.decode(errors="replace")}


def bearer(base: str, username: str) -> dict:
    status, body = send("POST", f"{base}/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD,
                                                               "otp": totp_code(username)})
    assert status == 200, body
    return {"Authorization": f"Bearer {body['token']}"}


def all_at_once(calls: list) -> list:
    """Each call in its own thread, released together."""
    start = threading.Barrier(len(calls))

    def one(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(one, calls))


def assert_versions_whole(case: Case) -> None:
    """Each form of the case: one serial, its versions 1..n each once."""
    lines = case.documents.values("kind", "subject").annotate(
        serials=Count("serial_no", distinct=True), versions=Count("version", distinct=True), rows=Count("pk"),
        low=Min("version"), high=Max("version"))
    for line in lines:
        assert line["serials"] == 1 and line["rows"] == line["versions"] == line["high"] and line["low"] == 1, line


def latest_text(case: Case, kind: str) -> str:
    document = case.documents.filter(kind=kind).order_by("-version").first()
    return read_text(bytes(document.content))


def a_planned_case(person) -> Case:
    """A 鳌江镇 case with its registration form, agreement and task plan issued (version 1 each)."""
    case = plan(make_case(person, ["L02", "L05", "S04"]), person)
    assert set(case.documents.values_list("kind", flat=True)) >= {"registration", "agreement", "plan"}
    return case


def test_parallel_address_changes_on_one_case_issue_each_form_once_per_change(server, person):
    case = a_planned_case(person)
    agent = bearer(server, "aojiang")
    before = {kind: case.documents.filter(kind=kind).count() for kind in ("registration", "agreement", "plan")}
    addresses = [f"浙江省温州市平阳县鳌江镇并发路{n + 1}号" for n in range(CLIENTS)]
    answers = all_at_once([lambda a=a: send("PUT", f"{server}/api/v1/cases/{case.pk}/company-address",
                                            {"address": a}, agent) for a in addresses])
    assert [status for status, _ in answers] == [200] * CLIENTS, answers
    assert_versions_whole(case)
    final = Request.objects.get(pk=case.request_id).company_address
    assert final in addresses
    for kind in ("registration", "agreement", "plan"):
        assert case.documents.filter(kind=kind).count() == before[kind] + CLIENTS  # each change printed once
    for kind in ADDRESS_FORMS:
        assert final in latest_text(case, kind), kind


def test_parallel_address_changes_on_different_cases_each_keep_their_own_serials(server, person):
    cases = [a_planned_case(person) for _ in range(4)]
    agent = bearer(server, "aojiang")
    answers = all_at_once([lambda c=c, n=n: send("PUT", f"{server}/api/v1/cases/{c.pk}/company-address",
                                                 {"address": f"浙江省温州市平阳县鳌江镇另案路{n}号"}, agent)
                           for n, c in enumerate(cases * 2)])
    assert [status for status, _ in answers] == [200] * len(answers), answers
    serials = CaseDocument.objects.filter(case__in=cases).values("serial_no").annotate(cases=Count("case", distinct=True))
    assert all(row["cases"] == 1 for row in serials)
    for case in cases:
        assert_versions_whole(case)
        assert Request.objects.get(pk=case.request_id).company_address in latest_text(case, "agreement")


def test_different_changes_at_once_leave_the_latest_version_printing_all_of_them(server, person):
    """An address, the project code and the team change together: each re-issues the forms from the case as it
    stands when it prints them, so the last version carries every change, not one writer's stale copy."""
    case = a_planned_case(person)
    agent = bearer(server, "aojiang")
    address, code = "浙江省温州市平阳县鳌江镇同时路8号", "2611-330326-04-01-000888"
    team = {"agent": "aojiang", "chief_agent": "chief", "liaisons": ["fgj", "sthj", "zjj"]}
    calls = [
        lambda: send("PUT", f"{server}/api/v1/cases/{case.pk}/company-address", {"address": address}, agent),
        lambda: send("PUT", f"{server}/api/v1/cases/{case.pk}/project-code", {"project_code": code}, agent),
        lambda: send("PUT", f"{server}/api/v1/cases/{case.pk}/team", team, agent),
    ] * 2
    answers = all_at_once(calls)
    assert [status for status, _ in answers] == [200] * len(calls), answers
    assert_versions_whole(case)
    for kind in ("registration", "agreement", "plan"):
        text = latest_text(case, kind)
        assert code in text and (address in text or kind not in ADDRESS_FORMS), kind
    assert person("chief").display_name in latest_text(case, "agreement")


def _ledger(rows: int) -> bytes:
    lines = ["单位名称,信用代码,项目名称,所在乡镇,投资额（万元）,联系人,手机号码,登记日期,受理日期,状态,办结日期"]
    lines += [f"平阳县并发{n}有限公司,{credit_code(300 + n)},并发项目{n},鳌江镇,1000,王五,1390000{n:04d},"
              f"2025-04-01,2025-04-03,已办结,2025-06-30" for n in range(rows)]
    return "\n".join(lines).encode("utf-8-sig")


def _upload(api_as, content: bytes) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    center = api_as("center")
    answer = center.client.post("/api/v1/imports/ledger", {"file": SimpleUploadedFile("台帐.csv", content)},
                                headers=center.headers)
    assert answer.status_code == 201, answer.content
    assert answer.json()["counts"]["would_import"] == 5
    return answer.json()["id"]


def test_parallel_confirmations_of_one_file_import_it_once(server, api_as):
    upload = _upload(api_as, _ledger(5))
    center = bearer(server, "center")
    before = Request.objects.count()
    answers = all_at_once([lambda: send("POST", f"{server}/api/v1/imports/{upload}/confirm", {}, center)] * CLIENTS)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [409] * (CLIENTS - 1), answers
    assert {body.get("code") for status, body in answers if status == 409} == {"import.already_confirmed"}
    assert next(body for status, body in answers if status == 200)["counts"]["imported"] == 5
    assert Request.objects.count() == before + 5 and LedgerRow.objects.count() == 5
    assert LedgerUpload.objects.get(pk=upload).confirmed_at is not None


def test_parallel_confirmations_of_copies_of_one_file_import_each_row_once(server, api_as):
    content = _ledger(5)
    uploads = [_upload(api_as, content) for _ in range(4)]
    center = bearer(server, "center")
    before = Request.objects.count()
    answers = all_at_once([lambda u=u, n=n: send("POST", f"{server}/api/v1/imports/{u}/confirm", {},
                                                 {**center, "Idempotency-Key": f"copy-{u}-{n}"})
                           for n, u in enumerate(uploads * 2)])
    assert sorted(status for status, _ in answers) == [200] * 4 + [409] * 4, answers
    imported = sum(body["counts"]["imported"] for status, body in answers if status == 200)
    assert imported == 5 and Request.objects.count() == before + 5 and LedgerRow.objects.count() == 5
