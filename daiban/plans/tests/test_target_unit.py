"""The 100-day target in one unit everywhere: the page, the plan .docx and the API say the same number and unit."""
from __future__ import annotations

from django.test import override_settings

from daiban.cases.models import CaseDocument
from daiban.documents.layout import read_text
from daiban.lib import clock
from daiban.plans.tests.test_plan import entrusted_case  # noqa: F401  (the fixture)


def test_the_api_and_the_plan_docx_state_the_target_in_the_configured_unit(api_as, entrusted_case):  # noqa: F811
    case = entrusted_case()
    with clock.frozen("2026-09-25"):
        api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-09-28"})
    plan = api_as("aojiang").get(f"cases/{case.pk}/plan").json()
    assert (plan["target_limit"], plan["target_unit"], plan["target_unit_label"]) == (100, "workdays", "个工作日")
    text = read_text(bytes(CaseDocument.objects.filter(case=case, kind="plan").latest("pk").content))
    assert f"计划{plan['target_length']}个工作日，目标不超过100个工作日：符合" in text


def test_in_calendar_days_every_place_says_calendar_days(api_as, entrusted_case):  # noqa: F811
    case = entrusted_case()
    with override_settings(PERMIT_TARGET_UNIT="days"), clock.frozen("2026-09-25"):
        api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": "2026-09-28"})
        plan = api_as("aojiang").get(f"cases/{case.pk}/plan").json()
    assert plan["target_unit_label"] == "个自然日"
    text = read_text(bytes(CaseDocument.objects.filter(case=case, kind="plan").latest("pk").content))
    assert f"计划{plan['target_length']}个自然日，目标不超过100个自然日" in text
