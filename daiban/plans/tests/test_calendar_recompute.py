"""When an administrator confirms a year's working days, the stored deadlines that depend on it move."""
from __future__ import annotations

import datetime as dt

from conftest import request_payload
from daiban.cases.services import case_agreement_set, request_accept
from daiban.intake.models import Request
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.plans import services
from daiban.workdays.services import calendar_confirm_year, calendar_import_year

D = dt.date.fromisoformat

# A made-up State Council arrangement for 2027 that differs from the statutory guess: 01-04 off too.
ARRANGEMENT_2027 = """
2027-01-01~2027-01-04 休 元旦
2027-02-05~2027-02-11 休 春节
2027-02-14 班 调休上班
"""


def test_confirming_2027_recomputes_first_contact_plan_dates_and_item_due_dates(person):
    with clock.frozen("2026-12-31"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05"])
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D("2026-12-31"))
        l05 = case.items.get(catalog_item__code="L05")
        services.item_dispatch(actor=person("aojiang"), item=l05)
        services.item_start(actor=person("sthj"), item=l05, started_on=D("2026-12-31"))
    request.refresh_from_db()
    assert (request.first_contact_due, request.first_contact_provisional) == (D("2027-01-04"), True)
    l02 = case.items.get(catalog_item__code="L02")
    assert (l02.planned_due, l02.planned_provisional) == (D("2027-01-04"), True)
    assert case.items.get(catalog_item__code="L05").due_provisional is True

    calendar_import_year(actor=person("sysadmin"), year=2027, text=ARRANGEMENT_2027)
    assert Request.objects.get(pk=request.pk).first_contact_due == D("2027-01-04")  # imported, not yet in force
    calendar_confirm_year(actor=person("sysadmin"), year=2027)

    request.refresh_from_db()
    assert (request.first_contact_due, request.first_contact_provisional) == (D("2027-01-05"), False)
    l02.refresh_from_db()
    assert (l02.planned_due, l02.planned_provisional) == (D("2027-01-05"), False)
    l05 = case.items.get(catalog_item__code="L05")
    # 10 working days after 12-31: 01-05 … 01-08 (4), 01-11 … 01-15 (9), 01-18 (10).
    assert (l05.due_on, l05.due_provisional) == (D("2027-01-18"), False)
    assert case.plan.__class__.objects.get(pk=case.plan.pk).provisional is False


def test_a_calendar_recompute_keeps_the_paused_working_days(person):
    with clock.frozen("2026-12-21"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05"])
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D("2026-12-21"))
        services.item_dispatch(actor=person("aojiang"), item=case.items.get(catalog_item__code="L05"))
        services.item_start(actor=person("sthj"), item=case.items.get(catalog_item__code="L05"))
    with clock.frozen("2026-12-22"):
        services.item_pause(actor=person("sthj"), item=case.items.get(catalog_item__code="L05"), kind="testing",
                            reason="委托检测")
    with clock.frozen("2026-12-24"):
        services.item_resume(actor=person("sthj"), item=case.items.get(catalog_item__code="L05"))
    l05 = case.items.get(catalog_item__code="L05")
    assert (l05.paused_workdays, l05.due_provisional) == (2, True)  # 12-23 and 12-24 not counted

    calendar_import_year(actor=person("sysadmin"), year=2027, text=ARRANGEMENT_2027)
    calendar_confirm_year(actor=person("sysadmin"), year=2027)

    l05.refresh_from_db()
    # 10 + 2 working days after Monday 12-21: 12-22 … 12-31 (8), then 01-05, 01-06, 01-07, 01-08 (12);
    # a recompute that forgot the pause would say 01-06.
    assert (l05.due_on, l05.due_provisional) == (D("2027-01-08"), False)
