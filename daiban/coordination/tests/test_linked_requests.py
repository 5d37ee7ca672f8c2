"""联动代办: the unit asks the city's agency body; it accepts, acts and answers; lateness is flagged."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.coordination import services
from daiban.coordination.demo import TITLE
from daiban.coordination.models import Issue, LinkedRequest
from daiban.coordination.selectors import (
    coordination_cases_for,
    issues_for,
    linked_detail,
    linked_requests_for,
    linked_row,
)
from daiban.coordination.tests.conftest import D, make_case
from daiban.lib import clock
from daiban.lib.errors import Conflict, Forbidden, ValidationFailed
from daiban.notify.models import Notification


@pytest.fixture
def linked(case, person):
    """The city-level environmental assessment (L05C) sent up on Monday 2026-11-02, 5 working days to answer."""
    with clock.frozen("2026-11-02"):
        return services.linked_request_send(actor=person("ajadmin"), case=case, item_code="L05C",
                                            subject="环评报告书由市生态环境局审批，请市代办中心协调提前介入技术审查",
                                            deadline_workdays=5)


def test_a_city_level_item_goes_to_the_city_body_which_accepts_and_answers_in_time(linked, person):
    assert (linked.to_body.name, linked.from_body.name, linked.status, linked.due_on) == (
        "温州市投资项目代办服务中心", "鳌江镇投资项目代办服务站", "sent", D("2026-11-09"))
    assert Notification.objects.filter(recipient__username="wzdb", subject__contains="联动代办请求").exists()
    with clock.frozen("2026-11-03"):
        services.linked_request_accept(actor=person("wzdb"), linked=linked, note="已转市生态环境局审批处")
    with clock.frozen("2026-11-09"):
        services.linked_request_feedback(actor=person("wzdb"), linked=linked, feedback="技术审查已于11月9日完成")
    linked.refresh_from_db()
    assert (linked.status, linked.answered_on, linked.late) == ("answered", D("2026-11-09"), False)
    assert linked_row(linked, D("2026-11-20"))["warning_label"] == "按期完成"
    assert Notification.objects.filter(recipient__username="ajadmin", subject__startswith="联动代办反馈：").exists()


def test_an_answer_after_the_due_date_is_flagged_late(linked, person):
    with clock.frozen("2026-11-06"):
        assert linked_row(linked, clock.today())["warning"] == "warning"
        services.linked_request_accept(actor=person("wzdb"), linked=linked)
    with clock.frozen("2026-11-10"):
        assert linked_row(LinkedRequest.objects.get(pk=linked.pk), clock.today())["warning"] == "overdue"
        services.linked_request_feedback(actor=person("wzdb"), linked=linked, feedback="已完成技术审查")
    linked.refresh_from_db()
    assert linked.late and linked.answered_on == D("2026-11-10")
    row = linked_row(linked, D("2026-11-10"))
    assert row["late"] and row["warning_label"] == "逾期完成"
    event = AuditEvent.objects.get(event_type="coordination.linked_answered", object_id=str(linked.pk))
    assert event.new["late"] is True
    assert Notification.objects.filter(recipient__username="aojiang", channel="in_app",
                                       subject__contains="逾期反馈").count() == 0  # aojiang did not send it
    assert Notification.objects.filter(recipient__username="ajadmin", channel="in_app",
                                       subject__contains="逾期反馈").count() == 1


def test_only_the_addressed_body_accepts_and_answers_and_in_that_order(linked, person):
    for username in ("zjdb", "ajadmin", "aojiang", "center"):
        with pytest.raises(Forbidden, match="只有该机构的工作人员"):
            services.linked_request_accept(actor=person(username), linked=linked)
    with pytest.raises(Conflict, match="请先接收"):
        services.linked_request_feedback(actor=person("wzdb"), linked=linked, feedback="x")
    with pytest.raises(ValidationFailed, match="请填写反馈意见"):
        services.linked_request_feedback(actor=person("wzdb"), linked=linked, feedback=" ")


def test_each_step_is_audited_and_visible_to_the_requesting_unit(linked, person):
    with clock.frozen("2026-11-03"):
        services.linked_request_accept(actor=person("wzdb"), linked=linked)
        services.linked_request_feedback(actor=person("wzdb"), linked=linked, feedback="已办结")
    seen = linked_requests_for(person("aojiang")).get(pk=linked.pk)
    steps = linked_detail(seen)["steps"]
    assert [(s["status_label"], s["by"]["username"]) for s in steps] == [
        ("待上级接收", "ajadmin"), ("上级办理中", "wzdb"), ("已反馈", "wzdb")]
    events = AuditEvent.objects.filter(object_type="coordination.linkedrequest", object_id=str(linked.pk))
    assert list(events.order_by("seq").values_list("event_type", flat=True)) == [
        "coordination.linked_sent", "coordination.linked_accepted", "coordination.linked_answered"]


def test_a_county_level_item_or_a_missing_one_needs_no_linked_request(case, person):
    before = LinkedRequest.objects.count()
    with pytest.raises(ValidationFailed) as refusal:
        services.linked_request_send(actor=person("ajadmin"), case=case, item_code="L06", subject="x",
                                     deadline_workdays=3)
    assert refusal.value.errors == {"item_code": "“节能审查”在本级审批，无需联动上级代办机构"}
    with pytest.raises(ValidationFailed) as refusal:
        services.linked_request_send(actor=person("ajadmin"), case=case, item_code="L05C", subject="",
                                     deadline_workdays=-1)
    assert set(refusal.value.errors) == {"subject", "deadline_workdays"}
    assert LinkedRequest.objects.count() == before


def test_the_higher_body_cannot_send_a_linked_request_itself(case, person):
    with pytest.raises(Forbidden):
        services.linked_request_send(actor=person("wzdb"), case=case, item_code="L05C", subject="x",
                                     deadline_workdays=3)


def test_the_city_body_reads_the_case_of_a_request_addressed_to_it_and_nothing_more(linked, case, person):
    other = make_case(person, location="昆阳镇", agent="kunyang", project="昆阳镇新材料项目")
    wzdb, zjdb = person("wzdb"), person("zjdb")
    demo_ladder = Issue.objects.get(title=TITLE)  # the demo's issue reached the city center too
    assert set(coordination_cases_for(wzdb).values_list("pk", flat=True)) == {case.pk, demo_ladder.case_id}
    assert list(linked_requests_for(wzdb).exclude(issue=demo_ladder)) == [linked]
    assert not coordination_cases_for(zjdb).exists() and not linked_requests_for(zjdb).exists()
    assert not linked_requests_for(person("kunyang")).exists()
    assert other.pk not in set(coordination_cases_for(wzdb).values_list("pk", flat=True))
    detail = linked_detail(linked)
    assert detail["case"]["project"] == "年产20万台精密减速机项目"
    assert "L05C" in [i["code"] for i in detail["case"]["items"]]


def test_feedback_on_a_tier_three_issue_answers_that_tier_and_may_be_its_resolution(issue, person):
    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="需镇代办服务站协调", deadline_workdays=3)
        services.issue_escalate(actor=person("ajadmin"), issue=Issue.objects.get(pk=issue.pk), to_body="city",
                                reason="市级部门审批", skip_reason="审批权在市生态环境局", deadline_workdays=5)
    linked = LinkedRequest.objects.get(issue=issue)
    assert issues_for(person("wzdb")).filter(pk=issue.pk).exists()
    with clock.frozen("2026-11-04"):
        services.linked_request_accept(actor=person("wzdb"), linked=linked)
        services.linked_request_feedback(actor=person("wzdb"), linked=linked, resolves_issue=True,
                                         feedback="市审管办已协调市生态环境局，11月12日前出具意见")
    issue.refresh_from_db()
    tier3 = issue.tiers.get(number=5)
    assert tier3.responded_on == D("2026-11-04")
    assert issue.status == "resolved" and issue.resolution_source == "联动代办反馈：温州市投资项目代办服务中心"
    services.issue_confirm(actor=person("aojiang"), issue=issue)
    assert Issue.objects.get(pk=issue.pk).status == "closed"


def test_sending_a_linked_request_for_an_issue_escalates_it_to_tier_three(issue, case, person):
    with pytest.raises(ValidationFailed, match="越级理由"):
        services.linked_request_send(actor=person("ajadmin"), case=case, issue=issue, subject="请县代办中心协调",
                                     deadline_workdays=5)
    linked = services.linked_request_send(actor=person("ajadmin"), case=case, issue=issue, subject="请县代办中心协调",
                                          deadline_workdays=5, skip_reason="县级审批事项，镇级无法协调")
    issue.refresh_from_db()
    assert issue.tier == 3 and linked.issue_id == issue.pk
    assert linked.to_body.name == "平阳县投资项目代办服务中心"
