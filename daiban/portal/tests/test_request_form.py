"""A company asks for the agency service on the website or the phone page, without logging in."""
from __future__ import annotations

import re

import pytest

from conftest import credit_code, request_payload
from daiban.intake.models import Request

pytestmark = pytest.mark.django_db

VOLUNTARY = {"voluntary": "on"}


def form_data(**overrides) -> dict:
    """The fields as the browser posts them (location by region code, industrial as 1/0)."""
    data = request_payload()
    data.update(location="330326101", industrial="1", investment_wan="12000", token="token-one", **VOLUNTARY)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def new_requests(demo):
    """new_requests() -> the requests created since the test began (the demo county has some already)."""
    before = set(Request.objects.values_list("pk", flat=True))
    return lambda: list(Request.objects.exclude(pk__in=before))


def field_error(response, name: str) -> str | None:
    match = re.search(rf'id="id_{name}_error"[^>]*>([^<]*)<', response.content.decode())
    return match.group(1) if match else None


@pytest.mark.parametrize("url", ["/portal/apply/", "/portal/m/apply/"])
def test_the_form_renders_with_every_field_and_a_fresh_token(demo, client, url):
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="zh-Hans">' in html
    for label in ("单位名称", "统一社会信用代码", "法定代表人", "联系人", "手机号码", "项目名称", "建设地点", "项目类别",
                  "是否工业项目", "总投资（万元）", "项目代码", "建设内容", "需要协调的问题", "代办联系卡卡号",
                  "本单位自愿申请政府代办服务，知悉代办服务全程免费"):
        assert label in html, label
    assert '<optgroup label="乡镇">' in html and '<optgroup label="园区">' in html
    assert "招商引资" in html and "大建大美（一轴一带四片）" in html
    assert "YYMM-AAAAAA-DD-TT-NNNNNN" in html and "YYYY-AAAAAA-II-TT-NNNNNN" in html
    assert "csrfmiddlewaretoken" in html
    first = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    second = re.search(r'name="token" value="([0-9a-f]{32})"', client.get(url).content.decode()).group(1)
    assert first != second


def test_good_data_creates_one_request_and_shows_the_tracking_number_and_query_code(new_requests, client):
    answer = client.post("/portal/apply/", form_data(), follow=True)
    [row] = new_requests()
    assert (row.source, row.project_name, row.location.name, row.industrial) == ("online", "年产20万台精密减速机项目",
                                                                                 "鳌江镇", True)
    html = answer.content.decode()
    assert answer.redirect_chain[-1][0] == "/portal/apply/done/"
    assert row.tracking_no in html and row.query_code in html
    assert "请妥善保存查询码" in html and "1 个工作日内" in html and "鳌江镇投资项目代办服务站" in html
    assert f'/portal/progress/?tracking_no={row.tracking_no}' in html


def test_a_park_location_is_served_by_the_park_unit(new_requests, client):
    client.post("/portal/m/apply/", form_data(location="330326402", industrial="0"))
    [row] = new_requests()
    assert (row.unit.name, row.industrial) == ("水头园区投资项目代办服务站", False)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("credit_code", "91330326MA2H8K7Q30", "统一社会信用代码校验位不正确"),
    ("contact_phone", "1385771234", "手机号码应为 11 位"),
    ("location", "温州市区", "建设地点应为平阳县的乡镇或园区"),
    ("investment_wan", "-5", "总投资应大于 0 万元"),
    ("project_code", "2503-330326", "项目代码格式应为"),
    ("company_name", "", "请填写单位名称"),
    ("industrial", None, "请选择是否工业项目"),
])
def test_a_bad_field_shows_its_chinese_error_beside_it_and_creates_nothing(new_requests, client, field, value, message):
    if field == "credit_code":
        assert value[:17] + value[17] != credit_code(value[:17])
    answer = client.post("/portal/m/apply/", form_data(**{field: value}))
    assert answer.status_code == 422
    assert message in (field_error(answer, field) or "")
    assert new_requests() == []
    if value:  # what the company typed stays in the field
        assert f'value="{value}"' in answer.content.decode() or field == "location"


def test_without_the_voluntary_box_nothing_is_created(new_requests, client):
    data = form_data()
    del data["voluntary"]
    answer = client.post("/portal/apply/", data)
    assert answer.status_code == 422
    assert "自愿申请" in field_error(answer, "voluntary")
    assert new_requests() == []


def test_every_problem_is_reported_at_once(new_requests, client):
    data = form_data(contact_phone="123", investment_wan="abc")
    del data["voluntary"]
    answer = client.post("/portal/apply/", data)
    assert {name for name in ("contact_phone", "investment_wan", "voluntary") if field_error(answer, name)} == {
        "contact_phone", "investment_wan", "voluntary"}
    assert "有 3 处需要修改" in answer.content.decode()


def test_an_unknown_contact_card_is_refused_on_its_field(new_requests, client):
    answer = client.post("/portal/apply/", form_data(card_no="LXK0000NONE"))
    assert "未找到该代办联系卡" in field_error(answer, "card_no")
    assert new_requests() == []


def test_the_same_token_twice_creates_one_request(new_requests, client):
    first = client.post("/portal/apply/", form_data(token="double-click"), follow=True)
    second = client.post("/portal/apply/", form_data(token="double-click"), follow=True)
    [row] = new_requests()
    assert row.tracking_no in first.content.decode() and row.tracking_no in second.content.decode()


def test_the_done_page_without_a_submission_goes_back_to_the_form(demo, client):
    assert client.get("/portal/apply/done/")["Location"] == "/portal/apply/"


def test_too_many_submissions_are_refused_with_a_friendly_message(new_requests, client, settings):
    settings.PUBLIC_SUBMIT_LIMIT = 1
    client.post("/portal/apply/", form_data(token="a"))
    answer = client.post("/portal/apply/", form_data(token="b", project_name="第二个项目"))
    assert answer.status_code == 429
    html = answer.content.decode()
    assert "提交过于频繁" in html and "分钟后再试" in html and 'value="第二个项目"' in html
    assert len(new_requests()) == 1


def test_the_form_post_needs_the_csrf_token(new_requests):
    from django.test import Client

    answer = Client(enforce_csrf_checks=True).post("/portal/apply/", form_data())
    assert answer.status_code == 403
    assert new_requests() == []
