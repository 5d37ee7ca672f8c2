"""Online requests from the website and the phone page, and the public progress query."""
from __future__ import annotations

import pytest

from conftest import request_payload
from daiban.intake.models import Company, Request
from daiban.lib import clock


def submit(api, headers=None, **overrides):
    return api.post("public/requests", request_payload(**overrides), headers=headers or {})


def test_an_online_request_gets_a_tracking_number_and_query_code(api_as):
    answer = submit(api_as(None))
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"tracking_no", "query_code"}
    row = Request.objects.get(tracking_no=body["tracking_no"])
    assert row.source == "online" and row.status == "new"
    assert row.unit.name == "鳌江镇投资项目代办服务站"


def test_the_same_idempotency_key_creates_one_request_and_returns_the_same_answer(api_as):
    api = api_as(None)
    before = Request.objects.count()
    first = submit(api, headers={"Idempotency-Key": "form-7f3a"})
    again = submit(api, headers={"Idempotency-Key": "form-7f3a"})
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert Request.objects.count() == before + 1


@pytest.mark.parametrize("field, value, message", [
    ("credit_code", "91330326MA2H8K7Q30", "校验位"),
    ("contact_phone", "1385771234", "11 位"),
    ("location", "杭州市西湖区", "建设地点"),
    ("investment_wan", -5, "大于 0"),
    ("investment_wan", 90000000, "500 亿"),
    ("project_code", "2413-330326-04-01-123456", "年月"),
    ("category", "casino", "项目类别"),
])
def test_bad_input_gets_a_chinese_field_error_and_writes_nothing(api_as, field, value, message):
    before = (Request.objects.count(), Company.objects.count())
    answer = submit(api_as(None), **{field: value})
    assert answer.status_code == 422
    errors = {e["field"]: e["message"] for e in answer.json()["fields"]}
    assert message in errors[field]
    assert (Request.objects.count(), Company.objects.count()) == before


def test_a_location_may_be_given_by_its_code(api_as):
    answer = submit(api_as(None), location="330326102")
    assert Request.objects.get(tracking_no=answer.json()["tracking_no"]).unit.region.name == "水头镇"


def test_a_request_sent_on_a_saturday_is_deemed_received_on_monday(api_as):
    with clock.frozen("2026-03-07"):  # a Saturday
        answer = submit(api_as(None))
    row = Request.objects.get(tracking_no=answer.json()["tracking_no"])
    assert str(row.deemed_day) == "2026-03-09"
    assert str(row.first_contact_due) == "2026-03-10"


def test_first_contact_is_due_across_the_national_day_holiday(api_as):
    with clock.frozen("2026-09-30"):
        answer = submit(api_as(None))
    row = Request.objects.get(tracking_no=answer.json()["tracking_no"])
    assert str(row.first_contact_due) == "2026-10-08"


def test_public_progress_masks_personal_data(api_as):
    api = api_as(None)
    body = submit(api).json()
    answer = api.get("public/progress", {"tracking_no": body["tracking_no"], "query_code": body["query_code"]})
    assert answer.status_code == 200
    progress = answer.json()
    assert progress["contact_phone"] == "138****2345" and progress["contact_name"] == "张*"
    assert progress["status"] == "new" and progress["steps"][0]["text"].startswith("已收到代办申请")
    assert "13857712345" not in answer.content.decode()


def test_a_wrong_query_code_answers_404(api_as):
    api = api_as(None)
    body = submit(api).json()
    wrong = "000000" if body["query_code"] != "000000" else "111111"
    assert api.get("public/progress", {"tracking_no": body["tracking_no"], "query_code": wrong}).status_code == 404


def test_public_requests_are_rate_limited(api_as, settings):
    settings.PUBLIC_SUBMIT_LIMIT = 2
    api = api_as(None)
    assert [submit(api, project_name=f"项目{i}").status_code for i in range(3)] == [201, 201, 429]
    refused = submit(api)
    assert refused.json()["code"] == "rate_limited" and "频繁" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= settings.PUBLIC_WINDOW_SECONDS


def test_the_unit_is_alerted_to_a_new_request(api_as):
    from daiban.notify.models import Notification

    body = submit(api_as(None)).json()
    row = Request.objects.get(tracking_no=body["tracking_no"])
    alerts = Notification.objects.filter(link=f"/cases/requests/{row.pk}/", channel="in_app")
    assert set(alerts.values_list("recipient__username", flat=True)) == {"aojiang", "ajadmin"}
    assert body["tracking_no"] and "首次联系" in alerts.first().body
