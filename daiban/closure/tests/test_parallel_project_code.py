"""Project codes written by parallel clients: one code stands, one event and one report per code, never a 500."""
from __future__ import annotations

import pytest
from django.test import Client

from conftest import DEMO_PASSWORD, in_parallel, request_payload, totp_code
from daiban.audit.models import AuditEvent
from daiban.cases.services import request_accept
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.org.models import User
from daiban.provincial.models import ProvincialMessage

PARALLEL = 8


def _bearer(username: str) -> dict:
    answer = Client().post("/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD,
                                                  "otp": totp_code(username)}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.mark.django_db(transaction=True)
def test_parallel_writes_of_a_project_code_leave_one_code_one_event_and_one_report_each(demo):
    request, _ = request_submit(data=RequestData(**request_payload(project_name="并发赋码项目")))
    case = request_accept(actor=User.objects.get(username="aojiang"), request=request)
    headers = [_bearer("aojiang"), _bearer("ajadmin")]

    def put(code: str, n: int):
        return lambda: Client().put(f"/api/v1/cases/{case.pk}/project-code", {"project_code": code},
                                    content_type="application/json", headers=headers[n % 2])

    same = in_parallel([put("2611-330326-04-01-700007", n) for n in range(PARALLEL)])
    assert [getattr(a, "status_code", a) for a in same] == [200] * PARALLEL
    events = AuditEvent.objects.filter(event_type="case.project_code_set", object_id=str(case.pk))
    assert events.count() == 1
    assert ProvincialMessage.objects.filter(case=case, event="project_code").count() == 1

    codes = ["2611-330326-04-01-700008", "2611-330326-04-01-700009", "2611-330327-04-01-700010"]
    mixed = in_parallel([put(code, n) for n, code in enumerate(codes)])
    assert sorted(getattr(a, "status_code", a) for a in mixed) == [200, 200, 422]
    case.project.refresh_from_db()
    assert case.project.project_code in codes[:2]
    assert events.count() == 3 and ProvincialMessage.objects.filter(case=case, event="project_code").count() == 3
