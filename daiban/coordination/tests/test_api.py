"""The coordination API: documented paths, the tiers end to end, scope, and bad input answered in Chinese."""
from __future__ import annotations

import hashlib

import pytest

from daiban.audit.models import AuditEvent
from daiban.coordination.models import Issue, IssueTier, LinkedRequest, Meeting, Signature
from daiban.coordination.tests.conftest import make_case
from daiban.documents.layout import read_text
from daiban.lib import clock

PATHS = [
    ("/api/v1/cases/{case_id}/issues", {"get", "post"}), ("/api/v1/issues/{issue_id}", {"get"}),
    ("/api/v1/issues/{issue_id}/escalate", {"post"}), ("/api/v1/issues/{issue_id}/respond", {"post"}),
    ("/api/v1/issues/{issue_id}/resolve", {"post"}), ("/api/v1/issues/{issue_id}/confirm", {"post"}),
    ("/api/v1/issues/{issue_id}/consultation", {"post"}), ("/api/v1/issues/{issue_id}/decide", {"post"}),
    ("/api/v1/linked-requests", {"get", "post"}), ("/api/v1/linked-requests/{linked_id}/accept", {"post"}),
    ("/api/v1/linked-requests/{linked_id}/feedback", {"post"}), ("/api/v1/meetings", {"get", "post"}),
    ("/api/v1/meetings/{meeting_id}", {"get"}), ("/api/v1/meetings/{meeting_id}/record", {"put"}),
    ("/api/v1/meetings/{meeting_id}/sign", {"post"}), ("/api/v1/meetings/{meeting_id}/record.docx", {"get"}),
    ("/api/v1/resolutions/{resolution_id}/done", {"post"}),
]


def test_every_coordination_path_is_documented_in_the_openapi_schema(api_as):
    schema = api_as("aojiang").get("/api/v1/openapi.json").json()
    for path, methods in PATHS:
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path
        for method in methods:
            operation = schema["paths"][path][method]
            assert operation["tags"] == ["问题协调"] and operation["summary"], path


def raise_payload(**overrides) -> dict:
    payload = {"title": "用地红线与规划条件不一致", "description": "出让合同红线与规划条件附图不符",
               "departments": ["zrj"], "item_code": "G02", "blocks_item": True, "deadline_workdays": 3}
    payload.update(overrides)
    return payload


def test_an_issue_goes_up_the_tiers_and_is_closed_by_the_agent_through_the_api(case, api_as):
    agent, unit, city = api_as("aojiang"), api_as("ajadmin"), api_as("wzdb")
    with clock.frozen("2026-11-02"):
        answer = agent.post(f"cases/{case.pk}/issues", raise_payload())
    assert answer.status_code == 201, answer.content
    issue = answer.json()
    assert (issue["tier"], issue["due_on"], issue["warning"]) == (1, "2026-11-05", "normal")
    assert issue["tiers"][0]["handler"] == "代办员王建国" and issue["blocks_item"]
    path = f"issues/{issue['id']}"
    with clock.frozen("2026-11-04"):
        answer = agent.post(f"{path}/escalate", {"reason": "部门未能答复", "deadline_workdays": 5})
    assert answer.status_code == 200 and answer.json()["tier"] == 2
    with clock.frozen("2026-11-05"):
        answer = unit.post(f"{path}/escalate", {"reason": "需市级协调", "deadline_workdays": 4, "to_body": "city",
                                                "skip_reason": "审批权限在市级，县中心已口头确认无法协调"})
    assert answer.json()["tier"] == 5 and answer.json()["due_on"] == "2026-11-11"
    assert [(level["level"], level["handler"], level["skip_reason"]) for level in answer.json()["levels"]] == [
        (1, "代办员王建国", ""), (2, "鳌江镇投资项目代办服务站", ""),
        (5, "温州市投资项目代办服务中心", "审批权限在市级，县中心已口头确认无法协调")]
    linked = answer.json()["linked_requests"][0]
    assert linked["to_body"] == "温州市投资项目代办服务中心"
    assert city.get(path).status_code == 200  # the city body reads the issue it is asked about
    with clock.frozen("2026-11-06"):
        assert city.post(f"linked-requests/{linked['id']}/accept", {"note": "已接收"}).status_code == 200
        answer = city.post(f"{path}/respond", {"text": "已与市自然资源和规划局对接"})
    assert answer.status_code == 200 and answer.json()["status"] == "responded"
    assert answer.json()["tiers"][2]["responded_on"] == "2026-11-06"
    assert answer.json()["levels"][2]["answered_by"] == {"username": "wzdb", "name": "郭明"}
    with clock.frozen("2026-11-09"):
        answer = city.post(f"{path}/resolve", {"resolution": "按规划条件附图调整红线，11月13日前完成"})
    assert answer.json()["status"] == "resolved"
    assert unit.post(f"{path}/confirm", {}).status_code == 403
    answer = agent.post(f"{path}/confirm", {"accepted": True})
    assert answer.status_code == 200 and answer.json()["status"] == "closed"
    assert answer.json()["confirmed_by"]["username"] == "aojiang"
    assert [row["id"] for row in agent.get(f"cases/{case.pk}/issues").json()["items"]] == [issue["id"]]


