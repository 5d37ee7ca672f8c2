"""The two public endpoints under /api/v1/calendar/."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _get(client, path: str, **params):
    return client.get(f"/api/v1/calendar/{path}", params)


def test_add_workdays_answers_the_date_and_whether_it_is_provisional(client):
    response = _get(client, "add-workdays", start="2026-02-13", days="2")
    assert response.status_code == 200
    assert response.json() == {"start": "2026-02-13", "days": 2, "date": "2026-02-24", "provisional": False}


def test_add_workdays_into_an_unpublished_year_is_provisional(client):
    response = _get(client, "add-workdays", start="2026-12-30", days="3")
    assert response.json() == {"start": "2026-12-30", "days": 3, "date": "2027-01-05", "provisional": True}


def test_workdays_between_answers_the_count(client):
    response = _get(client, "workdays-between", start="2026-09-30", end="2026-10-10")
    assert response.status_code == 200
    assert response.json() == {"workdays": 3, "provisional": False}


def test_no_login_is_needed(client):
    assert _get(client, "workdays-between", start="2026-01-01", end="2026-12-31").json()["workdays"] == 248


def _refusal(response) -> dict[str, str]:
    assert response.status_code == 422
    body = response.content.decode("utf-8")
    assert "\\u" not in body  # Chinese stays readable
    return {problem["field"]: problem["message"] for problem in response.json()["fields"]}


def test_a_malformed_date_is_refused_in_chinese(client):
    assert _refusal(_get(client, "add-workdays", start="2026-02-30", days="1")) == {
        "start": "日期格式应为 YYYY-MM-DD"}
    assert _refusal(_get(client, "workdays-between", start="2026-01-01", end="明天")) == {
        "end": "日期格式应为 YYYY-MM-DD"}
    assert _refusal(_get(client, "workdays-between", start="20260101", end="2026-02-01")) == {
        "start": "日期格式应为 YYYY-MM-DD"}


def test_a_negative_day_count_is_refused_in_chinese(client):
    assert _refusal(_get(client, "add-workdays", start="2026-02-13", days="-1")) == {"days": "工作日数不能为负数"}


def test_a_day_count_that_is_not_a_number_is_refused_in_chinese(client):
    assert "整数" in _refusal(_get(client, "add-workdays", start="2026-02-13", days="三"))["days"]


def test_a_span_over_fifty_years_is_refused_in_chinese(client):
    assert _refusal(_get(client, "workdays-between", start="2000-01-01", end="2050-01-02")) == {
        "end": "起止日期相隔不能超过 50 年"}
    assert _refusal(_get(client, "add-workdays", start="2000-01-01", days="13000")) == {
        "days": "起止日期相隔不能超过 50 年"}


def test_a_result_past_the_calendar_is_refused_in_chinese(client):
    assert "超出工作日历范围" in _refusal(_get(client, "add-workdays", start="2000-01-01", days="9" * 30))["days"]


def test_exactly_fifty_years_is_accepted(client):
    assert _get(client, "workdays-between", start="2000-01-01", end="2050-01-01").status_code == 200


def test_a_date_outside_the_calendar_is_refused_in_chinese(client):
    problems = _refusal(_get(client, "add-workdays", start="1999-12-31", days="1"))
    assert problems["start"].startswith("日期应在 2000-01-01 至 2150-12-31 之间")


def test_a_missing_parameter_is_refused(client):
    assert "days" in _refusal(_get(client, "add-workdays", start="2026-02-13"))
