"""NUL characters, over-long text, out-of-range numbers and dates answer 422 in Chinese, never 500: on the public
API, the public pages, staff queries and staff pages (run it on PostgreSQL too: it refuses what SQLite keeps)."""
from __future__ import annotations

import pytest

from conftest import request_payload
from daiban.intake.models import Request

pytestmark = pytest.mark.django_db
BAD_YEAR = "-1000000001-01-01"


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.PUBLIC_SUBMIT_LIMIT = 1000
    settings.PUBLIC_QUERY_LIMIT = 1000


@pytest.mark.parametrize("overrides, field", [
    ({"project_name": "年产\x00项目"}, "body"),
    ({"contact_name": "张\x00伟"}, "body"),
    ({"contact_name": "张" * 31}, "contact_name"),
    ({"legal_rep": "李" * 31}, "legal_rep"),
    ({"company_name": "公" * 101}, "company_name"),
    ({"description": "长" * 100000}, "description"),
    ({"investment_wan": 10 ** 20}, "investment_wan"),
    ({"land_area_mu": 10 ** 15}, "land_area_mu"),
    ({"land_area_mu": "NaN"}, "land_area_mu"),
])
def test_the_public_api_refuses_what_cannot_be_stored_by_name(api_as, overrides, field):
    before = Request.objects.count()
    answer = api_as(None).post("public/requests", request_payload(**overrides))
    body = answer.json()
    assert answer.status_code == 422 and body["code"] == "validation.invalid"
    assert field in {f["field"] for f in body["fields"]}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert Request.objects.count() == before


@pytest.mark.parametrize("field, value", [("project_name", "年产\x00项目"), ("contact_name", "张" * 31),
                                          ("investment_wan", "1" * 30), ("land_area_mu", "9" * 20)])
def test_the_public_form_shows_a_field_error(client, field, value):
    before = Request.objects.count()
    answer = client.post("/portal/apply/", request_payload(**{field: value}))
    assert answer.status_code == 422
    assert "field-error" in answer.content.decode()
    assert Request.objects.count() == before


@pytest.mark.parametrize("params", [{"tracking_no": "\x00", "query_code": "1"}, {"tracking_no": "A" * 5000}])
def test_the_progress_query_never_breaks(api_as, client, params):
    assert api_as(None).get("public/progress", params).status_code in (404, 422)
    assert client.post("/portal/progress/", {"query_code": "1", **params}).status_code in (404, 422)


@pytest.mark.parametrize("path, params", [
    ("ledger.xlsx", {"from": BAD_YEAR}), ("stats", {"from": BAD_YEAR}), ("stats", {"from": "9999-12-31"}),
    ("requests", {"status": "\x00"}), ("requests", {"phone": "\x00"}), ("cases", {"q": "\x00"}),
    ("calendar/add-workdays", {"start": BAD_YEAR, "days": 3}), ("calendar/add-workdays", {"start": "9999-12-30", "days": 300}),
    ("requests", {"limit": 10 ** 30}),
])
def test_staff_queries_refuse_hostile_values_with_422(api_as, path, params):
    answer = api_as("center").get(path, params)
    assert answer.status_code == 422 and answer.json()["code"] == "validation.invalid"


@pytest.mark.parametrize("params", [{"year": 10 ** 20}, {"body": 10 ** 30}])
def test_a_filter_no_row_can_match_finds_nothing(api_as, params):
    answer = api_as("center").get("teams/meetings", params)
    assert answer.status_code == 200 and answer.json()["items"] == []


@pytest.mark.parametrize("path", ["/cases/?q=%00", "/cases/requests/?status=%00", "/intake/directory/?category=%00",
                                  "/assessment/?from=" + BAD_YEAR, "/assessment/ledger/?from=" + BAD_YEAR,
                                  "/calendar/?year=-1000000001", "/cases/99999999999999999999999/"])
def test_staff_pages_never_answer_500(client, path):
    assert client.login("center")
    answer = client.get(path)
    assert answer.status_code in (200, 404, 422)
    if answer.status_code == 422:
        assert "含有不允许的字符" in answer.content.decode()
