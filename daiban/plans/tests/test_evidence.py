"""Plans from evidence: figures from generated histories of finished items, hand-computed (issue 16)."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.management import call_command

from conftest import request_payload
from daiban.cases.models import Case, CaseItem
from daiban.cases.services import case_agreement_set, request_accept
from daiban.catalog.models import CatalogItem
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.plans.evidence import LEGAL, evidence_record, evidence_refresh_if_moved, quantile, window_from
from daiban.plans.models import DurationCount, DurationFigure
from daiban.workdays.loader import add_workdays

D = dt.date.fromisoformat
# Ten L05 (环评报告表, promised in 10 working days) finished in the spring of 2026. Sorted:
# 3 5 5 6 8 9 10 12 15 20 → median at rank 4.5 = (8 + 9) / 2 = 8.5; p80 at rank 7.2 = 12 + 0.2·(15 − 12) = 12.6;
# mean 93 / 10 = 9.3.
TEN = [12, 5, 3, 20, 9, 5, 15, 6, 10, 8]
_serial = itertools.count(1)


@pytest.fixture
def entrusted_case(person):
    def make(items=("L02", "L05", "L03", "L01"), day="2026-06-01"):
        with clock.frozen(day):
            request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000)))
            case = request_accept(actor=person("aojiang"), request=request)
            case_agreement_set(actor=person("aojiang"), case=case, item_codes=list(items))
        return case

    return make


@pytest.fixture
def history(entrusted_case):
    """history(code, [used, …], finished=…): finished items of copies of one case, each recorded as the finish
    service records it, with two paused working days apiece that must not count."""
    template = entrusted_case(items=("L02",))
    # Only the generated history: the demo county's own finished items and imported records set aside.
    DurationCount.objects.all().delete()
    DurationFigure.objects.all().delete()

    def make(code: str, used: list[int], *, start="2026-03-02", status="approved", record=True):
        catalog = CatalogItem.objects.get(code=code)
        items = []
        for workdays in used:
            request = template.request
            request.pk, request.tracking_no = None, f"HIST{next(_serial):06d}"
            request.save()
            case = Case.objects.get(pk=template.pk)
            case.pk, case.request = None, request
            case.save()
            began = D(start)
            item = CaseItem.objects.create(case=case, catalog_item=catalog, status=status, started_on=began,
                                           paused_workdays=2, finished_on=add_workdays(began, workdays + 2).date)
            item.catalog_item = catalog
            if record:
                evidence_record(item=item)
            items.append(item)
        return items

    return make


def test_quantiles_interpolate_between_the_closest_ranks():
    pairs = [(v, 1) for v in TEN]
    assert quantile(pairs, 0.5) == 8.5
    assert quantile(pairs, 0.8) == pytest.approx(12.6)
    assert quantile([(4, 3), (10, 1)], 0.8) == pytest.approx(4 + 0.4 * 6)  # 4 4 4 10: rank 2.4
    assert quantile([], 0.5) is None


def test_the_window_starts_the_given_number_of_months_back(settings):
    assert window_from(D("2026-12-04"), 24) == D("2025-01-01")
    assert window_from(D("2026-01-31"), 1) == D("2026-01-01")
    settings.EVIDENCE_MONTHS = 3
    assert window_from(D("2026-02-10")) == D("2025-12-01")


def test_finished_items_give_the_hand_computed_median_and_80th_percentile(history):
    with clock.frozen("2026-06-01"):
        history("L05", TEN)
    figure = DurationFigure.objects.get(catalog_item__code="L05", department__isnull=True)
    assert (figure.sample, float(figure.median), float(figure.p80), float(figure.mean)) == (10, 8.5, 12.6, 9.3)
    by_department = DurationFigure.objects.get(catalog_item__code="L05", department__isnull=False)
    assert by_department.sample == 10 and by_department.department.name == "生态环境局"


def test_withdrawn_items_and_items_outside_the_window_do_not_count(history, settings):
    settings.EVIDENCE_MONTHS = 3  # on 2026-06-01: April to June
    with clock.frozen("2026-06-01"):
        history("L05", [4, 4], start="2026-03-02")  # finished in March
        history("L05", [30], start="2026-04-01", status="withdrawn")
        history("L05", [7], start="2026-04-01")
    figure = DurationFigure.objects.get(catalog_item__code="L05", department__isnull=True)
    assert (figure.sample, float(figure.median)) == (1, 7.0)


def test_the_rebuild_command_counts_again_what_finishing_recorded(history):
    # L04 (用地预审) has no finished item in the demo county, so the rebuild finds only these ten.
    with clock.frozen("2026-06-01"):
        history("L04", TEN[:5])
        history("L04", TEN[5:], record=False)  # e.g. finished before this feature
        assert DurationFigure.objects.get(catalog_item__code="L04", department__isnull=True).sample == 5
        call_command("evidence_rebuild", verbosity=0)
    figure = DurationFigure.objects.get(catalog_item__code="L04", department__isnull=True)
    assert (figure.sample, float(figure.median), float(figure.p80)) == (10, 8.5, 12.6)
    assert sum(DurationCount.objects.filter(catalog_item__code="L04").values_list("count", flat=True)) == 10


def test_the_figures_move_with_the_window_when_a_month_begins(history, settings):
    settings.EVIDENCE_MONTHS = 2
    with clock.frozen("2026-04-20"):  # March and April: the ten finished in March and early April
        history("L05", TEN)
        assert evidence_refresh_if_moved() == 0
    assert DurationFigure.objects.get(catalog_item__code="L05", department__isnull=True).sample == 10
    with clock.frozen("2026-06-01"):  # May and June: none
        evidence_refresh_if_moved()
    assert not DurationFigure.objects.filter(catalog_item__code="L05").exists()


def _plan(api_as, case, start="2026-06-01"):
    with clock.frozen(start):
        answer = api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": start})
        assert answer.status_code == 201, answer.content
        return api_as("aojiang").get(f"cases/{case.pk}/plan").json()


def test_below_the_minimum_sample_the_legal_limit_stands_and_says_so(api_as, entrusted_case, history):
    with clock.frozen("2026-06-01"):
        history("L05", TEN[:7])
    plan = _plan(api_as, entrusted_case())
    l05 = next(i for i in plan["items"] if i["code"] == "L05")
    assert l05["basis"] == LEGAL and l05["basis_label"].startswith("法定时限")
    assert (l05["expected_start"], l05["expected_due"]) == (l05["planned_start"], l05["planned_due"])
    assert plan["expected_permit_date"] == plan["projected_permit_date"]


def test_the_plan_shows_expected_dates_and_the_expected_critical_path(api_as, entrusted_case, history):
    # L01 (5) → L03 (1) is the legal critical path's chain against L02 (1) → L05 (10): 6 against 11 working days
    # legally. With L05's evidence (median 8.5 → 9, p80 12.6 → 13) and L01 finishing in 2 working days, the
    # expected path is L02 → L05.
    with clock.frozen("2026-06-01"):
        history("L05", TEN)
        history("L01", [2] * 8)
    plan = _plan(api_as, entrusted_case())
    items = {i["code"]: i for i in plan["items"]}
    # Start Monday 2026-06-01; 6-19 (Fri) is the Dragon Boat Festival holiday.
    assert items["L02"]["expected_due"] == "2026-06-02"
    assert items["L05"]["basis"] == 10 and items["L05"]["median_workdays"] == 8.5
    assert items["L05"]["expected_start"] == "2026-06-02"
    assert items["L05"]["expected_due"] == str(add_workdays(D("2026-06-02"), 9).date)
    assert items["L05"]["expected_due_p80"] == str(add_workdays(D("2026-06-02"), 13).date)
    assert items["L01"]["expected_due"] == "2026-06-03" and items["L01"]["planned_due"] == "2026-06-08"
    assert plan["expected_critical_path"] == ["L02", "L05"]
    assert plan["expected_permit_date"] is None and plan["target_likely_met"] is True
    assert plan["expected_target_length"] == 10 and plan["expected_target_length_p80"] == 14


def test_finishing_an_item_through_the_service_updates_the_figures(api_as, entrusted_case, history, person):
    with clock.frozen("2026-06-01"):
        history("L05", TEN[:7])
    case = entrusted_case(items=("L05",))
    _plan(api_as, case)
    agent, liaison = api_as("aojiang"), api_as("sthj")
    with clock.frozen("2026-06-01"):
        assert agent.post(f"cases/{case.pk}/items/L05/dispatch", {}).status_code == 200
        assert liaison.post(f"cases/{case.pk}/items/L05/start", {"started_on": "2026-06-01"}).status_code == 200
    with clock.frozen("2026-06-12"):  # 9 working days after 6-01
        answer = liaison.post(f"cases/{case.pk}/items/L05/finish", {"approval_no": "平环建〔2026〕1号"})
        assert answer.status_code == 200, answer.content
    figure = DurationFigure.objects.get(catalog_item__code="L05", department__isnull=True)
    assert figure.sample == 8
    assert float(figure.median) == pytest.approx(quantile([(v, 1) for v in TEN[:7] + [9]], 0.5))


def test_the_plan_answer_costs_the_same_queries_however_long_the_history(api_as, entrusted_case, history,
                                                                         django_assert_max_num_queries):
    case = entrusted_case()
    _plan(api_as, case)
    agent = api_as("aojiang")
    with clock.frozen("2026-06-01"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as before:
            agent.get(f"cases/{case.pk}/plan")
        history("L05", TEN * 3)
        history("L01", [2] * 9)
        with django_assert_max_num_queries(len(before.captured_queries)):
            plan = agent.get(f"cases/{case.pk}/plan").json()
    assert next(i for i in plan["items"] if i["code"] == "L05")["basis"] == 30


def test_an_item_past_its_departments_80th_percentile_is_flagged_before_it_is_overdue(api_as, entrusted_case,
                                                                                      history, person, client):
    from daiban.notify.models import Notification
    from daiban.plans.duties import warn_beyond_practice

    with clock.frozen("2026-06-01"):
        history("L05", [3, 3, 4, 4, 4, 5, 5, 6, 6, 6])  # p80 at rank 7.2: 6
    case = entrusted_case(items=("L05",))
    _plan(api_as, case)
    agent, liaison = api_as("aojiang"), api_as("sthj")
    with clock.frozen("2026-06-01"):
        agent.post(f"cases/{case.pk}/items/L05/dispatch", {})
        liaison.post(f"cases/{case.pk}/items/L05/start", {"started_on": "2026-06-01"})
    with clock.frozen("2026-06-09"):  # 6 working days used: not yet past
        assert warn_beyond_practice() == 0
    with clock.frozen("2026-06-10"):  # 7 used of a legal 10: past practice, not overdue
        row = next(i for i in agent.get(f"cases/{case.pk}/items").json()["items"] if i["code"] == "L05")
        assert row["warning"] == "normal" and row["elapsed_workdays"] == 7
        assert warn_beyond_practice() == 1
        assert warn_beyond_practice() == 0  # once per item
        assert client.login(username="aojiang")
        page = client.get(f"/cases/{case.pk}/")
    assert "超出常规用时" in page.content.decode()
    told = Notification.objects.filter(subject__startswith="用时超出常规", recipient=person("aojiang"))
    assert told.exists()


def test_the_plan_docx_states_the_expected_permit_date_beside_the_legal_one(api_as, entrusted_case, history):
    from daiban.cases.models import CaseDocument
    from daiban.documents.layout import read_text

    with clock.frozen("2026-06-01"):
        history("L05", TEN)
    case = entrusted_case(items=("L02", "L05", "S04"))
    plan = _plan(api_as, case)
    # Legal: L02 1 → L05 10 → S04 7 after 6-01; expected: L05 takes 9 (median 8.5), 13 at the 80 % mark.
    assert plan["projected_permit_date"] == str(add_workdays(D("2026-06-01"), 18).date)
    assert plan["expected_permit_date"] == str(add_workdays(D("2026-06-01"), 17).date)
    assert plan["expected_permit_date_p80"] == str(add_workdays(D("2026-06-01"), 21).date)
    text = read_text(bytes(CaseDocument.objects.filter(case=case, kind="plan").latest("generated_at").content))
    assert "按实际办件预计" in text and "80%把握" in text and "按实际预计" in text


def test_the_demo_county_expects_a_permit_date_other_than_the_legal_one(demo):
    from daiban.plans.selectors import plan_detail

    details = [plan_detail(case) for case in Case.objects.filter(plan__isnull=False)]
    assert any(d["expected_permit_date"] and d["expected_permit_date"] != d["projected_permit_date"]
               for d in details)
    l05 = DurationFigure.objects.get(catalog_item__code="L05", department__isnull=True)
    assert l05.sample >= 12 and l05.mean > 10  # 环评报告表: promised 10 working days, took longer
