"""The ledger of work meetings and training sessions (seed §4.2, §7.2 工作例会), with attendance."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.lib import clock
from daiban.org.models import AgencyBody
from daiban.teams.models import TeamMeeting

pytestmark = pytest.mark.django_db


def body_id(name: str) -> int:
    return AgencyBody.objects.get(name=name).pk


AOJIANG, KUNYANG, CENTER = "鳌江镇投资项目代办服务站", "昆阳镇投资项目代办服务站", "平阳县投资项目代办服务中心"


def meeting(**overrides) -> dict:
    values = {"kind": "meeting", "body_id": body_id(AOJIANG), "held_on": str(clock.today() - dt.timedelta(days=3)),
              "topic": "鳌江镇代办服务站月度例会", "content": "通报在办项目进展，部署消防设计审查催办。",
              "attendance": [{"username": "ajadmin", "present": True},
                             {"username": "aojiang", "present": True},
                             {"username": "chief", "present": False, "reason": "参加县重大项目推进会"}]}
    values.update(overrides)
    return values


def test_meeting_attendance_is_recorded_and_listed(api_as):
    unit_admin = api_as("ajadmin")
    created = unit_admin.post("teams/meetings", meeting())
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["present"], row["absent"]) == (2, 1)
    absent = next(a for a in row["attendance"] if not a["present"])
    assert absent == {"username": "chief", "name": "叶承志", "body": AOJIANG, "present": False,
                      "reason": "参加县重大项目推进会"}
    listed = unit_admin.get("teams/meetings", {"body": body_id(AOJIANG), "year": clock.today().year}).json()["items"]
    assert row["id"] in [m["id"] for m in listed]
    assert AuditEvent.objects.filter(event_type="teams.meeting_recorded", object_id=str(row["id"])).exists()


def test_the_attendance_can_be_corrected_and_the_correction_is_audited(api_as):
    unit_admin = api_as("ajadmin")
    row = unit_admin.post("teams/meetings", meeting(attendance=[])).json()
    answer = unit_admin.put(f"teams/meetings/{row['id']}/attendance", {"attendance": [
        {"username": "aojiang", "present": False, "reason": "病假"}]})
    assert answer.status_code == 200 and answer.json()["absent"] == 1
    event = AuditEvent.objects.get(event_type="teams.attendance_set", object_id=str(row["id"]))
    assert event.old == [] and event.new == [{"person": "aojiang", "present": False, "reason": "病假"}]


def test_an_absence_needs_a_reason_and_a_person_is_listed_once(api_as):
    answer = api_as("ajadmin").post("teams/meetings", meeting(attendance=[
        {"username": "aojiang", "present": False}, {"username": "ajadmin", "present": True},
        {"username": "ajadmin", "present": True}]))
    assert answer.status_code == 422
    message = {p["field"]: p["message"] for p in answer.json()["fields"]}["attendance"]
    assert "请填写 王建国 的缺席原因" in message and "黄丽华 重复登记" in message


def test_a_meeting_cannot_be_dated_in_the_future(api_as):
    answer = api_as("ajadmin").post("teams/meetings", meeting(held_on=str(clock.today() + dt.timedelta(days=1))))
    assert answer.status_code == 422 and answer.json()["fields"][0]["field"] == "held_on"


def test_a_unit_admin_cannot_record_for_another_unit(api_as):
    unit_admin = api_as("ajadmin")
    assert unit_admin.post("teams/meetings", meeting(body_id=body_id(KUNYANG), attendance=[])).status_code == 403
    assert unit_admin.post("teams/meetings", meeting(body_id=body_id(CENTER), attendance=[])).status_code == 403
    other_units_people = unit_admin.post("teams/meetings", meeting(attendance=[
        {"username": "kunyang", "present": True}]))
    assert other_units_people.status_code == 422 and "不属于" in other_units_people.json()["fields"][0]["message"]
    kunyang_meeting = api_as("kyadmin").post("teams/meetings", meeting(body_id=body_id(KUNYANG), attendance=[])).json()
    assert unit_admin.put(f"teams/meetings/{kunyang_meeting['id']}/attendance", {"attendance": []}).status_code == 404
    assert not TeamMeeting.objects.filter(body__name=KUNYANG, recorded_by__username="ajadmin").exists()
    assert AuditEvent.objects.filter(event_type="access.refused", actor_name="ajadmin").exists()


def test_the_center_records_county_wide_sessions_with_every_units_staff(api_as):
    answer = api_as("center").post("teams/meetings", meeting(
        kind="training", body_id=body_id(CENTER), topic="施工图多图联审业务培训", hours="2.5",
        attendance=[{"username": "aojiang", "present": True}, {"username": "kunyang", "present": True}]))
    assert answer.status_code == 201 and answer.json()["kind_label"] == "业务培训"
    # Unit staff read the center's sessions; another unit's meetings stay out of their sight.
    kunyang_sees = [m["topic"] for m in api_as("kunyang").get("teams/meetings").json()["items"]]
    assert "施工图多图联审业务培训" in kunyang_sees and "鳌江镇代办服务站周例会" not in kunyang_sees


def test_an_inspector_reads_but_cannot_write(api_as, client, person):
    inspector = api_as("inspector")
    topics = [m["topic"] for m in inspector.get("teams/meetings").json()["items"]]
    assert "鳌江镇代办服务站周例会" in topics and "全县代办工作例会：通报代办项目进展" in topics
    assert inspector.post("teams/meetings", meeting(attendance=[])).status_code == 403
    demo_meeting = TeamMeeting.objects.get(topic="鳌江镇代办服务站周例会")
    assert inspector.put(f"teams/meetings/{demo_meeting.pk}/attendance", {"attendance": []}).status_code == 403
    assert client.login(username="inspector")
    page = client.get("/teams/meetings/")
    assert page.status_code == 200 and "鳌江镇代办服务站周例会" in page.content.decode()
    assert "登记工作例会" not in page.content.decode()
    assert client.post("/teams/meetings/", {"topic": "x"}).status_code == 403
    assert client.post(f"/teams/meetings/{demo_meeting.pk}/", {}).status_code == 403
    assert demo_meeting.attendance.count() == 3


def test_the_pages_record_a_meeting_then_its_attendance(client, person):
    assert client.login(username="ajadmin")
    answer = client.post("/teams/meetings/", {
        "kind": "meeting", "body": body_id(AOJIANG), "held_on": str(clock.today()), "topic": "专题例会：施工许可提速",
        "content": "研究施工许可提速措施。"})
    created = TeamMeeting.objects.get(topic="专题例会：施工许可提速")
    assert answer.status_code == 302 and answer.url == f"/teams/meetings/{created.pk}/"
    aojiang, chief = person("aojiang"), person("chief")
    missing_reason = client.post(answer.url, {f"state_{aojiang.pk}": "present", f"state_{chief.pk}": "absent"})
    assert missing_reason.status_code == 422 and "缺席原因" in missing_reason.content.decode()
    client.post(answer.url, {f"state_{aojiang.pk}": "present", f"state_{chief.pk}": "absent",
                             f"reason_{chief.pk}": "出差"})
    assert sorted(created.attendance.values_list("person__username", "present")) == [("aojiang", True),
                                                                                      ("chief", False)]
    listing = client.get("/teams/meetings/", {"year": clock.today().year}).content.decode()
    assert "专题例会：施工许可提速" in listing


def test_the_lists_filter_by_body_and_year(client, person):
    assert client.login(username="center")
    center_only = client.get("/teams/meetings/", {"body": body_id(CENTER)}).content.decode()
    assert "全县代办工作例会" in center_only and "鳌江镇代办服务站周例会" not in center_only
    trainings = client.get("/teams/trainings/").content.decode()
    assert "施工许可与“多测合一”改革业务培训" in trainings and "周例会" not in trainings
    assert "全县代办工作例会" not in client.get("/teams/meetings/", {"year": 2001}).content.decode()


@pytest.mark.parametrize("kind, hours, message", [
    ("training", None, "请填写培训学时"),
    ("training", "两小时", "应为数字"),
    ("seminar", "0", "学时应大于 0"),
    ("training", "40.5", "不超过 40 小时"),
    ("training", "1.25", "一位小数"),
    ("meeting", "2", "工作例会不计学时"),
])
def test_training_hours_are_required_on_sessions_and_refused_on_work_meetings(api_as, kind, hours, message):
    before = TeamMeeting.objects.count()
    answer = api_as("center").post("teams/meetings", meeting(kind=kind, body_id=body_id(CENTER), hours=hours,
                                                             attendance=[]))
    assert answer.status_code == 422
    assert message in {e["field"]: e["message"] for e in answer.json()["fields"]}["hours"]
    assert TeamMeeting.objects.count() == before


def test_a_training_records_its_hours_on_the_api_and_the_page(api_as, client):
    answer = api_as("center").post("teams/meetings", meeting(kind="training", body_id=body_id(CENTER), hours="1.5",
                                                             topic="代办服务规范培训", attendance=[]))
    assert answer.status_code == 201 and answer.json()["hours"] in ("1.5", 1.5)
    assert client.login(username="center")
    page = client.get("/teams/trainings/").content.decode()
    assert "代办服务规范培训" in page and "1.5" in page
