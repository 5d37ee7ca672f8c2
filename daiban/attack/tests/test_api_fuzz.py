"""Schemathesis over the whole OpenAPI schema, with staff credentials and anonymously (bounded, fixed seed)."""
from __future__ import annotations

import os

import pytest
from schemathesis import GenerationMode

from daiban.attack.tests.fuzz import attack, record

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("DAIBAN_ATTACK_EXAMPLES", "3"))
RUNS = []


@pytest.mark.parametrize("caller", ["center", "aojiang", "inspector", None])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_breaks_the_api_or_its_schema(api_as, caller, mode):
    headers = api_as(caller).headers if caller else {}
    run = attack(caller=caller or "anonymous", headers=headers, examples=EXAMPLES, mode=mode)
    RUNS.append(run)
    record(RUNS)
    assert run.tried > 0
    assert run.server_errors == 0 and not run.violations, "\n".join(run.violations[:40])
