"""GET /api/v1/stats: the figures as JSON, refused in Chinese when asked badly, within the caller's scope."""
from __future__ import annotations

import pytest

from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build


@pytest.fixture
def two_units(person):
    build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", completed="2025-03-20",
                   items=[ItemSpec("L05", "2025-03-05", "2025-03-14"), ItemSpec("L02", "2025-03-05", "2025-03-10")]))
    build(CaseSpec("昆阳镇", "2025-03-10", "2025-03-11", agent="kunyang",
                   items=[ItemSpec("L02", "2025-03-12", "2025-03-13")]))


def test_the_stats_answer_has_the_documented_shape(two_units, api_as):
    answer = api_as("center").get("stats", {"from": "2025-03-01", "to": "2025-03-31", "by": "unit"})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["from"], body["to"], body["by"]) == ("2025-03-01", "2025-03-31", "unit")
    row = next(r for r in body["rows"] if r["name"] == "鳌江镇投资项目代办服务站")
    for figure in ("key", "name", "received", "accepted", "completed", "terminated", "on_time_rate", "avg_workdays",
                   "avg_limit", "overdue", "overdue_rate", "visits_per_case", "satisfaction", "previous"):
        assert figure in row
    assert (row["on_time_rate"], row["avg_workdays"], row["avg_limit"]) == (0.5, 5.0, 5.5)
    assert set(row["previous"]) >= {"received", "accepted", "on_time_rate"}
    assert body["totals"]["accepted"] == 2 and "previous" in body["totals"]


@pytest.mark.parametrize("params, field, message", [
    ({"from": "2025-13-01", "to": "2025-03-31"}, "from", "开始日期格式应为 YYYY-MM-DD"),
    ({"from": "2025-03-01", "to": "31/03/2025"}, "to", "结束日期格式应为 YYYY-MM-DD"),
    ({"from": "2025-04-01", "to": "2025-03-31"}, "from", "开始日期不能晚于结束日期"),
    ({"from": "2025-03-01", "to": "2025-03-31", "by": "company"}, "by", "统计维度应为"),
    ({"from": "2025-03-01", "to": "2025-03-31", "order": "name"}, "order", "排序应为"),
])
def test_a_bad_question_answers_422_in_chinese(api_as, params, field, message):
    answer = api_as("center").get("stats", params)
    assert answer.status_code == 422
    fields = answer.json()["fields"]
    assert any(d["field"] == field and message in d["message"] for d in fields), fields


@pytest.mark.parametrize("by", ["agent", "unit", "department", "township"])
def test_every_breakdown_answers(two_units, api_as, by):
    answer = api_as("leader").get("stats", {"from": "2025-03-01", "to": "2025-03-31", "by": by})
    assert answer.status_code == 200 and answer.json()["rows"]


def test_a_unit_administrator_gets_only_his_units_row(two_units, api_as):
    body = api_as("ajadmin").get("stats", {"from": "2025-03-01", "to": "2025-03-31", "by": "unit"}).json()
    assert [r["name"] for r in body["rows"]] == ["鳌江镇投资项目代办服务站"]
    agents = api_as("ajadmin").get("stats", {"from": "2025-03-01", "to": "2025-03-31", "by": "agent"}).json()
    assert [r["name"] for r in agents["rows"]] == ["王建国"]


def test_an_owner_gets_no_statistics(api_as):
    assert api_as("owner1").get("stats", {"by": "unit"}).status_code == 403
    assert api_as(None).get("stats", {"by": "unit"}).status_code == 401
