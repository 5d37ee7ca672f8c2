"""The five 好差评 grades: the mapping of the earlier scores, the public one-time link API, the window and
一事一评."""
from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from daiban.closure.grades import Grade, grade_from_scores, is_bad
from daiban.closure.models import DepartmentRating, ItemEvaluation, OwnerEvaluation
from daiban.lib import clock

from .test_evaluation import issue_link

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("scores", "grade"), [
    ((5, 5, 5, 5), Grade.VERY_SATISFIED),
    ((5, 5, 4, 4), Grade.VERY_SATISFIED),  # 4.5 rounds up
    ((4, 4, 3, 4), Grade.SATISFIED),  # 3.75
    ((4, 3, 3, 3), Grade.BASICALLY_SATISFIED),  # 3.25
    ((3, 3, 2, 2), Grade.BASICALLY_SATISFIED),  # 2.5 rounds up
    ((3, 2, 2, 2), Grade.DISSATISFIED),  # 2.25
    ((2, 1, 1, 1), Grade.VERY_DISSATISFIED),  # 1.25
    ((5, 5, 5, 1), Grade.SATISFIED),  # the overall score counts: 4.0, not the 5 of the three
])
def test_the_scores_map_onto_the_five_grades_by_their_mean_overall_included(scores, grade):
    assert grade_from_scores(*scores) == grade


def test_only_dissatisfied_and_very_dissatisfied_are_bad_reviews():
    assert {g for g in Grade if is_bad(g)} == {Grade.DISSATISFIED, Grade.VERY_DISSATISFIED}


def test_the_migration_grades_existing_evaluations_by_the_stated_mapping(build, api_as):
    case = build.completed(on="2026-09-30")
    owner = api_as(build.owner(case).username)
    assert owner.post(f"cases/{case.pk}/evaluation", {"attitude": 3, "efficiency": 2, "quality": 2, "overall": 2,
                                                      "fee_asked": False}).status_code == 201
    rated = api_as("aojiang").post(f"cases/{case.pk}/department-ratings", {"ratings": [
        {"department": "fgj", "attitude": 5, "efficiency": 5, "quality": 4, "overall": 4}]})
    assert rated.status_code == 201, rated.content
    OwnerEvaluation.objects.update(grade="")
    DepartmentRating.objects.update(grade="")
    migration = importlib.import_module("daiban.closure.migrations.0003_five_grades")
    migration.grade_existing(apps, None)
    assert OwnerEvaluation.objects.get(case=case).grade == Grade.DISSATISFIED  # 2.25
    assert DepartmentRating.objects.get(case=case).grade == Grade.VERY_SATISFIED  # 4.5


def test_the_public_api_takes_the_grade_through_the_one_time_link_without_login(build, api_as, client):
    case = build.completed(on="2026-09-30")
    token = issue_link(api_as, case).rstrip("/").rsplit("/", 1)[1]
    item = case.items.order_by("pk").first()
    body = {"grade": "satisfied", "comments": "服务到位", "fee_asked": False, "fee_details": "",
            "items": [{"item": item.pk, "grade": "very_satisfied"}]}
    with clock.frozen("2026-10-09"):
        wrong = client.post(f"/api/v1/public/evaluations/{token}", {**body, "grade": "good"},
                            content_type="application/json")
        assert wrong.status_code == 422 and wrong.json()["fields"][0]["field"] == "grade"
        answer = client.post(f"/api/v1/public/evaluations/{token}", body, content_type="application/json")
        assert answer.status_code == 201, answer.content
        assert answer.json()["grade_label"] == "满意" and answer.json()["items"][0]["grade"] == "very_satisfied"
        again = client.post(f"/api/v1/public/evaluations/{token}", body, content_type="application/json")
        assert again.status_code == 409 and again.json()["code"] == "evaluation.link_spent"
        unknown = client.post("/api/v1/public/evaluations/nope", body, content_type="application/json")
        assert unknown.status_code == 404
    evaluation = OwnerEvaluation.objects.get(case=case)
    assert (evaluation.grade, evaluation.via, evaluation.attitude) == ("satisfied", "link", None)
    assert ItemEvaluation.objects.get(item=item).department == item.catalog_item.department


def test_the_window_records_the_owners_grade_and_each_finished_item_is_graded_once(build, api_as):
    case = build.completed(on="2026-09-30")
    agent = api_as("aojiang")
    answer = agent.post(f"cases/{case.pk}/evaluation/window", {"grade": "very_satisfied", "fee_asked": False})
    assert answer.status_code == 201 and answer.json()["via"] == "window"
    item = case.items.order_by("pk").first()
    owner = api_as(build.owner(case).username)
    first = owner.post(f"cases/{case.pk}/items/{item.pk}/evaluation", {"grade": "basically_satisfied"})
    assert first.status_code == 201 and first.json()["via"] == "account"
    again = agent.post(f"cases/{case.pk}/items/{item.pk}/evaluation", {"grade": "satisfied"})
    assert again.status_code == 409 and again.json()["code"] == "evaluation.already_submitted"


def test_an_item_not_yet_finished_cannot_be_graded(build, api_as):
    case = build.case(on="2026-09-01")
    item = case.items.order_by("pk").first()
    answer = api_as("aojiang").post(f"cases/{case.pk}/items/{item.pk}/evaluation", {"grade": "satisfied"})
    assert answer.status_code == 409 and answer.json()["code"] == "evaluation.item_unfinished"


def test_the_link_page_offers_each_finished_item_for_one_grade_each(build, api_as, client):
    case = build.completed(on="2026-09-30")
    path = issue_link(api_as, case)
    item = case.items.select_related("catalog_item").order_by("pk").first()
    with clock.frozen("2026-10-09"):
        page = client.get(path).content.decode()
        assert "一事一评" in page and item.catalog_item.name in page
        done = client.post(path, {"grade": "very_satisfied", "fee_asked": "no", f"item_{item.pk}": "dissatisfied"})
    assert done.status_code == 200 and "评价等级：非常满意" in done.content.decode()
    assert ItemEvaluation.objects.get(item=item).grade == "dissatisfied"
    assert item.evaluation.bad_review.department == item.catalog_item.department
