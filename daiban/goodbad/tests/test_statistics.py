"""好差评 figures: 好评率, 差评 count, 差评整改率 and on-time rate per unit, department and agent, ranked by
month; a 差评 set aside on appeal does not count; the public page's county 好评率 per month."""
from __future__ import annotations

import pytest

from daiban.closure import evaluations
from daiban.goodbad import services
from daiban.goodbad.models import BadReview
from daiban.lib import clock

pytestmark = pytest.mark.django_db


def grade(build, case, grade: str, items=()):
    evaluations.evaluation_submit(actor=build.owner(case), case=case, answers=evaluations.OwnerAnswers(
        grade=grade, fee_asked=False, items=tuple(items)))


@pytest.fixture
def november(build, person):
    center = person("center")
    first, second, third = (build.completed(on="2026-10-30", start="2026-10-12") for _ in range(3))
    l02, l05 = (build.item(first, code) for code in ("L02", "L05"))
    with clock.frozen("2026-11-02"):
        grade(build, first, "satisfied", [{"item": l02.pk, "grade": "very_satisfied"},
                                          {"item": l05.pk, "grade": "dissatisfied"}])
        grade(build, second, "dissatisfied")
        grade(build, third, "very_dissatisfied")
    rectified = BadReview.objects.get(case=second)
    appealed = BadReview.objects.get(case=third)
    with clock.frozen("2026-11-03"):
        rectified = services.bad_review_verify(actor=build.agent, review=rectified, finding="founded", note="属实")
        appealed = services.bad_review_verify(actor=build.agent, review=appealed, finding="unfounded", note="不属实")
        services.bad_review_appeal_review(actor=center, review=appealed, decision="upheld", note="申诉成立")
        rectified = services.bad_review_rectify(actor=build.agent, review=rectified, note="已整改")
        services.bad_review_answer(actor=build.agent, review=rectified, note="已答复", rater_reply="satisfied")
    return l02.catalog_item.department.name, l05.catalog_item.department.name


def test_the_monthly_figures_follow_the_convention_and_rank_the_departments(november, api_as):
    good_department, bad_department = november
    answer = api_as("center").get("good-bad/statistics", {"month": "2026-11"})
    assert answer.status_code == 200, answer.content
    figures = answer.json()
    county = figures["county"]
    # 满意, 非常满意 (item), 不满意 (item), 不满意; the 非常不满意 set aside on appeal is not counted
    assert (county["evaluations"], county["good"], county["bad"], county["good_rate"]) == (4, 2, 2, 50.0)
    assert (county["rectified"], county["rectification_rate"], county["on_time_rate"]) == (1, 50.0, 100.0)
    unit = figures["units"][0]
    assert (unit["name"], unit["evaluations"], unit["good_rate"], unit["rectification_rate"]) == (
        "鳌江镇投资项目代办服务站", 2, 50.0, 100.0)
    assert [(d["rank"], d["name"], d["good_rate"]) for d in figures["departments"]] == [
        (1, good_department, 100.0), (2, bad_department, 0.0)]
    assert figures["departments"][1]["rectification_rate"] == 0.0  # its 差评 is still open
    assert figures["agents"][0]["evaluations"] == 2
    assert api_as("center").get("good-bad/statistics", {"month": "2026-13"}).status_code == 422
    assert api_as("aojiang").get("good-bad/statistics").status_code == 403


def test_the_public_page_shows_the_countys_good_rate_per_month(november, api_as, client):
    with clock.frozen("2026-11-30"):
        months = api_as(None).get("public/good-bad/monthly").json()["months"]
        page = client.get("/portal/good-bad/")
    assert months[-1] == {"month": "2026-11", "evaluations": 4, "good": 2, "good_rate": 50.0}
    assert [m["month"] for m in months] == sorted(m["month"] for m in months)  # the demo's earlier months first
    assert page.status_code == 200 and "2026年11月" in page.content.decode() and "50.0%" in page.content.decode()


def test_the_assessment_dashboard_ranks_by_the_convention(november, client):
    from conftest import DEMO_PASSWORD

    assert client.login(username="center", password=DEMO_PASSWORD)
    html = client.get("/assessment/", {"from": "2026-11-01", "to": "2026-11-30"}).content.decode()
    section = html[html.index('id="good-bad"'):]
    assert "好评率 50.0%" in section and "审批部门排名" in section and "代办员排名" in section
