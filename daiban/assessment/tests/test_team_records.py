"""Team records count in the assessment: attendance, training, commendations and accountability per person and
unit, and one person's assessment sheet (.xlsx) for the period."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from daiban.assessment import team_records
from daiban.assessment.periods import Period
from daiban.lib import clock
from daiban.org.models import User
from daiban.org.roles import UNIT_ROLES
from daiban.teams.models import TRAINING_KINDS, Attendance, ConductRecord, TeamMeeting

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def records(person):
    aojiang, ajadmin = person("aojiang"), person("ajadmin")
    body = aojiang.body
    common = {"body": body, "recorded_by": ajadmin, "recorded_at": clock.now(), "content": "纪要"}
    meeting = TeamMeeting.objects.create(kind="meeting", held_on=D("2026-03-02"), topic="三月工作例会", **common)
    training = TeamMeeting.objects.create(kind="training", held_on=D("2026-03-16"), topic="施工许可业务培训",
                                          hours=Decimal("3.5"), **common)
    seminar = TeamMeeting.objects.create(kind="seminar", held_on=D("2026-04-20"), topic="计划表编制研讨",
                                         hours=Decimal("1.5"), **common)
    outside = TeamMeeting.objects.create(kind="training", held_on=D("2025-12-01"), topic="去年的培训",
                                         hours=Decimal("8"), **common)
    Attendance.objects.create(meeting=meeting, person=aojiang, present=False, absence_reason="陪同企业踏勘")
    Attendance.objects.create(meeting=training, person=aojiang, present=True)
    Attendance.objects.create(meeting=outside, person=aojiang, present=True)
    Attendance.objects.create(meeting=seminar, person=aojiang, present=True)
    Attendance.objects.create(meeting=seminar, person=ajadmin, present=False, absence_reason="外出招商")
    Attendance.objects.create(meeting=meeting, person=ajadmin, present=True)
    ConductRecord.objects.create(person=aojiang, body=body, kind="praise", reason="帮助企业提前拿到施工许可证",
                                 decided_by="县代办中心", decided_on=D("2026-04-01"), recorded_by=ajadmin,
                                 recorded_at=clock.now())
    ConductRecord.objects.create(person=aojiang, body=body, kind="criticism", reason="首次联系逾期",
                                 decided_by="县代办中心", decided_on=D("2026-05-06"), recorded_by=ajadmin,
                                 recorded_at=clock.now())
    return aojiang


def test_each_person_and_unit_has_their_records_of_the_period(records, api_as):
    answer = api_as("center").get("/api/v1/team-records", {"from": "2026-01-01", "to": "2026-06-30"}).json()
    [row] = [r for r in answer["people"] if r["username"] == "aojiang"]
    assert {k: row[k] for k in ("invited", "present", "trainings", "training_hours", "commendations",
                                "accountability")} == {
        "invited": 3, "present": 2, "trainings": 2, "training_hours": 5.0, "commendations": 1, "accountability": 1}
    [unit] = [u for u in answer["units"] if u["unit_id"] == records.body_id]
    assert (unit["invited"], unit["present"], unit["commendations"]) == (5, 3, 1)
    # ajadmin missed the seminar: its hours count for aojiang alone.
    demo_hours = sum(r["training_hours"] for r in answer["people"] if r["unit_id"] == records.body_id
                     and r["username"] not in ("aojiang", "ajadmin"))
    assert unit["training_hours"] == 5.0 + demo_hours


def test_a_unit_sees_only_its_own_people(records, api_as):
    people = api_as("kyadmin").get("/api/v1/team-records", {"from": "2026-01-01"}).json()["people"]
    assert people and "aojiang" not in {r["username"] for r in people}


def test_the_persons_assessment_sheet_lists_each_record_and_the_totals(records, api_as):
    answer = api_as("ajadmin").get(f"/api/v1/team-records/{records.pk}.xlsx", {"from": "2026-01-01", "to": "2026-06-30"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    kinds = [line[1] for line in lines]
    assert kinds == ["工作例会", "业务培训", "业务研讨", "表扬", "通报批评", "合计"]
    assert "缺席（陪同企业踏勘）" in lines[0][3] and lines[1][3] == "出席，3.5学时"
    assert "出席2次" in lines[-1][2] and "培训5学时" in lines[-1][2] and "问责1次" in lines[-1][3]
    assert api_as("kyadmin").get(f"/api/v1/team-records/{records.pk}.xlsx").status_code == 404


def test_the_statistics_carry_the_team_records_of_the_readers_scope(records, api_as):
    county = api_as("center").get("/api/v1/stats", {"from": "2026-01-01", "to": "2026-06-30"}).json()["team"]
    [row] = [r for r in county["people"] if r["username"] == "aojiang"]
    assert (row["trainings"], row["training_hours"], row["commendations"]) == (2, 5.0, 1)
    assert county["columns"]["training_hours"] == "培训学时"
    unit = api_as("kyadmin").get("/api/v1/stats", {"from": "2026-01-01", "to": "2026-06-30"}).json()["team"]
    assert "aojiang" not in {r["username"] for r in unit["people"]}


def test_the_statistics_page_shows_each_persons_hours_and_links_the_sheet(records, client):
    assert client.login(username="center")
    html = client.get("/assessment/", {"from": "2026-01-01", "to": "2026-06-30"}).content.decode()
    assert "队伍建设记录" in html and "培训学时" in html
    assert f"/api/v1/team-records/{records.pk}.xlsx?from=2026-01-01&amp;to=2026-06-30" in html


def test_the_records_equal_a_count_of_every_attendance_and_decision_in_three_queries(records, django_assert_num_queries):
    period = Period(D("2026-01-01"), D("2026-06-30"))
    with django_assert_num_queries(3):
        people = team_records.person_records(period)
    staff = User.objects.filter(is_active=True, role_grants__role__in=UNIT_ROLES).distinct()
    expected = []
    for person in staff.select_related("body").order_by("body__name", "username"):
        seen = [a for a in Attendance.objects.filter(person=person).select_related("meeting")
                if period.start <= a.meeting.held_on <= period.end]
        trained = [a for a in seen if a.present and a.meeting.kind in TRAINING_KINDS]
        judged = [c for c in ConductRecord.objects.filter(person=person) if period.start <= c.decided_on <= period.end]
        expected.append({"user_id": person.pk, "username": person.username, "name": person.display_name,
                         "unit_id": person.body_id, "unit": person.body.name if person.body else "",
                         "invited": len(seen), "present": sum(a.present for a in seen), "trainings": len(trained),
                         "training_hours": float(sum(a.meeting.hours or 0 for a in trained)),
                         "commendations": sum(c.incentive for c in judged),
                         "accountability": sum(not c.incentive for c in judged)})
    assert people == expected
    assert any(row["training_hours"] for row in people) and any(row["accountability"] for row in people)
