"""Dates a person declares about an item: never before its previous event, never after today."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.plans import services
from daiban.plans.tests.test_items_in_motion import case, dispatch, item  # noqa: F401  (the fixture)

D = dt.date.fromisoformat


def test_a_liaison_starting_an_undispatched_item_is_refused(case, person):  # noqa: F811
    with clock.frozen("2026-11-05"), pytest.raises(Conflict, match="待派单"):
        services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-02"))
    assert item(case, "L05").started_on is None


def test_a_start_before_the_dispatch_is_refused_in_chinese_on_its_field(case, person):  # noqa: F811
    dispatch(case, person, "L05", on="2026-11-04")
    with clock.frozen("2026-11-05"), pytest.raises(ValidationFailed) as refused:
        services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-03"))
    assert refused.value.errors == {"started_on": "受理日期不能早于该事项的派单日期（2026-11-04）"}
    assert item(case, "L05").status == "dispatched"  # nothing moved


def test_a_start_before_the_case_existed_is_refused(case, person):  # noqa: F811
    dispatch(case, person, "L05")
    with clock.frozen("2026-11-05"), pytest.raises(ValidationFailed, match="不能早于"):
        services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-10-01"))


def test_a_start_in_the_future_is_refused(case, person):  # noqa: F811
    dispatch(case, person, "L05")
    with clock.frozen("2026-11-05"), pytest.raises(ValidationFailed, match="不能晚于今天"):
        services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-06"))


def test_pause_resume_and_finish_never_go_before_the_previous_event(case, person):  # noqa: F811
    dispatch(case, person, "L05")
    with clock.frozen("2026-11-10"):
        services.item_start(actor=person("sthj"), item=item(case, "L05"), started_on=D("2026-11-03"))
        with pytest.raises(ValidationFailed, match="暂停开始日期不能早于该事项的受理"):
            services.item_pause(actor=person("sthj"), item=item(case, "L05"), kind="testing", reason="检测",
                                started_on=D("2026-11-02"))
        services.item_pause(actor=person("sthj"), item=item(case, "L05"), kind="testing", reason="检测",
                            started_on=D("2026-11-05"))
        with pytest.raises(ValidationFailed, match="恢复计时日期不能早于该事项的暂停开始日期"):
            services.item_resume(actor=person("sthj"), item=item(case, "L05"), ended_on=D("2026-11-04"))
        with pytest.raises(ValidationFailed, match="不能晚于今天"):
            services.item_resume(actor=person("sthj"), item=item(case, "L05"), ended_on=D("2026-11-11"))
        services.item_resume(actor=person("sthj"), item=item(case, "L05"), ended_on=D("2026-11-09"))
        with pytest.raises(ValidationFailed, match="办结日期不能早于该事项的恢复计时日期"):
            services.item_finish(actor=person("sthj"), item=item(case, "L05"), approved=True, approval_no="平环建〔2026〕1号",
                                 finished_on=D("2026-11-06"))
    assert item(case, "L05").status == "in_progress"


def test_the_api_answers_a_date_before_the_dispatch_with_422_and_the_field(api_as, case, person):  # noqa: F811
    dispatch(case, person, "L05", on="2026-11-04")
    with clock.frozen("2026-11-05"):
        answer = api_as("sthj").post(f"cases/{case.pk}/items/L05/start", {"started_on": "2026-11-02"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "validation.invalid"
    assert answer.json()["fields"][0]["field"] == "started_on"
