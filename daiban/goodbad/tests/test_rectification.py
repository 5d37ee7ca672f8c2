"""A 差评 carried through its loop — verify → rectify → answer — on time and late in working days (frozen
clock), an appeal upheld and rejected, warnings and escalation, and who sees which record."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.closure import evaluations
from daiban.goodbad.duties import alert_bad_reviews
from daiban.goodbad.models import BadReview, ReviewAlert
from daiban.lib import clock
from daiban.notify.models import Notification
from daiban.provincial.models import ProvincialMessage

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def bad_case(build, api_as, *, on: str, grade: str = "dissatisfied"):
    """A case completed in October, graded by its owner on `on` (2026-11 has no holidays)."""
    case = build.completed(on="2026-10-30", start="2026-10-12")
    owner = api_as(build.owner(case).username)
    with clock.frozen(on):
        answer = owner.post(f"cases/{case.pk}/evaluation", {"grade": grade, "comments": "材料往返三次，效率低",
                                                            "fee_asked": False})
    assert answer.status_code == 201, answer.content
    return case, BadReview.objects.get(case=case)


def test_a_bad_review_is_verified_rectified_and_answered_on_time(build, api_as):
    case, review = bad_case(build, api_as, on="2026-11-02")  # a Monday
    assert (review.unit_kind, review.status, review.opened_on) == ("agency", "verifying", D("2026-11-02"))
    assert review.due_on == D("2026-11-04")  # 2 working days
    agent = api_as("aojiang")
    listed = agent.get("bad-reviews").json()
    assert listed["total"] == 1 and listed["items"][0]["tracking_number"] == case.request.tracking_no
    assert listed["items"][0]["status"] == "verifying" and listed["items"][0]["due_on"] == "2026-11-04"
    with clock.frozen("2026-11-04"):
        verified = agent.post(f"bad-reviews/{review.pk}/verify", {"finding": "founded", "note": "回访属实：一次告知不到位"})
    assert verified.status_code == 200, verified.content
    assert verified.json()["status"] == "rectifying" and verified.json()["due_on"] == "2026-11-11"  # 5 working days
    with clock.frozen("2026-11-10"):
        rectified = agent.post(f"bad-reviews/{review.pk}/rectify", {"note": "制定一次性告知清单，专人复核材料"})
    assert rectified.json()["status"] == "answering" and rectified.json()["due_on"] == "2026-11-12"
    with clock.frozen("2026-11-12"):
        answered = agent.post(f"bad-reviews/{review.pk}/answer", {"note": "电话答复业主整改情况",
                                                                  "rater_reply": "satisfied"})
    row = answered.json()
    assert (row["status"], row["outcome"], row["late"], row["rater_reply"]) == ("closed", "rectified", False,
                                                                               "satisfied")
    assert row["warning_label"] == "按期完成"
    events = set(AuditEvent.objects.filter(event_type__startswith="goodbad.", object_id=str(review.pk))
                 .values_list("event_type", flat=True))
    assert events == {"goodbad.opened", "goodbad.verified", "goodbad.rectified", "goodbad.answered"}
    assert list(BadReview.objects.get(pk=review.pk).steps.values_list("to_status", flat=True)) == [
        "verifying", "rectifying", "answering", "closed"]
    report = ProvincialMessage.objects.get(event="rectification", case=case).payload["good_bad"]
    assert report["grade"] == "dissatisfied" and report["channel"] == "online"
    assert report["rectification"]["outcome"] == "rectified" and report["rectification"]["on_time"] is True


def test_a_late_verification_is_warned_escalated_and_recorded_as_late(build, api_as, person):
    case, review = bad_case(build, api_as, on="2026-11-06")  # a Friday
    assert review.due_on == D("2026-11-10")  # Monday and Tuesday
    assert alert_bad_reviews(today=D("2026-11-06")) == 0
    assert alert_bad_reviews(today=D("2026-11-09")) == 1  # one working day left: 预警
    assert alert_bad_reviews(today=D("2026-11-09")) == 0  # once only
    assert alert_bad_reviews(today=D("2026-11-11")) == 1  # 逾期
    assert set(ReviewAlert.objects.filter(review=review).values_list("state", flat=True)) == {"warning", "overdue"}
    escalated = Notification.objects.filter(subject__startswith="逾期：差评核实").values_list("recipient__username",
                                                                                          flat=True)
    assert "center" in set(escalated) and "aojiang" in set(escalated)
    agent = api_as("aojiang")
    with clock.frozen("2026-11-11"):
        future = agent.post(f"bad-reviews/{review.pk}/verify", {"finding": "founded", "note": "属实",
                                                                "verified_on": "2026-11-12"})
        assert future.status_code == 422 and future.json()["fields"][0]["field"] == "verified_on"
        before = agent.post(f"bad-reviews/{review.pk}/verify", {"finding": "founded", "note": "属实",
                                                                "verified_on": "2026-11-05"})
        assert before.status_code == 422
        late = agent.post(f"bad-reviews/{review.pk}/verify", {"finding": "explained", "note": "业主误解了办理时限"})
    assert late.json()["late"] is True and late.json()["due_on"] == "2026-11-13"
    with clock.frozen("2026-11-13"):
        wrong = agent.post(f"bad-reviews/{review.pk}/rectify", {"note": "无"})
        assert wrong.status_code == 409 and wrong.json()["code"] == "goodbad.state_conflict"
        done = agent.post(f"bad-reviews/{review.pk}/answer", {"note": "已向业主解释", "rater_reply": "basically_satisfied"})
    assert (done.json()["outcome"], done.json()["late"], done.json()["warning_label"]) == ("explained", True,
                                                                                         "逾期完成")


def test_an_unfounded_item_review_is_appealed_and_the_center_upholds_it(build, api_as):
    case = build.completed(on="2026-10-30", start="2026-10-12")
    item = case.items.select_related("catalog_item__department").get(catalog_item__code="L02")
    department = item.catalog_item.department
    owner = api_as(build.owner(case).username)
    with clock.frozen("2026-11-02"):
        assert owner.post(f"cases/{case.pk}/evaluation", {
            "grade": "satisfied", "fee_asked": False,
            "items": [{"item": item.pk, "grade": "very_dissatisfied", "comments": "窗口态度差"}]}).status_code == 201
    review = BadReview.objects.get(case=case)
    assert (review.unit_kind, review.department) == ("department", department)
    liaison = item.liaison.username
    assert api_as("aojiang").post(f"bad-reviews/{review.pk}/verify", {"finding": "unfounded",
                                                                      "note": "x"}).status_code == 403
    with clock.frozen("2026-11-03"):
        appealed = api_as(liaison).post(f"bad-reviews/{review.pk}/verify", {
            "finding": "unfounded", "note": "调取窗口录像，工作人员依规答复，无不当言行"})
    assert appealed.json()["status"] == "appealed" and appealed.json()["due_on"] == "2026-11-05"
    assert api_as(liaison).post(f"bad-reviews/{review.pk}/appeal-review", {
        "decision": "upheld", "note": "x"}).status_code == 403
    with clock.frozen("2026-11-04"):
        upheld = api_as("center").post(f"bad-reviews/{review.pk}/appeal-review", {
            "decision": "upheld", "note": "经复核录像，申诉成立"})
    assert (upheld.json()["status"], upheld.json()["outcome"]) == ("closed", "set_aside")
    assert api_as("inspector").get(f"bad-reviews/{review.pk}").status_code == 200  # the inspector sees all
    assert api_as("kunyang").get(f"bad-reviews/{review.pk}").status_code == 404


def test_a_rejected_appeal_is_rectified_with_its_deadline_counted_from_the_review(build, api_as):
    case, review = bad_case(build, api_as, on="2026-11-02", grade="very_dissatisfied")
    with clock.frozen("2026-11-03"):
        api_as("aojiang").post(f"bad-reviews/{review.pk}/verify", {"finding": "unfounded", "note": "材料确需补正"})
    with clock.frozen("2026-11-05"):
        rejected = api_as("center").post(f"bad-reviews/{review.pk}/appeal-review", {
            "decision": "rejected", "note": "未一次性告知补正内容，申诉不成立"})
    assert rejected.json()["status"] == "rectifying" and rejected.json()["due_on"] == "2026-11-12"
    assert AuditEvent.objects.filter(event_type="goodbad.appeal_reviewed").exists()


def test_a_good_grade_opens_nothing_but_is_reported_to_the_province(build, api_as):
    case = build.completed(on="2026-10-30", start="2026-10-12")
    with clock.frozen("2026-11-02"):
        evaluations.evaluation_record_at_window(actor=build.agent, case=case, answers=evaluations.OwnerAnswers(
            grade="basically_satisfied", fee_asked=False))
    assert not BadReview.objects.filter(case=case).exists()
    report = ProvincialMessage.objects.get(event="evaluation", case=case).payload["good_bad"]
    assert (report["grade_label"], report["channel_label"], report["rater_type_label"]) == ("基本满意", "窗口", "企业")
    assert report["service"]["kind"] == "agency_service" and report["unit"]["name"] == case.unit.name


def test_the_demo_county_shows_a_rectified_bad_review(api_as):
    rows = api_as("inspector").get("bad-reviews", {"status": "closed"}).json()["items"]
    demo = next(r for r in rows if r["department"] == "自然资源和规划局")
    assert (demo["outcome"], demo["late"], demo["rater_reply"]) == ("rectified", False, "satisfied")
    assert demo["rectified_on"] == "2026-09-14" and "一次性告知清单" in demo["rectify_note"]
