"""Tiered coordination: each tier's deadline in working days, escalation, answers and the agent's confirmation."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.coordination import services
from daiban.coordination.deadlines import deadline_from
from daiban.coordination.models import Issue, IssueTier, LinkedRequest
from daiban.coordination.selectors import blocking_issues, issue_row, tier_standing
from daiban.coordination.tests.conftest import D, item
from daiban.lib import clock
from daiban.lib.errors import Conflict, Forbidden, ValidationFailed
from daiban.notify.models import Notification
from daiban.plans.duties import _open_issue_titles


@pytest.mark.parametrize("start, workdays, due", [
    ("2026-11-02", 3, "2026-11-05"),  # Monday + 3 working days, the start day not counted
    ("2026-11-06", 1, "2026-11-09"),  # Friday + 1 skips the weekend
    ("2026-09-30", 3, "2026-10-10"),  # over National Day: 10-08, 10-09 and the adjusted working Saturday 10-10
    ("2026-10-01", 1, "2026-10-08"),  # raised on a holiday
])
def test_a_deadline_counts_working_days_after_the_day_it_is_set(db, start, workdays, due):
    assert deadline_from(start=D(start), workdays=workdays).due_on == D(due)


@pytest.mark.parametrize("workdays, respond_by, field, message", [
    (None, None, "deadline_workdays", "请填写答复时限"),
    (0, None, "deadline_workdays", "正整数"),
    (-2, None, "deadline_workdays", "正整数"),
    ("三天", None, "deadline_workdays", "正整数"),
    (121, None, "deadline_workdays", "不超过120"),
    (None, "2026-11-01", "respond_by", "已过去"),
    (None, "2026-11-02", "respond_by", "应晚于"),
])
def test_a_deadline_that_is_missing_past_or_not_positive_is_refused(db, workdays, respond_by, field, message):
    with pytest.raises(ValidationFailed) as refusal:
        deadline_from(start=D("2026-11-02"), workdays=workdays, respond_by=D(respond_by) if respond_by else None)
    assert message in refusal.value.errors[field]


def test_every_tier_has_its_deadline_and_each_escalation_records_who_when_and_why(issue, person):
    assert (issue.tier, issue.status) == (1, "open")
    first = issue.tiers.get()
    assert (first.handler, first.due_on, first.deadline_workdays) == ("代办员王建国", D("2026-11-05"), 3)

    with clock.frozen("2026-11-04"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="两部门意见不一致，需属地代办机构组织协调",
                                deadline_workdays=5)
    with clock.frozen("2026-11-06"):
        services.issue_escalate(actor=person("ajadmin"), issue=Issue.objects.get(pk=issue.pk),
                                reason="界址争议涉及县级部门", deadline_workdays=5)
    with clock.frozen("2026-11-09"):
        services.issue_escalate(actor=person("zxagent"), issue=Issue.objects.get(pk=issue.pk),
                                reason="需县审管办统筹", deadline_workdays=10)
    with clock.frozen("2026-11-10"):
        services.issue_escalate(actor=person("center"), issue=Issue.objects.get(pk=issue.pk),
                                reason="涉及市级审批权限", deadline_workdays=5)

    tiers = list(IssueTier.objects.filter(issue=issue).select_related("opened_by", "body", "department"))
    assert [(t.number, t.step, t.handler, t.opened_by.username, t.opened_on, t.due_on) for t in tiers] == [
        (1, 1, "代办员王建国", "aojiang", D("2026-11-02"), D("2026-11-05")),
        (2, 2, "鳌江镇投资项目代办服务站", "aojiang", D("2026-11-04"), D("2026-11-11")),
        (3, 3, "平阳县投资项目代办服务中心", "ajadmin", D("2026-11-06"), D("2026-11-13")),
        (4, 4, "平阳县行政审批服务管理办公室（审管办）", "zxagent", D("2026-11-09"), D("2026-11-23")),
        (5, 3, "温州市投资项目代办服务中心", "center", D("2026-11-10"), D("2026-11-17")),
    ]
    assert [t.reason for t in tiers[1:]] == ["两部门意见不一致，需属地代办机构组织协调", "界址争议涉及县级部门", "需县审管办统筹",
                                             "涉及市级审批权限"]
    assert all(t.closed_at is not None for t in tiers[:4]) and tiers[4].closed_at is None
    assert tiers[3].department.code == "spj"
    linked = list(LinkedRequest.objects.filter(issue=issue).order_by("pk"))  # agency bodies through linked requests
    assert [(r.to_body.name, r.due_on) for r in linked] == [
        ("平阳县投资项目代办服务中心", D("2026-11-13")), ("温州市投资项目代办服务中心", D("2026-11-17"))]
    events = AuditEvent.objects.filter(event_type="coordination.issue_escalated", object_id=str(issue.pk))
    assert [e.new["tier"] for e in events.order_by("seq")] == [2, 3, 4, 5]
    assert Notification.objects.filter(recipient__username="ajadmin", subject__contains="升级至您处").exists()
    assert Notification.objects.filter(recipient__username="wzdb", subject__contains="联动代办请求").exists()


def test_a_township_issue_goes_to_the_county_center_next_not_the_city(issue, person):
    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="部门意见不一致", deadline_workdays=3)
        services.issue_escalate(actor=person("ajadmin"), issue=Issue.objects.get(pk=issue.pk),
                                reason="需上级代办机构协调", deadline_workdays=3)
    third = IssueTier.objects.get(issue=issue, number=3)
    assert (third.body.name, third.step) == ("平阳县投资项目代办服务中心", 3)
    assert LinkedRequest.objects.get(issue=issue).to_body.name == "平阳县投资项目代办服务中心"


def test_the_center_administrator_cannot_reach_the_province_in_two_calls_without_reasons(issue, person):
    center = person("center")
    with clock.frozen("2026-11-03"), pytest.raises(ValidationFailed) as refusal:
        services.issue_escalate(actor=center, issue=issue, reason="直接报省", to_body="province", deadline_workdays=3)
    assert "须说明越级理由" in refusal.value.errors["skip_reason"]
    with clock.frozen("2026-11-03"), pytest.raises(ValidationFailed):
        services.issue_escalate(actor=center, issue=issue, reason="报省政府", to_tier=8, to_government=True,
                                deadline_workdays=3)
    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=center, issue=issue, reason="一", deadline_workdays=3)
        services.issue_escalate(actor=center, issue=Issue.objects.get(pk=issue.pk), reason="二", deadline_workdays=3)
    issue.refresh_from_db()
    assert issue.tier == 3 and IssueTier.objects.get(issue=issue, number=3).body.kind == "center"


def test_the_top_of_the_ladder_is_the_provinces_government_and_nothing_goes_above_it(issue, person):
    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="省级审批", to_tier=8, to_government=True,
                                skip_reason="事项审批权在省政府", deadline_workdays=10)
    top = IssueTier.objects.get(issue=issue, number=8)
    assert (top.handler, top.step, top.skip_reason) == ("浙江省人民政府", 4, "事项审批权在省政府")
    with pytest.raises(Conflict, match="最高层级"):
        services.issue_escalate(actor=person("aojiang"), issue=Issue.objects.get(pk=issue.pk), reason="再升",
                                deadline_workdays=3)


def test_an_issue_on_a_case_the_county_center_serves_starts_at_the_county(case, person):
    case.unit = case.unit.parent  # a county-level case: the center serves it itself
    case.save(update_fields=["unit"])
    with clock.frozen("2026-11-02"):
        issue = services.issue_raise(actor=person("zxagent"), case=case, title="县级问题", departments=["zrj"],
                                     deadline_workdays=3)
        services.issue_escalate(actor=person("zxagent"), issue=issue, reason="县中心组织", deadline_workdays=3)
        services.issue_escalate(actor=person("center"), issue=Issue.objects.get(pk=issue.pk), reason="需市级",
                                deadline_workdays=3)
    assert [t.handler for t in IssueTier.objects.filter(issue=issue)] == [
        "代办员周敏", "平阳县投资项目代办服务中心", "温州市投资项目代办服务中心"]


def test_another_countys_chain_is_configured_not_programmed(issue, person):
    from daiban.org.models import AgencyBody, Department

    center = AgencyBody.objects.get(kind="center")
    center.government, center.authority = "某县人民政府", Department.objects.get(code="fgj")
    center.save(update_fields=["government", "authority"])
    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="县级统筹", to_tier=4,
                                skip_reason="镇、县中心均无法协调", deadline_workdays=3)
    assert IssueTier.objects.get(issue=issue, number=4).handler == "平阳县发展和改革局"
    with clock.frozen("2026-11-04"):
        services.issue_escalate(actor=person("aojiang"), issue=Issue.objects.get(pk=issue.pk), reason="找市中心",
                                deadline_workdays=3)
    assert IssueTier.objects.get(issue=issue, number=5).body.kind == "city"


def test_a_tier_waiting_for_its_answer_goes_from_normal_to_warning_to_overdue(issue):
    tier = issue.tiers.get()
    standing = [(day, tier_standing(tier, issue, D(day))) for day in
                ("2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06", "2026-11-09")]
    assert [(day, s.state, s.left) for day, s in standing] == [
        ("2026-11-02", "normal", 3), ("2026-11-03", "warning", 2), ("2026-11-05", "warning", 0),
        ("2026-11-06", "overdue", -1), ("2026-11-09", "overdue", -2)]
    assert issue_row(issue, D("2026-11-06"))["warning_label"] == "逾期"


def test_an_answer_stops_the_tiers_clock_and_a_late_one_is_marked_late(issue, person):
    with clock.frozen("2026-11-06"):
        services.issue_respond(actor=person("zrj"), issue=issue, text="已约相邻权属人现场踏勘")
    tier = IssueTier.objects.get(issue=issue)
    issue.refresh_from_db()
    where = tier_standing(tier, issue, D("2026-11-20"))
    assert issue.status == "responded" and tier.responded_on == D("2026-11-06")
    assert where.state is None and where.late and where.label == "逾期完成"
    assert Notification.objects.filter(recipient__username="aojiang", subject__contains="协调答复").exists()


def test_only_the_liaison_of_an_involved_department_or_the_cases_staff_answer_at_tier_one(issue, person):
    with pytest.raises(Forbidden, match="不能以该层级身份答复"):
        services.issue_respond(actor=person("fgj"), issue=issue, text="发改局意见")
    with pytest.raises(Forbidden):
        services.issue_respond(actor=person("kunyang"), issue=issue, text="昆阳镇意见")
    services.issue_respond(actor=person("zjj"), issue=issue, text="住建局同意先行办理施工图审查")
    assert issue.responses.get().by.username == "zjj"


def test_skipping_a_tier_needs_a_reason_and_without_one_changes_nothing(issue, person):
    before = (IssueTier.objects.count(), LinkedRequest.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as refusal:
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="需上级协调", to_tier=3,
                                deadline_workdays=5)
    assert refusal.value.errors == {
        "skip_reason": "从第1层级越级到第3层级（越过第2层级鳌江镇投资项目代办服务站），须说明越级理由"}
    assert (IssueTier.objects.count(), LinkedRequest.objects.count(), AuditEvent.objects.count()) == before
    issue.refresh_from_db()
    assert issue.tier == 1

    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="审批权限在县级", to_tier=3,
                                skip_reason="镇代办服务站无权协调县生态环境分局", deadline_workdays=5)
    issue.refresh_from_db()
    assert issue.tier == 3
    assert issue.tiers.get(number=3).skip_reason == "镇代办服务站无权协调县生态环境分局"
    assert not issue.tiers.filter(number=2).exists()


@pytest.mark.parametrize("to_tier, message", [(1, "只能升级到更高的层级"), (9, "目标层级应为")])
def test_an_escalation_to_the_same_a_lower_or_an_unknown_tier_is_refused(issue, person, to_tier, message):
    with pytest.raises(ValidationFailed, match=message):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="x", to_tier=to_tier,
                                deadline_workdays=2)


def test_bad_input_gets_a_clear_message_per_field_and_nothing_is_written(case, person):
    before = (Issue.objects.count(), AuditEvent.objects.count(), Notification.objects.count())
    with clock.frozen("2026-11-02"), pytest.raises(ValidationFailed) as refusal:
        services.issue_raise(actor=person("aojiang"), case=case, title="  ", departments=["zrj", "gtj"],
                             item_code="Z99", deadline_workdays=0)
    assert refusal.value.errors == {
        "title": "请填写受阻的问题", "departments": "没有代号或名称为“gtj”的部门",
        "item_code": "本案没有委托事项“Z99”", "deadline_workdays": "答复时限应为正整数个工作日"}
    with clock.frozen("2026-11-02"), pytest.raises(ValidationFailed, match="不能是已过去的日期"):
        services.issue_raise(actor=person("aojiang"), case=case, title="用地问题", departments=["zrj"],
                             respond_by=D("2026-10-30"))
    with clock.frozen("2026-11-02"), pytest.raises(ValidationFailed, match="请选择涉及的部门"):
        services.issue_raise(actor=person("aojiang"), case=case, title="用地问题", departments=[],
                             deadline_workdays=2)
    assert (Issue.objects.count(), AuditEvent.objects.count(), Notification.objects.count()) == before


def test_readers_and_other_units_cannot_raise_issues(case, person):
    for username in ("inspector", "leader", "kunyang", "zrj"):
        with pytest.raises(Forbidden):
            services.issue_raise(actor=person(username), case=case, title="x", departments=["zrj"],
                                 deadline_workdays=2)


def test_the_issue_closes_only_when_the_agent_confirms_the_resolution(issue, person):
    with clock.frozen("2026-11-03"):
        services.issue_resolve(actor=person("zrj"), issue=issue, resolution="11月10日前完成界址复测，出具确认意见")
    issue.refresh_from_db()
    assert issue.status == "resolved" and issue.resolution_source.startswith("第1层级")
    assert Notification.objects.filter(recipient__username="aojiang", subject__contains="请确认协调结果").exists()
    with pytest.raises(Forbidden, match="只有本案代办员"):
        services.issue_confirm(actor=person("ajadmin"), issue=issue)
    with pytest.raises(Forbidden):
        services.issue_confirm(actor=person("zrj"), issue=issue)
    services.issue_confirm(actor=person("aojiang"), issue=issue)
    issue.refresh_from_db()
    assert issue.status == "closed" and issue.confirmed_by.username == "aojiang"
    assert list(issue.transitions.values_list("to_status", flat=True)) == ["open", "resolved", "closed"]
    with pytest.raises(Conflict):
        services.issue_respond(actor=person("zrj"), issue=issue, text="补充")


def test_the_agent_may_reject_a_resolution_which_reopens_the_issue(issue, person):
    services.issue_resolve(actor=person("zrj"), issue=issue, resolution="请企业自行协商")
    with pytest.raises(ValidationFailed, match="请说明退回理由"):
        services.issue_confirm(actor=person("aojiang"), issue=issue, accepted=False)
    services.issue_confirm(actor=person("aojiang"), issue=issue, accepted=False, note="企业无法自行协商，需部门出面")
    issue.refresh_from_db()
    assert issue.status == "open" and issue.resolution == ""
    assert issue.responses.last().kind == "rejection"


def test_an_issue_blocking_an_item_shows_on_that_item_until_it_is_settled(issue, case, person):
    g02 = item(case, "G02")
    assert blocking_issues(case) == {g02.pk: ["地块东侧边界争议影响规划许可申报"]}
    assert _open_issue_titles(case) == ["地块东侧边界争议影响规划许可申报"]  # the half-monthly report sees it
    services.issue_resolve(actor=person("aojiang"), issue=issue, resolution="已协调解决")
    services.issue_confirm(actor=person("aojiang"), issue=issue)
    assert blocking_issues(case) == {} and _open_issue_titles(case) == []


def test_a_difficult_case_goes_to_the_county_leader_whose_decision_the_agent_confirms(issue, person):
    with clock.frozen("2026-11-03"):
        consultation = services.issue_consult(actor=person("ajadmin"), issue=issue,
                                              question="边界争议需县政府协调相邻地块权属人")
    assert consultation.leader.username == "leader"
    assert Notification.objects.filter(recipient__username="leader", subject__contains="疑难会商").exists()
    for username in ("ajleader", "inspector", "aojiang"):
        with pytest.raises(Forbidden, match="只有会商领导"):
            services.consultation_decide(actor=person(username), issue=issue, decision="x")
    with clock.frozen("2026-11-04"):
        services.consultation_decide(actor=person("leader"), issue=issue,
                                     decision="由县自然资源和规划局牵头，三日内完成界址确认")
    issue.refresh_from_db()
    consultation.refresh_from_db()
    assert (consultation.decided_by.username, issue.status) == ("leader", "resolved")
    assert issue.resolution == "由县自然资源和规划局牵头，三日内完成界址确认"
    assert issue.resolution_source == "疑难会商决定：刘志远（副县长）"
    assert issue.resolved_by.username == "leader"
    services.issue_confirm(actor=person("aojiang"), issue=issue)
    assert Issue.objects.get(pk=issue.pk).status == "closed"


def test_a_consultation_leader_must_lead_the_same_level_government(issue, person):
    with pytest.raises(ValidationFailed, match="不是同级政府领导"):
        services.issue_consult(actor=person("ajadmin"), issue=issue, question="x", leader="zrjhead")
    with pytest.raises(ValidationFailed, match="不是同级政府领导"):
        services.issue_consult(actor=person("ajadmin"), issue=issue, question="x", leader="xjleader")
    consultation = services.issue_consult(actor=person("ajadmin"), issue=issue, question="x", leader="ajleader")
    assert consultation.leader.username == "ajleader"  # the township's own government for a 鳌江镇 project
