"""The task plan of a typical industrial project, by hand-computed dates across the 2026 holidays."""
from __future__ import annotations

import pytest

from conftest import request_payload
from daiban.cases.models import CaseDocument
from daiban.cases.services import case_agreement_set, request_accept
from daiban.documents.layout import read_text
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock

ITEMS = ["L01", "L02", "L03", "L04", "L05", "G01", "G02", "S01", "S02", "S03", "S04", "U01", "U02", "U03", "U04"]

# Start Monday 2026-09-28: 9-29, 9-30 work; 10-01..10-07 National Day; 10-08, 10-09 work; Saturday 10-10 is an
# adjusted working day. The start day is never counted; a chain takes the sum of its limits.
EXPECTED = {
    "L01": ("2026-09-28", "2026-10-10"),  # 5: 9-29, 9-30, 10-08, 10-09, 10-10 (调休上班)
    "L02": ("2026-09-28", "2026-09-29"),
    "L03": ("2026-10-10", "2026-10-12"),  # after L01
    "L04": ("2026-10-10", "2026-10-16"),
    "L05": ("2026-09-29", "2026-10-19"),  # 10 after L02: 9-30, 10-08, 09, 10, 12, 13, 14, 15, 16, 19
    "G01": ("2026-10-12", "2026-11-02"),
    "G02": ("2026-11-02", "2026-11-09"),  # latest of L03, L04, G01
    "S01": ("2026-11-09", "2026-11-23"),
    "S02": ("2026-11-23", "2026-11-30"),
    "S03": ("2026-11-23", "2026-11-26"),
    "S04": ("2026-11-30", "2026-12-09"),  # latest of G02, S01, S02, S03, L05 (L06 is the owner's own)
    "U01": ("2026-11-09", "2026-12-31"),  # 38 working days
    "U02": ("2026-11-09", "2026-11-12"),
    "U03": ("2026-11-09", "2026-11-16"),
    "U04": ("2026-11-09", "2026-11-16"),
}


@pytest.fixture
def entrusted_case(person):
    def make(items=ITEMS, **overrides):
        with clock.frozen("2026-09-25"):
            request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, **overrides)))
            case = request_accept(actor=person("aojiang"), request=request)
            case_agreement_set(actor=person("aojiang"), case=case, item_codes=list(items))
        return case

    return make


def test_a_typical_industrial_plan_comes_out_right_across_national_day(api_as, entrusted_case):
    case = entrusted_case()
    with clock.frozen("2026-09-25"):
        answer = api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-09-28"})
    assert answer.status_code == 201, answer.content
    plan = api_as("aojiang").get(f"cases/{case.pk}/plan").json()
    assert {i["code"]: (i["planned_start"], i["planned_due"]) for i in plan["items"]} == EXPECTED
    assert plan["projected_permit_date"] == "2026-12-09"
    assert plan["critical_path"] == ["L01", "L03", "G01", "G02", "U01"]
    assert plan["fits_100_day_target"] is True and plan["provisional"] is False
    s04 = next(i for i in plan["items"] if i["code"] == "S04")
    # 节能审查 binds only projects that need it (entrusted); L05 is this project's environmental approval.
    assert s04["owner_prerequisites"] == [] and "L05" in s04["prerequisites"]
    assert set(plan) >= {"start_date", "items", "critical_path", "projected_permit_date", "fits_100_day_target",
                         "provisional"}
    assert set(s04) >= {"code", "name", "stage", "department", "liaison", "prerequisites", "planned_start",
                        "planned_due", "provisional"}
    assert api_as("aojiang").get(f"cases/{case.pk}").json()["status"] == "in_progress"


def test_a_plan_starting_on_a_holiday_starts_on_its_deemed_day(api_as, entrusted_case):
    case = entrusted_case(items=["L02", "L05"])
    plan = api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-10-03"}).json()
    dates = {i["code"]: (i["planned_start"], i["planned_due"]) for i in plan["items"]}
    assert dates["L02"] == ("2026-10-08", "2026-10-09")
    assert plan["effective_start"] == "2026-10-08"


def test_a_plan_running_into_2027_is_provisional(api_as, entrusted_case):
    case = entrusted_case()
    plan = api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-12-01"}).json()
    assert plan["provisional"] is True
    by_code = {i["code"]: i for i in plan["items"]}
    assert by_code["L02"]["provisional"] is False and by_code["U01"]["provisional"] is True


def test_the_plan_docx_carries_the_items_the_flowchart_and_the_gantt(api_as, entrusted_case):
    case = entrusted_case()
    api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-09-28"})
    document = CaseDocument.objects.get(case=case, kind="plan")
    text = read_text(bytes(document.content))
    assert "建筑工程施工许可证" in text and "2026" in text and "流程图" in text and "时间表" in text
    import io
    import zipfile

    pictures = [n for n in zipfile.ZipFile(io.BytesIO(bytes(document.content))).namelist() if n.startswith("word/media/")]
    assert len(pictures) == 2


def test_moving_a_date_needs_a_reason_and_the_followers_move_with_it(api_as, entrusted_case):
    case = entrusted_case()
    api = api_as("aojiang")
    api.post(f"cases/{case.pk}/plan", {"start_date": "2026-09-28"})
    assert api.patch(f"cases/{case.pk}/plan/items/G01", {"reason": " ", "planned_due": "2026-11-06"}).status_code == 422
    plan = api.patch(f"cases/{case.pk}/plan/items/G01", {"reason": "设计方案需专家论证",
                                                         "planned_due": "2026-11-06"}).json()
    by_code = {i["code"]: i for i in plan["items"]}
    assert by_code["G01"]["planned_due"] == "2026-11-06" and by_code["G01"]["moved"] is True
    assert by_code["G02"]["planned_start"] == "2026-11-06"
    from daiban.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event_type="plan.item_moved").latest("seq").new["reason"] == "设计方案需专家论证"


def test_a_plan_needs_entrusted_items_and_another_unit_cannot_make_it(api_as, person):
    request, _ = request_submit(data=RequestData(**request_payload()))
    case = request_accept(actor=person("aojiang"), request=request)
    assert api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-09-28"}).status_code == 422
    assert api_as("kunyang").post(f"cases/{case.pk}/plan", {"start_date": "2026-09-28"}).status_code == 404
    assert api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-13-01"}).status_code == 422
