"""A company looks up its request with the tracking number and the query code."""
from __future__ import annotations

import pytest

from conftest import request_payload
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(demo):
    row, _ = request_submit(data=RequestData(**request_payload()))
    return row


def test_the_query_form_renders_with_a_prefilled_tracking_number(client, submitted):
    html = client.get(f"/portal/progress/?tracking_no={submitted.tracking_no}").content.decode()
    assert f'value="{submitted.tracking_no}"' in html and "查询码" in html


def test_the_right_pair_shows_status_masked_contact_and_steps(client, submitted):
    answer = client.post("/portal/progress/", {"tracking_no": submitted.tracking_no,
                                               "query_code": submitted.query_code})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "待联系" in html and "平阳县鳌江精密传动有限公司" in html and "鳌江镇投资项目代办服务站" in html
    assert "张*" in html and "138****2345" in html
    assert "13857712345" not in html and "张伟" not in html
    assert "已收到代办申请（网上申请），由鳌江镇投资项目代办服务站承办" in html
    assert 'class="timeline"' in html


def test_a_wrong_pair_shows_the_error_and_the_form_again(client, submitted):
    wrong = "000000" if submitted.query_code != "000000" else "111111"
    answer = client.post("/portal/progress/", {"tracking_no": submitted.tracking_no, "query_code": wrong})
    html = answer.content.decode()
    assert answer.status_code == 404
    assert "登记编号或查询码不正确" in html and 'name="query_code"' in html
    assert "平阳县鳌江精密传动有限公司" not in html


def test_missing_fields_are_named(client, submitted):
    html = client.post("/portal/progress/", {"tracking_no": "", "query_code": ""}).content.decode()
    assert "请填写登记编号" in html and "请填写查询码" in html


def test_too_many_queries_are_refused(client, submitted, settings):
    settings.PUBLIC_QUERY_LIMIT = 2
    for _ in range(2):
        client.post("/portal/progress/", {"tracking_no": submitted.tracking_no, "query_code": "999999"})
    answer = client.post("/portal/progress/", {"tracking_no": submitted.tracking_no,
                                               "query_code": submitted.query_code})
    assert answer.status_code == 429
    html = answer.content.decode()
    assert "查询过于频繁" in html and "138****2345" not in html
