"""The project code comes with 企业投资项目备案（赋码）: its approval number, checked, written to the case."""
from __future__ import annotations

import pytest

from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.plans import services
from daiban.plans.tests.test_items_in_motion import case, item  # noqa: F401  (the fixture and helper)
from daiban.provincial.models import ProvincialMessage


def test_finishing_the_filing_gives_the_case_its_project_code(case, person):  # noqa: F811
    with clock.frozen("2026-11-03"):
        services.item_dispatch(actor=person("aojiang"), item=item(case, "L02"))
        services.item_start(actor=person("fgj"), item=item(case, "L02"))
        with pytest.raises(ValidationFailed) as refusal:
            services.item_finish(actor=person("fgj"), item=item(case, "L02"), approved=True,
                                 approval_no="2611-330327-04-01-000123")
        assert "应为项目所在县的代码 330326" in refusal.value.errors["approval_no"]
        assert item(case, "L02").status != "approved"
        services.item_finish(actor=person("fgj"), item=item(case, "L02"), approved=True,
                             approval_no="2611-330326-04-01-000123")
    case.project.refresh_from_db()
    assert case.project.project_code == "2611-330326-04-01-000123"
    assert ProvincialMessage.objects.filter(case=case, event="project_code").exists()
