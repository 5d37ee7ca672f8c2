"""The coordination pages: forms with Chinese field errors, read-only readers, scope, the meeting page."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import request_payload
from daiban.cases.services import request_accept
from daiban.coordination import services
from daiban.coordination.models import Issue, Meeting
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock


@pytest.fixture
def browse(client, person):
    def login(username: str):
        assert client.login(username=username)
        return client

    return login


def field_errors(html: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S))


def test_the_agent_raises_an_issue_with_field_errors_in_chinese_then_succeeds(case, browse):
    page = browse("aojiang")
    form = page.get(f"/coordination/cases/{case.pk}/issues/new/?item=g02")
    assert form.status_code == 200 and "提出协调问题" in form.content.decode()
    assert 'value="G02" selected' in form.content.decode()
    with clock.frozen("2026-11-02"):
        answer = page.post(f"/coordination/cases/{case.pk}/issues/new/",
                           {"title": "", "deadline_workdays": "0", "blocks_item": "on"})
    assert answer.status_code == 422
    errors = field_errors(answer.content.decode())
    for message in ("请填写受阻的问题", "请选择涉及的部门", "答复时限应为正整数个工作日", "请选择受阻的事项"):
        assert message in errors, message
    with clock.frozen("2026-11-02"):
        answer = page.post(f"/coordination/cases/{case.pk}/issues/new/",
                           {"title": "规划条件待明确", "departments": ["zrj"], "deadline_workdays": "3",
                            "item_code": "G02", "blocks_item": "on"})
    issue = Issue.objects.get(title="规划条件待明确")
    assert answer.status_code == 302 and answer["Location"] == f"/coordination/issues/{issue.pk}/"
    html = page.get(answer["Location"]).content.decode()
    assert "2026-11-05" in html and "代办员王建国" in html and "该问题阻碍此事项办理" in html
    assert 'id="escalate-form"' in html and 'id="respond-form"' in html


def test_escalating_on_the_page_without_a_skip_reason_shows_the_error_by_the_field(issue, browse):
    answer = browse("aojiang").post(f"/coordination/issues/{issue.pk}/", {
        "action": "escalate", "to_tier": "3", "reason": "需市级协调", "deadline_workdays": "5"})
    assert answer.status_code == 422
    message = "从第1层级越级到第3层级（越过第2层级鳌江镇投资项目代办服务站），须说明越级理由"
    assert message in field_errors(answer.content.decode())
    assert Issue.objects.get(pk=issue.pk).tier == 1


@pytest.mark.parametrize("username", ["inspector", "leader", "zrjhead"])
def test_inspectors_and_leaders_read_the_issue_page_without_any_form(issue, browse, username):
    answer = browse(username).get(f"/coordination/issues/{issue.pk}/")
    html = answer.content.decode()
    assert answer.status_code == 200 and issue.title in html and "分层分级协调" in html
    assert "<form method=\"post\"" not in html.split('<main class="page">')[1]
    refused = browse(username).post(f"/coordination/issues/{issue.pk}/", {"action": "respond", "text": "x"})
    refusal = refused.content.decode()  # the refusal tells its reason (org.permissions.refuse)
    assert refused.status_code == 403 and "无权操作" in refusal and "对该协调问题没有办理权限" in refusal
    assert browse(username).get(f"/coordination/cases/{issue.case_id}/issues/new/").status_code == 403


def test_the_county_leader_decides_a_consultation_on_the_page(issue, browse, person):
    services.issue_consult(actor=person("ajadmin"), issue=issue, question="需县政府协调")
    page = browse("leader")
    assert 'id="decide-form"' in page.get(f"/coordination/issues/{issue.pk}/").content.decode()
    answer = page.post(f"/coordination/issues/{issue.pk}/", {"action": "decide", "decision": "由县自然资源和规划局牵头解决"})
    assert answer.status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == "resolved"
    assert "待决定的疑难会商" not in page.get("/").content.decode()


def test_kunyang_gets_404_on_the_pages_of_an_aojiang_issue(issue, browse):
    page = browse("kunyang")
    assert page.get(f"/coordination/issues/{issue.pk}/").status_code == 404
    assert page.get(f"/coordination/cases/{issue.case_id}/issues/new/").status_code == 404
    assert issue.title not in page.get("/coordination/").content.decode()


def test_the_collaboration_of_an_investment_promotion_case_shows_on_its_issue_page(person, browse):
    with clock.frozen("2026-11-02"):
        request, _ = request_submit(data=RequestData(**request_payload(project_name="招商引资项目")))
        case = request_accept(actor=person("aojiang"), request=request)
        issue = services.issue_raise(actor=person("aojiang"), case=case, title="用地指标", departments=["zrj"],
                                     deadline_workdays=3)
    html = browse("aojiang").get(f"/coordination/issues/{issue.pk}/").content.decode()
    assert "招商、审批、纪检监察三部门协同" in html and "纪检监察部门全程监督" in html


def test_the_city_body_agent_accepts_and_answers_on_the_linked_request_page(case, browse, person):
    with clock.frozen("2026-11-02"):
        answer = browse("ajadmin").post(f"/coordination/linked/new/?case={case.pk}", {
            "case": case.pk, "item_code": "L05C", "subject": "请协调市生态环境局", "deadline_workdays": "1"})
    assert answer.status_code == 302
    url = answer["Location"]
    page = browse("wzdb")
    home = page.get("/").content.decode()
    assert "待办理的联动代办请求" in home and "年产20万台精密减速机项目" in home
    html = page.get(url).content.decode()
    assert "所涉案件" in html and "L05C" in html and 'id="accept-form"' in html
    with clock.frozen("2026-11-05"):
        page.post(url, {"action": "accept"})
        answer = page.post(url, {"action": "feedback", "feedback": "已审批"})
    assert answer.status_code == 302
    html = browse("ajadmin").get(url).content.decode()
    assert "逾期反馈" in html and "已反馈" in html and 'id="feedback-form"' not in html
    assert browse("zjdb").get(url).status_code == 404


@pytest.fixture
def meeting(issue, person):
    with clock.frozen("2026-11-03"):
        return services.meeting_convene(actor=person("ajadmin"), issues=[issue], agenda="协调边界争议",
                                        held_at=dt.datetime(2026, 11, 4, 9, 30), place="鳌江镇行政服务中心",
                                        invitees=["zrjhead", "zjjhead"])


def test_the_convener_writes_the_record_on_the_page_with_errors_by_row(meeting, browse):
    page = browse("ajadmin")
    url = f"/coordination/meetings/{meeting.pk}/"
    answer = page.post(url, {"action": "record", "present": ["zrjhead", "zjjhead"], "discussion": "同意复测",
                             "res_id": ["", ""], "res_content": ["组织现场复测", ""],
                             "res_department": ["", ""], "res_due": ["0", ""]})
    assert answer.status_code == 422
    errors = field_errors(answer.content.decode())
    assert "请填写第1项议定事项的责任单位" in errors and "完成时限应为正整数个工作日" in errors
    assert not Meeting.objects.get(pk=meeting.pk).recorded
    with clock.frozen("2026-11-04 11:00"):
        answer = page.post(url, {"action": "record", "present": ["zrjhead", "zjjhead"], "discussion": "同意复测",
                                 "res_id": ["", ""], "res_content": ["组织现场复测", ""],
                                 "res_department": ["zrj", ""], "res_due": ["3", ""]})
    assert answer.status_code == 302
    saved = Meeting.objects.get(pk=meeting.pk)
    html = page.get(url).content.decode()
    assert "第1版会议记录" in html and "组织现场复测" in html and "2026-11-09" in html
    assert saved.record_hash not in html and saved.record_hash[:16] not in html  # no fingerprint on staff pages
    assert 'id="sign-form"' not in html  # the convener records; he is not an invitee


def test_an_invitee_signs_on_the_page_and_sees_the_voiding_after_a_change(meeting, browse, person):
    with clock.frozen("2026-11-04 11:00"):
        services.meeting_record_save(actor=person("ajadmin"), meeting=meeting, present=["zrjhead", "zjjhead"],
                                     resolutions=[{"content": "组织现场复测", "department": "zrj", "due_workdays": 3}])
    url = f"/coordination/meetings/{meeting.pk}/"
    head = browse("zrjhead")
    html = head.get(url).content.decode()
    assert "待签名的会议记录" in head.get("/").content.decode()
    assert 'id="sign-form"' in html and "签名确认" in html
    saved = Meeting.objects.get(pk=meeting.pk)
    assert head.post(url, {"action": "sign", "content_hash": saved.record_hash}).status_code == 302
    assert "您已于" in head.get(url).content.decode()
    with clock.frozen("2026-11-04 15:00"):
        services.meeting_record_save(actor=person("ajadmin"), meeting=saved, present=["zrjhead", "zjjhead"],
                                     discussion="补充讨论情况",
                                     resolutions=[{"id": saved.resolutions.get().pk, "content": "组织现场复测",
                                                   "department": "zrj", "due_workdays": 3}])
    html = head.get(url).content.decode()
    assert "签名已因记录修改而作废" in html and 'id="sign-form"' in html
    stale = head.post(url, {"action": "sign", "content_hash": saved.record_hash}, follow=True)
    assert "内容与当前记录不一致" in stale.content.decode()
    outsider = browse("jxjhead").post(url, {"action": "sign", "content_hash": saved.record_hash})
    assert outsider.status_code == 403 and "不在本次会议的邀请名单中" in outsider.content.decode()


def test_the_meeting_record_downloads_as_docx_from_the_page(meeting, browse, person):
    assert browse("ajadmin").get(f"/coordination/meetings/{meeting.pk}/record.docx").status_code == 404
    services.meeting_record_save(actor=person("ajadmin"), meeting=meeting, present=["zrjhead"], resolutions=[])
    answer = browse("zrjhead").get(f"/coordination/meetings/{meeting.pk}/record.docx")
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]


def test_the_lists_offer_where_to_start_an_issue_or_a_linked_request(case, browse):
    page = browse("aojiang")
    html = page.get("/coordination/").content.decode()
    assert 'id="raise-issue"' in html and case.request.tracking_no in html
    answer = page.get("/coordination/issues/new/", {"case": case.pk})
    assert answer.status_code == 302 and answer["Location"] == f"/coordination/cases/{case.pk}/issues/new/"
    assert case.request.tracking_no in page.get("/coordination/linked/").content.decode()  # it has L05C (city)
    assert 'id="raise-issue"' not in browse("inspector").get("/coordination/").content.decode()
    assert 'id="raise-issue"' not in browse("wzdb").get("/coordination/").content.decode()
