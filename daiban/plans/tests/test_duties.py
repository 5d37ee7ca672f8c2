"""Background duties run twice produce nothing twice; a missed half month catches up once."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from conftest import request_payload
from daiban.cases.services import case_agreement_set, request_accept
from daiban.documents.layout import read_text
from daiban.intake.selectors import public_progress
from daiban.intake.services import owner_account_create, request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.notify.models import Notification
from daiban.plans import services
from daiban.plans.duties import escalate_overdue, report_period, send_progress_reports
from daiban.plans.models import ProgressReport

D = dt.date.fromisoformat


@pytest.mark.parametrize("today, period", [
    ("2026-11-16", ("2026-11-01", "2026-11-15")), ("2026-11-27", ("2026-11-01", "2026-11-15")),
    ("2026-12-01", ("2026-11-16", "2026-11-30")), ("2026-12-15", ("2026-11-16", "2026-11-30")),
    ("2027-03-01", ("2027-02-16", "2027-02-28")), ("2028-03-01", ("2028-02-16", "2028-02-29")),
])
def test_the_report_covers_the_half_month_before_the_latest_report_day(today, period):
    assert report_period(D(today)) == (D(period[0]), D(period[1]))


@pytest.fixture
def case_in_progress(person):
    with clock.frozen("2026-11-02"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        owner_account_create(actor=None, company=request.company, username="owner-test", password="Ce-shi-2026",
                             full_name="测试业主")
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05"])
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D("2026-11-02"))
        services.item_dispatch(actor=person("aojiang"), item=case.items.get(catalog_item__code="L02"))
        services.item_start(actor=person("fgj"), item=case.items.get(catalog_item__code="L02"))
    with clock.frozen("2026-11-03"):
        services.item_finish(actor=person("fgj"), item=case.items.get(catalog_item__code="L02"), approved=True,
                             approval_no="2611-330326-04-01-100001")
    return case


def test_progress_reports_run_twice_make_one_report_per_case(case_in_progress):
    with clock.frozen("2026-11-16"):
        first = send_progress_reports()
        second = send_progress_reports()
    assert first >= 1 and second == 0
    report = ProgressReport.objects.get(case=case_in_progress)
    assert (report.period_start, report.period_end) == (D("2026-11-01"), D("2026-11-15"))
    assert [r["code"] for r in report.summary["done"]] == ["L02"]
    text = read_text(bytes(report.document.content))
    assert "企业投资项目备案" in text and "2611-330326-04-01-100001" in text
    assert Notification.objects.filter(recipient__username="owner-test", subject__contains="代办进度反馈",
                                       channel="in_app").count() == 1


def test_every_missed_period_is_produced_on_the_next_run_each_once(case_in_progress):
    with clock.frozen("2026-12-03"):  # the server was down on 11-16 and 12-01
        assert send_progress_reports() >= 2  # the demo's case in progress owes one too
        assert send_progress_reports() == 0
    periods = sorted(ProgressReport.objects.filter(case=case_in_progress).values_list("period_start", flat=True))
    assert periods == [D("2026-11-01"), D("2026-11-16")]
    assert Notification.objects.filter(recipient__username="owner-test", subject__contains="代办进度反馈",
                                       channel="in_app").count() == 2



@override_settings(SMS_GATEWAY_URL="http://127.0.0.1:9/sms", PUBLIC_URL="https://daiban.example.gov.cn")
def test_an_owner_without_an_account_gets_the_report_by_sms_at_the_requests_contact_and_on_the_progress_page(person):
    with clock.frozen("2026-11-02"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02"])
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D("2026-11-02"))
    with clock.frozen("2026-11-16"):
        send_progress_reports()
    sms = Notification.objects.get(event="case.progress_report", channel="sms", case_id=case.pk)
    assert sms.recipient is None and sms.to_phone == "13857712345" and "（11.01—11.15）" in sms.subject
    steps = public_progress(tracking_no=request.tracking_no, query_code=request.query_code)["steps"]
    assert any(step["text"].startswith("代办进度反馈（11月01日—11月15日）已发送") for step in steps)

def test_escalation_run_twice_escalates_once(case_in_progress):
    escalate_overdue(today=D("2026-11-20"))
    escalate_overdue(today=D("2026-11-20"))
    l05 = case_in_progress.items.get(catalog_item__code="L05")
    assert l05.escalations.count() == 1
