"""The services add to the statistics' day rollups in the transaction of the event (plans.rollups)."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.lib import clock
from daiban.plans import services
from daiban.plans.models import ItemRollup
from daiban.plans.rollups import rollups_rebuild
from daiban.plans.tests.test_items_in_motion import case, dispatch, item  # noqa: F401  (the fixture)

D = dt.date.fromisoformat


def _row(case, day: str) -> ItemRollup:  # noqa: F811
    return ItemRollup.objects.get(day=D(day), unit=case.unit, catalog_item__code="L08")


@pytest.mark.django_db
def test_a_late_report_up_and_the_finish_are_counted_on_their_days_as_a_rebuild_counts_them(case, person):  # noqa: F811
    dispatch(case, person, "L08")
    with clock.frozen("2026-11-03"):
        services.item_start(actor=person("yjj"), item=item(case, "L08"))
    with clock.frozen("2026-11-06"):
        services.item_local_done(actor=person("yjj"), item=item(case, "L08"))  # report due 11-09 (Monday)
    with clock.frozen("2026-11-10"):
        services.item_report_up(actor=person("yjj"), item=item(case, "L08"))
    reported = _row(case, "2026-11-10")
    assert (reported.reported_up, reported.report_up_late, reported.finished) == (1, 1, 0)
    with clock.frozen("2026-11-12"):
        services.item_finish(actor=person("yjj"), item=item(case, "L08"), approved=True, approval_no="温环建2026-1")
    finished = _row(case, "2026-11-12")
    due = item(case, "L08").due_on
    # 11-04, 05, 06, 09, 10, 11, 12: seven working days after the start day.
    assert (finished.finished, finished.workdays, finished.on_time) == (1, 7, int(D("2026-11-12") <= due))
    kept = set(ItemRollup.objects.values_list("day", "unit", "township", "department", "catalog_item", "finished",
                                              "on_time", "workdays", "limit_workdays", "late", "reported_up",
                                              "report_up_late"))
    rollups_rebuild()
    assert set(ItemRollup.objects.values_list("day", "unit", "township", "department", "catalog_item", "finished",
                                              "on_time", "workdays", "limit_workdays", "late", "reported_up",
                                              "report_up_late")) == kept