def test_a_consultation_and_the_leaders_decision_through_the_api(issue, api_as):
    path = f"issues/{issue.pk}"
    answer = api_as("ajadmin").post(f"{path}/consultation", {"question": "需县政府协调相邻权属人"})
    assert answer.status_code == 201 and answer.json()["status"] == "consulting"
    assert api_as("inspector").post(f"{path}/decide", {"decision": "x"}).status_code == 403
    answer = api_as("leader").post(f"{path}/decide", {"decision": "县自然资源和规划局牵头三日内解决"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "resolved" and body["consultations"][0]["decided_by"]["username"] == "leader"
    assert body["resolution"] == "县自然资源和规划局牵头三日内解决"


def test_kunyang_gets_404_for_an_aojiang_case_issue(issue, case, api_as):
    kunyang = api_as("kunyang")
    for answer in (kunyang.get(f"issues/{issue.pk}"), kunyang.get(f"cases/{case.pk}/issues"),
                   kunyang.post(f"issues/{issue.pk}/escalate", {"reason": "x", "deadline_workdays": 3}),
                   kunyang.post(f"issues/{issue.pk}/respond", {"text": "x"}),
                   kunyang.post(f"cases/{case.pk}/issues", raise_payload())):
        assert answer.status_code == 404, answer.content
        assert answer.json() == {"code": "not_found", "detail": "未找到该对象，或不在您的数据范围内", "fields": []}
    assert issue.pk not in [row["id"] for row in kunyang.get("issues").json()["items"]]
    assert api_as("zjdb").get(f"issues/{issue.pk}").status_code == 404
    assert api_as("wzdb").get(f"issues/{issue.pk}").status_code == 404  # nothing was sent to the city yet
    assert AuditEvent.objects.filter(event_type="access.refused", actor_name="kunyang",
                                     new__object_type="coordination.issue").exists()


@pytest.mark.parametrize("overrides, field, message", [
    ({"departments": ["zrj", "国土局"]}, "departments", "没有代号或名称为“国土局”的部门"),
    ({"departments": []}, "departments", "请选择涉及的部门"),
    ({"deadline_workdays": 0}, "deadline_workdays", "答复时限应为正整数个工作日"),
    ({"deadline_workdays": -3}, "deadline_workdays", "答复时限应为正整数个工作日"),
    ({"deadline_workdays": None, "respond_by": "2026-10-30"}, "respond_by",
     "答复期限应晚于2026-11-02，不能是已过去的日期"),
    ({"deadline_workdays": "三"}, "deadline_workdays", "应为整数"),
    ({"item_code": "X01"}, "item_code", "本案没有委托事项“X01”"),
])
def test_bad_input_to_raise_an_issue_answers_422_and_changes_nothing(case, api_as, overrides, field, message):
    agent = api_as("aojiang")
    before = (Issue.objects.count(), AuditEvent.objects.count())
    with clock.frozen("2026-11-02"):
        answer = agent.post(f"cases/{case.pk}/issues", raise_payload(**overrides))
    assert answer.status_code == 422, answer.content
    assert {"field": field, "message": message} in answer.json()["fields"]
    assert (Issue.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("payload, field, message", [
    ({"reason": "需上级协调", "deadline_workdays": 5, "to_tier": 3}, "skip_reason",
     "从第1层级越级到第3层级（越过第2层级鳌江镇投资项目代办服务站），须说明越级理由"),
    ({"reason": "需上级协调", "deadline_workdays": 5, "to_body": "province"}, "skip_reason",
     "从第1层级越级到第7层级（越过第2层级鳌江镇投资项目代办服务站、第3层级平阳县投资项目代办服务中心、"
     "第4层级平阳县行政审批服务管理办公室（审管办）、第5层级温州市投资项目代办服务中心、"
     "第6层级温州市行政审批服务管理办公室），须说明越级理由"),
    ({"reason": "需上级协调", "deadline_workdays": 0}, "deadline_workdays", "答复时限应为正整数个工作日"),
    ({"reason": "", "deadline_workdays": 3}, "reason", "请说明升级理由"),
    ({"reason": "x", "deadline_workdays": 3, "to_tier": 4, "skip_reason": "急", "to_department": "wz-sthj"},
     "to_department", "第4层级应为平阳县的审管部门或政府，“温州市生态环境局”不属于该级"),
    ({"reason": "x", "deadline_workdays": 3, "to_tier": 9}, "to_tier", "目标层级应为第2至第8层级（本问题的协调阶梯共8级）"),
])
def test_bad_escalations_answer_422_and_change_nothing(issue, api_as, payload, field, message):
    agent = api_as("aojiang")
    before = (IssueTier.objects.count(), LinkedRequest.objects.count(), AuditEvent.objects.count())
    answer = agent.post(f"issues/{issue.pk}/escalate", payload)
    assert answer.status_code == 422, answer.content
    assert answer.json()["fields"] == [{"field": field, "message": message}]
    assert (IssueTier.objects.count(), LinkedRequest.objects.count(), AuditEvent.objects.count()) == before
    assert Issue.objects.get(pk=issue.pk).tier == 1


def test_a_linked_request_answered_late_through_the_api(case, api_as):
    unit, city = api_as("ajadmin"), api_as("wzdb")
    with clock.frozen("2026-11-02"):
        answer = unit.post("linked-requests", {"case_id": case.pk, "item_code": "L05C", "deadline_workdays": 2,
                                               "subject": "请协调市生态环境局审批环评报告书"})
    assert answer.status_code == 201, answer.content
    linked = answer.json()
    assert (linked["due_on"], linked["status"]) == ("2026-11-04", "sent")
    seen_by_city = [r["id"] for r in city.get("linked-requests").json()["items"] if r["case_id"] == case.pk]
    assert seen_by_city == [linked["id"]]
    assert city.get(f"linked-requests/{linked['id']}").json()["case"]["project"] == "年产20万台精密减速机项目"
    assert api_as("zjdb").get(f"linked-requests/{linked['id']}").status_code == 404
    with clock.frozen("2026-11-03"):
        assert api_as("zjdb").post(f"linked-requests/{linked['id']}/accept", {}).status_code == 404
        assert city.post(f"linked-requests/{linked['id']}/accept", {}).status_code == 200
    with clock.frozen("2026-11-05"):
        answer = city.post(f"linked-requests/{linked['id']}/feedback", {"feedback": "已审批"})
    assert answer.status_code == 200
    assert (answer.json()["late"], answer.json()["warning_label"]) == (True, "逾期完成")
    seen = unit.get(f"linked-requests/{linked['id']}").json()
    assert seen["late"] and [s["status"] for s in seen["steps"]] == ["sent", "accepted", "answered"]


def test_a_meeting_through_the_api_signed_voided_and_exported(issue, api_as, client):
    unit = api_as("ajadmin")
    answer = unit.post("meetings", {"issue_ids": [issue.pk], "agenda": "协调边界争议", "held_at": "2026-11-04T09:30:00",
                                    "place": "鳌江镇行政服务中心", "invitees": ["zrjhead", "zjjhead"]})
    assert answer.status_code == 201, answer.content
    meeting = answer.json()
    path = f"meetings/{meeting['id']}"
    assert api_as("zrjhead").get(path).status_code == 200
    assert unit.get(f"{path}/record.docx").status_code == 404
    record = {"present": ["zrjhead", "zjjhead"], "discussion": "同意先行复测",
              "resolutions": [{"content": "组织现场复测", "department": "zrj", "due_workdays": 3}]}
    with clock.frozen("2026-11-04 11:00"):
        answer = unit.put(f"{path}/record", record)
    assert answer.status_code == 200, answer.content
    saved = answer.json()
    assert saved["record_version"] == 1 and len(saved["record_hash"]) == 64
    assert saved["resolutions"][0]["due_on"] == "2026-11-09"

    assert api_as("zrjhead").post(f"{path}/sign", {"content_hash": saved["record_hash"]}).status_code == 200
    refused = api_as("jxjhead").post(f"{path}/sign", {"content_hash": saved["record_hash"]})
    assert refused.status_code == 403 and refused.json()["detail"] == "您不在本次会议的邀请名单中，不能签名"
    assert api_as("zrjhead").post(f"{path}/sign", {"content_hash": "0" * 64}).status_code == 409

    with clock.frozen("2026-11-04 14:00"):
        answer = unit.put(f"{path}/record", {**record, "discussion": "同意先行复测；住建局同步预审"})
    changed = answer.json()
    assert changed["record_version"] == 2
    assert [(s["signer"]["username"], s["valid"]) for s in changed["signatures"]] == [("zrjhead", False)]
    assert "签名已因记录修改而作废" in changed["signatures"][0]["void_reason"]
    for head in ("zrjhead", "zjjhead"):
        assert api_as(head).post(f"{path}/sign", {"content_hash": changed["record_hash"]}).status_code == 200
    assert Signature.objects.filter(meeting_id=meeting["id"], voided_at__isnull=True).count() == 2

    download = unit.get(f"{path}/record.docx")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    text = read_text(download.content)
    assert changed["record_hash"] in text and text.count("已签名") == 2
    assert client.login(username="ajadmin")  # the staff page keeps the fingerprint out of sight
    page = client.get(f"/coordination/meetings/{meeting['id']}/").content.decode()
    assert changed["record_hash"] not in page and changed["record_hash"][:16] not in page and "第2版" in page
    document = Meeting.objects.get(pk=meeting["id"]).document
    assert hashlib.sha256(download.content).hexdigest() == document.sha256

    resolution = changed["resolutions"][0]["id"]
    assert api_as("zjjhead").post(f"resolutions/{resolution}/done", {}).status_code == 403
    with clock.frozen("2026-11-06"):
        answer = api_as("zrj").post(f"resolutions/{resolution}/done", {"note": "已复测"})
    assert answer.status_code == 200 and answer.json()["status"] == "done" and not answer.json()["late"]
    assert api_as("kunyang").get(path).status_code == 404


def test_bad_meeting_input_answers_422_by_field(issue, api_as, person):
    answer = api_as("ajadmin").post("meetings", {"issue_ids": [issue.pk], "agenda": "", "place": "会议室",
                                                 "held_at": "2026-11-04T09:30:00", "invitees": ["nobody"]})
    assert answer.status_code == 422
    assert {d["field"] for d in answer.json()["fields"]} == {"agenda", "invitees"}
    other = make_case(person, location="昆阳镇", agent="kunyang", project="昆阳镇新材料项目")
    assert other.pk != issue.case_id
    answer = api_as("kunyang").post("meetings", {"issue_ids": [issue.pk], "agenda": "x", "place": "会议室",
                                                 "held_at": "2026-11-04T09:30:00", "invitees": ["zrjhead"]})
    assert answer.status_code == 422 and answer.json()["fields"][0]["field"] == "issue_ids"
