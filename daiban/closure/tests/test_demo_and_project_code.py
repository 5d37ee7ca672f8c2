"""The demo county's closed cases, and the project code reported to the provincial platform."""
from __future__ import annotations

import pytest

from daiban.cases.models import Case
from daiban.closure.models import DepartmentRating, OwnerEvaluation
from daiban.lib import clock
from daiban.provincial.models import ProvincialMessage

pytestmark = pytest.mark.django_db


def test_demo_5_the_wastewater_station_is_completed_filed_and_evaluated_five_out_of_five():
    case = Case.objects.get(request__idempotency_key="demo-5")
    closure = case.closure
    assert (case.status, closure.kind, str(closure.closed_on), closure.filed_late) == (
        "completed", "completion", "2026-08-27", False)
    assert all(i.status == "approved" and i.finished_on <= i.due_on for i in case.items.all())
    evaluation = OwnerEvaluation.objects.get(case=case)
    assert (evaluation.attitude, evaluation.efficiency, evaluation.quality, evaluation.overall) == (5, 5, 5, 5)
    assert not evaluation.fee_asked
    rated = set(DepartmentRating.objects.filter(case=case).values_list("department__code", "rated_by__username"))
    assert rated == {(code, "binhai") for code in ("fgj", "sthj", "zrj", "zjj", "gdgs")}
    assert case.accepted_at.date().isoformat() == "2026-07-02" and case.project.project_code.startswith("2607-")


def test_demo_4_the_urban_renewal_block_is_terminated_by_its_owner_in_stage_two_and_filed_as_backfill():
    case = Case.objects.get(request__idempotency_key="demo-4")
    closure = case.closure
    assert (case.status, closure.reason_kind, closure.requested_by_owner) == ("terminated", "owner_request", True)
    assert "投资方变更" in closure.reason and closure.closed_by.username == "owner4"
    assert closure.filed_on <= closure.filing_due_on and closure.backfilled  # on paper in time, entered later
    assert closure.backfill_confirmed_at is None and closure.filed_late  # late until the station head confirms
    stages = {i.catalog_item.stage for i in case.items.filter(status="approved")}
    withdrawn = {i.catalog_item.code for i in case.items.filter(status="withdrawn")}
    assert stages == {"1"} and {"G01", "G03"} <= withdrawn  # stage 1 done; ended while stage 2 was under way


def test_demo_4_a_return_visit_reports_a_fee_request_to_the_inspectors():
    from daiban.closure.models import FeeAlert

    alert = FeeAlert.objects.get(case__request__idempotency_key="demo-4")
    assert alert.source == "回访" and "请吃个饭" in alert.details


def test_demo_5_shows_two_missed_progress_reports_caught_up_then_one_on_time():
    case = Case.objects.get(request__idempotency_key="demo-5")
    made = [(str(r.period_start), r.created_at.date().isoformat())
            for r in case.progress_reports.order_by("period_start")]
    assert made == [("2026-07-01", "2026-08-03"), ("2026-07-16", "2026-08-03"), ("2026-08-01", "2026-08-16")]


def test_the_demo_loads_twice_without_doing_anything_twice(settings):
    from django.core.management import call_command

    settings.DEBUG = True  # the command runs only in debug, as `make run` has it

    counts = (ProvincialMessage.objects.count(), OwnerEvaluation.objects.count(), DepartmentRating.objects.count())
    call_command("seed_demo", password="demo-pass-2026", verbosity=0)
    assert counts == (ProvincialMessage.objects.count(), OwnerEvaluation.objects.count(),
                      DepartmentRating.objects.count())


def test_the_project_code_is_checked_audited_and_reported(build, api_as):
    case = build.case()
    agent = api_as("aojiang")
    with clock.frozen("2026-09-02"):
        bad = agent.put(f"cases/{case.pk}/project-code", {"project_code": "2609-330326-04-01"})
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "project_code"
        assert "项目代码格式应为" in bad.json()["fields"][0]["message"]
        future = agent.put(f"cases/{case.pk}/project-code", {"project_code": "2612-330326-04-01-123456"})
        assert future.status_code == 422 and "年月" in future.json()["fields"][0]["message"]
        answer = agent.put(f"cases/{case.pk}/project-code", {"project_code": "2609-330326-04-01-500005"})
        assert answer.status_code == 200 and answer.json()["project"]["project_code"] == "2609-330326-04-01-500005"
        same = agent.put(f"cases/{case.pk}/project-code", {"project_code": "2609-330326-04-01-500005"})
        assert same.status_code == 200
    message = ProvincialMessage.objects.get(case=case, event="project_code")
    assert message.payload["project"]["code"] == "2609-330326-04-01-500005"
    assert api_as("fgj").put(f"cases/{case.pk}/project-code", {"project_code": "2609-330326-04-01-500006"}
                             ).status_code == 403
    from daiban.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event_type="case.project_code_set", object_id=str(case.pk)).count() == 1


def test_the_ledger_shows_demo_4s_filing_as_backfill_awaiting_confirmation(api_as):
    from daiban.assessment.tests.test_ledger import xlsx_rows

    rows = xlsx_rows(api_as("center").get("ledger.xlsx"))
    header, body = rows[0], rows[1:]
    demo_4 = next(row for row in body if row[header.index("项目名称")] == Case.objects.get(
        request__idempotency_key="demo-4").project.name)
    assert demo_4[header.index("归档")] == "2026-10-14 补录（待确认）"
