"""本级办结 and the report up within 1 working day (seed §6.5): its own event, one lateness rule, watched."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.notify.models import Notification
from daiban.plans import services
from daiban.plans.deadlines import report_up_due, report_up_late
from daiban.plans.duties import watch_reports_up
from daiban.plans.selectors import item_row
from daiban.plans.tests.test_items_in_motion import case, dispatch, item  # noqa: F401  (the fixture)

D = dt.date.fromisoformat


@pytest.mark.django_db
@pytest.mark.parametrize(("done", "due"), [
    ("2026-09-29", "2026-09-30"),
    ("2026-09-30", "2026-10-08"),  # the National Day holiday 10-01…10-07 is skipped
    ("2026-10-09", "2026-10-10"),  # Saturday 10-10 is an adjusted working day
    ("2026-10-10", "2026-10-12"),
    ("2026-11-06", "2026-11-09"),  # Friday: Monday
])
def test_the_report_up_is_due_one_working_day_after_the_local_steps(done, due):
    assert report_up_due(D(done)).date == D(due)


def test_a_report_on_the_due_day_is_on_time_and_one_a_day_later_is_late():
    due = D("2026-10-08")
    assert report_up_late(due=due, reported_on=D("2026-10-07")) is False
    assert report_up_late(due=due, reported_on=due) is False  # fails if `>` becomes `>=`
    assert report_up_late(due=due, reported_on=D("2026-10-09")) is True


@pytest.fixture
def started(case, person):  # noqa: F811
    dispatch(case, person, "L08")
    with clock.frozen("2026-11-03"):
        services.item_start(actor=person("yjj"), item=item(case, "L08"))
    return case


def test_local_completion_is_its_own_event_and_the_report_only_records_the_report(api_as, started):
    api = api_as("yjj")
    with clock.frozen("2026-11-06"):
        answer = api.post(f"cases/{started.pk}/items/L08/local-done", {})
    assert answer.status_code == 200, answer.content
    row = answer.json()
    assert (row["local_done_on"], row["report_due_on"], row["status"]) == ("2026-11-06", "2026-11-09", "in_progress")
    assert AuditEvent.objects.filter(event_type="item.local_done", new__report_due_on="2026-11-09").exists()
    with clock.frozen("2026-11-09"):
        early = api.post(f"cases/{started.pk}/items/L08/report-up", {"reported_on": "2026-11-05"})
        future = api.post(f"cases/{started.pk}/items/L08/report-up", {"reported_on": "2026-11-10"})
        on_time = api.post(f"cases/{started.pk}/items/L08/report-up", {})
    assert early.status_code == 422 and early.json()["fields"][0]["field"] == "reported_on"
    assert "本级办结日期（2026-11-06）" in early.json()["fields"][0]["message"]
    assert future.status_code == 422 and "不能晚于今天" in future.json()["detail"]
    assert on_time.status_code == 200 and on_time.json()["report_late"] is False


def test_a_report_without_local_completion_is_refused(started, person):
    with clock.frozen("2026-11-06"), pytest.raises(ValidationFailed, match="请先登记本级办结"):
        services.item_report_up(actor=person("yjj"), item=item(started, "L08"))
    assert item(started, "L08").status == "in_progress"


def test_local_completion_cannot_be_dated_before_the_start_or_in_the_future(started, person):
    with clock.frozen("2026-11-06"):
        with pytest.raises(ValidationFailed, match="不能早于该事项的受理（起算）日期（2026-11-03）"):
            services.item_local_done(actor=person("yjj"), item=item(started, "L08"), done_on=D("2026-11-02"))
        with pytest.raises(ValidationFailed, match="不能晚于今天"):
            services.item_local_done(actor=person("yjj"), item=item(started, "L08"), done_on=D("2026-11-07"))


def test_the_owed_report_is_warned_on_its_due_day_and_overdue_after_it_once_each(started, person):
    with clock.frozen("2026-11-06"):
        services.item_local_done(actor=person("yjj"), item=item(started, "L08"))
        assert item_row(item(started, "L08"))["report_state"] == "normal"
        assert watch_reports_up() == 0
    with clock.frozen("2026-11-09"):
        assert item_row(item(started, "L08"))["report_state"] == "warning"
        assert watch_reports_up() == 1 and watch_reports_up() == 0
    assert Notification.objects.filter(recipient__username="yjj", subject__startswith="上报预警").exists()
    with clock.frozen("2026-11-10"):
        assert item_row(item(started, "L08"))["report_state"] == "overdue"
        assert watch_reports_up() == 1 and watch_reports_up() == 0
    overdue = Notification.objects.filter(subject__startswith="上报逾期").values_list("recipient__username", flat=True)
    assert {"yjj", "ajadmin", "aojiang"} <= set(overdue)
    with clock.frozen("2026-11-10"):
        reported = services.item_report_up(actor=person("yjj"), item=item(started, "L08"))
    assert item_row(reported)["report_late"] is True and item_row(reported)["report_state"] is None
