"""Team records count in the assessment: attendance, training, commendations and accountability per person and
unit, and one person's assessment sheet (.xlsx) for the period."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from daiban.lib import clock
from daiban.teams.models import Attendance, ConductRecord, TeamMeeting

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def records(person):
    aojiang, ajadmin = person("aojiang"), person("ajadmin")
    body = aojiang.body
    common = {"body": body, "recorded_by": ajadmin, "recorded_at": clock.now(), "content": "纪要"}
    meeting = TeamMeeting.objects.create(kind="meeting", held_on=D("2026-03-02"), topic="三月工作例会", **common)
    training = TeamMeeting.objects.create(kind="training", held_on=D("2026-03-16"), topic="施工许可业务培训", **common)
    outside = TeamMeeting.objects.create(kind="training", held_on=D("2025-12-01"), topic="去年的培训", **common)
    Attendance.objects.create(meeting=meeting, person=aojiang, present=False, absence_reason="陪同企业踏勘")
    Attendance.objects.create(meeting=training, person=aojiang, present=True)
    Attendance.objects.create(meeting=outside, person=aojiang, present=True)
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
    assert {k: row[k] for k in ("invited", "present", "trainings", "commendations", "accountability")} == {
        "invited": 2, "present": 1, "trainings": 1, "commendations": 1, "accountability": 1}
    [unit] = [u for u in answer["units"] if u["unit_id"] == records.body_id]
    assert (unit["invited"], unit["present"], unit["commendations"]) == (3, 2, 1)


def test_a_unit_sees_only_its_own_people(records, api_as):
    people = api_as("kyadmin").get("/api/v1/team-records", {"from": "2026-01-01"}).json()["people"]
    assert people and "aojiang" not in {r["username"] for r in people}


def test_the_persons_assessment_sheet_lists_each_record_and_the_totals(records, api_as):
    answer = api_as("ajadmin").get(f"/api/v1/team-records/{records.pk}.xlsx", {"from": "2026-01-01", "to": "2026-06-30"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    kinds = [line[1] for line in lines]
    assert kinds == ["工作例会", "业务培训", "表扬", "通报批评", "合计"]
    assert "缺席（陪同企业踏勘）" in lines[0][3]
    assert "出席1次" in lines[-1][2] and "问责1次" in lines[-1][3]
    assert api_as("kyadmin").get(f"/api/v1/team-records/{records.pk}.xlsx").status_code == 404
