"""Meeting resolutions followed up like items: warning, then overdue, each notified once; done by whom may."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.coordination import services
from daiban.coordination.duties import alert_deadlines
from daiban.coordination.models import DeadlineAlert, Issue, Resolution
from daiban.coordination.selectors import resolution_row
from daiban.coordination.tests.conftest import D
from daiban.lib import clock
from daiban.lib.errors import Forbidden
from daiban.notify.models import Notification


@pytest.fixture
def resolution(issue, person):
    """Decided at a meeting on Wednesday 2026-11-04: the 自然资源和规划局 re-surveys within 3 working days (11-09)."""
    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="两部门意见不一致", deadline_workdays=10)
        meeting = services.meeting_convene(
            actor=person("ajadmin"), issues=[Issue.objects.get(pk=issue.pk)], agenda="协调边界争议",
            held_at=dt.datetime(2026, 11, 4, 9, 30), place="鳌江镇行政服务中心", invitees=["zrjhead", "zjjhead"])
    with clock.frozen("2026-11-04 11:00"):
        services.meeting_record_save(actor=person("ajadmin"), meeting=meeting, present=["zrjhead", "zjjhead"],
                                     resolutions=[{"content": "组织现场复测，出具界址确认意见", "department": "zrj",
                                                   "due_workdays": 3}])
    return Resolution.objects.get(meeting=meeting)


def alerts_for(username, word):
    return Notification.objects.filter(recipient__username=username, channel="in_app", subject__startswith=word,
                                       subject__contains="议定事项")


def test_a_resolution_turns_warning_then_overdue_and_each_is_notified_once(resolution):
    assert resolution.due_on == D("2026-11-09")
    assert resolution_row(resolution, D("2026-11-04"))["warning"] == "normal"  # 3 working days left
    with clock.frozen("2026-11-05"):
        first = alert_deadlines()
        again = alert_deadlines()
    assert resolution_row(resolution, D("2026-11-05"))["warning_label"] == "预警"
    assert alerts_for("zrj", "预警").count() == 1 and alerts_for("zrjhead", "预警").count() == 1
    assert alerts_for("ajadmin", "预警").count() == 1 and not alerts_for("zrj", "逾期").exists()
    with clock.frozen("2026-11-10"):
        later = alert_deadlines()
        alert_deadlines()
    with clock.frozen("2026-11-11"):
        alert_deadlines()
    assert resolution_row(resolution, D("2026-11-10"))["warning"] == "overdue"
    assert alerts_for("zrj", "逾期").count() == 1 and alerts_for("ajadmin", "逾期").count() == 1
    assert alerts_for("zjj", "逾期").count() == 0  # not the responsible department
    assert list(DeadlineAlert.objects.filter(kind="resolution", object_id=resolution.pk).values_list(
        "state", flat=True).order_by("at")) == ["warning", "overdue"]
    assert AuditEvent.objects.filter(event_type="coordination.deadline_overdue",
                                     object_type="coordination.resolution").count() == 1
    assert first >= 1 and again == 0 and later >= 1


def test_a_done_resolution_is_not_chased_and_a_late_one_is_marked_late(resolution, person):
    with clock.frozen("2026-11-10"):
        services.resolution_done(actor=person("zrj"), resolution=resolution, note="已复测并出具确认意见")
        alert_deadlines()
    resolution.refresh_from_db()
    row = resolution_row(resolution, D("2026-11-12"))
    assert (row["status"], row["late"], row["warning_label"]) == ("done", True, "逾期完成")
    assert not alerts_for("zrj", "逾期").exists()
    assert Notification.objects.filter(recipient__username="ajadmin", subject__startswith="议定事项已落实").exists()


@pytest.mark.parametrize("username", ["zrj", "zrjhead", "ajadmin"])
def test_the_responsible_departments_liaison_or_head_or_the_convener_marks_it_done(resolution, person, username):
    with clock.frozen("2026-11-06"):
        done = services.resolution_done(actor=person(username), resolution=resolution)
    assert (done.status, done.done_by.username, done.done_late) == ("done", username, False)
    again = services.resolution_done(actor=person(username), resolution=resolution)  # idempotent
    assert again.done_on == D("2026-11-06")


@pytest.mark.parametrize("username", ["zjj", "zjjhead", "aojiang", "inspector", "leader"])
def test_others_cannot_mark_a_resolution_done(resolution, person, username):
    with pytest.raises(Forbidden, match="只有责任单位自然资源和规划局"):
        services.resolution_done(actor=person(username), resolution=resolution)
    assert Resolution.objects.get(pk=resolution.pk).status == "open"


def test_a_tier_waiting_too_long_is_warned_and_then_flagged_once(issue):
    with clock.frozen("2026-11-03"):
        alert_deadlines()
        alert_deadlines()
    with clock.frozen("2026-11-06"):
        alert_deadlines()
    tier = issue.tiers.get()
    assert list(DeadlineAlert.objects.filter(kind="tier", object_id=tier.pk).values_list("state", flat=True)
                .order_by("at")) == ["warning", "overdue"]
    subjects = Notification.objects.filter(recipient__username="zrj", channel="in_app",
                                           subject__contains="答复").values_list("subject", flat=True)
    assert sorted(subjects) == sorted([
        "预警：协调问题“地块东侧边界争议影响规划许可申报”（第1层级：代办员王建国）答复",
        "逾期：协调问题“地块东侧边界争议影响规划许可申报”（第1层级：代办员王建国）答复"])



def test_confirming_a_years_calendar_recomputes_provisional_coordination_deadlines(case, person):
    from daiban.audit.models import AuditEvent as Event
    from daiban.coordination.models import IssueTier
    from daiban.coordination.recompute import recompute_coordination_deadlines

    with clock.frozen("2026-12-30"):
        issue = services.issue_raise(actor=person("aojiang"), case=case, title="年底问题", departments=["zrj"],
                                     deadline_workdays=2)
    tier = IssueTier.objects.get(issue=issue)
    # As if computed on an older table while 2027's holidays were unpublished.
    IssueTier.objects.filter(pk=tier.pk).update(due_on=D("2027-02-01"), due_provisional=True)
    recompute_coordination_deadlines(2027)
    tier.refresh_from_db()
    assert tier.due_on == D("2027-01-04")
    assert Event.objects.filter(event_type="coordination.recomputed").exists()
