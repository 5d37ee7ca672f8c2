"""Half-monthly feedback (issue 9 §3): a period due and not reported shows as 未反馈; the agent previews the
next report (the duty's own text) and may send it early; the duty then does not send that period again."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import DEMO_PASSWORD
from daiban.audit.models import AuditEvent
from daiban.intake.models import PublicStep
from daiban.lib import clock
from daiban.notify.models import Notification
from daiban.plans.duties import progress_preview, send_progress_reports
from daiban.plans.models import ProgressReport
from daiban.plans.selectors import unreported_periods
from daiban.plans.tests.test_duties import case_in_progress  # noqa: F401  (the plan starts 2026-11-02)

D = dt.date.fromisoformat


def periods(case, today):
    case.refresh_from_db()
    return [(p["period_start"], p["period_end"], p["due_on"]) for p in unreported_periods(case, D(today))]


@pytest.mark.parametrize("today, due", [
    ("2026-11-15", []),                                          # the first half month is still running
    ("2026-11-16", [("2026-11-01", "2026-11-15", "2026-11-16")]),  # due on the 16th (a Monday)
    ("2026-11-30", [("2026-11-01", "2026-11-15", "2026-11-16")]),
    ("2026-12-01", [("2026-11-01", "2026-11-15", "2026-11-16"), ("2026-11-16", "2026-11-30", "2026-12-01")]),
    # 2027-01-01 is 元旦 (a holiday): report days are calendar days, the period is due on it all the same
    ("2026-12-31", [("2026-11-01", "2026-11-15", "2026-11-16"), ("2026-11-16", "2026-11-30", "2026-12-01"),
                    ("2026-12-01", "2026-12-15", "2026-12-16")]),
    ("2027-01-01", [("2026-11-01", "2026-11-15", "2026-11-16"), ("2026-11-16", "2026-11-30", "2026-12-01"),
                    ("2026-12-01", "2026-12-15", "2026-12-16"), ("2026-12-16", "2026-12-31", "2027-01-01")]),
])
def test_a_period_is_unreported_from_its_report_day_on_holidays_included(case_in_progress, today, due):  # noqa: F811
    assert periods(case_in_progress, today) == [tuple(map(D, row)) for row in due]


def test_a_period_the_duty_caught_up_is_no_longer_unreported(case_in_progress):  # noqa: F811
    with clock.frozen("2026-11-16"):
        assert send_progress_reports() == 1
    assert periods(case_in_progress, "2026-12-03") == [(D("2026-11-16"), D("2026-11-30"), D("2026-12-01"))]


def test_the_case_page_and_the_supervision_page_show_the_missed_period_as_unreported(case_in_progress,  # noqa: F811
                                                                                     client):
    with clock.frozen("2026-11-16"):
        send_progress_reports()
    with clock.frozen("2026-12-03"):
        assert client.login(username="aojiang", password=DEMO_PASSWORD)
        page = client.get(f"/cases/{case_in_progress.pk}/").content.decode()
        client.logout()
        assert client.login(username="leader", password=DEMO_PASSWORD)
        supervision = client.get("/assessment/supervision/").content.decode()
    assert "2026-11-16 至 2026-11-30</td><td colspan=\"3\"><strong>未反馈</strong>（应于 2026-12-01 发送）" in page
    assert "2026-11-01 至 2026-11-15" in page  # the caught-up period, with its document
    assert "2026-11-16 至 2026-11-30 未反馈" in supervision
    assert "2026-11-01 至 2026-11-15 未反馈" not in supervision
    assert case_in_progress.project.name in supervision


def test_the_agent_previews_the_text_the_duty_sends_and_sends_it_early_once(case_in_progress, api_as, person):  # noqa: F811
    agent = api_as("aojiang")
    with clock.frozen("2026-11-16"):
        send_progress_reports()
    with clock.frozen("2026-11-20"):
        preview = agent.get(f"cases/{case_in_progress.pk}/progress-reports/preview").json()
        assert preview["unreported"] == []
        assert (preview["next"]["period_start"], preview["next"]["period_end"]) == ("2026-11-16", "2026-11-30")
        assert preview["next"]["early"] is True
        assert preview["next"]["subject"] == "代办进度反馈（11.16—11.30）"
        first = agent.post(f"cases/{case_in_progress.pk}/progress-reports", headers={"Idempotency-Key": "early-1"})
        again = agent.post(f"cases/{case_in_progress.pk}/progress-reports", headers={"Idempotency-Key": "early-1"})
        other = agent.post(f"cases/{case_in_progress.pk}/progress-reports", headers={"Idempotency-Key": "early-2"})
        assert agent.get(f"cases/{case_in_progress.pk}/progress-reports/preview").json()["next"] is None
    assert first.status_code == 201 and again.json() == first.json()
    assert first.json()["period_start"] == "2026-11-16"
    assert other.status_code == 409 and other.json()["code"] == "progress_report.none_due"
    sent = Notification.objects.filter(recipient__username="owner-test", channel="in_app",
                                       subject="代办进度反馈（11.16—11.30）").get()
    assert sent.body == preview["next"]["body"]
    event = AuditEvent.objects.filter(event_type="case.progress_reported", actor_id=person("aojiang").pk).get()
    assert event.new["early"] is True
    with clock.frozen("2026-12-01"):  # the report day of the period sent early: the duty sends nothing more
        send_progress_reports()
    assert ProgressReport.objects.filter(case=case_in_progress).count() == 2
    assert periods(case_in_progress, "2026-12-01") == []


def test_a_missed_period_is_sent_at_once_before_the_running_one(case_in_progress, person):  # noqa: F811
    from daiban.plans.services import progress_report_send_early

    with clock.frozen("2026-12-03"):
        case_in_progress.refresh_from_db()
        assert progress_preview(case_in_progress, D("2026-12-03"))["early"] is False
        report = progress_report_send_early(actor=person("aojiang"), case=case_in_progress)
    assert (report.period_start, report.period_end) == (D("2026-11-01"), D("2026-11-15"))
    assert periods(case_in_progress, "2026-12-03") == [(D("2026-11-16"), D("2026-11-30"), D("2026-12-01"))]
    step = PublicStep.objects.filter(request=case_in_progress.request, text__startswith="代办进度反馈").get()
    assert step.text.startswith("代办进度反馈（11月01日—11月15日）已发送：本期办结1项，办理中0项。")
    assert "环境影响评价审批（报告表）：逾期" in step.text and "13857712345" not in step.text


def test_the_case_page_previews_and_sends_the_next_report(case_in_progress, client):  # noqa: F811
    with clock.frozen("2026-11-20"):
        assert client.login(username="aojiang", password=DEMO_PASSWORD)
        page = client.get(f"/cases/{case_in_progress.pk}/").content.decode()
        assert "预览下一期（11月01日—11月15日）" in page and "代办进度反馈（11.01—11.15）" in page
        answer = client.post(f"/plans/cases/{case_in_progress.pk}/progress/send/")
    assert answer.status_code == 302
    assert ProgressReport.objects.filter(case=case_in_progress, period_start=D("2026-11-01")).exists()


def test_someone_outside_the_case_cannot_send_a_report(case_in_progress, api_as):  # noqa: F811
    with clock.frozen("2026-11-20"):
        answer = api_as("kunyang").post(f"cases/{case_in_progress.pk}/progress-reports")
    assert answer.status_code in (403, 404)
    assert not ProgressReport.objects.filter(case=case_in_progress).exists()


def test_the_demo_case_in_progress_shows_a_caught_up_period_and_one_unreported(demo):
    from daiban.cases.models import Case

    case = Case.objects.get(request__idempotency_key="demo-3")
    reports = list(case.progress_reports.values_list("period_start", "period_end"))
    assert reports == [(D("2026-11-01"), D("2026-11-15"))]
    assert periods(case, "2026-12-03") == [(D("2026-11-16"), D("2026-11-30"), D("2026-12-01"))]
