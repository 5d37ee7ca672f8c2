"""The 好差评 figures of a span are kept between views and read again after every committed write to what they
count: an evaluation, a 差评's loop, a unit's or an agent's name; never inside a transaction (goodbad.stats)."""
from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from daiban.assessment.rebuild import statistics_rebuild
from daiban.closure import evaluations
from daiban.goodbad import services, stats
from daiban.goodbad.models import BadReview, FiguresVersion
from daiban.lib import clock
from daiban.org.models import AgencyBody

pytestmark = pytest.mark.django_db(transaction=True)  # writes that commit, as a server's do


def grade(build, case, grade: str) -> None:
    evaluations.evaluation_submit(actor=build.owner(case), case=case, answers=evaluations.OwnerAnswers(
        grade=grade, fee_asked=False, items=()))


def read(span) -> tuple[dict, int]:
    """The figures as a view outside any transaction reads them, and how many queries that took."""
    with CaptureQueriesContext(connection) as queries:
        found = stats.figures(span)
    return found, len(queries)


@pytest.fixture
def november(build):
    FiguresVersion.objects.get_or_create(pk=stats.VERSION)  # the migration's row, gone with a transactional flush
    cases = [build.completed(on="2026-10-30", start="2026-10-12") for _ in range(3)]
    with clock.frozen("2026-11-02"):
        grade(build, cases[0], "satisfied")
    return stats.month_period("2026-11"), cases


def test_a_second_view_reads_the_kept_figures_in_one_query(november):
    span, _ = november
    first, counted = read(span)
    second, kept = read(span)
    assert second == first == stats.counted(span)
    assert counted > 1 and kept == 1  # the version alone
    assert first["county"]["evaluations"] == 1


def test_every_committed_write_to_what_they_count_is_read_at_the_next_view(november, build, person):
    span, (_, second, third) = november
    read(span)
    with clock.frozen("2026-11-03"):
        grade(build, second, "dissatisfied")
    assert read(span)[0]["county"]["evaluations"] == 2  # the evaluation, and the 差评 it opened
    review = BadReview.objects.get(case=second)
    with clock.frozen("2026-11-04"):
        review = services.bad_review_verify(actor=build.agent, review=review, finding="founded", note="属实")
        review = services.bad_review_rectify(actor=build.agent, review=review, note="已整改")
        services.bad_review_answer(actor=build.agent, review=review, note="已答复", rater_reply="satisfied")
    assert read(span)[0]["county"]["rectified"] == 1  # the loop closed
    with clock.frozen("2026-11-05"):
        grade(build, third, "very_dissatisfied")
        appealed = services.bad_review_verify(actor=build.agent, review=BadReview.objects.get(case=third),
                                              finding="unfounded", note="不属实")
    assert read(span)[0]["county"]["evaluations"] == 3
    with clock.frozen("2026-11-06"):
        services.bad_review_appeal_review(actor=person("center"), review=appealed, decision="upheld", note="申诉成立")
    assert read(span)[0]["county"]["evaluations"] == 2  # set aside on appeal: not counted


def test_a_renamed_unit_or_agent_is_shown_by_its_new_name_at_the_next_view(november, build):
    span, (case, _, _) = november
    before = read(span)[0]
    unit = AgencyBody.objects.get(name=before["units"][0]["name"])
    unit.name = "鳌江镇投资项目代办服务中心"
    unit.save()
    agent = build.agent
    agent.full_name = "代办员新名"
    agent.save(update_fields=["full_name"])
    after = read(span)[0]
    assert [row["name"] for row in after["units"]] == ["鳌江镇投资项目代办服务中心"]
    assert "代办员新名" in [row["name"] for row in after["agents"]]


def test_a_login_or_an_unrelated_save_keeps_them_and_a_rebuild_does_not(november, build):
    span, _ = november
    read(span)
    version = FiguresVersion.objects.get(pk=stats.VERSION).number
    build.agent.save(update_fields=["last_login"])
    assert read(span)[1] == 1 and FiguresVersion.objects.get(pk=stats.VERSION).number == version
    statistics_rebuild()  # fills evaluations in bulk, past the receivers
    assert FiguresVersion.objects.get(pk=stats.VERSION).number == version + 1
    assert read(span)[1] > 1


def test_inside_a_transaction_the_figures_are_counted_and_nothing_is_kept(november, build):
    span, (_, second, _) = november
    read(span)
    with transaction.atomic():
        with clock.frozen("2026-11-03"):
            grade(build, second, "dissatisfied")
        inside, queries = read(span)
        assert inside["county"]["evaluations"] == 2 and queries > 1  # what this transaction wrote
        transaction.set_rollback(True)
    after, queries = read(span)
    assert after["county"]["evaluations"] == 1 and queries == 1  # kept before, untouched by the rolled-back write


def test_without_the_version_row_the_figures_are_counted_at_every_view(november):
    span, _ = november
    FiguresVersion.objects.all().delete()
    assert read(span)[1] > 1 and read(span)[1] > 1
    assert read(span)[0] == stats.counted(span)
