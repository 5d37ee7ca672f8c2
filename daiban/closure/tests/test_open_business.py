"""A case is completed or terminated only when its coordination business is finished or closed with a reason."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.closure.models import ClosedBusiness
from daiban.closure.tests.conftest import HANDOVER
from daiban.coordination.services import issue_raise
from daiban.lib import clock

pytestmark = pytest.mark.django_db


def _case_with_an_open_issue(build, person):
    case = build.case(on="2026-09-01")
    build.finish_all(case, on="2026-09-01")
    with clock.frozen("2026-09-02"):
        issue = issue_raise(actor=person("aojiang"), case=case, title="地块边界争议", departments=["zrj"],
                            deadline_workdays=3)
    return case, issue


def test_an_open_issue_blocks_the_completion_until_the_agent_closes_it_with_a_reason(build, person, api_as):
    case, issue = _case_with_an_open_issue(build, person)
    agent = api_as("aojiang")
    with clock.frozen("2026-09-30"):
        blocked = agent.post(f"cases/{case.pk}/complete", {"handover": HANDOVER})
        assert blocked.status_code == 422
        assert blocked.json()["fields"] == [{"field": f"close_issue_{issue.pk}",
                                             "message": "协调问题“地块边界争议”尚未了结：请先办结，或填写关闭理由"}]
        done = agent.post(f"cases/{case.pk}/complete", {"handover": HANDOVER,
                                                        "close_open": {f"issue:{issue.pk}": "业主已自行与邻地协商解决"}})
    assert done.status_code == 200, done.content
    assert done.json()["closed_business"][0]["reason"] == "业主已自行与邻地协商解决"
    assert ClosedBusiness.objects.get(kind="issue", object_id=issue.pk).closed_by.username == "aojiang"
    assert AuditEvent.objects.filter(event_type="closure.business_closed", new__id=issue.pk).exists()


def test_the_completion_page_lists_the_open_business_with_a_reason_field(build, person, client):
    case, issue = _case_with_an_open_issue(build, person)
    assert client.login("aojiang")
    with clock.frozen("2026-09-30"):
        page = client.get(f"/closure/cases/{case.pk}/complete/").content.decode()
    assert "尚未了结的协调事项" in page and f'name="close_issue_{issue.pk}"' in page and "地块边界争议" in page


def test_a_staff_recorded_termination_is_blocked_the_same_way(build, person, api_as):
    case, issue = _case_with_an_open_issue(build, person)
    with clock.frozen("2026-09-30"):
        blocked = api_as("aojiang").post(f"cases/{case.pk}/terminate", {"reason": "项目取消", "reason_kind": "project"})
    assert blocked.status_code == 422 and blocked.json()["fields"][0]["field"] == f"close_issue_{issue.pk}"
