"""Schemathesis over the whole OpenAPI schema, in-process (WSGI) against the test database.

Each run generates valid (positive) and invalid (negative) requests for every operation with a fixed seed and a
bounded number of examples, sends them as one caller (a staff token or anonymous) and checks every answer:
no 5xx, status and body as the schema declares, no invalid input accepted, no operation that lets an anonymous
caller past its authentication. The figures of each run are written to test-artifacts/attack-figures.json
(SECURITY.md quotes the last run)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from daiban.api import api

FIGURES = Path(__file__).resolve().parents[3] / "test-artifacts" / "attack-figures.json"
# Ending one's own session would leave the rest of the run anonymous; it has its own tests.
SKIPPED = {("DELETE", "/api/v1/auth/token")}
# What an anonymous caller may hear from an operation that needs a login: no login; a page session's POST without
# its CSRF token (checked first); an administrators' path from outside DAIBAN_ADMIN_NETWORKS.
ANONYMOUS_REFUSALS = {"auth.required", "auth.csrf_failed", "request.unknown_path"}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@dataclass
class Run:
    caller: str
    tried: int = 0
    statuses: Counter = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def figures(self) -> dict:
        return {"caller": self.caller, "requests": self.tried, "5xx": self.server_errors,
                "violations": len(self.violations), "statuses": dict(sorted(self.statuses.items()))}


def load_schema():
    raw = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


def _operations(schema):
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SKIPPED:
            yield operation


def attack(*, caller: str, headers: dict, examples: int, mode: GenerationMode) -> Run:
    """Sends `examples` generated requests per operation as the caller; records statuses and violations."""
    run = Run(caller=f"{caller}/{mode.value}")
    schema = load_schema()
    checks = CHECKS + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])
    # Django's WSGI handler closes the connection after each request; the test database lives in it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for operation in _operations(schema):
            _attack_operation(run, operation, headers, examples, mode, checks, anonymous=not headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return run


def _attack_operation(run: Run, operation, headers, examples, mode, checks, *, anonymous: bool) -> None:
    secured = bool(operation.definition.raw.get("security", operation.schema.raw_schema.get("security")))

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case):
        run.tried += 1
        response = case.call(headers=headers)
        run.statuses[response.status_code] += 1
        if anonymous and secured and _error_code(response) not in ANONYMOUS_REFUSALS:
            run.violations.append(f"{operation.label}: anonymous call answered {response.status_code}")
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except BaseException as failure:  # schemathesis groups the failed checks in one exception group
            if isinstance(failure, KeyboardInterrupt | SystemExit):
                raise
            run.violations.append(f"{operation.label}: {str(failure).strip()[:600]}")

    try:
        send()
    except Unsatisfiable:  # nothing invalid can be generated (an operation without input)
        pass


def _error_code(response) -> str | None:
    try:
        return response.json().get("code")
    except (ValueError, AttributeError):
        return None


def record(runs: list[Run]) -> dict:
    figures = {"runs": [run.figures() for run in runs],
               "requests": sum(run.tried for run in runs),
               "5xx": sum(run.server_errors for run in runs),
               "violations": sum(len(run.violations) for run in runs)}
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    FIGURES.with_name("attack-violations.json").write_text(
        json.dumps({run.caller: run.violations for run in runs}, ensure_ascii=False, indent=1))
    return figures
