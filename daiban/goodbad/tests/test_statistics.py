"""好差评 figures: 好评率, 差评 count, 差评整改率 and on-time rate per unit, department and agent, ranked by
month; a 差评 set aside on appeal does not count; the public page's county 好评率 per month."""
from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest

from daiban.cases.models import TeamMember
from daiban.closure import evaluations
from daiban.closure.grades import GOOD_GRADES
from daiban.closure.models import ItemEvaluation, OwnerEvaluation
from daiban.goodbad import services, stats
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


def plain_figures(span) -> dict:
    """The oracle: every evaluation and closed 差评 of the span read as a row and counted one by one."""
    start, after = span.bounds()
    set_aside = BadReview.objects.filter(outcome="set_aside")
    owner_set_aside = {pk for pk in set_aside.values_list("owner_evaluation", flat=True) if pk}
    item_set_aside = {pk for pk in set_aside.values_list("item_evaluation", flat=True) if pk}
    groups: dict = {"county": defaultdict(lambda: [0, 0, 0, 0]), "units": defaultdict(lambda: [0, 0, 0, 0]),
                    "departments": defaultdict(lambda: [0, 0, 0, 0]), "agents": defaultdict(lambda: [0, 0, 0, 0])}
    agent_of = {m.case_id: m.user.display_name for m in TeamMember.objects.filter(role="agent").order_by("pk")}
    for evaluation in OwnerEvaluation.objects.filter(submitted_at__gte=start, submitted_at__lt=after).exclude(
            pk__in=owner_set_aside):
        good = evaluation.grade in GOOD_GRADES
        keys = [("county", ""), ("units", evaluation.case.unit.name)]
        keys += [("agents", agent_of[evaluation.case_id])] if evaluation.case_id in agent_of else []
        for group, key in keys:
            groups[group][key][0] += 1
            groups[group][key][1] += good
    for evaluation in ItemEvaluation.objects.filter(submitted_at__gte=start, submitted_at__lt=after).exclude(
            pk__in=item_set_aside):
        for group, key in (("county", ""), ("departments", evaluation.department.name)):
            groups[group][key][0] += 1
            groups[group][key][1] += evaluation.grade in GOOD_GRADES
    for review in BadReview.objects.filter(opened_at__gte=start, opened_at__lt=after, status="closed").exclude(
            outcome="set_aside"):
        keys = [("county", "")]
        if review.department:
            keys.append(("departments", review.department.name))
        else:
            keys.append(("units", review.unit.name))
            keys += [("agents", review.agent.display_name)] if review.agent else []
        for group, key in keys:
            groups[group][key][2] += 1
            groups[group][key][3] += not review.late

    def row(name, counted):
        evaluations, good, closed, on_time = counted
        def rate(part, whole):
            return None if not whole else round(part * 100 / whole, 1)

        return {"name": name, "evaluations": evaluations, "good": good, "bad": evaluations - good,
                "good_rate": rate(good, evaluations), "rectified": closed,
                "rectification_rate": rate(closed, evaluations - good), "on_time": on_time,
                "on_time_rate": rate(on_time, closed)}

    answer = {"county": row("全县", groups["county"][""])}
    for group in ("units", "departments", "agents"):
        answer[group] = sorted((row(name, counted) for name, counted in groups[group].items()),
                               key=lambda r: (r["good_rate"] is None, -(r["good_rate"] or 0), r["bad"], r["name"]))
        for rank, ranked in enumerate(answer[group], 1):
            ranked["rank"] = rank
    return answer


def test_the_figures_equal_a_count_of_every_evaluation_in_five_queries(november, build, person,
                                                                       django_assert_num_queries):
    later = build.completed(on="2026-11-10", start="2026-10-20")
    TeamMember.objects.create(case=later, user=person("kunyang"), role="agent")  # a second agent: the last counts
    with clock.frozen("2026-11-12"):
        grade(build, later, "basically_satisfied", [{"item": build.item(later, "L02").pk, "grade": "satisfied"}])
    november_only, everything = stats.month_period("2026-11"), stats.Month(dt.date(2020, 1, 1), dt.date(2026, 12, 31))
    for span in (november_only, everything):
        with django_assert_num_queries(5):  # three GROUP BYs, the names of the units and agents
            found = stats.figures(span)
        expected = plain_figures(span)
        assert {k: found[k] for k in expected} == expected
    assert person("kunyang").display_name in {a["name"] for a in stats.figures(november_only)["agents"]}


def test_an_evaluation_counts_for_the_agent_who_served_when_it_was_given(november, build, person):
    later = build.completed(on="2026-11-10", start="2026-10-20")
    with clock.frozen("2026-11-12"):
        grade(build, later, "very_satisfied")
    TeamMember.objects.create(case=later, user=person("kunyang"), role="agent")  # the team changes afterwards
    evaluation = OwnerEvaluation.objects.get(case=later)
    assert (evaluation.unit, evaluation.agent) == (later.unit, person("aojiang"))
    agents = {a["name"]: a["evaluations"] for a in stats.figures(stats.month_period("2026-11"))["agents"]}
    assert agents == {person("aojiang").display_name: 3}  # the first two of November and this one
    assert person("kunyang").display_name not in agents


def test_rebuild_rollups_tells_who_served_on_evaluations_inserted_without_it(november, build, person):
    from django.core.management import call_command  # why: only this test runs the command

    later = build.completed(on="2026-11-10", start="2026-10-20")
    TeamMember.objects.create(case=later, user=person("kunyang"), role="agent")
    with clock.frozen("2026-11-12"):
        grade(build, later, "satisfied")
    served = {e.pk: (e.unit_id, e.agent_id) for e in OwnerEvaluation.objects.all()}
    OwnerEvaluation.objects.update(unit=None, agent=None)  # as a bulk seed leaves them
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert {e.pk: (e.unit_id, e.agent_id) for e in OwnerEvaluation.objects.all()} == served
    november_only = stats.month_period("2026-11")
    expected = plain_figures(november_only)
    assert {k: v for k, v in stats.figures(november_only).items() if k in expected} == expected
