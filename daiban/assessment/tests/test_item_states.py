"""The SQL conditions for overdue and warning agree with plans.deadlines.standing() item by item."""
from __future__ import annotations

import pytest

from daiban.assessment.item_states import late_on, overdue_now, warning_now
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build, day
from daiban.cases.models import CaseItem
from daiban.plans.deadlines import standing
from daiban.plans.models import Pause


@pytest.fixture
def items(person):
    case = build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", items=[
        ItemSpec("L05", "2025-03-05"),                       # running, due 03-19
        ItemSpec("L02", "2025-03-05", "2025-03-10"),         # finished late
        ItemSpec("S01", "2025-03-10", paused=2),             # running, due 03-26
        ItemSpec("G02", planned_due="2025-03-18"),           # not yet accepted: the plan date counts
        ItemSpec("G01", "2025-03-03", status="suspended"),   # paused before its due date (03-24)
        ItemSpec("S02", "2025-02-24", status="suspended"),   # paused after its due date (03-03)
        ItemSpec("L03", "2025-03-05", status="withdrawn"),   # taken out of the plan
    ]))
    rows = {i.catalog_item.code: i for i in case.items.select_related("catalog_item")}
    Pause.objects.create(item=rows["G01"], kind="expert_review", reason="专家评审", started_on=day("2025-03-12"),
                         rule="第四十五条", recorded_by=person("zrj"))
    Pause.objects.create(item=rows["S02"], kind="testing", reason="检验检测", started_on=day("2025-03-06"),
                         rule="第四十五条", recorded_by=person("zjj"))
    return rows


@pytest.mark.parametrize("today", ["2025-03-13", "2025-03-17", "2025-03-18", "2025-03-19", "2025-03-20",
                                   "2025-03-24", "2025-03-27", "2025-04-02"])
def test_overdue_and_warning_match_standing_for_every_item(items, today):
    today = day(today)
    overdue = set(CaseItem.objects.filter(overdue_now(today)).values_list("catalog_item__code", flat=True))
    warning = set(CaseItem.objects.filter(warning_now(today)).values_list("catalog_item__code", flat=True))
    expected = {code: standing(CaseItem.objects.select_related("catalog_item").get(pk=item.pk), today).state
                for code, item in items.items()}
    assert overdue == {code for code, state in expected.items() if state == "overdue"}
    assert warning == {code for code, state in expected.items() if state == "warning"}


def test_late_on_a_day_counts_finished_late_and_open_past_due(items):
    late = set(CaseItem.objects.filter(late_on(day("2025-03-20"))).values_list("catalog_item__code", flat=True))
    assert late == {"L02", "G02", "L05", "S02"}
    before = set(CaseItem.objects.filter(late_on(day("2025-03-07"))).values_list("catalog_item__code", flat=True))
    assert before == {"S02", "L02"}  # L02, due 03-06, was still open on 03-07 (it finished on 03-10)


@pytest.fixture
def short_and_long(person):
    """Around the 2026 Spring Festival (02-15..02-23 off, Saturday 02-14 and 02-28 worked), by hand:
    L02 (1 working day) accepted Friday 02-13 is due Saturday 02-14; L01 (5 days) accepted Wednesday 02-11 is due
    02-12, 02-13, 02-14, 02-24, 02-25 → 02-25; L02 dispatched with its plan date 02-14 is not accepted yet."""
    accepted = build(CaseSpec("鳌江镇", "2026-02-09", "2026-02-10", agent="aojiang", items=[
        ItemSpec("L02", "2026-02-13"), ItemSpec("L01", "2026-02-11")]))
    dispatched = build(CaseSpec("鳌江镇", "2026-02-09", "2026-02-10", agent="aojiang", items=[
        ItemSpec("L02", status="dispatched", planned_due="2026-02-14")]))
    return {"L02": accepted.items.get(catalog_item__code="L02"), "L01": accepted.items.get(catalog_item__code="L01"),
            "L02 dispatched": dispatched.items.get()}


@pytest.mark.parametrize(("today", "expected"), [
    # Friday 02-13: the 1-day items have 1 day left, below the 2-day window but not 预警 on their first day;
    # L01 has 3 left (02-14, 02-24, 02-25).
    ("2026-02-13", {"L02": "normal", "L02 dispatched": "normal", "L01": "normal"}),
    # Saturday 02-14 (worked): the 1-day items are due today → 预警; L01 has 2 left across the festival → 预警.
    ("2026-02-14", {"L02": "warning", "L02 dispatched": "warning", "L01": "warning"}),
    # Tuesday 02-24, after the festival: L02 is overdue, L01 has 1 left.
    ("2026-02-24", {"L02": "overdue", "L02 dispatched": "overdue", "L01": "warning"}),
])
def test_a_short_item_is_not_warned_on_its_first_day_and_sql_agrees(short_and_long, today, expected):
    today = day(today)
    got = {name: standing(CaseItem.objects.select_related("catalog_item").get(pk=item.pk), today).state
           for name, item in short_and_long.items()}
    assert got == expected
    in_sql = set(CaseItem.objects.filter(warning_now(today), pk__in=[i.pk for i in short_and_long.values()])
                 .values_list("pk", flat=True))
    assert in_sql == {short_and_long[name].pk for name, state in expected.items() if state == "warning"}
