"""Items in motion: who may move them, pauses not counted, the upward report, warnings and escalation."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import request_payload
from daiban.assessment.item_states import case_warning as case_warning_sql
from daiban.cases.models import Case
from daiban.cases.services import case_agreement_set, case_team_set, request_accept
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.lib.errors import Conflict, Forbidden, ValidationFailed
from daiban.notify.models import Notification
from daiban.plans import services
from daiban.plans.deadlines import standing
from daiban.plans.duties import escalate_overdue
from daiban.plans.models import Escalation, ItemTransition
from daiban.plans.selectors import case_warning

D = dt.date.fromisoformat


@pytest.fixture
def case(person):
    with clock.frozen("2026-11-02"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05", "L08", "G02", "S01", "S02"])
        case_team_set(actor=person("aojiang"), case=case, agent="aojiang", liaisons=["fgj", "sthj", "yjj", "zrj", "zjj"])
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D("2026-11-02"))
    return case


def item(case, code):
    return case.items.select_related("catalog_item", "case").get(catalog_item__code=code)


def dispatch(case, person, code, on="2026-11-02"):
    with clock.frozen(on):
        return services.item_dispatch(actor=person("aojiang"), item=item(case, code))


def test_only_the_agent_dispatches_and_only_the_departments_liaison_acts(case, person):
    l05 = item(case, "L05")
    with pytest.raises(Forbidden):
        services.item_dispatch(actor=person("sthj"), item=l05)
    dispatch(case, person, "L05")
    assert item(case, "L05").liaison.username == "sthj"
    assert Notification.objects.filter(recipient__username="sthj", subject__contains="派单").exists()
    with pytest.raises(Forbidden):
        services.item_start(actor=person("aojiang"), item=item(case, "L05"))
    with pytest.raises(Forbidden):
        services.item_start(actor=person("fgj"), item=item(case, "L05"))
    services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))
    assert list(ItemTransition.objects.filter(item=l05).values_list("to_status", flat=True)) == [
        "dispatched", "in_progress"]


def test_a_change_outside_the_state_table_is_refused(case, person):
    with pytest.raises(Conflict, match="待派单"):
        services.item_finish(actor=person("fgj"), item=item(case, "L02"), approved=True, approval_no="x")


def test_the_legal_clock_starts_after_the_acceptance_day(case, person):
    dispatch(case, person, "L05")
    with clock.frozen("2026-11-02"):
        services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))
    assert item(case, "L05").due_on == D("2026-11-16")  # 10 working days after Monday 11-02


def test_a_suspension_is_not_counted_and_moves_the_due_date_on(case, person):
    dispatch(case, person, "L05")
    services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))
    with clock.frozen("2026-11-04"):
        services.item_pause(actor=person("sthj"), item=item(case, "L05"), kind="expert_review",
                            reason="环评报告表组织专家评审")
    with clock.frozen("2026-11-12"):  # 6 working days later: 11-05, 06, 09, 10, 11, 12
        during = standing(item(case, "L05"), clock.today())
        assert during.state == "normal" and during.elapsed == 2
        services.item_resume(actor=person("sthj"), item=item(case, "L05"))
    l05 = item(case, "L05")
    assert l05.paused_workdays == 6 and l05.due_on == D("2026-11-24")
    assert standing(l05, D("2026-11-16")).elapsed == 4  # 11-03, 11-04, 11-13, 11-16
    assert "第四十五条" in l05.pauses.get().rule


def test_a_correction_pauses_by_the_rule_shown_and_restarts_nothing(case, person):
    dispatch(case, person, "L05")
    services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))
    with clock.frozen("2026-11-03"):
        services.item_pause(actor=person("sthj"), item=item(case, "L05"), kind="correction", reason="缺少图纸")
    assert item(case, "L05").status == "awaiting_correction"
    with clock.frozen("2026-11-05"):
        services.item_resume(actor=person("aojiang"), item=item(case, "L05"))  # the agent brings the papers
    l05 = item(case, "L05")
    assert l05.started_on == D("2026-11-02") and l05.paused_workdays == 2
    assert "不重新起算" in l05.pauses.get().rule


def test_a_city_level_item_is_reported_up_within_one_working_day(case, person):
    dispatch(case, person, "L08")
    assert item(case, "L08").liaison.username == "yjj"  # the county bureau does the local steps
    services.item_start(actor=person("yjj"), item=item(case, "L08"), started_on=D("2026-11-02"))
    services.item_local_done(actor=person("yjj"), item=item(case, "L08"), done_on=D("2026-11-06"))
    services.item_report_up(actor=person("yjj"), item=item(case, "L08"), reported_on=D("2026-11-09"))
    reported = item(case, "L08")
    assert reported.report_due_on == D("2026-11-09") and reported.status == "reported_up"
    from daiban.plans.selectors import item_row

    assert item_row(reported)["report_late"] is False
    assert Notification.objects.filter(recipient__username="aojiang", subject__contains="已上报").exists()


def test_a_report_up_after_one_working_day_is_flagged_late(case, person):
    dispatch(case, person, "L08")
    services.item_start(actor=person("yjj"), item=item(case, "L08"), started_on=D("2026-11-02"))
    services.item_local_done(actor=person("yjj"), item=item(case, "L08"), done_on=D("2026-11-06"))
    services.item_report_up(actor=person("yjj"), item=item(case, "L08"), reported_on=D("2026-11-10"))
    from daiban.plans.selectors import item_row

    assert item_row(item(case, "L08"))["report_late"] is True


def test_a_county_item_cannot_be_reported_up(case, person):
    dispatch(case, person, "L05")
    services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))
    with pytest.raises(ValidationFailed):
        services.item_local_done(actor=person("sthj"), item=item(case, "L05"), done_on=D("2026-11-03"))
    with pytest.raises(ValidationFailed):
        services.item_report_up(actor=person("sthj"), item=item(case, "L05"))


@pytest.mark.parametrize("today, state", [("2026-11-11", "normal"), ("2026-11-12", "warning"),
                                          ("2026-11-16", "warning"), ("2026-11-17", "overdue")])
def test_warning_at_two_working_days_left_and_overdue_after_the_due_day(case, person, today, state):
    dispatch(case, person, "L05")
    services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))
    assert standing(item(case, "L05"), D(today)).state == state  # due 11-16


def test_an_overdue_item_escalates_to_the_unit_once_and_at_twice_its_limit_to_the_center(case, person):
    dispatch(case, person, "L05")
    services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))

    def levels_after(day: str) -> list[int]:
        escalate_overdue(today=D(day))
        return list(Escalation.objects.filter(item=item(case, "L05")).values_list("level", flat=True).order_by("level"))

    assert levels_after("2026-11-16") == []  # due today
    assert levels_after("2026-11-17") == [1]
    assert levels_after("2026-11-18") == [1]  # once
    assert {n.recipient.username for n in Notification.objects.filter(event="item.overdue", channel="in_app",
                                                                     case_id=case.pk, subject__contains="环境影响")} == {
        "ajadmin", "sthj", "aojiang"}
    assert levels_after("2026-11-27") == [1]  # 19 working days used: not yet twice the limit
    assert levels_after("2026-11-30") == [1, 2]  # 20 working days = 2 × 10
    assert levels_after("2026-12-01") == [1, 2]
    assert Notification.objects.filter(recipient__username="center", subject__contains="逾期升级").exists()
    assert item(case, "L05").escalation_level == 2


def test_an_item_not_dispatched_by_its_planned_due_date_is_overdue_too(case):
    assert standing(item(case, "L02"), D("2026-11-04")).state == "overdue"  # planned 11-02 → 11-03


def test_urging_and_supervision_are_recorded_with_who_and_to_whom(case, person):
    dispatch(case, person, "L05")
    urge = services.item_urge(actor=person("aojiang"), item=item(case, "L05"), kind="urge", note="请加快审查")
    assert (urge.by.username, urge.to.username) == ("aojiang", "sthj")
    with pytest.raises(Forbidden):
        services.item_urge(actor=person("aojiang"), item=item(case, "L05"), kind="supervise", note="督办")
    order = services.item_urge(actor=person("ajadmin"), item=item(case, "L05"), kind="supervise", note="限期办结")
    assert order.get_kind_display() == "督办"


def test_finishing_an_item_pushes_what_it_unblocks(case, person):
    dispatch(case, person, "L02")
    services.item_start(actor=person("fgj"), item=item(case, "L02"))
    services.item_finish(actor=person("fgj"), item=item(case, "L02"), approved=True, approval_no="2611-330326-04-01-000123")
    pushed = Notification.objects.filter(subject__contains="已办结，下一步", recipient__username="aojiang").first()
    assert pushed is not None and "环境影响评价" in pushed.body


def test_more_than_one_visit_is_flagged(api_as, case):
    api = api_as("aojiang")
    assert api.post(f"cases/{case.pk}/visits", {"day": "2026-11-02", "reason": "签订土地出让合同"}).json()["flagged"] is False
    assert api.post(f"cases/{case.pk}/visits", {"day": "2026-11-03", "reason": "补签材料"}).json()["flagged"] is True
    assert api.post(f"cases/{case.pk}/worklog", {"day": "2026-11-03", "content": "陪同业主到自然资源局"}).status_code == 201


def test_right_after_the_plan_is_generated_nothing_is_in_warning_before_dispatch(case, person):
    today = D("2026-11-02")  # L02 is planned due 11-03: one working day left, yet nothing is dispatched
    assert standing(item(case, "L02"), today).state == "normal"
    assert case_warning(case, today) == "normal"
    assert Case.objects.annotate(w=case_warning_sql(today)).get(pk=case.pk).w == "normal"
    dispatch(case, person, "L02")
    # Dispatched, it is watched: a one-day item is not warned on its first day (the window is its limit less one,
    # workdays.warning.warning_window) but is on its due day, in Python and in SQL alike.
    assert standing(item(case, "L02"), today).state == "normal"
    due_day = D("2026-11-03")
    assert standing(item(case, "L02"), due_day).state == "warning"
    assert Case.objects.annotate(w=case_warning_sql(due_day)).get(pk=case.pk).w == "warning"
