"""Satisfaction and fee alerts come from daiban.closure: owners rate the service, agents rate departments."""
from __future__ import annotations

import pytest

from conftest import DEMO_PASSWORD
from daiban.assessment.periods import Period
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import stats
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, at, build, day
from daiban.org.models import Department

MARCH = Period(day("2025-03-01"), day("2025-03-31"))


@pytest.fixture
def rated(person):
    from daiban.closure.models import DepartmentRating, FeeAlert, OwnerEvaluation

    first = build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", completed="2025-03-20",
                           project="年产5万套阀门项目", items=[ItemSpec("L02", "2025-03-05", "2025-03-06")]))
    second = build(CaseSpec("鳌江镇", "2025-03-05", "2025-03-06", agent="aojiang", completed="2025-03-25",
                            project="阀门二期项目", items=[ItemSpec("L02", "2025-03-07", "2025-03-10")]))
    earlier = build(CaseSpec("鳌江镇", "2025-02-03", "2025-02-04", agent="aojiang", completed="2025-02-20"))
    OwnerEvaluation.objects.create(case=first, attitude=5, efficiency=4, quality=3, overall=4, fee_asked=False,
                                   grade="satisfied", via="account", submitted_at=at("2025-03-21"))  # 4
    bad = OwnerEvaluation.objects.create(case=second, attitude=3, efficiency=2, quality=2, overall=2, fee_asked=True,
                                         grade="dissatisfied",
                                         fee_details="有人暗示需要购买礼品", via="account",
                                         submitted_at=at("2025-03-26"), comments="办事拖拉")  # 2
    OwnerEvaluation.objects.create(case=earlier, attitude=5, efficiency=5, quality=5, overall=5, fee_asked=False,
                                   via="account", submitted_at=at("2025-02-21"))  # no grade: the mean of the four
    FeeAlert.objects.create(case=second, evaluation=bad, details=bad.fee_details, raised_at=at("2025-03-26"))
    fgj = Department.objects.get(code="fgj")
    for case, scores in ((first, (5, 5, 5)), (second, (4, 3, 2))):
        DepartmentRating.objects.create(case=case, department=fgj, attitude=scores[0], efficiency=scores[1],
                                        quality=scores[2], overall=4, rated_by=person("aojiang"),
                                        rated_at=at("2025-03-27"))
    return first, second


def test_satisfaction_is_the_mean_of_the_owners_grades_five_to_one(rated):
    answer = stats(Scoped.county(), MARCH, "unit")
    row = next(r for r in answer["rows"] if r["name"] == "鳌江镇投资项目代办服务站")
    assert row["satisfaction"] == 3.0  # 满意 4 and 不满意 2
    assert row["previous"]["satisfaction"] == 5.0
    assert answer["totals"]["satisfaction"] == 3.0


def test_a_departments_satisfaction_comes_from_the_agents_ratings(rated):
    rows = {r["name"]: r for r in stats(Scoped.county(), MARCH, "department")["rows"]}
    assert rows["发展和改革局"]["satisfaction"] == 4.0  # no grades: (5 + 5 + 5 + 4) / 4 and (4 + 3 + 2 + 4) / 4


def test_supervision_lists_fee_alerts_and_low_evaluations_first(rated, client):
    assert client.login(username="inspector", password=DEMO_PASSWORD)
    html = client.get("/assessment/supervision/").content.decode()
    assert "有人暗示需要购买礼品" in html
    evaluations = html[html.index("业主评价（低分在前）"):]
    assert evaluations.index("2.00") < evaluations.index("4.00")  # the lowest first
    assert "score-low" in evaluations and "办事拖拉" in evaluations


def test_the_ledger_shows_the_owners_score(rated, api_as):
    import io

    from openpyxl import load_workbook

    answer = api_as("center").get("ledger.xlsx", {"from": "2025-03-01", "to": "2025-03-31"})
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    scores = {r[header.index("项目名称")]: r[header.index("业主评价（分）")] for r in rows[1:]}
    assert scores == {"年产5万套阀门项目": 4.0, "阀门二期项目": 2.0}
