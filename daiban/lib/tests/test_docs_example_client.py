"""The worked example of docs/api.md runs, as an integrator would run it, against the live server."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_PASSWORD, totp_code
from daiban.cases.selectors import cases_for
from daiban.intake.models import Request
from daiban.org.models import User

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "examples" / "daiban_client.py"


def test_the_example_client_logs_in_pages_registers_once_and_reads_an_error_by_its_code(live_server, demo):
    before = Request.objects.count()
    run = subprocess.run([sys.executable, str(SCRIPT), "--base", live_server.url, "--username", "aojiang",
                          "--password", DEMO_PASSWORD, "--otp", totp_code("aojiang")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    steps = {line["step"]: line for line in map(json.loads, run.stdout.splitlines())}
    assert list(steps) == ["login", "cases", "register", "refused"]
    in_scope = cases_for(User.objects.get(username="aojiang")).count()
    assert steps["cases"]["count"] == len(set(steps["cases"]["tracking_nos"])) == in_scope > 0
    register = steps["register"]
    assert register["tracking_no"] == register["repeated_tracking_no"]
    assert Request.objects.count() == before + 1 and Request.objects.filter(tracking_no=register["tracking_no"]).exists()
    assert steps["refused"]["code"] == "validation.invalid" and steps["refused"]["fields"] == ["credit_code"]
