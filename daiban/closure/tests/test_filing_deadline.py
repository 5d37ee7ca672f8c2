"""The completion or termination form is filed within 2 working days of closing (seed §6.8), counted on the
State Council's calendar: the National Day holiday is skipped and its adjusted working Saturday counts."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.closure.deadlines import filing_due, filing_standing
from daiban.closure.tests.conftest import HANDOVER
from daiban.lib import clock
from daiban.workdays.loader import is_workday

D = dt.date.fromisoformat


@pytest.mark.django_db
@pytest.mark.parametrize(("closed", "due"), [
    ("2026-09-28", "2026-09-30"),  # Monday: Tuesday and Wednesday
    ("2026-09-29", "2026-10-08"),  # 09-30, then the holiday 10-01…10-07, then 10-08
    ("2026-09-30", "2026-10-09"),  # the eve of the holiday: 10-08 and 10-09
    ("2026-10-01", "2026-10-09"),  # closed on a holiday: the next two working days
    ("2026-10-08", "2026-10-10"),  # 10-09 and Saturday 10-10, an adjusted working day
    ("2026-10-09", "2026-10-12"),  # 10-10 (Saturday, working) and Monday 10-12
    ("2026-11-27", "2026-12-01"),  # Friday: Monday and Tuesday
])
def test_the_filing_deadline_is_two_working_days_after_the_case_closes(closed, due):
    assert filing_due(D(closed)).date == D(due)


@pytest.mark.django_db
def test_october_10_2026_is_an_adjusted_working_day_on_the_calendar():
    assert is_workday(D("2026-10-10")) and not is_workday(D("2026-10-07")) and not is_workday(D("2026-10-11"))


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "state", "label", "left"), [
    ("2026-09-30", "normal", "正常", 2),
    ("2026-10-05", "normal", "正常", 2),  # in the holiday: 10-08 and 10-09 are both still ahead
    ("2026-10-08", "warning", "预警", 1),
    ("2026-10-09", "warning", "预警", 0),
    ("2026-10-10", "overdue", "逾期", -1),
    ("2026-10-12", "overdue", "逾期", -2),
])
def test_an_unfiled_form_is_normal_then_warned_then_overdue(today, state, label, left):
    where = filing_standing(due=D("2026-10-09"), filed_on=None, today=D(today))
    assert (where.state, where.label, where.left) == (state, label, left)


@pytest.mark.django_db
def test_a_form_filed_after_its_deadline_stays_marked_late():
    assert filing_standing(due=D("2026-10-09"), filed_on=D("2026-10-09"), today=D("2026-12-01")).label == "按时归档"
    late = filing_standing(due=D("2026-10-09"), filed_on=D("2026-10-10"), today=D("2026-12-01"))
    assert late.label == "逾期归档" and late.late


def _completed_on_the_eve_of_national_day(build, api_as):
    case = build.case(on="2026-09-01")
    build.finish_all(case, on="2026-09-01")
    agent = api_as("aojiang")
    with clock.frozen("2026-09-30"):
        answer = agent.post(f"cases/{case.pk}/complete", {"handover": HANDOVER, "opinion": "资料齐全，同意办结"})
    assert answer.status_code == 200, answer.content
    filing = answer.json()["filing"]
    assert (filing["due_on"], filing["label"], filing["filed_on"]) == ("2026-10-09", "正常", None)
    with clock.frozen("2026-09-30"):
        assert agent.post(f"cases/{case.pk}/handover/confirm", {"signatory": "张伟"}).status_code == 200
    return case, agent


@pytest.mark.django_db
def test_a_case_completed_on_september_30_and_filed_on_october_9_is_on_time(build, api_as):
    case, agent = _completed_on_the_eve_of_national_day(build, api_as)
    with clock.frozen("2026-10-09"):
        assert agent.get(f"cases/{case.pk}/closure").json()["filing"]["label"] == "预警"
        answer = agent.post(f"cases/{case.pk}/file", {})
    assert answer.status_code == 200, answer.content
    filing = answer.json()["filing"]
    assert (filing["filed_on"], filing["late"], filing["label"]) == ("2026-10-09", False, "按时归档")


@pytest.mark.django_db
def test_the_same_case_filed_on_october_10_is_late(build, api_as):
    case, agent = _completed_on_the_eve_of_national_day(build, api_as)
    with clock.frozen("2026-10-10"):
        assert agent.get(f"cases/{case.pk}/closure").json()["filing"]["label"] == "逾期"
        answer = agent.post(f"cases/{case.pk}/file", {"opinion": "同意归档"})
    filing = answer.json()["filing"]
    assert (filing["filed_on"], filing["late"], filing["label"]) == ("2026-10-10", True, "逾期归档")
    from daiban.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event_type="closure.filed", new__late=True).exists()


@pytest.mark.django_db
def test_filing_is_recorded_once_and_never_dated_in_the_future_or_before_closing(build, api_as):
    case, agent = _completed_on_the_eve_of_national_day(build, api_as)
    with clock.frozen("2026-10-08"):
        future = agent.post(f"cases/{case.pk}/file", {"filed_on": "2026-10-09"})
        early = agent.post(f"cases/{case.pk}/file", {"filed_on": "2026-09-29"})
        assert agent.post(f"cases/{case.pk}/file", {}).status_code == 200
        again = agent.post(f"cases/{case.pk}/file", {})
    assert future.status_code == 422
    assert future.json()["fields"][0] == {"field": "filed_on", "message": "归档日期不能晚于今天"}
    assert early.status_code == 422 and "不能早于办结日期" in early.json()["fields"][0]["message"]
    assert again.status_code == 409 and "不能重复登记" in again.json()["detail"]


@pytest.mark.django_db
def test_the_archived_form_carries_its_filing_date(build, api_as):
    from daiban.documents.layout import read_text

    case, agent = _completed_on_the_eve_of_national_day(build, api_as)
    before = read_text(bytes(case.closure.document.content))
    assert "（应于2026年10月9日前归档）" in before
    with clock.frozen("2026-10-09"):
        agent.post(f"cases/{case.pk}/file", {})
    case.closure.refresh_from_db()
    after = read_text(bytes(case.closure.document.content))
    assert "归档日期\n2026年10月9日" in after and "第2版" in after
    # The owner's signature belongs to the version the owner signed, which the archive keeps; the filed
    # version adds the unit's archive date and is not signed by the owner.
    signed = case.documents.get(kind="completion", version=1)
    assert signed.signed_by_owner == "张伟" and case.closure.document.signed_at is None


@pytest.mark.django_db
def test_a_filing_recorded_ten_working_days_late_with_an_earlier_date_is_refused_without_a_reason(build, api_as):
    case, agent = _completed_on_the_eve_of_national_day(build, api_as)
    with clock.frozen("2026-10-23"):  # 10 working days after the 10-09 deadline
        answer = agent.post(f"cases/{case.pk}/file", {"filed_on": "2026-10-09"})
    assert answer.status_code == 422
    assert answer.json()["fields"][0]["field"] == "backfill_reason"
    assert "补录" in answer.json()["fields"][0]["message"]


@pytest.mark.django_db
def test_a_backfilled_filing_counts_on_time_only_after_the_unit_administrator_confirms_it(build, api_as):
    from daiban.audit.models import AuditEvent

    case, agent = _completed_on_the_eve_of_national_day(build, api_as)
    with clock.frozen("2026-10-23"):
        answer = agent.post(f"cases/{case.pk}/file",
                            {"filed_on": "2026-10-09", "backfill_reason": "纸质归档在先，系统故障后补录"})
    filing = answer.json()["filing"]
    assert answer.status_code == 200, answer.content
    assert (filing["filed_on"], filing["backfill"], filing["backfill_confirmed"]) == ("2026-10-09", True, False)
    assert (filing["late"], filing["label"]) == (True, "补录·逾期归档（待单位管理员确认）")  # judged on 10-23
    with clock.frozen("2026-10-26"):
        by_agent = agent.post(f"cases/{case.pk}/file/confirm")
        assert by_agent.status_code == 403
        confirmed = api_as("ajadmin").post(f"cases/{case.pk}/file/confirm")
        again = api_as("ajadmin").post(f"cases/{case.pk}/file/confirm")
    assert confirmed.status_code == 200, confirmed.content
    filing = confirmed.json()["filing"]
    assert (filing["late"], filing["label"], filing["backfill_confirmed_by"]) == (False, "补录·按时归档", "黄丽华")
    assert again.status_code == 409 and again.json()["code"] == "closure.not_backfilled"
    event = AuditEvent.objects.get(event_type="closure.backfill_confirmed")
    assert event.actor_name == "ajadmin" and event.old == {"late": True} and event.new["late"] is False
    assert AuditEvent.objects.filter(event_type="access.refused", new__action="closure_backfill_confirm").exists()


@pytest.mark.django_db
def test_a_filing_recorded_today_is_never_a_backfill(build, api_as):
    case, agent = _completed_on_the_eve_of_national_day(build, api_as)
    with clock.frozen("2026-10-12"):
        answer = agent.post(f"cases/{case.pk}/file", {"filed_on": "2026-10-12", "backfill_reason": "x"})
    filing = answer.json()["filing"]
    assert (filing["backfill"], filing["late"], filing["label"]) == (False, True, "逾期归档")
