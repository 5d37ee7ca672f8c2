"""The assessment figures on a small county whose every number is worked out by hand.

March 2025 (31 days; no holiday) against the 31 days before it, 2025-01-29..02-28. Working days are
counted after the start day up to and including the end day, as daiban.workdays does:

A  鳌江镇, aojiang (chief agent: chief): received 03-03, accepted 03-04, completed 03-20, one visit in person.
   L05 (limit 10) started 03-05, due 03-19, finished 03-14: on time, 7 working days.
   L02 (limit 1)  started 03-05, due 03-06, finished 03-10: late, 3 working days.
B  鳌江镇, aojiang: received 02-20 (the previous period), accepted 03-03, in progress.
   S01 (limit 10) started 03-10, paused 2 working days, due 03-26, finished 03-25: on time, 11 − 2 = 9.
   G02 (limit 5)  started 03-20, due 03-27, still open on 03-31: overdue.
C  昆阳镇, kunyang: received 03-10, accepted 03-11, terminated 03-25.
   L02 (limit 1)  started 03-12, due 03-13, finished 03-13: on time, 1 working day.
D  昆阳镇: received 03-28, not accepted.
E  鳌江镇, aojiang: received 02-10, accepted 02-11, completed 02-28, two visits.
   L05 (limit 10) started 02-12, due 02-26, finished 02-27: late, 11 working days.
"""
from __future__ import annotations

import pytest

from daiban.assessment.periods import Period, parse_period
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import stats
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build, day
from daiban.lib.errors import ValidationFailed

MARCH = Period(day("2025-03-01"), day("2025-03-31"))


@pytest.fixture
def county(person):
    cases = {
        "A": build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", chief="chief",
                            completed="2025-03-20", visits=1,
                            items=[ItemSpec("L05", "2025-03-05", "2025-03-14"),
                                   ItemSpec("L02", "2025-03-05", "2025-03-10")])),
        "B": build(CaseSpec("鳌江镇", "2025-02-20", "2025-03-03", agent="aojiang",
                            items=[ItemSpec("S01", "2025-03-10", "2025-03-25", paused=2),
                                   ItemSpec("G02", "2025-03-20")])),
        "C": build(CaseSpec("昆阳镇", "2025-03-10", "2025-03-11", agent="kunyang", terminated="2025-03-25",
                            items=[ItemSpec("L02", "2025-03-12", "2025-03-13")])),
        "D": build(CaseSpec("昆阳镇", "2025-03-28")),
        "E": build(CaseSpec("鳌江镇", "2025-02-10", "2025-02-11", agent="aojiang", completed="2025-02-28", visits=2,
                            items=[ItemSpec("L05", "2025-02-12", "2025-02-27")])),
    }
    return cases


def rows_by_name(answer: dict) -> dict:
    return {row["name"]: row for row in answer["rows"]}


def test_the_due_dates_of_the_hand_built_items_are_the_ones_worked_out(county):
    dues = {(key, item.catalog_item.code): item.due_on for key, case in county.items() if key != "D"
            for item in case.items.select_related("catalog_item")}
    assert dues == {("A", "L05"): day("2025-03-19"), ("A", "L02"): day("2025-03-06"),
                    ("B", "S01"): day("2025-03-26"), ("B", "G02"): day("2025-03-27"),
                    ("C", "L02"): day("2025-03-13"), ("E", "L05"): day("2025-02-26")}


def test_the_figures_of_each_unit_match_the_hand_computed_ones(county):
    answer = stats(Scoped.county(), MARCH, "unit")
    aojiang = rows_by_name(answer)["鳌江镇投资项目代办服务站"]
    assert {k: aojiang[k] for k in ("received", "accepted", "completed", "terminated", "finished_items",
                                    "on_time_rate", "avg_workdays", "avg_limit", "overdue", "overdue_rate",
                                    "visits_per_case")} == {
        "received": 1, "accepted": 2, "completed": 1, "terminated": 0, "finished_items": 3,
        "on_time_rate": 0.6667, "avg_workdays": 6.3, "avg_limit": 7.0, "overdue": 2, "overdue_rate": 1.0,
        "visits_per_case": 1.0}
    kunyang = rows_by_name(answer)["昆阳镇投资项目代办服务站"]
    assert (kunyang["received"], kunyang["accepted"], kunyang["completed"], kunyang["terminated"]) == (2, 1, 0, 1)
    assert (kunyang["on_time_rate"], kunyang["avg_workdays"], kunyang["overdue"], kunyang["overdue_rate"]) == (
        1.0, 1.0, 0, 0.0)
    assert kunyang["visits_per_case"] is None  # nothing completed


