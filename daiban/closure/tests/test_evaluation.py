"""Return visit and evaluation (§6.9, §7.4): the owner rates the service once, through a one-time link or its
own account; a fee-or-gift answer goes to the discipline inspectors at once; the agent rates the departments."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.closure.models import EvaluationLink, FeeAlert, OwnerEvaluation
from daiban.documents.layout import read_text
from daiban.lib import clock
from daiban.notify.models import Notification

pytestmark = pytest.mark.django_db

ANSWERS = {"attitude": "5", "efficiency": "4", "quality": "5", "overall": "5", "comments": "服务周到",
           "fee_asked": "no", "fee_details": ""}


def issue_link(api_as, case) -> str:
    with clock.frozen("2026-10-09"):
        answer = api_as("aojiang").post(f"cases/{case.pk}/evaluation-link")
    assert answer.status_code == 201, answer.content
    assert answer.json()["url"].startswith("http://testserver/closure/evaluate/")
    return answer.json()["path"]


def test_the_evaluation_link_works_once_without_login_and_cannot_be_edited(build, api_as, client):
    case = build.completed(on="2026-09-30")
    path = issue_link(api_as, case)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not EvaluationLink.objects.filter(digest=token).exists()  # only the digest is kept
    with clock.frozen("2026-10-09"):
        page = client.get(path)
        assert page.status_code == 200 and "代办过程中是否有人索取费用或礼品" in page.content.decode()
        done = client.post(path, ANSWERS)
        assert done.status_code == 200 and "评价已提交，感谢您的支持" in done.content.decode()
        again = client.post(path, {**ANSWERS, "attitude": "1"})
        assert again.status_code == 410 and "评价提交后不能修改" in again.content.decode()
        assert client.get(path).status_code == 410
        owner = api_as(build.owner(case).username).post(f"cases/{case.pk}/evaluation", {
            "attitude": 1, "efficiency": 1, "quality": 1, "fee_asked": False})
        assert owner.status_code == 409 and "不能修改" in owner.json()["detail"]
    evaluation = OwnerEvaluation.objects.get(case=case)
    assert (evaluation.attitude, evaluation.efficiency, evaluation.overall, evaluation.via) == (5, 4, 5, "link")
    assert evaluation.submitted_by is None and evaluation.link.used_at is not None
    assert AuditEvent.objects.filter(event_type="closure.owner_evaluated", actor_name="业主（评价链接）").exists()
    assert api_as("aojiang").post(f"cases/{case.pk}/evaluation-link").status_code == 409


def test_an_unknown_expired_or_replaced_link_is_refused_in_chinese(build, api_as, client):
    case = build.completed(on="2026-09-30")
    assert "评价链接无效" in client.get("/closure/evaluate/not-a-token/").content.decode()
    old = issue_link(api_as, case)
    new = issue_link(api_as, case)
    with clock.frozen("2026-10-09"):
        replaced = client.post(old, ANSWERS)
        assert replaced.status_code == 410 and "已作废" in replaced.content.decode()
    with clock.frozen(clock.now() + dt.timedelta(days=400)):
        expired = client.get(new)
        assert expired.status_code == 410 and "已过期" in expired.content.decode()
    assert not OwnerEvaluation.objects.filter(case=case).exists()


def test_missing_answers_are_shown_field_by_field_in_chinese(build, api_as, client):
    case = build.completed(on="2026-09-30")
    path = issue_link(api_as, case)
    with clock.frozen("2026-10-09"):
        answer = client.post(path, {"comments": "还行"})
    html = answer.content.decode()
    assert answer.status_code == 422
    for message in ("请选择评价等级", "请回答代办过程中是否有人索取费用或礼品"):
        assert message in html, message
    assert not OwnerEvaluation.objects.filter(case=case).exists()


def test_a_yes_to_the_fee_question_reaches_every_inspector_at_once(build, api_as, client, person):
    case = build.completed(on="2026-09-30")
    path = issue_link(api_as, case)
    with clock.frozen("2026-10-09"):
        client.post(path, {**ANSWERS, "fee_asked": "yes", "fee_details": "某工作人员暗示需要送购物卡"})
    alert = FeeAlert.objects.get(case=case)
    assert alert.details == "某工作人员暗示需要送购物卡"
    note = Notification.objects.get(recipient__username="inspector", channel="in_app", case_id=case.pk)
    assert note.subject == f"索取费用或礼品线索：{case.project.name}" and "购物卡" in note.body
    assert note.link == "/closure/fee-alerts/"
    assert not Notification.objects.filter(recipient__username="aojiang", body__contains="购物卡").exists()
    assert AuditEvent.objects.filter(event_type="closure.fee_alert_raised", object_id=str(case.pk)).exists()

    assert client.login(username="inspector")
    page = client.get("/closure/fee-alerts/").content.decode()
    assert case.project.name in page and "某工作人员暗示需要送购物卡" in page
    assert "索取费用或礼品线索" in client.get("/").content.decode()
    rows = api_as("inspector").get("closure/fee-alerts").json()["items"]
    assert [r["details"] for r in rows if r["case_id"] == case.pk] == ["某工作人员暗示需要送购物卡"]
    assert client.login(username="aojiang")
    assert client.get("/closure/fee-alerts/").status_code == 404
    assert api_as("center").get("closure/fee-alerts").status_code == 403


def test_the_owner_evaluates_from_its_own_account_and_only_after_closing(build, api_as):
    open_case = build.case()
    owner = api_as(build.owner(open_case).username)
    body = {"attitude": 5, "efficiency": 5, "quality": 4, "fee_asked": False, "comments": "满意"}
    assert owner.post(f"cases/{open_case.pk}/evaluation", body).status_code == 409
    case = build.completed(on="2026-09-30")
    assert api_as("aojiang").post(f"cases/{case.pk}/evaluation", body).status_code == 403
    answer = owner.post(f"cases/{case.pk}/evaluation", body)
    assert answer.status_code == 201 and answer.json()["overall"] == 5  # the rounded mean when not given
    assert owner.get(f"cases/{case.pk}/evaluation").json()["via"] == "account"
    bad = owner.post(f"cases/{case.pk}/evaluation", {**body, "attitude": 6})
    assert bad.status_code == 409  # already evaluated: the evaluation is never edited


def test_scores_outside_one_to_five_are_refused_in_chinese(build, api_as):
    case = build.completed(on="2026-09-30")
    owner = api_as(build.owner(case).username)
    answer = owner.post(f"cases/{case.pk}/evaluation", {"attitude": 6, "efficiency": 0, "quality": 3,
                                                         "fee_asked": False})
    assert answer.status_code == 422
    assert {d["field"]: d["message"] for d in answer.json()["fields"]} == {
        "attitude": "请为服务态度评分（1–5 分）", "efficiency": "请为办事效率评分（1–5 分）"}


def test_the_agent_rates_each_department_and_liaison_officer_once(build, api_as):
    case = build.completed(on="2026-09-30")
    agent = api_as("aojiang")
    listed = agent.get(f"cases/{case.pk}/department-ratings").json()["to_rate"]
    assert {(d["department"], d["liaison"]) for d in listed} == {("fgj", "fgj"), ("sthj", "sthj")}
    unknown = agent.post(f"cases/{case.pk}/department-ratings", {"ratings": [
        {"department": "zjj", "attitude": 5, "efficiency": 5, "quality": 5}]})
    assert unknown.status_code == 422 and "本案没有该审批部门" in unknown.json()["fields"][0]["message"]
    ratings = [{"department": "fgj", "attitude": 5, "efficiency": 5, "quality": 5, "comment": "当日赋码"},
               {"department": "sthj", "attitude": 4, "efficiency": 3, "quality": 4, "overall": 4}]
    answer = agent.post(f"cases/{case.pk}/department-ratings", {"ratings": ratings})
    assert answer.status_code == 201, answer.content
    assert [(r["department_name"], r["liaison_name"], r["overall"]) for r in answer.json()["items"]] == [
        ("发展和改革局", "张立新", 5), ("生态环境局", "吕绿洲", 4)]
    again = agent.post(f"cases/{case.pk}/department-ratings", {"ratings": ratings})
    assert again.status_code == 409 and "不能修改" in again.json()["detail"]
    assert api_as(build.owner(case).username).post(f"cases/{case.pk}/department-ratings",
                                                   {"ratings": ratings}).status_code == 403


def test_a_return_visit_is_scheduled_recorded_and_named_on_the_archived_evaluation(build, api_as):
    case = build.completed(on="2026-09-30")
    agent = api_as("aojiang")
    with clock.frozen("2026-10-09"):
        early = agent.post(f"cases/{case.pk}/return-visits", {"planned_on": "2026-09-29", "visitor": "fgj",
                                                             "channel": "fax"})
        assert {d["field"] for d in early.json()["fields"]} == {"planned_on", "visitor", "channel"}
        visit = agent.post(f"cases/{case.pk}/return-visits", {"planned_on": "2026-10-12", "visitor": "ajadmin",
                                                             "channel": "visit"})
        assert visit.status_code == 201 and visit.json()["channel_label"] == "上门回访"
    assert Notification.objects.filter(recipient__username="ajadmin", subject__startswith="回访安排").exists()
    with clock.frozen("2026-10-12"):
        recorded = api_as("ajadmin").post(f"cases/{case.pk}/return-visits/{visit.json()['id']}/record",
                                          {"done_on": "2026-10-12", "note": "上门回访，业主满意", "fee_asked": False})
        assert recorded.status_code == 200 and recorded.json()["done_on"] == "2026-10-12"
        api_as(build.owner(case).username).post(f"cases/{case.pk}/evaluation", {
            "attitude": 5, "efficiency": 5, "quality": 5, "fee_asked": False})
    text = read_text(bytes(case.evaluation_documents.first().content))
    assert "☐电话回访　☑上门回访　☐网上评价" in text and "黄丽华" in text and "2026年10月12日" in text


def test_a_fee_reported_at_a_return_visit_reaches_the_inspectors_with_its_source(build, api_as):
    case = build.completed(on="2026-09-30")
    with clock.frozen("2026-10-09"):
        visit = api_as("aojiang").post(f"cases/{case.pk}/return-visits", {"planned_on": "2026-10-12",
                                                                         "visitor": "ajadmin", "channel": "phone"})
    path = f"cases/{case.pk}/return-visits/{visit.json()['id']}/record"
    with clock.frozen("2026-10-12"):
        unanswered = api_as("ajadmin").post(path, {"done_on": "2026-10-12", "note": "电话回访"})
        recorded = api_as("ajadmin").post(path, {"done_on": "2026-10-12", "note": "电话回访，业主反映有人索要好处",
                                                 "fee_asked": True, "fee_details": "某科员暗示需要请吃饭"})
    assert unanswered.status_code == 422
    assert recorded.status_code == 200, recorded.content
    alert = FeeAlert.objects.get(case=case)
    assert (alert.source, alert.details, alert.evaluation_id) == ("回访", "某科员暗示需要请吃饭", None)
    note = Notification.objects.get(recipient__username="inspector", channel="in_app", case_id=case.pk)
    assert "回访" in note.body and "请吃饭" in note.body
    rows = api_as("inspector").get("closure/fee-alerts").json()["items"]
    assert [(r["source"], r["details"]) for r in rows if r["case_id"] == case.pk] == [("回访", "某科员暗示需要请吃饭")]
    assert AuditEvent.objects.filter(event_type="closure.fee_alert_raised", new__source="回访").exists()
