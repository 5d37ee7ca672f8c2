"""The public figures (seed §5.2.4 公开透明): by month, for the whole county, with nothing personal."""
from __future__ import annotations

import pytest

from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build


@pytest.fixture
def year_2025(person):
    build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", completed="2025-03-20",
                   company="平阳县鳌江阀门有限公司", project="年产5万套阀门项目", contact_name="陈晓东",
                   contact_phone="13957701201",
                   items=[ItemSpec("L05", "2025-03-05", "2025-03-14"), ItemSpec("L02", "2025-03-05", "2025-03-10")]))
    build(CaseSpec("昆阳镇", "2025-04-08", "2025-04-09", agent="kunyang", company="平阳县昆阳置业有限公司",
                   project="昆阳商业综合体项目", contact_name="林佳", contact_phone="13867704504",
                   items=[ItemSpec("L02", "2025-04-10", "2025-04-11")]))
    build(CaseSpec("水头镇", "2025-04-20", company="平阳县水头皮具有限公司", contact_name="吴丽",
                   contact_phone="13967702302"))


PERSONAL = ["平阳县鳌江阀门有限公司", "平阳县昆阳置业有限公司", "平阳县水头皮具有限公司", "陈晓东", "林佳", "吴丽",
            "13957701201", "13867704504", "13967702302", "年产5万套阀门项目", "昆阳商业综合体项目"]


def test_the_public_json_counts_by_month(year_2025, api_as):
    answer = api_as(None).get("public/stats", {"year": "2025"})
    assert answer.status_code == 200
    body = answer.json()
    months = {m["month"]: m for m in body["months"]}
    assert len(months) == 12
    assert (months["2025-03"]["received"], months["2025-03"]["accepted"], months["2025-03"]["completed"]) == (1, 1, 1)
    assert (months["2025-03"]["finished_items"], months["2025-03"]["on_time_rate"]) == (2, 0.5)
    april = months["2025-04"]
    assert (april["received"], april["accepted"], april["on_time_rate"]) == (2, 1, 1.0)
    assert months["2025-05"]["on_time_rate"] is None
    assert (body["totals"]["received"], body["totals"]["completed"], body["totals"]["on_time_rate"]) == (3, 1, 0.6667)
    text = answer.content.decode()
    assert not [word for word in PERSONAL if word in text]


def test_the_public_page_needs_no_login_and_shows_nothing_personal(year_2025, client):
    page = client.get("/assessment/public/", {"year": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025 年公开数据" in html and '<td class="nowrap">3 月</td>' in html and "50.0%" in html
    assert "echarts-5.6.0.min.js" in html
    assert not [word for word in PERSONAL if word in html]


@pytest.mark.parametrize("year", ["1999", "abc", "3000"])
def test_a_bad_year_is_refused_in_chinese(api_as, year):
    answer = api_as(None).get("public/stats", {"year": year})
    assert answer.status_code == 422
    assert answer.json()["fields"][0]["message"].startswith("年度应为 2000 至")