def test_each_row_carries_the_previous_period_of_the_same_length(county):
    answer = stats(Scoped.county(), MARCH, "unit")
    assert answer["previous_period"] == {"from": "2025-01-29", "to": "2025-02-28"}
    before = rows_by_name(answer)["鳌江镇投资项目代办服务站"]["previous"]
    assert {k: before[k] for k in ("received", "accepted", "completed", "finished_items", "on_time_rate",
                                   "avg_workdays", "avg_limit", "overdue", "overdue_rate", "visits_per_case")} == {
        "received": 2, "accepted": 1, "completed": 1, "finished_items": 1, "on_time_rate": 0.0,
        "avg_workdays": 11.0, "avg_limit": 10.0, "overdue": 1, "overdue_rate": 1.0, "visits_per_case": 2.0}
    assert rows_by_name(answer)["昆阳镇投资项目代办服务站"]["previous"]["accepted"] == 0


def test_the_totals_cover_the_whole_county(county):
    totals = stats(Scoped.county(), MARCH, "unit")["totals"]
    assert {k: totals[k] for k in ("received", "accepted", "completed", "terminated", "finished_items",
                                   "on_time_rate", "avg_workdays", "avg_limit", "overdue", "overdue_rate")} == {
        "received": 3, "accepted": 3, "completed": 1, "terminated": 1, "finished_items": 4, "on_time_rate": 0.75,
        "avg_workdays": 5.0, "avg_limit": 5.5, "overdue": 2, "overdue_rate": 0.6667}
    assert totals["previous"]["received"] == 2 and totals["previous"]["overdue"] == 1


def test_by_agent_only_requests_that_became_cases_count_as_received(county):
    rows = rows_by_name(stats(Scoped.county(), MARCH, "agent"))
    assert (rows["王建国"]["received"], rows["王建国"]["accepted"], rows["王建国"]["overdue"]) == (1, 2, 2)
    assert (rows["林晓燕"]["received"], rows["林晓燕"]["accepted"], rows["林晓燕"]["terminated"]) == (1, 1, 1)
    assert "叶承志" not in rows  # A's chief agent is not its agent


def test_by_department_each_department_is_judged_on_its_own_items(county):
    rows = rows_by_name(stats(Scoped.county(), MARCH, "department"))
    fgj = rows["发展和改革局"]  # L02 on A (late) and on C (on time)
    assert (fgj["accepted"], fgj["finished_items"], fgj["on_time_rate"], fgj["avg_workdays"]) == (2, 2, 0.5, 2.0)
    assert (fgj["overdue"], fgj["overdue_rate"]) == (1, 0.5)
    zrj = rows["自然资源和规划局"]  # G02 on B, open past its due date
    assert (zrj["accepted"], zrj["finished_items"], zrj["on_time_rate"], zrj["overdue"]) == (1, 0, None, 1)
    assert rows["生态环境局"]["overdue"] == 0  # L05 on A finished on time


def test_by_township_follows_the_projects_location(county):
    rows = rows_by_name(stats(Scoped.county(), MARCH, "township"))
    assert (rows["鳌江镇"]["accepted"], rows["昆阳镇"]["received"]) == (2, 2)


def test_rows_are_ranked_best_first_by_the_chosen_figure(county):
    by_on_time = stats(Scoped.county(), MARCH, "unit", order="on_time_rate")["rows"]
    assert [r["name"][:3] for r in by_on_time[:2]] == ["昆阳镇", "鳌江镇"]
    assert [r["rank"] for r in by_on_time[:2]] == [1, 2]
    by_accepted = stats(Scoped.county(), MARCH, "unit")["rows"]
    assert by_accepted[0]["name"].startswith("鳌江镇")


def test_an_overdue_rate_is_judged_on_the_last_day_of_the_period(county):
    # On 03-26 G02 of B (due 03-27) is not yet late: only A's late L02 counts.
    early = stats(Scoped.county(), Period(day("2025-03-01"), day("2025-03-26")), "unit")
    assert rows_by_name(early)["鳌江镇投资项目代办服务站"]["overdue"] == 1


def test_a_unit_administrator_sees_only_the_rows_of_his_unit(county, person):
    answer = stats(Scoped.of(person("ajadmin")), MARCH, "unit")
    assert [r["name"] for r in answer["rows"]] == ["鳌江镇投资项目代办服务站"]
    assert answer["totals"]["received"] == 1 and answer["totals"]["accepted"] == 2


@pytest.mark.parametrize("start, end, message", [
    ("2025-02-30", "2025-03-31", "开始日期格式应为 YYYY-MM-DD"),
    ("2025-04-01", "2025-03-31", "开始日期不能晚于结束日期"),
])
def test_a_bad_period_is_refused_in_chinese(start, end, message):
    with pytest.raises(ValidationFailed) as refused:
        parse_period(start, end)
    assert message in refused.value.message


def test_totals_added_up_from_units_equal_totals_counted_without_groups(county):
    by_unit = stats(Scoped.county(), MARCH, "unit")["totals"]  # the sum of the units' counts
    by_department = stats(Scoped.county(), MARCH, "department")["totals"]  # counted again, ungrouped
    assert by_unit == by_department
